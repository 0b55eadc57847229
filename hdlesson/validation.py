"""Checks of user input that raise errors naming the value and the fix."""

from __future__ import annotations

import numbers

import numpy as np


def as_generator(rng) -> np.random.Generator:
    """Return a NumPy Generator from a Generator, an int seed or None."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"seed={rng} is invalid; use a non-negative integer.")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng={rng!r} is invalid; pass a numpy.random.Generator, an integer "
        "seed, or None."
    )


def check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name}={value!r} is invalid; use a positive integer.")


def check_positive(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r} is invalid; use a positive number.")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name}={value!r} is invalid; use a positive finite number.")
