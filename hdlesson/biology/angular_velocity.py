"""Angular velocity (AV) of the recorded head, its statistics, and an AR(1) fit for the task.

AV is the time derivative of the unwrapped head direction (HD). Differencing
120 Hz tracking amplifies tracking jitter, so the unwrapped HD is first
smoothed with a Gaussian kernel. The default kernel SD of 30 ms keeps turns
slower than about 6 Hz (the kernel's half-amplitude frequency is
0.1874 / SD). The statistics depend on this choice: on session A2929-200711
the median |AV| is about 21, 15 and 10 deg/s for SDs of 0, 30 and 100 ms, and
the SD of AV about 88, 73 and 54 deg/s (measured with this module).

Sign convention, as in :mod:`hdlesson.analysis`: positive AV increases the HD
angle, a counter-clockwise (CCW) turn.

The training task draws AV from an AR(1) process per step of ``dt`` seconds,
``av[t] = a * av[t-1] + s * xi[t]`` (:class:`hdlesson.task.Task`).
:func:`fit_ar1` estimates ``a`` and ``s`` from the recorded AV at any ``dt``
so the two can be compared, or a task built with the mouse's statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.biology.session import ADnSession
from hdlesson.task import Task
from hdlesson.validation import check_positive

DEFAULT_SMOOTHING_SECONDS = 0.03
DEFAULT_STILL_THRESHOLD_DEG_PER_S = 10.0


def smooth_unwrapped_heading(times, heading, smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS):
    """Unwrap HD and smooth it with a Gaussian kernel.

    Parameters
    ----------
    times : array, shape (samples,)
        Increasing timestamps in seconds, close to evenly spaced.
    heading : array, shape (samples,)
        HD in radians (wrapped or not).
    smoothing_seconds : float
        SD of the Gaussian kernel in seconds; 0 skips smoothing.

    Returns
    -------
    ndarray, shape (samples,)
        Unwrapped, smoothed HD in radians. The ends are padded with the first
        and last value before filtering, so they carry no artefact of a zero
        padding.
    """
    times = np.asarray(times, dtype=float)
    heading = np.asarray(heading, dtype=float)
    if times.ndim != 1 or heading.shape != times.shape or times.size < 3:
        raise ValueError(
            f"times {times.shape} and heading {heading.shape} must be 1-D, of equal length and "
            "at least 3 samples long."
        )
    if not (np.all(np.isfinite(heading)) and np.all(np.diff(times) > 0)):
        raise ValueError("heading must be finite and times strictly increasing; drop bad samples first.")
    if not np.isfinite(smoothing_seconds) or smoothing_seconds < 0:
        raise ValueError(
            f"smoothing_seconds={smoothing_seconds!r} is invalid; use a non-negative number of seconds."
        )

    unwrapped = np.unwrap(heading)
    if smoothing_seconds == 0:
        return unwrapped

    step = float(np.median(np.diff(times)))
    sd_samples = smoothing_seconds / step
    radius = int(np.ceil(4.0 * sd_samples))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sd_samples) ** 2)
    kernel /= kernel.sum()

    padded = np.pad(unwrapped, radius, mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def head_angular_velocity(session: ADnSession, smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS):
    """Return the head's AV at each tracking sample.

    Parameters
    ----------
    session : ADnSession
    smoothing_seconds : float
        SD of the Gaussian kernel applied to the unwrapped HD, in seconds.

    Returns
    -------
    ndarray, shape (samples,)
        AV in radians per second; positive is CCW (HD increasing).
    """
    smooth = smooth_unwrapped_heading(session.tracking_times, session.head_direction, smoothing_seconds)
    return np.gradient(smooth, session.tracking_times)


def resample_heading(
    session: ADnSession,
    dt_seconds: float,
    smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS,
):
    """Resample the recorded HD to a step of ``dt_seconds`` and difference it into AV.

    The smoothed, unwrapped HD is interpolated linearly at
    ``t0 + k * dt_seconds`` from the first tracking sample ``t0``, and AV at
    step ``k`` is ``(heading[k+1] - heading[k]) / dt_seconds``. Summing
    ``av * dt_seconds`` therefore gives back the resampled HD exactly, which
    is what a network that integrates AV needs, whether ``dt_seconds`` is
    shorter or longer than the tracking step.

    Parameters
    ----------
    session : ADnSession
    dt_seconds : float
        Step in seconds, for example ``model.dt``.
    smoothing_seconds : float
        SD of the Gaussian kernel applied to the unwrapped HD, in seconds.

    Returns
    -------
    times : ndarray, shape (steps + 1,)
        Grid times in seconds.
    av_rad_per_s : ndarray, shape (steps,)
        AV over each step in radians per second.
    heading : ndarray, shape (steps + 1,)
        Smoothed, unwrapped HD in radians at the grid times.
    """
    check_positive("dt_seconds", dt_seconds)
    times = session.tracking_times
    n_steps = int(np.floor((times[-1] - times[0]) / dt_seconds))
    if n_steps < 2:
        raise ValueError(
            f"dt_seconds={dt_seconds} leaves fewer than 2 steps in {times[-1] - times[0]:.1f} s of "
            "tracking; use a shorter step."
        )

    smooth = smooth_unwrapped_heading(times, session.head_direction, smoothing_seconds)
    grid = times[0] + np.arange(n_steps + 1) * dt_seconds
    heading = np.interp(grid, times, smooth)
    return grid, np.diff(heading) / dt_seconds, heading


def autocorrelation(values, max_lag: int) -> np.ndarray:
    """Return the autocorrelation of a series at lags ``0..max_lag`` samples.

    Parameters
    ----------
    values : array, shape (samples,)
    max_lag : int
        Largest lag in samples, below the series length.

    Returns
    -------
    ndarray, shape (max_lag + 1,)
        Pearson correlation of ``values[:-k]`` with ``values[k:]``; 1 at lag 0.
    """
    values = np.asarray(values, dtype=float)
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or not 0 <= max_lag < values.size - 1:
        raise ValueError(
            f"max_lag={max_lag!r} is invalid; use an integer from 0 to {values.size - 2} samples."
        )
    centred = values - values.mean()
    variance = np.dot(centred, centred) / centred.size
    if variance == 0:
        raise ValueError("values is constant, so its autocorrelation is undefined.")

    result = np.empty(max_lag + 1)
    for lag in range(max_lag + 1):
        head, tail = centred[: centred.size - lag], centred[lag:]
        result[lag] = np.dot(head, tail) / head.size / variance
    return result


def fraction_below(av_rad_per_s, threshold_deg_per_s: float = DEFAULT_STILL_THRESHOLD_DEG_PER_S) -> float:
    """Return the fraction of samples with ``|AV|`` below a threshold in deg/s."""
    check_positive("threshold_deg_per_s", threshold_deg_per_s)
    av_deg = np.degrees(np.asarray(av_rad_per_s, dtype=float))
    return float(np.mean(np.abs(av_deg) < threshold_deg_per_s))


@dataclass(frozen=True)
class AVStatistics:
    """Summary of an AV recording; angles in degrees, times in seconds.

    Attributes
    ----------
    median_abs_deg_per_s, mean_deg_per_s, sd_deg_per_s : float
        Median of ``|AV|``, mean and standard deviation of AV.
    percentile_99_abs_deg_per_s : float
        99th percentile of ``|AV|``.
    still_threshold_deg_per_s : float
        Threshold used for ``fraction_still``.
    fraction_still : float
        Fraction of samples with ``|AV|`` below the threshold.
    histogram_edges_deg_per_s : ndarray, shape (bins + 1,)
    histogram_density : ndarray, shape (bins,)
        Probability density of AV per deg/s.
    autocorrelation_lags_s : ndarray, shape (lags,)
    autocorrelation : ndarray, shape (lags,)
    correlation_time_s : float
        Lag at which the autocorrelation first falls to ``1/e``, interpolated
        linearly between samples; NaN if it stays above within the lags
        computed.
    """

    median_abs_deg_per_s: float
    mean_deg_per_s: float
    sd_deg_per_s: float
    percentile_99_abs_deg_per_s: float
    still_threshold_deg_per_s: float
    fraction_still: float
    histogram_edges_deg_per_s: np.ndarray
    histogram_density: np.ndarray
    autocorrelation_lags_s: np.ndarray
    autocorrelation: np.ndarray
    correlation_time_s: float


def av_statistics(
    av_rad_per_s,
    sample_seconds: float,
    still_threshold_deg_per_s: float = DEFAULT_STILL_THRESHOLD_DEG_PER_S,
    max_lag_seconds: float = 2.0,
    histogram_limit_deg_per_s: float = 500.0,
    n_histogram_bins: int = 100,
) -> AVStatistics:
    """Summarise an AV series: distribution, autocorrelation and time spent still.

    Parameters
    ----------
    av_rad_per_s : array, shape (samples,)
        AV in radians per second, evenly sampled.
    sample_seconds : float
        Sampling interval in seconds.
    still_threshold_deg_per_s : float
        ``|AV|`` below this counts as still.
    max_lag_seconds : float
        Maximum autocorrelation lag in seconds.
    histogram_limit_deg_per_s : float
        The histogram spans ``[-limit, limit]``.
    n_histogram_bins : int
        Number of histogram bins.

    Returns
    -------
    AVStatistics
    """
    check_positive("sample_seconds", sample_seconds)
    check_positive("max_lag_seconds", max_lag_seconds)
    check_positive("histogram_limit_deg_per_s", histogram_limit_deg_per_s)
    av_deg = np.degrees(np.asarray(av_rad_per_s, dtype=float))
    if av_deg.ndim != 1 or not np.all(np.isfinite(av_deg)):
        raise ValueError("av_rad_per_s must be a 1-D array of finite values in rad/s.")

    max_lag = min(int(round(max_lag_seconds / sample_seconds)), av_deg.size - 2)
    correlation = autocorrelation(av_deg, max_lag)
    lags = np.arange(max_lag + 1) * sample_seconds
    correlation_time = _crossing_time(lags, correlation, np.exp(-1.0))

    edges = np.linspace(-histogram_limit_deg_per_s, histogram_limit_deg_per_s, n_histogram_bins + 1)
    density, _ = np.histogram(av_deg, edges, density=True)

    return AVStatistics(
        median_abs_deg_per_s=float(np.median(np.abs(av_deg))),
        mean_deg_per_s=float(av_deg.mean()),
        sd_deg_per_s=float(av_deg.std()),
        percentile_99_abs_deg_per_s=float(np.percentile(np.abs(av_deg), 99)),
        still_threshold_deg_per_s=float(still_threshold_deg_per_s),
        fraction_still=fraction_below(av_deg * np.pi / 180.0, still_threshold_deg_per_s),
        histogram_edges_deg_per_s=edges,
        histogram_density=density,
        autocorrelation_lags_s=lags,
        autocorrelation=correlation,
        correlation_time_s=correlation_time,
    )


def _crossing_time(lags, values, level) -> float:
    """Return the first lag where ``values`` falls to ``level``, interpolated; NaN if never."""
    below = np.flatnonzero(values <= level)
    if below.size == 0:
        return float("nan")
    k = below[0]
    if k == 0:
        return float(lags[0])
    fraction = (values[k - 1] - level) / (values[k - 1] - values[k])
    return float(lags[k - 1] + fraction * (lags[k] - lags[k - 1]))


def session_av_statistics(
    session: ADnSession,
    smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS,
    still_threshold_deg_per_s: float = DEFAULT_STILL_THRESHOLD_DEG_PER_S,
) -> AVStatistics:
    """Compute :func:`av_statistics` of the recorded head AV at the tracking rate."""
    av = head_angular_velocity(session, smoothing_seconds)
    sample_seconds = float(np.median(np.diff(session.tracking_times)))
    return av_statistics(av, sample_seconds, still_threshold_deg_per_s)


@dataclass(frozen=True)
class AR1Fit:
    """AR(1) model of AV per time step: ``av[t] = coefficient * av[t-1] + innovation_sd * xi[t]``.

    Attributes
    ----------
    coefficient : float
        AR(1) coefficient per step.
    innovation_sd_rad_per_step : float
        SD of the innovation in radians per step.
    dt_seconds : float
        Step size the fit refers to.
    """

    coefficient: float
    innovation_sd_rad_per_step: float
    dt_seconds: float

    @property
    def stationary_sd_rad_per_step(self) -> float:
        return self.innovation_sd_rad_per_step / np.sqrt(1.0 - self.coefficient**2)

    @property
    def stationary_sd_deg_per_s(self) -> float:
        return float(np.degrees(self.stationary_sd_rad_per_step) / self.dt_seconds)

    @property
    def correlation_time_s(self) -> float:
        """Time for the AR(1) autocorrelation to fall to ``1/e``, ``-dt / ln(coefficient)``."""
        return float(-self.dt_seconds / np.log(self.coefficient))

    def to_task(self, **task_options) -> Task:
        """Build a :class:`~hdlesson.task.Task` whose AV follows this AR(1) model.

        ``task_options`` sets the other fields (``n_steps``, ``cue_steps``,
        ``zero_av_fraction``).
        """
        return Task(
            av_autocorrelation=float(self.coefficient),
            av_noise_sd=float(self.innovation_sd_rad_per_step),
            av_scale=1.0,
            dt_seconds=float(self.dt_seconds),
            **task_options,
        )


def fit_ar1(av_per_step) -> tuple:
    """Fit ``x[t] = a * x[t-1] + s * xi[t]`` by least squares.

    Parameters
    ----------
    av_per_step : array, shape (steps,)
        AV in radians per step, evenly sampled.

    Returns
    -------
    coefficient : float
    innovation_sd : float
        SD of the residuals, in the unit of ``av_per_step``.
    """
    x = np.asarray(av_per_step, dtype=float)
    if x.ndim != 1 or x.size < 3 or not np.all(np.isfinite(x)):
        raise ValueError("av_per_step must be a 1-D array of at least 3 finite values.")
    previous, current = x[:-1], x[1:]
    denominator = np.dot(previous, previous)
    if denominator == 0:
        raise ValueError("av_per_step is zero everywhere, so no AR(1) coefficient can be fitted.")

    coefficient = float(np.dot(previous, current) / denominator)
    residual = current - coefficient * previous
    return coefficient, float(residual.std())


AR1_METHODS = ("moments", "least_squares")


def fit_session_ar1(
    session: ADnSession,
    dt_seconds: float,
    smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS,
    method: str = "moments",
) -> AR1Fit:
    """Fit the task's AR(1) AV process to the recorded head AV at a step of ``dt_seconds``.

    The AV is first resampled to the step by :func:`resample_heading`.

    Parameters
    ----------
    session : ADnSession
    dt_seconds : float
        Step of the AR(1) process in seconds, for example ``model.dt``.
    smoothing_seconds : float
        SD of the Gaussian kernel applied to the unwrapped HD, in seconds.
    method : str
        ``"moments"`` (default) matches the stationary SD of the resampled AV
        and the correlation time of the AV at the tracking rate (its ``1/e``
        time, see :class:`AVStatistics`): ``coefficient = exp(-dt / time)``.
        ``"least_squares"`` regresses each step on the previous one
        (:func:`fit_ar1`).

    Returns
    -------
    AR1Fit

    NOTE: a least-squares fit at steps shorter than the smoothing kernel mostly
    measures the kernel (on A2929-200711 it gives a coefficient of 0.991 at
    10 ms, a correlation time of 1.06 s, against 0.117 s measured from the
    autocorrelation). Mouse AV is also heavier-tailed than an AR(1) process
    with Gaussian innovations, so either fit matches only the SD and the
    decay of the correlation.
    """
    check_positive("dt_seconds", dt_seconds)
    if method not in AR1_METHODS:
        raise ValueError(f"method={method!r} is invalid; use one of {AR1_METHODS}.")
    _, av_rad_per_s, _ = resample_heading(session, dt_seconds, smoothing_seconds)
    av_per_step = av_rad_per_s * dt_seconds

    if method == "least_squares":
        coefficient, innovation_sd = fit_ar1(av_per_step)
    else:
        statistics = session_av_statistics(session, smoothing_seconds)
        correlation_time = statistics.correlation_time_s
        if not np.isfinite(correlation_time) or correlation_time <= 0:
            raise ValueError(
                f"the AV correlation time is {correlation_time!r}, so no AR(1) coefficient "
                "follows from it; use method='least_squares'."
            )
        coefficient = float(np.exp(-dt_seconds / correlation_time))
        innovation_sd = float(av_per_step.std() * np.sqrt(1.0 - coefficient**2))

    if not 0.0 <= coefficient < 1.0:
        raise ValueError(
            f"fitted AR(1) coefficient {coefficient:.4f} at dt_seconds={dt_seconds} is outside "
            "[0, 1), which the task cannot use; choose a longer dt_seconds."
        )
    return AR1Fit(coefficient, innovation_sd, float(dt_seconds))
