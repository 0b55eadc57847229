"""Drive a head-direction network with the AV the recorded head actually made.

The recorded head direction (HD) is resampled to the network's time step
(``model.dt`` seconds) by :func:`hdlesson.biology.angular_velocity.resample_heading`,
cut into consecutive trials, and given to :func:`hdlesson.heading.track_heading`.
Within each trial the resampled AV integrates exactly to the recorded HD, so
the network's error is its own and not the resampling's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.biology.angular_velocity import DEFAULT_SMOOTHING_SECONDS, resample_heading
from hdlesson.biology.session import ADnSession
from hdlesson.validation import check_positive, check_positive_int

TWO_PI = 2.0 * np.pi


@dataclass(frozen=True)
class RecordedTrials:
    """Consecutive windows of the recorded head motion at a fixed time step.

    Follows the convention of :class:`hdlesson.task.Trials`:
    ``heading[:, t] = initial_heading + sum(angular_velocity_rad_per_s[:, :t+1]) * dt_seconds``
    (modulo ``2*pi``).

    Attributes
    ----------
    angular_velocity_rad_per_s : ndarray, shape (trials, steps)
        AV in radians per second; positive is CCW.
    initial_heading : ndarray, shape (trials,)
        HD before the first step, radians in ``[0, 2*pi)``.
    heading : ndarray, shape (trials, steps)
        Recorded HD after each step, radians in ``[0, 2*pi)``.
    start_times : ndarray, shape (trials,)
        Session time of each trial's initial HD, in seconds.
    dt_seconds : float
        Time step in seconds.
    """

    angular_velocity_rad_per_s: np.ndarray
    initial_heading: np.ndarray
    heading: np.ndarray
    start_times: np.ndarray
    dt_seconds: float

    @property
    def n_trials(self) -> int:
        return self.angular_velocity_rad_per_s.shape[0]

    @property
    def n_steps(self) -> int:
        return self.angular_velocity_rad_per_s.shape[1]


def recorded_av_trials(
    session: ADnSession,
    dt_seconds: float,
    n_steps: int,
    n_trials: int | None = None,
    smoothing_seconds: float = DEFAULT_SMOOTHING_SECONDS,
) -> RecordedTrials:
    """Cut the recorded head motion into consecutive trials of ``n_steps`` steps.

    Parameters
    ----------
    session : ADnSession
    dt_seconds : float
        Time step in seconds; pass ``model.dt`` to drive a network.
    n_steps : int
        Steps per trial.
    n_trials : int, optional
        Number of trials, taken from the start of the tracking. All trials
        that fit by default (about 105 trials of 500 steps at 10 ms).
    smoothing_seconds : float
        SD of the Gaussian kernel applied to the unwrapped HD, in seconds.

    Returns
    -------
    RecordedTrials
    """
    check_positive("dt_seconds", dt_seconds)
    check_positive_int("n_steps", n_steps)
    times, av, heading = resample_heading(session, dt_seconds, smoothing_seconds)

    available = av.size // n_steps
    if available == 0:
        raise ValueError(
            f"n_steps={n_steps} at dt_seconds={dt_seconds} needs {n_steps * dt_seconds:.1f} s, more "
            f"than the {times[-1] - times[0]:.1f} s of tracking; use fewer steps."
        )
    if n_trials is None:
        n_trials = available
    check_positive_int("n_trials", n_trials)
    if n_trials > available:
        raise ValueError(
            f"n_trials={n_trials} trials of {n_steps} steps do not fit in the tracking; at most "
            f"{available} fit at dt_seconds={dt_seconds}."
        )

    used = n_trials * n_steps
    starts = np.arange(n_trials) * n_steps
    return RecordedTrials(
        angular_velocity_rad_per_s=av[:used].reshape(n_trials, n_steps),
        initial_heading=np.mod(heading[starts], TWO_PI),
        heading=np.mod(heading[1 : used + 1].reshape(n_trials, n_steps), TWO_PI),
        start_times=times[starts],
        dt_seconds=float(dt_seconds),
    )


def track_recorded_heading(model, session: ADnSession, n_steps: int = 500, n_trials: int | None = None):
    """Run a network on the recorded head motion and measure its HD error.

    Parameters
    ----------
    model : HDRNN
        A network; ``model.dt`` sets the time step.
    session : ADnSession
    n_steps : int
        Steps per trial.
    n_trials : int, optional
        Number of trials; all that fit by default.

    Returns
    -------
    decoded : ndarray, shape (trials, steps)
        HD reported by the network, radians in ``[0, 2*pi)``.
    trials : RecordedTrials
        The recorded AV and HD the network was given and compared with.
    error : ndarray, shape (trials, steps)
        ``decoded - trials.heading`` wrapped to ``[-pi, pi)``, in radians.
    """
    from hdlesson.heading import angular_difference, track_heading

    trials = recorded_av_trials(session, model.dt, n_steps, n_trials)
    decoded = track_heading(model, trials.angular_velocity_rad_per_s, trials.initial_heading)
    return decoded, trials, angular_difference(decoded, trials.heading)
