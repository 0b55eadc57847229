"""Checks of user input that raise errors naming the value and the fix."""

from __future__ import annotations

import math
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


def _finite(value) -> bool:
    """math.isfinite for any real number, including ints too large for a float."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name}={value!r} is invalid; use a positive integer.")


def check_positive(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r} is invalid; use a positive number.")
    if not _finite(value) or value <= 0:
        raise ValueError(f"{name}={value!r} is invalid; use a positive finite number.")


def check_real(name: str, value, hint: str) -> None:
    """Raise TypeError unless `value` is a real number (not a bool or a string)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r} is invalid; {hint}")


def check_non_negative(name: str, value) -> None:
    check_real(name, value, "use a non-negative number.")
    if not _finite(value) or value < 0:
        raise ValueError(f"{name}={value!r} is invalid; use a non-negative finite number.")


def check_in_range(name: str, value, low: float, high: float, *, high_inclusive: bool = True, meaning: str = "") -> None:
    """Raise unless ``low <= value <= high`` (``< high`` when not `high_inclusive`)."""
    interval = f"[{low}, {high}]" if high_inclusive else f"[{low}, {high})"
    hint = f"use a number in {interval}{meaning}."
    check_real(name, value, hint)
    inside = low <= value <= high if high_inclusive else low <= value < high
    if not inside:
        raise ValueError(f"{name}={value!r} is invalid; {hint}")


MAX_SEED = 2**63 - 1


def check_seed(name: str, value) -> None:
    """Raise unless `value` is an integer in [0, 2**63 - 1], the range torch and NumPy both take."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value <= MAX_SEED:
        raise ValueError(f"{name}={value!r} is invalid; use an integer from 0 to 2**63 - 1.")
