"""Conversion and checks of array arguments, and small helpers shared by the analysis modules."""

from __future__ import annotations

import numpy as np
import torch


def to_numpy(name: str, value, dtype=None) -> np.ndarray:
    """Return ``value`` (array-like or Tensor) as a NumPy array of real numbers.

    Raises
    ------
    TypeError
        If the values are not real numbers.
    """
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    array = np.asarray(value)
    is_real = np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    if not is_real or array.dtype == bool:
        raise TypeError(f"{name} has dtype {array.dtype}; expected real numbers.")
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return array


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ValueError naming ``name`` if ``array`` contains NaN or infinite values."""
    bad = ~np.isfinite(array)
    if bad.any():
        raise ValueError(
            f"{name} contains {int(bad.sum())} NaN or infinite values; remove those "
            "samples or fill them (for example by interpolation) first."
        )


def check_n_bins(name: str, value) -> int:
    """Return ``value`` as an int if it is an integer of at least 2, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
        raise ValueError(f"{name}={value!r} is invalid; use an integer of at least 2.")
    return int(value)


def check_units(name: str, units, n_units: int) -> np.ndarray:
    """Return unit indices as an int array; accept indices or a boolean mask."""
    array = np.asarray(units)
    if array.ndim == 1 and array.size == 0:
        return np.zeros(0, dtype=int)
    if array.dtype == bool:
        if array.shape != (n_units,):
            raise ValueError(
                f"{name} is a boolean mask of shape {array.shape}; expected ({n_units},), "
                "one entry per unit."
            )
        return np.flatnonzero(array)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 1-D array of unit indices or a boolean mask over the "
            f"{n_units} units; got shape {array.shape} and dtype {array.dtype}."
        )
    if array.size and (array.min() < 0 or array.max() >= n_units):
        raise ValueError(
            f"{name} contains indices outside [0, {n_units}); use indices of existing units."
        )
    return array.astype(int)


def heading_slope(heading) -> np.ndarray:
    """Return the least-squares slope of each row of heading (trials, steps), radians per step.

    The heading is unwrapped first, so it must change by less than pi per step.
    """
    unwrapped = np.unwrap(heading, axis=1)
    steps = np.arange(unwrapped.shape[1]) - (unwrapped.shape[1] - 1) / 2
    centred = unwrapped - unwrapped.mean(axis=1, keepdims=True)
    return centred @ steps / (steps @ steps)
