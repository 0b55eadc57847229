"""Networks trained by ``python -m hdlesson train`` and shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from hdlesson.checkpoint import load_checkpoint

PRETRAINED_DIR = Path(__file__).parent / "pretrained"

# Each variant is a folder of seed<N>.pt files, all trained with the "paper"
# preset; they differ in the AV statistics of the task.
VARIANTS = {
    "default": "the published task (AV innovation SD 0.03 rad per step)",
}


def available_seeds(variant: str = "default") -> list[int]:
    """Return the seeds of the shipped networks of one variant."""
    folder = _variant_dir(variant)
    return sorted(int(path.stem[len("seed"):]) for path in folder.glob("seed*.pt")
                  if path.stem[len("seed"):].isdigit())


def pretrained_path(seed: int = 0, variant: str = "default") -> Path:
    """Return the file of one shipped network."""
    path = _variant_dir(variant) / f"seed{seed}.pt"
    if not path.is_file():
        raise ValueError(
            f"no pretrained network with seed={seed!r} for variant {variant!r}; available seeds: "
            f"{available_seeds(variant)}. Train one with 'python -m hdlesson train --preset paper "
            f"--seed {seed} --out DIR' and load it with hdlesson.load_checkpoint."
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
        In evaluation mode. ``model.record`` holds its training config,
        library version, training wall time (``record["extra"]["wall_time_s"]``),
        per-update history and final metrics.
    """
    return load_checkpoint(pretrained_path(seed, variant))


def _variant_dir(variant: str) -> Path:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose one of {sorted(VARIANTS)}.")
    return PRETRAINED_DIR / variant
