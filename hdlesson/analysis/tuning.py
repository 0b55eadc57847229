"""Tuning curves: mean rate of each unit as a function of head direction (HD) and angular velocity (AV).

A tuning curve is the mean rate of a unit in each bin of a behavioural
variable, which divides out how often each bin was visited (its occupancy).
The summaries here are the usual ones for head-direction cells:

- preferred direction, the circular mean of the curve (radians);
- mean vector length, how concentrated the curve is around that direction
  (0 for a flat curve, 1 for a curve that is non-zero in one bin only);
- tuning width, the full width at half maximum above the curve's minimum
  (degrees), measured around the circle through the peak;
- AV sensitivity, the slope of the rate against AV at the preferred direction,
  and the asymmetry between counter-clockwise (CCW, positive AV) and clockwise
  (CW, negative AV) turns.

Sign convention, used by every module of ``hdlesson.analysis``: positive AV
increases the heading angle, which is a counter-clockwise turn in the standard
mathematical orientation.
"""

from __future__ import annotations

import numpy as np

from hdlesson.analysis._arrays import check_finite, check_n_bins, to_numpy

TWO_PI = 2.0 * np.pi


def binned_tuning(values, variable, n_bins: int = 36, value_range=(0.0, TWO_PI)):
    """Average each column of ``values`` within bins of ``variable``.

    Parameters
    ----------
    values : array or Tensor, shape (samples, units)
        Rates (or any per-unit quantity) at each sample.
    variable : array or Tensor, shape (samples,)
        The variable to bin, in the units of ``value_range`` (for example HD
        in radians or AV in radians per second).
    n_bins : int
        Number of equal-width bins spanning ``value_range``.
    value_range : tuple of float
        ``(low, high)`` edges. Samples outside ``[low, high]`` are left out,
        and a sample equal to ``high`` counts in the last bin.

    Returns
    -------
    bin_centers : ndarray, shape (bins,)
        Centre of each bin, in the units of ``variable``.
    mean : ndarray, shape (units, bins)
        Mean of ``values`` in each bin; NaN where a bin has no sample.
    occupancy : ndarray, shape (bins,), int
        Number of samples in each bin.
    """
    n_bins = check_n_bins("n_bins", n_bins)
    low, high = _check_range("value_range", value_range)
    values, variable = _check_samples(values, variable)

    edges = np.linspace(low, high, n_bins + 1)
    bin_index = _bin_index(variable, low, high, n_bins)
    mean, occupancy = _mean_per_bin(values, bin_index, n_bins)
    return 0.5 * (edges[:-1] + edges[1:]), mean, occupancy


def hd_tuning_curves(rates, heading, n_bins: int = 36):
    """Compute the HD tuning curve of every unit.

    Parameters
    ----------
    rates : array or Tensor, shape (trials, steps, units) or (samples, units)
        Unit rates.
    heading : array or Tensor, shape (trials, steps) or (samples,)
        True HD in radians at the same samples as ``rates``, in any range,
        because it is wrapped to ``[0, 2*pi)``.
    n_bins : int
        Number of HD bins around the circle (36 gives 10-degree bins).

    Returns
    -------
    bin_centers : ndarray, shape (bins,)
        Bin centres in radians, in ``[0, 2*pi)``.
    curves : ndarray, shape (units, bins)
        Mean rate of each unit in each HD bin; NaN in bins never visited.
    occupancy : ndarray, shape (bins,), int
        Number of samples in each bin.
    """
    rates, heading = _flatten_samples(rates, heading, "heading")
    return binned_tuning(rates, np.mod(heading, TWO_PI), n_bins, (0.0, TWO_PI))


def joint_tuning(rates, heading, av, hd_bins: int = 36, av_bins: int = 21, av_range=None):
    """Compute HD x AV tuning maps: the mean rate in each (HD bin, AV bin).

    Parameters
    ----------
    rates : array or Tensor, shape (trials, steps, units) or (samples, units)
        Unit rates.
    heading : array or Tensor, shape (trials, steps) or (samples,)
        True HD in radians, any range (wrapped to ``[0, 2*pi)``).
    av : array or Tensor, same shape as ``heading``
        AV at the same samples, in any unit (radians per second for
        ``Trials.angular_velocity_rad_per_s``); positive is CCW.
    hd_bins, av_bins : int
        Number of bins along each axis. An odd ``av_bins`` with a symmetric
        range gives a bin centred on zero AV.
    av_range : tuple of float, optional
        ``(low, high)`` AV edges in the unit of ``av``; samples outside are
        left out. By default the range is symmetric about zero and spans the
        99th percentile of ``|av|``.

    Returns
    -------
    hd_centers : ndarray, shape (hd_bins,)
        Radians.
    av_centers : ndarray, shape (av_bins,)
        In the unit of ``av``.
    maps : ndarray, shape (units, hd_bins, av_bins)
        Mean rate; NaN in bins never visited.
    occupancy : ndarray, shape (hd_bins, av_bins), int
        Number of samples in each bin.
    """
    hd_bins = check_n_bins("hd_bins", hd_bins)
    av_bins = check_n_bins("av_bins", av_bins)
    _, av = _flatten_samples(rates, av, "av")
    rates, heading = _flatten_samples(rates, heading, "heading")
    check_finite("av", av)

    if av_range is None:
        limit = float(np.percentile(np.abs(av), 99))
        if limit == 0.0:
            raise ValueError(
                "av is zero at 99% of the samples, so no default AV range exists; pass "
                "av_range=(low, high) explicitly or use trials with turns."
            )
        av_range = (-limit, limit)
    av_low, av_high = _check_range("av_range", av_range)

    hd_index = _bin_index(np.mod(heading, TWO_PI), 0.0, TWO_PI, hd_bins)
    av_index = _bin_index(av, av_low, av_high, av_bins)
    keep = (hd_index >= 0) & (av_index >= 0)
    joint_index = np.where(keep, hd_index * av_bins + av_index, -1)
    mean, occupancy = _mean_per_bin(rates, joint_index, hd_bins * av_bins)

    hd_edges = np.linspace(0.0, TWO_PI, hd_bins + 1)
    av_edges = np.linspace(av_low, av_high, av_bins + 1)
    return (
        0.5 * (hd_edges[:-1] + hd_edges[1:]),
        0.5 * (av_edges[:-1] + av_edges[1:]),
        mean.reshape(-1, hd_bins, av_bins),
        occupancy.reshape(hd_bins, av_bins),
    )


def preferred_direction(curves, centers) -> np.ndarray:
    """Return each unit's preferred direction, the circular mean of its tuning curve.

    Parameters
    ----------
    curves : array, shape (units, bins) or (bins,)
        Non-negative tuning curves; NaN bins are ignored.
    centers : array, shape (bins,)
        Bin centres in radians.

    Returns
    -------
    ndarray, shape (units,) or scalar
        Radians in ``[0, 2*pi)``; NaN for a unit whose curve is zero
        everywhere or balanced so that its mean vector vanishes.
    """
    resultant, total = _resultant(curves, centers)
    angle = np.mod(np.angle(resultant), TWO_PI)
    undefined = (total <= 0) | (np.abs(resultant) <= 1e-12 * np.maximum(total, 1e-300))
    return np.where(undefined, np.nan, angle)


def mean_vector_length(curves, centers) -> np.ndarray:
    """Return the mean vector length of each tuning curve.

    Parameters
    ----------
    curves : array, shape (units, bins) or (bins,)
        Non-negative tuning curves; NaN bins are ignored.
    centers : array, shape (bins,)
        Bin centres in radians.

    Returns
    -------
    ndarray, shape (units,) or scalar
        ``|sum_k r_k exp(i c_k)| / sum_k r_k``, in ``[0, 1]``; NaN for a curve
        that is zero everywhere.
    """
    resultant, total = _resultant(curves, centers)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, np.abs(resultant) / total, np.nan)


def tuning_width_deg(curves, centers) -> np.ndarray:
    """Return the full width at half maximum of each tuning curve, in degrees.

    Half maximum is measured above the curve's minimum,
    ``min + (max - min) / 2``. The width is that of the run of bins above half
    maximum that contains the peak, followed around the circle, with linear
    interpolation between the last bin above and the first bin below on each
    side.

    Parameters
    ----------
    curves : array, shape (units, bins) or (bins,)
        Tuning curves. NaN bins count as below half maximum, so a gap next to
        the peak narrows the width.
    centers : array, shape (bins,)
        Equally spaced bin centres in radians covering the circle.

    Returns
    -------
    ndarray, shape (units,) or scalar
        Degrees in ``(0, 360)``; NaN for a flat curve or one without any
        finite value.
    """
    curves, centers, single = _check_curves(curves, centers)
    n_units, n_bins = curves.shape
    bin_width_deg = 360.0 / n_bins

    finite = np.isfinite(curves)
    has_data = finite.any(axis=1)
    filled = np.where(finite, curves, -np.inf)
    peak_bin = np.argmax(filled, axis=1)
    peak = np.where(has_data, filled.max(axis=1), np.nan)
    minimum = np.where(has_data, np.where(finite, curves, np.inf).min(axis=1), np.nan)
    half = minimum + 0.5 * (peak - minimum)

    # Walk right (+1) and left (-1) from the peak, one lap at most.
    offsets = np.arange(1, n_bins)
    widths = np.zeros(n_units)
    for direction in (+1, -1):
        index = np.mod(peak_bin[:, None] + direction * offsets[None, :], n_bins)
        walk = np.take_along_axis(filled, index, axis=1)
        above = walk >= half[:, None]
        run = np.cumprod(above, axis=1).sum(axis=1)

        # Interpolate between the last bin above (or the peak) and the first below.
        last_above = _take(walk, np.maximum(run - 1, 0))
        last_above = np.where(run > 0, last_above, peak)
        first_below = _take(walk, np.minimum(run, n_bins - 2))
        first_below = np.where(np.isfinite(first_below), first_below, minimum)
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = (last_above - half) / (last_above - first_below)
        fraction = np.clip(np.nan_to_num(fraction, nan=0.5), 0.0, 1.0)
        widths += run + fraction

    # The minimum bin is always below half maximum, so the two walks stop
    # before meeting and the width stays below 360 degrees.
    widths = widths * bin_width_deg
    flat = ~has_data | ~(peak > minimum)
    widths = np.where(flat, np.nan, widths)
    return widths[0] if single else widths


def av_sensitivity(maps, hd_centers, av_centers, preferred=None):
    """Measure how each unit's rate depends on AV.

    Parameters
    ----------
    maps : array, shape (units, hd_bins, av_bins)
        HD x AV tuning maps from :func:`joint_tuning`.
    hd_centers : array, shape (hd_bins,)
        HD bin centres in radians.
    av_centers : array, shape (av_bins,)
        AV bin centres, in any unit (radians per second by convention).
    preferred : array, shape (units,), optional
        Preferred direction of each unit in radians; by default the circular
        mean of the map averaged over AV.

    Returns
    -------
    slope : ndarray, shape (units,)
        Least-squares slope of the rate against AV in the HD bin nearest the
        preferred direction, in rate per unit of AV. Positive means more
        active in CCW turns.
    asymmetry : ndarray, shape (units,)
        ``(R_ccw - R_cw) / (R_ccw + R_cw)`` in ``[-1, 1]``, where ``R_ccw``
        and ``R_cw`` are the rate averaged over all HD bins and over the AV
        bins with positive and negative centres. +1 means active only in CCW
        (positive-AV) turns, -1 only in CW (negative-AV) turns. NaN for a
        unit silent in both.
    """
    maps = to_numpy("maps", maps, float)
    hd_centers = to_numpy("hd_centers", hd_centers, float)
    av_centers = to_numpy("av_centers", av_centers, float)
    if maps.ndim != 3 or maps.shape[1:] != (hd_centers.size, av_centers.size):
        raise ValueError(
            f"maps has shape {maps.shape}; expected (units, {hd_centers.size}, {av_centers.size}) "
            "to match hd_centers and av_centers, as returned by joint_tuning."
        )
    n_units = maps.shape[0]

    if preferred is None:
        with np.errstate(invalid="ignore"):
            hd_curves = _nanmean(maps, axis=2)
        preferred = preferred_direction(hd_curves, hd_centers)
    preferred = to_numpy("preferred", preferred, float)
    if preferred.shape != (n_units,):
        raise ValueError(f"preferred has shape {preferred.shape}; expected ({n_units},), radians per unit.")

    # Rate against AV in the HD bin nearest each unit's preferred direction.
    distance = np.abs(np.angle(np.exp(1j * (hd_centers[None, :] - np.nan_to_num(preferred)[:, None]))))
    nearest = np.argmin(distance, axis=1)
    rate_vs_av = maps[np.arange(n_units), nearest, :]
    slope = _nan_slope(av_centers, rate_vs_av)
    slope = np.where(np.isnan(preferred), np.nan, slope)

    hd_average = _nanmean(maps, axis=1)
    ccw = _nanmean(hd_average[:, av_centers > 0], axis=1)
    cw = _nanmean(hd_average[:, av_centers < 0], axis=1)
    total = ccw + cw
    with np.errstate(invalid="ignore", divide="ignore"):
        asymmetry = np.where(total > 0, (ccw - cw) / total, np.nan)
    return slope, asymmetry


def _check_range(name, value_range):
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value_range!r} is invalid; pass two numbers (low, high).") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name}={value_range!r} is invalid; use finite edges with low < high.")
    return low, high


def _check_samples(values, variable):
    values = to_numpy("values", values)
    variable = to_numpy("variable", variable, float)
    if values.ndim != 2:
        raise ValueError(
            f"values has shape {values.shape}; expected (samples, units). Reshape rates of "
            "shape (trials, steps, units) with rates.reshape(-1, rates.shape[-1])."
        )
    if variable.shape != (values.shape[0],):
        raise ValueError(
            f"variable has shape {variable.shape}; expected ({values.shape[0]},), one value "
            "per sample (row) of values."
        )
    check_finite("variable", variable)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(float)
    return values, variable


def _flatten_samples(rates, variable, name):
    """Reshape rates to (samples, units) and ``variable`` to (samples,)."""
    rates = to_numpy("rates", rates)
    variable = to_numpy(name, variable, float)
    if rates.ndim == 3:
        if variable.shape != rates.shape[:2]:
            raise ValueError(
                f"{name} has shape {variable.shape}; expected {rates.shape[:2]}, one value per "
                "trial and step of rates (trials, steps, units)."
            )
        return rates.reshape(-1, rates.shape[-1]), variable.reshape(-1)
    if rates.ndim == 2:
        if variable.shape != (rates.shape[0],):
            raise ValueError(
                f"{name} has shape {variable.shape}; expected ({rates.shape[0]},), one value per "
                "sample of rates (samples, units)."
            )
        return rates, variable
    raise ValueError(
        f"rates has shape {rates.shape}; expected (trials, steps, units) or (samples, units)."
    )


def _bin_index(variable, low, high, n_bins):
    """Return the bin of each sample, or -1 for samples outside ``[low, high]``."""
    scaled = (variable - low) / (high - low) * n_bins
    index = np.floor(scaled).astype(np.int64)
    index[variable == high] = n_bins - 1
    index[(variable < low) | (variable > high)] = -1
    return index


def _mean_per_bin(values, bin_index, n_bins):
    """Mean of the rows of ``values`` per bin; rows with a negative bin are skipped.

    Sorting the samples by bin and summing contiguous runs with
    ``np.add.reduceat`` keeps memory at one copy of ``values`` and sums in
    float64 even for float32 rates.
    """
    keep = bin_index >= 0
    occupancy = np.bincount(bin_index[keep], minlength=n_bins)
    mean = np.full((values.shape[1], n_bins), np.nan)
    if not keep.any():
        return mean, occupancy

    order = np.argsort(bin_index, kind="stable")
    order = order[bin_index[order] >= 0]
    filled_bins = np.flatnonzero(occupancy)
    starts = np.concatenate([[0], np.cumsum(occupancy[filled_bins])[:-1]])
    sums = np.add.reduceat(values[order], starts, axis=0, dtype=np.float64)
    mean[:, filled_bins] = (sums / occupancy[filled_bins, None]).T
    return mean, occupancy


def _check_curves(curves, centers):
    curves = to_numpy("curves", curves, float)
    centers = to_numpy("centers", centers, float)
    single = curves.ndim == 1
    if single:
        curves = curves[None, :]
    if curves.ndim != 2 or centers.shape != (curves.shape[1],):
        raise ValueError(
            f"curves has shape {curves.shape} and centers {centers.shape}; expected curves "
            "(units, bins) or (bins,) and centers (bins,) in radians."
        )
    if centers.size and np.nanmax(np.abs(centers)) > 2 * TWO_PI:
        raise ValueError(
            f"centers reach {np.nanmax(np.abs(centers)):.1f}, which looks like degrees; pass "
            "bin centres in radians (numpy.deg2rad)."
        )
    return curves, centers, single


def _resultant(curves, centers):
    curves, centers, single = _check_curves(curves, centers)
    weights = np.nan_to_num(curves, nan=0.0)
    resultant = weights @ np.exp(1j * centers)
    total = weights.sum(axis=1)
    if single:
        return resultant[0], total[0]
    return resultant, total


def _take(array, index):
    """Return ``array[i, index[i]]`` for every row ``i``."""
    return np.take_along_axis(array, index[:, None], axis=1)[:, 0]


def _nanmean(array, axis):
    """Mean over ``axis`` ignoring NaN, NaN where every value is NaN, without warnings."""
    finite = np.isfinite(array)
    count = finite.sum(axis=axis)
    total = np.where(finite, array, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _nan_slope(x, y):
    """Least-squares slope of each row of ``y`` (units, points) against ``x``, ignoring NaN."""
    finite = np.isfinite(y)
    count = finite.sum(axis=1)
    x_mean = np.where(finite, x[None, :], 0.0).sum(axis=1) / np.maximum(count, 1)
    y_mean = np.where(finite, y, 0.0).sum(axis=1) / np.maximum(count, 1)
    dx = np.where(finite, x[None, :] - x_mean[:, None], 0.0)
    dy = np.where(finite, y - y_mean[:, None], 0.0)
    variance = (dx**2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((count >= 2) & (variance > 0), (dx * dy).sum(axis=1) / variance, np.nan)
