"""Check how the spike clock lines up with the tracking clock, before reading anticipation off it.

Two measurements of the same quantity, the time shift between spikes and
head direction (HD):

- :func:`scan_lags` shifts the spikes against the tracking and finds the lag
  at which each cell's tuning is sharpest (highest mean vector length). A
  positive lag means the cell fires ahead of the HD it encodes.
- :func:`turn_direction_shift` compares preferred directions in
  counter-clockwise (CCW) and clockwise (CW) turns. A cell that leads the HD
  by ``tau`` seconds appears shifted by ``-AV * tau`` in each turn direction,
  so the separation divided by the AV difference is a second estimate of
  ``tau``. Blair & Sharp (1995) saw this shift in ADN cells and not in the
  postsubiculum.

Neither measurement can tell a true anticipatory time interval (ATI) from a
constant offset between the two clocks. A tracking latency, frame timestamps
later than the head pose they record, makes a cell that encodes the present
HD look as if it fired ahead of it by that latency. :func:`check_timestamps` therefore checks the
bookkeeping that can be checked: sampling regularity, epochs, and whether
spikes and tracking share the acquisition clock. :func:`check_clock_alignment`
runs everything and :meth:`AlignmentReport.summary` compares the result with
the published ADN ATI (:data:`hdlesson.biology.facts.ATI_ADN_MS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.biology import facts
from hdlesson.biology.angular_velocity import DEFAULT_SMOOTHING_SECONDS, head_angular_velocity
from hdlesson.biology.cells import real_cell_tuning, tracking_aligned_rates
from hdlesson.biology.session import ADnSession
from hdlesson.analysis.tuning import binned_tuning, preferred_direction
from hdlesson.validation import check_positive

TWO_PI = 2.0 * np.pi
DEFAULT_LAGS_SECONDS = np.round(np.arange(-0.2, 0.2 + 1e-9, 0.005), 3)
# Spike and tracking times of A2929-200711 are multiples of 50 us, the 20 kHz
# sampling of the acquisition system.
ACQUISITION_RATE_HZ = 20000.0


@dataclass(frozen=True)
class LagScan:
    """Tuning sharpness of each cell as a function of the spike-tracking lag.

    Attributes
    ----------
    lags_seconds : ndarray, shape (lags,)
        Positive: a spike at ``t`` is paired with the HD at ``t + lag``.
    mean_vector_length : ndarray, shape (lags, units)
    peak_rate_hz : ndarray, shape (lags, units)
    units : ndarray, shape (units,), int
    """

    lags_seconds: np.ndarray
    mean_vector_length: np.ndarray
    peak_rate_hz: np.ndarray
    units: np.ndarray

    @property
    def best_lag_per_unit_seconds(self) -> np.ndarray:
        """Lag of maximum mean vector length for each unit."""
        return self.lags_seconds[np.argmax(self.mean_vector_length, axis=0)]

    @property
    def best_population_lag_seconds(self) -> float:
        """Lag that maximises the mean vector length averaged over units."""
        return float(self.lags_seconds[np.argmax(self.mean_vector_length.mean(axis=1))])


def scan_lags(
    session: ADnSession,
    lags_seconds=DEFAULT_LAGS_SECONDS,
    units="adn",
    interval=None,
    n_bins: int = 36,
) -> LagScan:
    """Measure tuning sharpness at each spike-tracking lag.

    Parameters
    ----------
    session : ADnSession
    lags_seconds : array, shape (lags,)
        Lags to try, in seconds (default -200 to +200 ms in 5 ms steps).
    units : str or sequence of int
    interval : tuple of float, optional
        ``(start, stop)`` in seconds; tracking samples outside are left out.
    n_bins : int
        HD bins.

    Returns
    -------
    LagScan
    """
    lags = np.asarray(lags_seconds, dtype=float)
    if lags.ndim != 1 or lags.size == 0 or not np.all(np.isfinite(lags)):
        raise ValueError("lags_seconds must be a non-empty 1-D array of finite seconds.")
    indices = session.select_units(units)

    sharpness = np.empty((lags.size, indices.size))
    peaks = np.empty((lags.size, indices.size))
    for row, lag in enumerate(lags):
        tuning = real_cell_tuning(session, indices, n_bins, float(lag), interval)
        sharpness[row] = tuning.mean_vector_length
        peaks[row] = tuning.peak_rate_hz
    return LagScan(lags, sharpness, peaks, indices)


@dataclass(frozen=True)
class TurnShift:
    """Preferred directions in CCW and CW turns and the lag they imply.

    Attributes
    ----------
    units : ndarray, shape (units,), int
    preferred_ccw, preferred_cw : ndarray, shape (units,)
        Preferred directions in radians during CCW (AV above the threshold)
        and CW (AV below minus the threshold) turns.
    separation_deg : ndarray, shape (units,)
        ``preferred_ccw - preferred_cw`` wrapped to ``[-180, 180)`` degrees.
    mean_av_ccw, mean_av_cw : float
        Mean AV of the samples used, in radians per second.
    implied_lag_seconds : ndarray, shape (units,)
        ``-separation / (mean_av_ccw - mean_av_cw)``: the lead in seconds
        that would produce the separation.
    """

    units: np.ndarray
    preferred_ccw: np.ndarray
    preferred_cw: np.ndarray
    separation_deg: np.ndarray
    mean_av_ccw: float
    mean_av_cw: float
    implied_lag_seconds: np.ndarray


def turn_direction_shift(
    session: ADnSession,
    av_threshold_deg_per_s: float = 30.0,
    units="adn",
    n_bins: int = 36,
    smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS,
) -> TurnShift:
    """Compare preferred directions in CCW and CW turns (spikes not shifted).

    Parameters
    ----------
    session : ADnSession
    av_threshold_deg_per_s : float
        Samples with AV above this count as CCW turns, below its negative as
        CW turns.
    units : str or sequence of int
    n_bins : int
        HD bins.
    smoothing_seconds : float
        Smoothing of the HD before differencing it into AV.

    Returns
    -------
    TurnShift
    """
    check_positive("av_threshold_deg_per_s", av_threshold_deg_per_s)
    indices = session.select_units(units)
    rates, _ = tracking_aligned_rates(session, indices, 0.0)
    av = head_angular_velocity(session, smoothing_seconds)
    threshold = np.radians(av_threshold_deg_per_s)

    preferred = {}
    mean_av = {}
    for name, selected in (("ccw", av > threshold), ("cw", av < -threshold)):
        if selected.sum() < 10 * n_bins:
            raise ValueError(
                f"only {int(selected.sum())} samples turn {name.upper()} faster than "
                f"{av_threshold_deg_per_s} deg/s; lower av_threshold_deg_per_s."
            )
        centers, curves, _ = binned_tuning(rates[selected], session.head_direction[selected], n_bins)
        preferred[name] = preferred_direction(curves, centers)
        mean_av[name] = float(av[selected].mean())

    separation = np.mod(preferred["ccw"] - preferred["cw"] + np.pi, TWO_PI) - np.pi
    implied = -separation / (mean_av["ccw"] - mean_av["cw"])
    return TurnShift(
        units=indices,
        preferred_ccw=preferred["ccw"],
        preferred_cw=preferred["cw"],
        separation_deg=np.degrees(separation),
        mean_av_ccw=mean_av["ccw"],
        mean_av_cw=mean_av["cw"],
        implied_lag_seconds=implied,
    )


@dataclass(frozen=True)
class TimestampCheck:
    """One consistency check of the session's timestamps."""

    name: str
    passed: bool
    detail: str


def check_timestamps(session: ADnSession) -> list:
    """Check the tracking timestamps, epochs and spike times for consistency.

    Returns
    -------
    list of TimestampCheck
        Sampling regularity, gaps, tracking inside the wake epoch and matching
        its recorded interval, contiguous epochs, spikes inside the epochs,
        ADn spikes throughout the tracking, and timestamps on the 20 kHz
        acquisition grid.
    """
    times = session.tracking_times
    steps = np.diff(times)
    median_step = float(np.median(steps))
    checks = []

    regular = bool(np.all(np.abs(steps - median_step) < 0.01 * median_step))
    checks.append(TimestampCheck(
        "regular sampling", regular,
        f"steps {steps.min() * 1e3:.3f}-{steps.max() * 1e3:.3f} ms, median {median_step * 1e3:.3f} ms "
        f"({1.0 / median_step:.2f} Hz)",
    ))
    checks.append(TimestampCheck(
        "no gaps", bool(steps.max() < 2 * median_step),
        f"longest step {steps.max() * 1e3:.3f} ms",
    ))

    wake_start, wake_stop = session.epoch("wake")
    inside = bool(times[0] >= wake_start and times[-1] <= wake_stop)
    checks.append(TimestampCheck(
        "tracking inside wake epoch", inside,
        f"tracking {times[0]:.3f}-{times[-1]:.3f} s, wake {wake_start:.1f}-{wake_stop:.1f} s",
    ))
    support_start, support_stop = session.tracking_interval
    matches = bool(abs(times[0] - support_start) <= median_step and abs(times[-1] - support_stop) <= median_step)
    checks.append(TimestampCheck(
        "tracking matches its recorded interval", matches,
        f"recorded interval {support_start:.4f}-{support_stop:.4f} s",
    ))

    ordered = sorted(session.epochs.values())
    contiguous = all(abs(a[1] - b[0]) < 1e-9 for a, b in zip(ordered[:-1], ordered[1:]))
    checks.append(TimestampCheck(
        "epochs contiguous, not overlapping", bool(contiguous),
        ", ".join(f"{name} {start:.1f}-{stop:.1f} s" for name, (start, stop) in session.epochs.items()),
    ))

    session_start, session_stop = ordered[0][0], ordered[-1][1]
    all_spikes = np.concatenate(session.spike_times)
    checks.append(TimestampCheck(
        "spikes inside the epochs",
        bool(all_spikes.min() >= session_start and all_spikes.max() <= session_stop),
        f"spikes {all_spikes.min():.3f}-{all_spikes.max():.3f} s",
    ))

    # ADn cells fire at several Hz; a tenth of the tracking without spikes
    # would point at a cut or shifted spike train.
    tenths = np.linspace(times[0], times[-1], 11)
    silent = []
    for unit in session.adn_units:
        counts = np.histogram(session.spike_times[unit], tenths)[0]
        if np.any(counts == 0):
            silent.append(int(unit))
    checks.append(TimestampCheck(
        "ADn spikes throughout the tracking", not silent,
        "every ADn unit fires in every tenth of the tracking" if not silent
        else f"units {silent} are silent in some tenth of the tracking",
    ))

    tracking_grid = _off_grid(times)
    spike_grid = _off_grid(all_spikes)
    on_grid = tracking_grid < 0.2 and spike_grid < 0.2
    checks.append(TimestampCheck(
        "tracking and spikes on the 20 kHz acquisition grid", bool(on_grid),
        f"largest distance from the grid: tracking {tracking_grid:.3f}, spikes {spike_grid:.3f} samples",
    ))
    return checks


def _off_grid(times) -> float:
    """Largest distance, in acquisition samples, of ``times`` from the 20 kHz sample grid."""
    samples = np.asarray(times) * ACQUISITION_RATE_HZ
    return float(np.max(np.abs(samples - np.round(samples))))


@dataclass(frozen=True)
class AlignmentReport:
    """Result of :func:`check_clock_alignment`.

    Attributes
    ----------
    lag_scan : LagScan
        Over the whole tracking.
    first_half, second_half : LagScan
        Over each half of the tracking; a drift between the clocks would move
        the best lag between them.
    turn_shift : TurnShift
    timestamp_checks : list of TimestampCheck
    """

    lag_scan: LagScan
    first_half: LagScan
    second_half: LagScan
    turn_shift: TurnShift
    timestamp_checks: list

    def summary(self) -> str:
        """Describe the lags found and the checks, next to the published ADN ATI."""
        published = facts.ATI_ADN_MS
        lines = [
            f"Best lag (mean over units): {self.lag_scan.best_population_lag_seconds * 1e3:+.0f} ms; "
            f"per unit: {_ms(self.lag_scan.best_lag_per_unit_seconds)} ms.",
            f"First half: {self.first_half.best_population_lag_seconds * 1e3:+.0f} ms, second half: "
            f"{self.second_half.best_population_lag_seconds * 1e3:+.0f} ms.",
            f"Lag implied by CCW/CW preferred-direction separation: median "
            f"{np.nanmedian(self.turn_shift.implied_lag_seconds) * 1e3:+.0f} ms; per unit: "
            f"{_ms(self.turn_shift.implied_lag_seconds)} ms.",
            f"Published ADN ATI: about {published.value:.0f} ms ({published.citation.short}).",
        ]
        for check in self.timestamp_checks:
            lines.append(f"[{'ok' if check.passed else 'FAILED'}] {check.name}: {check.detail}")
        return "\n".join(lines)


def _ms(seconds) -> str:
    return ", ".join(f"{value * 1e3:+.0f}" for value in np.asarray(seconds))


def check_clock_alignment(session: ADnSession, lags_seconds=DEFAULT_LAGS_SECONDS, units="adn") -> AlignmentReport:
    """Scan lags over the whole tracking and each half, measure the turn shift, check timestamps.

    Parameters
    ----------
    session : ADnSession
    lags_seconds : array, shape (lags,)
    units : str or sequence of int

    Returns
    -------
    AlignmentReport
    """
    times = session.tracking_times
    middle = 0.5 * (times[0] + times[-1])
    return AlignmentReport(
        lag_scan=scan_lags(session, lags_seconds, units),
        first_half=scan_lags(session, lags_seconds, units, interval=(times[0], middle)),
        second_half=scan_lags(session, lags_seconds, units, interval=(middle, times[-1] + 1.0)),
        turn_shift=turn_direction_shift(session, units=units),
        timestamp_checks=check_timestamps(session),
    )
