"""Saving and loading training checkpoints and pretrained networks.

A checkpoint is a dictionary of tensors and plain Python values written with
``torch.save`` and read with ``torch.load(..., weights_only=True)``, so that
loading never runs code from the file. Files are written to a temporary name
in the same folder and then renamed, so a crash mid-write leaves the previous
checkpoint intact.
"""

from __future__ import annotations

import os
import pickle
import re
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch

from hdlesson.model import HDRNN, ModelConfig

FORMAT_VERSION = 1
REQUIRED_KEYS = ("format_version", "state_dict", "model_config", "train_config", "update")


class CheckpointError(ValueError):
    """A checkpoint file is unreadable, incomplete or from an incompatible version."""


def plain_values(value):
    """Return `value` with NumPy scalars turned into Python numbers, in nested
    dicts, lists and tuples too, so that ``weights_only`` loading accepts it."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: plain_values(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(plain_values(item) for item in value)
    return value


def check_writable(path) -> Path:
    """Create the folder of checkpoint `path` and check that a file can be written there.

    Call it before a long computation whose result goes to `path`, so that a bad
    path fails at once instead of after the work. Raises ValueError naming the
    path when it is a folder, and OSError naming it when the folder cannot be
    created or written.
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"checkpoint path {str(path)!r} is a folder; give a file name such as {str(path / 'run.pt')!r}.")
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise OSError(
                f"cannot write checkpoint {str(path)!r}: {str(folder)!r} is a file, not a folder; "
                "give a path in a folder."
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(prefix=path.name + ".", suffix=".probe", dir=path.parent)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OSError(
            f"cannot write checkpoint {str(path)!r}: {error.strerror or error}; give a path in a folder "
            "that exists or can be created, and that you can write to."
        ) from error
    return path


def save_checkpoint(path, model: HDRNN, train_config: dict, update: int, history: dict,
                    optimizer_state=None, metrics: dict | None = None, extra: dict | None = None):
    """Write a checkpoint atomically and return its path.

    Parameters
    ----------
    path : str or Path
        Destination file; its folder is created if needed.
    model : HDRNN
    train_config : dict
        The training configuration as plain values (``TrainConfig.to_dict()``).
    update : int
        Number of parameter updates done so far.
    history : dict of str to list of float
        Per-update training record; stored as float64 tensors.
    optimizer_state : dict, optional
        ``optimizer.state_dict()``, needed to resume training.
    metrics : dict, optional
        Evaluation results of the final network.
    extra : dict, optional
        Further plain values (library version, wall time).
    """
    from hdlesson import __version__

    path = check_writable(path)
    payload = {
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "state_dict": {k: v.detach().clone() for k, v in model.state_dict().items()},
        "model_config": plain_values(model.config.to_dict()),
        "train_config": plain_values(train_config),
        "update": int(update),
        "history": {k: torch.tensor(v, dtype=torch.float64) for k, v in history.items()},
        "metrics": plain_values(dict(metrics or {})),
        "extra": plain_values(dict(extra or {})),
    }
    if optimizer_state is not None:
        payload["optimizer_state"] = plain_values(optimizer_state)

    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp creates the file readable by its owner only; give it the
        # permissions of any other new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def read_checkpoint(path) -> dict:
    """Read and check a checkpoint file; return its dictionary.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CheckpointError
        If the file is not a readable checkpoint or comes from an
        incompatible format version.
    """
    path = Path(path)
    if path.is_dir():
        raise CheckpointError(
            f"checkpoint {str(path)!r} is a folder, not a file; give the path of a .pt file "
            "inside it, such as seed0.pt."
        )
    if not path.is_file():
        raise FileNotFoundError(
            f"checkpoint {str(path)!r} not found; check the path, or train a network with "
            "'python -m hdlesson train --preset paper --seed 0 --out DIR'."
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except (RuntimeError, pickle.UnpicklingError, zipfile.BadZipFile, EOFError, OSError,
            KeyError, ValueError, TypeError, AttributeError) as error:
        # torch.load reports a file that is not a checkpoint in many ways:
        # a plain text file, for example, raises KeyError in its unpickler.
        reason = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
        reason = f"{type(error).__name__}: {reason[0] if reason else ''}"
        # torch 2.13 reports "Unsupported global: GLOBAL numpy...", and torch 2.2
        # reports "Unsupported class numpy...".
        refused = re.search(r"Unsupported (?:global: GLOBAL|class) ([\w.]+)", str(error))
        if refused:
            raise CheckpointError(
                f"checkpoint {str(path)!r} contains a Python object of type {refused.group(1)}, which "
                "safe loading (torch.load with weights_only=True) refuses. hdlesson writes only "
                "tensors and plain values; write the file again with hdlesson.save_checkpoint "
                "or 'python -m hdlesson train'."
            ) from error
        raise CheckpointError(
            f"checkpoint {str(path)!r} cannot be read ({reason}); the file "
            "is corrupt or not a PyTorch checkpoint. Write it again with "
            "'python -m hdlesson train', or resume from an earlier checkpoint."
        ) from error

    if not isinstance(payload, dict):
        raise CheckpointError(
            f"checkpoint {str(path)!r} contains a {type(payload).__name__}, not an hdlesson "
            "checkpoint dictionary; write it with hdlesson.save_checkpoint or "
            "'python -m hdlesson train'."
        )
    if "snapshots" in payload:
        raise CheckpointError(
            f"{str(path)!r} contains training snapshots, not one network; load it with "
            "hdlesson.pretrained.load_development."
        )
    missing = [key for key in REQUIRED_KEYS if key not in payload]
    if missing:
        raise CheckpointError(
            f"checkpoint {str(path)!r} lacks the entries {missing}; it was not written by "
            "hdlesson. Write it with 'python -m hdlesson train'."
        )
    if payload["format_version"] != FORMAT_VERSION:
        raise CheckpointError(
            f"checkpoint {str(path)!r} has format version {payload['format_version']!r}, but "
            f"this hdlesson reads version {FORMAT_VERSION}; retrain it with this version "
            "('python -m hdlesson train') or install the hdlesson version that wrote it "
            f"({payload.get('library_version', 'unknown')})."
        )
    return payload


def model_from_checkpoint(payload: dict, source="checkpoint") -> HDRNN:
    """Build an HDRNN from a checkpoint dictionary and load its weights."""
    try:
        config = ModelConfig(**payload["model_config"])
    except TypeError as error:
        raise CheckpointError(
            f"{source} has an incompatible model configuration {payload['model_config']!r} "
            f"({error}); retrain it with this hdlesson version."
        ) from error
    model = HDRNN(config)
    try:
        model.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise CheckpointError(
            f"{source} does not match a {config.n_units}-unit HDRNN ({error}); retrain it with "
            "this hdlesson version."
        ) from error
    bad = [name for name, tensor in model.state_dict().items() if not torch.isfinite(tensor).all()]
    if bad:
        raise CheckpointError(
            f"{source} has NaN or infinite values in {bad}; it comes from a diverged run. Use an "
            "earlier checkpoint or retrain with a lower learning rate."
        )
    model.eval()
    return model


def load_checkpoint(path):
    """Load a network from a checkpoint file.

    Returns
    -------
    model : HDRNN
        In evaluation mode, with ``model.record`` holding the checkpoint's
        configuration, metrics, history and library version.
    """
    payload = read_checkpoint(path)
    model = model_from_checkpoint(payload, source=f"checkpoint {str(path)!r}")
    model.record = {key: value for key, value in payload.items() if key not in ("state_dict", "optimizer_state")}
    model.record["path"] = str(path)
    return model
