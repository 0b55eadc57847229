"""Population-vector decoding of head direction (HD) from the recorded ADn cells.

Each cell votes with a unit vector at its preferred direction, weighted by its
rate divided by its peak rate, so that a fast-firing cell does not outvote the
others. The decoded HD is the angle of the summed vector: the population
vector of Georgopoulos, Schwartz & Kettner (1986, Science 233:1416-1419),
applied to HD. Preferred directions and peak rates come from the first part
of the tracking (training) and the decoding is scored on the rest (test), so
the error is measured on data the tuning curves did not see.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.biology.cells import binned_spike_counts, real_cell_tuning
from hdlesson.biology.session import ADnSession
from hdlesson.validation import check_positive

TWO_PI = 2.0 * np.pi


def population_vector(rates, preferred, peak_rates=None):
    """Decode HD from rates as the angle of the rate-weighted sum of preferred directions.

    Parameters
    ----------
    rates : array, shape (samples, units)
        Rates (or spike counts) of each cell.
    preferred : array, shape (units,)
        Preferred direction of each cell in radians.
    peak_rates : array, shape (units,), optional
        Each cell's rate is divided by this before weighting; no scaling when
        omitted.

    Returns
    -------
    heading : ndarray, shape (samples,)
        Decoded HD in radians in ``[0, 2*pi)``; NaN where every cell is silent.
    vector_length : ndarray, shape (samples,)
        Length of the summed vector divided by the sum of weights, in [0, 1];
        low values mark unreliable estimates.
    """
    rates = np.asarray(rates, dtype=float)
    preferred = np.asarray(preferred, dtype=float)
    if rates.ndim != 2 or preferred.shape != (rates.shape[1],):
        raise ValueError(
            f"rates {rates.shape} and preferred {preferred.shape} do not match; expected rates "
            "(samples, units) and preferred (units,) in radians."
        )
    if not np.all(np.isfinite(preferred)):
        raise ValueError("preferred contains NaN; drop cells without a preferred direction first.")

    weights = rates
    if peak_rates is not None:
        peak_rates = np.asarray(peak_rates, dtype=float)
        if peak_rates.shape != preferred.shape or np.any(peak_rates <= 0):
            raise ValueError(
                f"peak_rates has shape {peak_rates.shape} or non-positive values; expected "
                f"{preferred.shape} positive rates."
            )
        weights = rates / peak_rates

    resultant = weights @ np.exp(1j * preferred)
    total = weights.sum(axis=1)
    silent = total <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        heading = np.where(silent, np.nan, np.mod(np.angle(resultant), TWO_PI))
        length = np.where(silent, 0.0, np.abs(resultant) / total)
    return heading, length


@dataclass(frozen=True)
class DecodingResult:
    """HD decoded from recorded cells on the test part of the tracking.

    Attributes
    ----------
    times : ndarray, shape (windows,)
        Centre of each decoding window in seconds.
    decoded : ndarray, shape (windows,)
        Decoded HD in radians; NaN in windows without spikes.
    actual : ndarray, shape (windows,)
        Circular mean of the tracked HD in each window, in radians.
    error : ndarray, shape (windows,)
        ``decoded - actual`` wrapped to ``[-pi, pi)``, in radians; NaN where
        nothing was decoded.
    window_seconds : float
    units : ndarray, shape (units,), int
        Cells used.
    """

    times: np.ndarray
    decoded: np.ndarray
    actual: np.ndarray
    error: np.ndarray
    window_seconds: float
    units: np.ndarray

    @property
    def median_abs_error_deg(self) -> float:
        return float(np.degrees(np.nanmedian(np.abs(self.error))))

    @property
    def mean_abs_error_deg(self) -> float:
        return float(np.degrees(np.nanmean(np.abs(self.error))))

    @property
    def fraction_decoded(self) -> float:
        """Fraction of windows with at least one spike."""
        return float(np.mean(np.isfinite(self.decoded)))


def decode_session(
    session: ADnSession,
    window_seconds: float = 0.1,
    units="adn",
    train_fraction: float = 0.5,
    lag_seconds: float = 0.0,
    n_bins: int = 36,
) -> DecodingResult:
    """Decode HD from recorded cells with a population vector and measure the error.

    Parameters
    ----------
    session : ADnSession
    window_seconds : float
        Length of the spike-count windows in seconds.
    units : str or sequence of int
        Cells used; the ADn cells by default.
    train_fraction : float
        Fraction of the tracking, from its start, used to measure preferred
        directions and peak rates; the rest is decoded.
    lag_seconds : float
        Pairs a spike at ``t`` with the HD at ``t + lag_seconds``, for both the
        tuning curves and the decoding.
    n_bins : int
        HD bins of the training tuning curves.

    Returns
    -------
    DecodingResult
    """
    check_positive("window_seconds", window_seconds)
    if not 0.0 < train_fraction < 1.0:
        raise ValueError(f"train_fraction={train_fraction!r} is invalid; use a fraction in (0, 1).")

    times = session.tracking_times
    split = times[0] + train_fraction * (times[-1] - times[0])
    tuning = real_cell_tuning(
        session, units, n_bins=n_bins, lag_seconds=lag_seconds, interval=(times[0], split)
    )
    usable = np.isfinite(tuning.preferred_direction) & (tuning.peak_rate_hz > 0)
    if not usable.any():
        raise ValueError(f"none of units={units!r} fires in the training part; choose other cells.")
    cells = tuning.units[usable]

    edges = np.arange(split, times[-1], window_seconds)
    if edges.size < 2:
        raise ValueError(
            f"window_seconds={window_seconds} leaves no window in the test part "
            f"({times[-1] - split:.1f} s); use shorter windows or a smaller train_fraction."
        )
    counts = binned_spike_counts([session.spike_times[i] for i in cells], edges, lag_seconds)
    decoded, _ = population_vector(
        counts / window_seconds, tuning.preferred_direction[usable], tuning.peak_rate_hz[usable]
    )
    actual = _circular_mean_per_window(times, session.head_direction, edges)

    error = np.mod(decoded - actual + np.pi, TWO_PI) - np.pi
    return DecodingResult(
        times=0.5 * (edges[:-1] + edges[1:]),
        decoded=decoded,
        actual=actual,
        error=error,
        window_seconds=float(window_seconds),
        units=cells,
    )


def _circular_mean_per_window(times, heading, edges) -> np.ndarray:
    """Circular mean of the HD samples in each window; NaN for a window without samples."""
    window = np.searchsorted(edges, times, side="right") - 1
    inside = (window >= 0) & (window < edges.size - 1)
    n_windows = edges.size - 1
    sin_sum = np.bincount(window[inside], np.sin(heading[inside]), n_windows)
    cos_sum = np.bincount(window[inside], np.cos(heading[inside]), n_windows)
    count = np.bincount(window[inside], minlength=n_windows)
    return np.where(count > 0, np.mod(np.arctan2(sin_sum, cos_sum), TWO_PI), np.nan)
