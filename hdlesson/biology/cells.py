"""Head-direction tuning of the recorded ADn cells, computed with the code used for network units.

Spikes are counted in time bins aligned to the tracking: one bin per HD
sample, with edges halfway between neighbouring timestamps (about 8.35 ms).
Count divided by bin duration is the rate at that sample, and
:func:`hdlesson.analysis.binned_tuning` averages those rates in HD bins, which
divides out occupancy exactly as it does for the network's units. Preferred
direction, width (full width at half maximum above the minimum) and mean
vector length come from :mod:`hdlesson.analysis.tuning` too.

A lag shifts the spikes against the tracking. With ``lag_seconds > 0`` a spike
at time ``t`` is paired with the HD at ``t + lag_seconds``, so a cell whose
tuning is sharpest at a positive lag fires ahead of the heading it encodes,
as anticipatory HD cells do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.analysis.tuning import (
    binned_tuning,
    mean_vector_length,
    preferred_direction,
    tuning_width_deg,
)
from hdlesson.biology.session import ADnSession

TWO_PI = 2.0 * np.pi


def tracking_bin_edges(tracking_times) -> np.ndarray:
    """Return time-bin edges centred on each tracking sample.

    Parameters
    ----------
    tracking_times : array, shape (samples,)
        Increasing timestamps in seconds.

    Returns
    -------
    ndarray, shape (samples + 1,)
        Edges in seconds halfway between neighbouring samples; the first and
        last bins extend half a sampling step beyond the first and last sample.
    """
    times = np.asarray(tracking_times, dtype=float)
    if times.ndim != 1 or times.size < 2:
        raise ValueError(
            f"tracking_times has shape {times.shape}; expected (samples,) with at least 2 samples."
        )
    steps = np.diff(times)
    if np.any(steps <= 0):
        raise ValueError("tracking_times is not strictly increasing; sort it and drop repeated samples.")

    middle = 0.5 * (times[1:] + times[:-1])
    first = times[0] - 0.5 * steps[0]
    last = times[-1] + 0.5 * steps[-1]
    return np.concatenate([[first], middle, [last]])


def binned_spike_counts(spike_times, edges, lag_seconds: float = 0.0) -> np.ndarray:
    """Count each unit's spikes in time bins, after shifting them by ``lag_seconds``.

    Parameters
    ----------
    spike_times : sequence of array
        Spike times in seconds, one array per unit.
    edges : array, shape (bins + 1,)
        Increasing bin edges in seconds.
    lag_seconds : float
        Added to every spike time before counting, so that a spike at ``t``
        counts in the bin containing ``t + lag_seconds``.

    Returns
    -------
    ndarray, shape (bins, units), int
    """
    if not np.isfinite(lag_seconds):
        raise ValueError(f"lag_seconds={lag_seconds!r} is invalid; use a finite number of seconds.")
    edges = np.asarray(edges, dtype=float)
    counts = np.empty((edges.size - 1, len(spike_times)), dtype=np.int64)
    for unit, spikes in enumerate(spike_times):
        counts[:, unit] = np.histogram(np.asarray(spikes) + lag_seconds, edges)[0]
    return counts


def tracking_aligned_rates(session: ADnSession, units="adn", lag_seconds: float = 0.0):
    """Return the firing rate of each unit at each tracking sample.

    Parameters
    ----------
    session : ADnSession
    units : str or sequence of int
        ``"adn"``, ``"ca1"``, ``"all"`` or unit indices.
    lag_seconds : float
        Pairs a spike at ``t`` with the HD sample at ``t + lag_seconds``.

    Returns
    -------
    rates : ndarray, shape (samples, units)
        Spike count in each tracking-aligned bin divided by its duration, in Hz.
    bin_seconds : ndarray, shape (samples,)
        Duration of each bin in seconds.
    """
    indices = session.select_units(units)
    edges = tracking_bin_edges(session.tracking_times)
    counts = binned_spike_counts([session.spike_times[i] for i in indices], edges, lag_seconds)
    bin_seconds = np.diff(edges)
    return counts / bin_seconds[:, None], bin_seconds


@dataclass(frozen=True)
class CellTuning:
    """HD tuning of recorded cells and its summaries.

    Attributes
    ----------
    units : ndarray, shape (units,), int
        Indices into ``ADnSession.spike_times``.
    bin_centers : ndarray, shape (bins,)
        HD bin centres in radians.
    curves_hz : ndarray, shape (units, bins)
        Mean rate in each HD bin in Hz; NaN in bins never visited.
    occupancy : ndarray, shape (bins,), int
        Number of tracking samples in each HD bin.
    preferred_direction : ndarray, shape (units,)
        Circular mean of each curve in radians.
    width_deg : ndarray, shape (units,)
        Full width at half maximum above the curve's minimum, in degrees.
    peak_rate_hz : ndarray, shape (units,)
        Maximum of each curve in Hz.
    mean_rate_hz : ndarray, shape (units,)
        Spike count divided by tracked time, in Hz.
    mean_vector_length : ndarray, shape (units,)
        Concentration of each curve around its preferred direction, in [0, 1].
    lag_seconds : float
        Shift of the spikes against the tracking used for these curves.
    """

    units: np.ndarray
    bin_centers: np.ndarray
    curves_hz: np.ndarray
    occupancy: np.ndarray
    preferred_direction: np.ndarray
    width_deg: np.ndarray
    peak_rate_hz: np.ndarray
    mean_rate_hz: np.ndarray
    mean_vector_length: np.ndarray
    lag_seconds: float

    @property
    def preferred_direction_deg(self) -> np.ndarray:
        return np.degrees(self.preferred_direction)


def real_cell_tuning(
    session: ADnSession,
    units="adn",
    n_bins: int = 36,
    lag_seconds: float = 0.0,
    interval=None,
) -> CellTuning:
    """Compute HD tuning curves of recorded cells and summarise them.

    Parameters
    ----------
    session : ADnSession
    units : str or sequence of int
        ``"adn"`` (default), ``"ca1"``, ``"all"`` or unit indices.
    n_bins : int
        Number of HD bins (36 gives 10-degree bins).
    lag_seconds : float
        Pairs a spike at ``t`` with the HD at ``t + lag_seconds``.
    interval : tuple of float, optional
        ``(start, stop)`` in seconds; only tracking samples inside it count.
        The whole tracking by default.

    Returns
    -------
    CellTuning
    """
    indices = session.select_units(units)
    rates, bin_seconds = tracking_aligned_rates(session, indices, lag_seconds)
    keep = _samples_in(session.tracking_times, interval)

    centers, curves, occupancy = binned_tuning(
        rates[keep], session.head_direction[keep], n_bins=n_bins, value_range=(0.0, TWO_PI)
    )
    spikes = (rates[keep] * bin_seconds[keep, None]).sum(axis=0)
    mean_rate = spikes / bin_seconds[keep].sum()

    return CellTuning(
        units=indices,
        bin_centers=centers,
        curves_hz=curves,
        occupancy=occupancy,
        preferred_direction=preferred_direction(curves, centers),
        width_deg=tuning_width_deg(curves, centers),
        peak_rate_hz=np.nanmax(curves, axis=1),
        mean_rate_hz=mean_rate,
        mean_vector_length=mean_vector_length(curves, centers),
        lag_seconds=float(lag_seconds),
    )


def _samples_in(times, interval) -> np.ndarray:
    """Return a mask of the samples inside ``interval``; all samples when it is None."""
    if interval is None:
        return np.ones(times.shape, dtype=bool)
    try:
        start, stop = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise ValueError(f"interval={interval!r} is invalid; pass (start, stop) in seconds.") from None
    keep = (times >= start) & (times < stop)
    if keep.sum() < 2:
        raise ValueError(
            f"interval={interval!r} contains {int(keep.sum())} tracking samples; the tracking "
            f"runs from {times[0]:.2f} s to {times[-1]:.2f} s."
        )
    return keep
