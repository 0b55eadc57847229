"""Anticipatory time interval (ATI): how far ahead of the true heading each unit fires.

Head-direction cells of the anterior thalamus fire for the heading the
animal will have a little later, about 17 ms ahead on average (Blair,
Lipscomb & Sharp 1997, J Neurophysiol 78:145). The ATI of a unit is the time
shift between its rate and the true head direction (HD) at which its HD
tuning is sharpest. Sharpness here is the occupancy-weighted mean vector
length of the rate against HD,

    MVL(s) = |sum_t w(t+s) r(t) exp(i HD(t+s))| / sum_t w(t+s) r(t),

where ``w`` is one over the occupancy of the HD bin of each sample. This is
the mean vector length of the binned tuning curve (see
``hdlesson.analysis.tuning``) without rounding HD to bin centres.

Sign convention: a positive ATI means the unit leads the heading, i.e. its
rate at time ``t`` matches the heading at ``t + ATI``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.analysis._arrays import check_finite, check_n_bins, to_numpy
from hdlesson.validation import check_positive


@dataclass(frozen=True)
class ATIResult:
    """Tuning sharpness against time shift, and the best shift of each unit.

    Attributes
    ----------
    shifts_ms : ndarray, shape (shifts,)
        Time shifts in milliseconds; positive = the rate is compared with
        later headings.
    sharpness : ndarray, shape (units, shifts)
        Occupancy-weighted mean vector length at each shift, in ``[0, 1]``;
        NaN for a unit silent at every sample.
    ati_ms : ndarray, shape (units,)
        Shift that maximises the sharpness, refined between steps by a
        parabola through the best shift and its two neighbours; NaN for
        silent units. A value at either end of ``shifts_ms`` means the true
        ATI may lie outside the range searched.
    peak_sharpness : ndarray, shape (units,)
        Sharpness at the best whole-step shift.
    """

    shifts_ms: np.ndarray
    sharpness: np.ndarray
    ati_ms: np.ndarray
    peak_sharpness: np.ndarray


def anticipatory_time_interval(rates, heading, dt_seconds: float, max_shift_ms: float = 200.0,
                               n_bins: int = 36, chunk_trials: int = 100) -> ATIResult:
    """Measure the ATI of every unit.

    Parameters
    ----------
    rates : array or Tensor, shape (trials, steps, units)
        Unit rates, one sample every ``dt_seconds``; leave out the cue steps.
    heading : array, shape (trials, steps)
        True HD in radians (any range).
    dt_seconds : float
        Time step in seconds (``model.dt``).
    max_shift_ms : float
        Shifts from ``-max_shift_ms`` to ``+max_shift_ms`` are tried, in
        whole steps.
    n_bins : int
        HD bins used for the occupancy weights.
    chunk_trials : int
        Trials per matrix product; bounds memory, not the result.

    Returns
    -------
    ATIResult
    """
    rates = to_numpy("rates", rates)
    heading = to_numpy("heading", heading, float)
    if rates.ndim != 3 or heading.shape != rates.shape[:2]:
        raise ValueError(
            f"rates has shape {rates.shape} and heading {heading.shape}; expected rates "
            "(trials, steps, units) and heading (trials, steps), so that time shifts stay "
            "within a trial."
        )
    check_finite("heading", heading)
    check_positive("dt_seconds", dt_seconds)
    check_positive("max_shift_ms", max_shift_ms)
    n_bins = check_n_bins("n_bins", n_bins)
    n_trials, n_steps, n_units = rates.shape
    max_shift = int(round(max_shift_ms / (1000.0 * dt_seconds)))
    if max_shift < 1 or max_shift >= n_steps // 2:
        raise ValueError(
            f"max_shift_ms={max_shift_ms} is {max_shift} steps of {dt_seconds * 1000:g} ms, but "
            f"must be 1 to {n_steps // 2 - 1} steps for trials of {n_steps} steps; change "
            "max_shift_ms or use longer trials."
        )
    shifts = np.arange(-max_shift, max_shift + 1)

    # Weight each sample by one over the occupancy of its HD bin.
    wrapped = np.mod(heading, 2 * np.pi)
    bin_index = np.minimum((wrapped / (2 * np.pi) * n_bins).astype(int), n_bins - 1)
    occupancy = np.bincount(bin_index.ravel(), minlength=n_bins)
    weight = 1.0 / occupancy[bin_index]
    weighted_phase = np.stack([weight * np.cos(heading), weight * np.sin(heading), weight], axis=-1)

    # For each shift s, sum r(t) * [w cos, w sin, w](t + s) over trials and valid t.
    sums = np.zeros((n_units, shifts.size, 3))
    for start in range(0, n_trials, chunk_trials):
        chunk = slice(start, start + chunk_trials)
        shifted = _shifted_copies(weighted_phase[chunk], shifts)
        flat_rates = rates[chunk].reshape(-1, n_units).astype(np.float64)
        products = flat_rates.T @ shifted.reshape(flat_rates.shape[0], shifts.size * 3)
        sums += products.reshape(n_units, shifts.size, 3)

    with np.errstate(invalid="ignore", divide="ignore"):
        sharpness = np.hypot(sums[..., 0], sums[..., 1]) / sums[..., 2]
    sharpness = np.where(sums[..., 2] > 0, sharpness, np.nan)

    best = np.argmax(np.nan_to_num(sharpness, nan=-1.0), axis=1)
    refined = best + _parabola_offset(sharpness, best)
    step_ms = 1000.0 * dt_seconds
    silent = ~np.isfinite(sharpness).any(axis=1)
    ati = np.where(silent, np.nan, (refined - max_shift) * step_ms)
    peak = np.where(silent, np.nan, sharpness[np.arange(n_units), best])
    return ATIResult(shifts_ms=shifts * step_ms, sharpness=sharpness, ati_ms=ati, peak_sharpness=peak)


def _shifted_copies(values, shifts):
    """Return ``out[n, t, k, :] = values[n, t + shifts[k], :]``, zero where ``t + shift`` leaves the trial."""
    n_trials, n_steps, n_channels = values.shape
    out = np.zeros((n_trials, n_steps, shifts.size, n_channels))
    for k, shift in enumerate(shifts):
        if shift >= 0:
            out[:, : n_steps - shift, k] = values[:, shift:]
        else:
            out[:, -shift:, k] = values[:, : n_steps + shift]
    return out


def _parabola_offset(values, best):
    """Sub-step offset in [-0.5, 0.5] of the maximum of a parabola through best-1, best, best+1."""
    n_units, n_shifts = values.shape
    inner = (best > 0) & (best < n_shifts - 1)
    rows = np.arange(n_units)
    left = values[rows, np.clip(best - 1, 0, n_shifts - 1)]
    centre = values[rows, best]
    right = values[rows, np.clip(best + 1, 0, n_shifts - 1)]
    curvature = left - 2 * centre + right
    with np.errstate(invalid="ignore", divide="ignore"):
        offset = 0.5 * (left - right) / curvature
    offset = np.where(inner & (curvature < 0) & np.isfinite(offset), offset, 0.0)
    return np.clip(offset, -0.5, 0.5)
