"""Angular-velocity integration trials: the task the head-direction RNN learns.

Each trial gives the network its angular velocity (AV) at every time step and,
during a short cue at the start, the sine and cosine of its initial head
direction (HD). The targets are the sine and cosine of the HD obtained by
integrating the AV from that initial HD. The recipe follows Cueva, Wang, Chin &
Wei (2020), "Emergence of functional and structural properties of the head
direction system by optimization of recurrent neural networks", ICLR,
arXiv:1912.10189:

- AV is an AR(1) process, ``av[t] = 0.8 * av[t-1] + 0.03 * xi[t]`` in radians
  per step, with ``xi`` standard normal (stationary SD about 0.05 rad/step);
- in half of the trials AV is held at zero over one window whose start is
  uniform in ``[0, T/3)`` steps and whose length is uniform in ``[0, 2T/3)``;
- the cue lasts 10 steps and the loss ignores those steps.

The published task has no physical time unit. hdlesson gives each step a size,
``dt_seconds`` (10 ms by default, with the model's time constant 10 steps or
100 ms), so that AV can be read in radians per second and timings in
milliseconds. That choice is ours, not the paper's.
"""

from __future__ import annotations

from dataclasses import dataclass, asdict

import numpy as np

from hdlesson.validation import as_generator, check_in_range, check_positive, check_positive_int


@dataclass(frozen=True)
class Trials:
    """A batch of AV-integration trials.

    Attributes
    ----------
    inputs : ndarray, shape (trials, steps, 3), float32
        Channel 0 is AV in radians per step, channels 1 and 2 are sin and cos
        of the initial HD during the cue steps and zero afterwards.
    targets : ndarray, shape (trials, steps, 2), float32
        sin and cos of the HD at each step.
    loss_mask : ndarray, shape (trials, steps), float32
        1 where the loss counts, 0 during the cue.
    heading : ndarray, shape (trials, steps), float64
        HD in radians, unwrapped (it may leave ``[0, 2*pi)``).
    angular_velocity : ndarray, shape (trials, steps), float64
        AV in radians per step.
    initial_heading : ndarray, shape (trials,), float64
        HD before the first step, in radians, uniform in ``[0, 2*pi)``.
    dt_seconds : float
        Size of one time step in seconds.
    """

    inputs: np.ndarray
    targets: np.ndarray
    loss_mask: np.ndarray
    heading: np.ndarray
    angular_velocity: np.ndarray
    initial_heading: np.ndarray
    dt_seconds: float

    @property
    def angular_velocity_rad_per_s(self) -> np.ndarray:
        """AV in radians per second, shape (trials, steps)."""
        return self.angular_velocity / self.dt_seconds

    @property
    def time_seconds(self) -> np.ndarray:
        """Time of each step in seconds, shape (steps,)."""
        return np.arange(1, self.inputs.shape[1] + 1) * self.dt_seconds

    @property
    def n_trials(self) -> int:
        return self.inputs.shape[0]

    @property
    def n_steps(self) -> int:
        return self.inputs.shape[1]


@dataclass(frozen=True)
class Task:
    """Configuration of the AV-integration task, with a ``sample`` method.

    Parameters
    ----------
    n_steps : int
        Steps per trial (500 in the published recipe).
    cue_steps : int
        Steps at the start during which the initial HD is given and the loss
        is ignored.
    av_autocorrelation : float
        AR(1) coefficient of AV per step.
    av_noise_sd : float
        SD of the AR(1) innovation in radians per step, before ``av_scale``.
    av_scale : float
        Multiplies ``av_noise_sd``; 0.1, 1 and 3 give slow, default and fast
        AV statistics.
    zero_av_fraction : float
        Fraction of trials with a window of zero AV.
    dt_seconds : float
        Physical size of one time step in seconds.
    """

    n_steps: int = 500
    cue_steps: int = 10
    av_autocorrelation: float = 0.8
    av_noise_sd: float = 0.03
    av_scale: float = 1.0
    zero_av_fraction: float = 0.5
    dt_seconds: float = 0.01

    def __post_init__(self):
        check_positive_int("n_steps", self.n_steps)
        check_positive_int("cue_steps", self.cue_steps)
        if self.cue_steps >= self.n_steps:
            raise ValueError(
                f"cue_steps={self.cue_steps} leaves no step for the loss in "
                f"trials of n_steps={self.n_steps}; use fewer cue steps or "
                "longer trials."
            )
        check_in_range(
            "av_autocorrelation", self.av_autocorrelation, 0.0, 1.0, high_inclusive=False,
            meaning=": an AR(1) process is stationary only for a coefficient in [0, 1)",
        )
        check_positive("av_noise_sd", self.av_noise_sd)
        check_positive("av_scale", self.av_scale)
        check_positive("dt_seconds", self.dt_seconds)
        check_in_range("zero_av_fraction", self.zero_av_fraction, 0.0, 1.0, meaning=", a fraction of trials")

    @property
    def av_sd_rad_per_step(self) -> float:
        """Stationary SD of AV in radians per step."""
        innovation = self.av_noise_sd * self.av_scale
        return innovation / np.sqrt(1.0 - self.av_autocorrelation**2)

    @property
    def av_sd_rad_per_s(self) -> float:
        """Stationary SD of AV in radians per second."""
        return self.av_sd_rad_per_step / self.dt_seconds

    def to_dict(self) -> dict:
        return asdict(self)

    def sample(self, n_trials: int, rng=None) -> Trials:
        """Draw ``n_trials`` fresh trials.

        Parameters
        ----------
        n_trials : int
            Number of trials.
        rng : numpy.random.Generator or int or None
            Source of every random draw. An int is used as a seed, so the same
            seed gives the same trials. None draws a seed from the operating
            system (not reproducible).
        """
        check_positive_int("n_trials", n_trials)
        rng = as_generator(rng)
        steps = self.n_steps

        initial_heading = rng.uniform(0.0, 2.0 * np.pi, size=n_trials)
        innovations = rng.standard_normal((n_trials, steps))
        innovations *= self.av_noise_sd * self.av_scale

        av = np.empty((n_trials, steps))
        previous = np.zeros(n_trials)
        for t in range(steps):
            previous = self.av_autocorrelation * previous + innovations[:, t]
            av[:, t] = previous

        # Hold AV at zero over one window in a random subset of trials.
        has_window = rng.random(n_trials) < self.zero_av_fraction
        window_start = rng.integers(0, max(steps // 3, 1), size=n_trials)
        window_length = rng.integers(0, max(2 * steps // 3, 1), size=n_trials)
        step_index = np.arange(steps)[None, :]
        in_window = (step_index >= window_start[:, None]) & (
            step_index < (window_start + window_length)[:, None]
        )
        av[has_window[:, None] & in_window] = 0.0

        heading = initial_heading[:, None] + np.cumsum(av, axis=1)

        inputs = np.zeros((n_trials, steps, 3), dtype=np.float32)
        inputs[:, :, 0] = av
        inputs[:, : self.cue_steps, 1] = np.sin(initial_heading)[:, None]
        inputs[:, : self.cue_steps, 2] = np.cos(initial_heading)[:, None]

        targets = np.stack([np.sin(heading), np.cos(heading)], axis=-1)
        loss_mask = np.ones((n_trials, steps), dtype=np.float32)
        loss_mask[:, : self.cue_steps] = 0.0

        return Trials(
            inputs=inputs,
            targets=targets.astype(np.float32),
            loss_mask=loss_mask,
            heading=heading,
            angular_velocity=av,
            initial_heading=initial_heading,
            dt_seconds=self.dt_seconds,
        )
