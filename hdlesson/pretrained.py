"""Networks trained by ``python -m hdlesson train`` and shipped inside the package."""

from __future__ import annotations

import numbers
from pathlib import Path

from hdlesson.checkpoint import load_checkpoint
from hdlesson.variants import DESCRIPTIONS as VARIANTS

PRETRAINED_DIR = Path(__file__).parent / "pretrained"
# Each variant is a folder of seed<N>.pt files, all trained with the "paper"
# preset; they differ in the AV statistics of the task (see hdlesson.variants).


def available_seeds(variant: str = "default") -> list[int]:
    """Return the seeds of the shipped networks of one variant."""
    folder = _variant_dir(variant)
    if not folder.is_dir():
        return []
    return sorted(int(path.stem[len("seed"):]) for path in folder.glob("seed*.pt")
                  if path.stem[len("seed"):].isdigit())


def pretrained_path(seed: int = 0, variant: str = "default") -> Path:
    """Return the file of one shipped network."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"seed={seed!r} is invalid; give a non-negative integer, one of "
            f"{available_seeds(variant)} for variant {variant!r}."
        )
    path = _variant_dir(variant) / f"seed{int(seed)}.pt"
    if not path.is_file():
        raise ValueError(
            f"no pretrained network with seed={seed!r} for variant {variant!r}; available seeds: "
            f"{available_seeds(variant)}. Train one with 'python -m hdlesson train --variant "
            f"{variant} --seed {seed} --out DIR' and load it with hdlesson.load_checkpoint."
        )
    return path


def load_pretrained(seed: int = 0, variant: str = "default"):
    """Load a shipped network.

    Parameters
    ----------
    seed : int
        Seed of the training run.
    variant : str
        Which task statistics the network was trained on; see ``VARIANTS``.

    Returns
    -------
    HDRNN
        In evaluation mode. ``model.record`` contains its training config,
        library version, training wall time (``record["extra"]["wall_time_s"]``),
        per-update history and final metrics.
    """
    return load_checkpoint(pretrained_path(seed, variant))


def _variant_dir(variant: str) -> Path:
    if not isinstance(variant, str) or variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(VARIANTS)}.")
    return PRETRAINED_DIR / variant


def load_development(variant: str = "default", seed: int = 0) -> dict:
    """Load the snapshots saved along the training of one shipped network.

    Returns
    -------
    dict
        Maps each update number (int) to an ``HDRNN`` holding the weights
        after that many updates (0 is the initial network).
    """
    import torch

    from hdlesson.checkpoint import CheckpointError, model_from_checkpoint

    path = _variant_dir(variant) / f"seed{seed}.development.pt"
    if not path.is_file():
        raise ValueError(
            f"no training snapshots for variant {variant!r}, seed {seed}; they are shipped for "
            "the default variant's seed 0 only. Save your own with 'python -m hdlesson train "
            "--snapshots 0,100,500 ...'."
        )
    payload = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(payload, dict) or "snapshots" not in payload:
        raise CheckpointError(f"{str(path)!r} is not an hdlesson snapshot file.")
    snapshots = {}
    for update, state_dict in payload["snapshots"].items():
        entry = {"state_dict": state_dict, "model_config": payload["model_config"]}
        snapshots[int(update)] = model_from_checkpoint(entry, source=f"{str(path)!r}")
    return dict(sorted(snapshots.items()))
