"""In-silico perturbations: silence units, stimulate Compass units, drive one Shifter population.

Cueva et al. (2020, ICLR, arXiv:1912.10189) report three effects in trained
networks. Silencing Compass units removes the activity bump. Silencing the
CW Shifters makes the bump drift counter-clockwise even at zero angular
velocity (AV), because the two Shifter populations push against each other
all the time. Silencing both Shifter populations leaves a bump that stays
in place but no longer moves. The functions here run those experiments on
any ``HDRNN``:

- :func:`silence_units` sets the rates of a group of units to zero over a
  time window (``unit_mask``);
- :func:`jump_bump` injects current into the Compass units with a cosine
  profile peaked at a target heading (``external_current``), so the bump
  jumps there;
- :func:`drive_shifters` injects current into one Shifter population, so the
  bump turns without any AV input.

:func:`constant_av_trials` builds the trials they run on, for perturbations
of your own.

Every trial starts with the usual cue of the initial heading, then runs at
constant AV (zero by default). Speeds and drifts are in degrees per second,
positive for counter-clockwise (CCW), the sign convention of
``hdlesson.analysis``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from hdlesson.analysis._arrays import check_units, heading_slope, to_numpy
from hdlesson.analysis.classify import CCW_SHIFTER, COMPASS, CW_SHIFTER
from hdlesson.evaluate import task_of
from hdlesson.heading import angular_difference, build_inputs, decode_heading
from hdlesson.validation import check_positive_int

# Steps after a perturbation starts that are left out of speed fits: about
# two time constants (tau = 10 steps in the default model) for the bump to
# respond.
DEFAULT_SETTLE_STEPS = 20


@dataclass(frozen=True)
class SilencingResult:
    """Effect of silencing a group of units.

    Attributes
    ----------
    units : ndarray of int
        Silenced units.
    start_step, stop_step : int
        The window ``[start_step, stop_step)`` of silencing.
    norm_before : float
        Mean norm of the sin/cos readout over the ``settle_steps`` steps (at
        least one) before silencing, averaged over trials.
    norm_during : float
        The same over the window, after ``settle_steps``.
    norm_ratio : float
        ``norm_during / norm_before``; near 0 when the bump is gone.
    drift_deg_per_s : ndarray, shape (trials,)
        Slope of the unwrapped decoded heading over the window (after
        ``settle_steps``) minus the input AV, degrees per second; positive
        is CCW. Meaningless when the bump is gone.
    control_drift_deg_per_s : ndarray, shape (trials,)
        The same on identical trials without silencing.
    final_error_deg : ndarray, shape (trials,)
        Decoded minus true heading at the last step of the window, degrees
        in ``[-180, 180)``.
    heading : ndarray, shape (trials, steps)
        Decoded heading with silencing, radians.
    true_heading : ndarray, shape (trials, steps)
        True heading, radians (unwrapped).
    output_norm : ndarray, shape (trials, steps)
        Norm of the readout with silencing.
    dt_seconds : float
    """

    units: np.ndarray
    start_step: int
    stop_step: int
    norm_before: float
    norm_during: float
    norm_ratio: float
    drift_deg_per_s: np.ndarray
    control_drift_deg_per_s: np.ndarray
    final_error_deg: np.ndarray
    heading: np.ndarray
    true_heading: np.ndarray
    output_norm: np.ndarray
    dt_seconds: float

    @property
    def mean_drift_deg_per_s(self) -> float:
        return float(np.mean(self.drift_deg_per_s))


@dataclass(frozen=True)
class JumpResult:
    """Effect of stimulating Compass units with a cosine profile peaked at a target heading.

    Attributes
    ----------
    target_heading : float
        Radians.
    stimulated_units : ndarray of int
        The Compass units, all of which receive current.
    heading_before : ndarray, shape (trials,)
        Decoded heading just before stimulation, radians.
    heading_after : ndarray, shape (trials,)
        Decoded heading at the last step, after stimulation ended, radians.
    error_deg : ndarray, shape (trials,)
        ``heading_after - target_heading`` in degrees, in ``[-180, 180)``.
    heading : ndarray, shape (trials, steps)
        Decoded heading, radians.
    """

    target_heading: float
    stimulated_units: np.ndarray
    heading_before: np.ndarray
    heading_after: np.ndarray
    error_deg: np.ndarray
    heading: np.ndarray


@dataclass(frozen=True)
class DriveResult:
    """Effect of driving one Shifter population without AV input.

    Attributes
    ----------
    population : str
        ``"cw_shifter"`` or ``"ccw_shifter"``.
    driven_units : ndarray of int
    speed_deg_per_s : ndarray, shape (trials,)
        Slope of the unwrapped decoded heading during the drive (after
        ``settle_steps``), degrees per second; positive is CCW.
    control_speed_deg_per_s : ndarray, shape (trials,)
        The same on identical trials without the drive.
    heading : ndarray, shape (trials, steps)
        Decoded heading with the drive, radians.
    """

    population: str
    driven_units: np.ndarray
    speed_deg_per_s: np.ndarray
    control_speed_deg_per_s: np.ndarray
    heading: np.ndarray


def window_array(n_steps: int, n_units: int, units, start_step: int, stop_step: int,
                 inside: float, outside: float) -> np.ndarray:
    """Build a (steps, units) array that is ``inside`` for ``units`` in ``[start_step, stop_step)``.

    Use ``inside=0, outside=1`` for a ``unit_mask`` that silences, and
    ``inside=current, outside=0`` for an ``external_current``.

    Returns
    -------
    ndarray, shape (steps, units), float32
    """
    units = check_units("units", units, n_units)
    _check_window(n_steps, start_step, stop_step)
    array = np.full((n_steps, n_units), outside, dtype=np.float32)
    array[start_step:stop_step, units] = inside
    return array


def silence_units(model, units, n_trials: int = 16, n_steps: int = 400, start_step: int = 150,
                  stop_step: int | None = None, av_rad_per_s: float = 0.0,
                  settle_steps: int = DEFAULT_SETTLE_STEPS, seed: int = 0) -> SilencingResult:
    """Silence a group of units over a time window and measure the bump.

    Parameters
    ----------
    model : HDRNN
    units : array of int or bool mask, shape (units,)
        Units to silence (rate set to 0).
    n_trials : int
        Trials, with random cued headings.
    n_steps : int
        Steps per trial.
    start_step, stop_step : int
        Silencing window ``[start_step, stop_step)``; ``stop_step`` defaults
        to the end of the trial.
    av_rad_per_s : float
        Constant AV after the cue, radians per second (0 tests drift).
    settle_steps : int
        Steps after ``start_step`` left out of the drift fit and the norm.
    seed : int
        Seed of the cued headings.

    Returns
    -------
    SilencingResult
    """
    stop_step = n_steps if stop_step is None else stop_step
    _check_window(n_steps, start_step, stop_step)
    _check_fit_window(start_step, stop_step, settle_steps)
    baseline_steps = max(settle_steps, 1)
    if start_step < baseline_steps:
        raise ValueError(
            f"start_step={start_step} leaves fewer than {baseline_steps} steps before silencing "
            "to measure the intact bump; start later."
        )
    units = check_units("units", units, model.n_units)
    mask = window_array(n_steps, model.n_units, units, start_step, stop_step, inside=0.0, outside=1.0)
    inputs, true_heading = _constant_av_trials(model, n_trials, n_steps, av_rad_per_s, seed)

    with torch.no_grad():
        outputs, _ = model(torch.from_numpy(inputs), unit_mask=torch.from_numpy(mask))
        control, _ = model(torch.from_numpy(inputs))
    outputs = outputs.numpy().astype(float)
    heading = decode_heading(outputs)
    norm = np.linalg.norm(outputs, axis=-1)

    fit = slice(start_step + settle_steps, stop_step)
    expected = np.degrees(av_rad_per_s)
    norm_before = float(norm[:, start_step - baseline_steps:start_step].mean())
    norm_during = float(norm[:, fit].mean())
    final = stop_step - 1
    return SilencingResult(
        units=units,
        start_step=int(start_step),
        stop_step=int(stop_step),
        norm_before=norm_before,
        norm_during=norm_during,
        norm_ratio=norm_during / norm_before if norm_before > 0 else float("nan"),
        drift_deg_per_s=_speed_deg_per_s(heading[:, fit], model.dt) - expected,
        control_drift_deg_per_s=_speed_deg_per_s(decode_heading(control)[:, fit], model.dt) - expected,
        final_error_deg=np.degrees(angular_difference(heading[:, final], true_heading[:, final])),
        heading=heading,
        true_heading=true_heading,
        output_norm=norm,
        dt_seconds=model.dt,
    )


def jump_bump(model, classes, target_heading: float, current: float = 4.0, n_trials: int = 16,
              n_steps: int = 400, start_step: int = 100, duration_steps: int = 100,
              seed: int = 0) -> JumpResult:
    """Stimulate Compass units with a cosine profile peaked at a target heading, at zero AV.

    Compass unit ``i`` receives ``current * cos(preferred_i - target)``, the
    same profile as the cue input of the hand-built ring: units preferring
    the target are excited and those preferring the opposite heading are
    inhibited. A stimulus confined to a narrow group places the bump poorly
    when the bump is wider than the group. On the hand-built ring, driving
    only the units within 30 degrees of the target left the bump up to 30
    degrees off.

    Parameters
    ----------
    model : HDRNN
    classes : UnitClasses
        From :func:`hdlesson.analysis.classify.classify_units`; gives the
        Compass units and their preferred directions.
    target_heading : float
        Heading to move the bump to, radians.
    current : float
        Peak current added to a unit's input (same units as the bias).
    n_trials : int
        Trials with random cued headings.
    n_steps : int
        Steps per trial; the bump has ``n_steps - start_step - duration_steps``
        steps to settle after stimulation.
    start_step, duration_steps : int
        Stimulation window.
    seed : int
        Seed of the cued headings.

    Returns
    -------
    JumpResult
    """
    target = float(target_heading)
    if not np.isfinite(target) or abs(target) > 2 * np.pi:
        raise ValueError(
            f"target_heading={target_heading!r} is invalid; give radians in [-2*pi, 2*pi] "
            "(convert degrees with numpy.deg2rad)."
        )
    stop_step = start_step + duration_steps
    _check_window(n_steps, start_step, stop_step)
    if start_step < 1:
        raise ValueError(
            f"start_step={start_step} leaves no step before stimulation to read the heading "
            "from; start at step 1 or later."
        )
    if stop_step >= n_steps:
        raise ValueError(
            f"stimulation ends at step {stop_step}, leaving no step of trials of n_steps={n_steps} "
            "to see where the bump settles; use longer trials or a shorter stimulation."
        )

    compass = classes.units(COMPASS)
    compass = compass[np.isfinite(classes.preferred_direction[compass])]
    if compass.size == 0:
        raise ValueError("the network has no Compass unit with a preferred direction to stimulate.")
    profile = float(current) * np.cos(classes.preferred_direction[compass] - target)
    drive = np.zeros((n_steps, model.n_units), dtype=np.float32)
    drive[start_step:stop_step, compass] = profile
    inputs, _ = _constant_av_trials(model, n_trials, n_steps, 0.0, seed)
    with torch.no_grad():
        outputs, _ = model(torch.from_numpy(inputs), external_current=torch.from_numpy(drive))
    heading = decode_heading(outputs)

    return JumpResult(
        target_heading=target,
        stimulated_units=compass,
        heading_before=heading[:, start_step - 1],
        heading_after=heading[:, -1],
        error_deg=np.degrees(angular_difference(heading[:, -1], target)),
        heading=heading,
    )


def drive_shifters(model, classes, population: str = CCW_SHIFTER, current: float = 0.2,
                   n_trials: int = 16, n_steps: int = 300, start_step: int = 100,
                   stop_step: int | None = None, settle_steps: int = DEFAULT_SETTLE_STEPS,
                   seed: int = 0) -> DriveResult:
    """Inject current into one Shifter population at zero AV and measure how the bump turns.

    Parameters
    ----------
    model : HDRNN
    classes : UnitClasses
        Gives the Shifter populations.
    population : str
        ``"ccw_shifter"`` (expected to turn the bump CCW, positive speed) or
        ``"cw_shifter"``.
    current : float
        Current added to each driven unit's input.
    n_trials, n_steps : int
    start_step, stop_step : int
        Drive window ``[start_step, stop_step)``; ``stop_step`` defaults to
        the end of the trial.
    settle_steps : int
        Steps after ``start_step`` left out of the speed fit.
    seed : int
        Seed of the cued headings.

    Returns
    -------
    DriveResult
    """
    if population not in (CW_SHIFTER, CCW_SHIFTER):
        raise ValueError(
            f"population={population!r} is invalid; use {CW_SHIFTER!r} or {CCW_SHIFTER!r}."
        )
    stop_step = n_steps if stop_step is None else stop_step
    _check_window(n_steps, start_step, stop_step)
    _check_fit_window(start_step, stop_step, settle_steps)
    driven = classes.units(population)
    if driven.size == 0:
        raise ValueError(f"the network has no {population} units to drive; check the classification.")

    drive = window_array(n_steps, model.n_units, driven, start_step, stop_step,
                         inside=float(current), outside=0.0)
    inputs, _ = _constant_av_trials(model, n_trials, n_steps, 0.0, seed)
    with torch.no_grad():
        outputs, _ = model(torch.from_numpy(inputs), external_current=torch.from_numpy(drive))
        control, _ = model(torch.from_numpy(inputs))
    heading = decode_heading(outputs)

    fit = slice(start_step + settle_steps, stop_step)
    return DriveResult(
        population=population,
        driven_units=driven,
        speed_deg_per_s=_speed_deg_per_s(heading[:, fit], model.dt),
        control_speed_deg_per_s=_speed_deg_per_s(decode_heading(control)[:, fit], model.dt),
        heading=heading,
    )


def constant_av_trials(model, n_trials: int = 16, n_steps: int = 400, av_rad_per_s: float = 0.0,
                       seed: int = 0):
    """Build the trials every perturbation here runs on: a cue at a random heading, then constant AV.

    Use them to run your own perturbation through ``model(inputs,
    unit_mask=..., external_current=...)``.

    Parameters
    ----------
    model : HDRNN
        Sets the time step and the cue length.
    n_trials, n_steps : int
    av_rad_per_s : float
        Constant AV, radians per second; positive is CCW.
    seed : int
        Seed of the cued headings, drawn uniformly in ``[0, 2*pi)``.

    Returns
    -------
    inputs : ndarray, shape (trials, steps, 3)
        Network inputs (AV per step, then the sin and cos of the cue).
    true_heading : ndarray, shape (trials, steps)
        True heading, radians (unwrapped).
    """
    check_positive_int("n_steps", n_steps)
    return _constant_av_trials(model, n_trials, n_steps, av_rad_per_s, seed)


def _constant_av_trials(model, n_trials, n_steps, av_rad_per_s, seed):
    """Inputs (trials, steps, 3) of constant AV after a cue at random headings, and the true heading."""
    check_positive_int("n_trials", n_trials)
    av = to_numpy("av_rad_per_s", av_rad_per_s, float)
    if av.ndim != 0 or not np.isfinite(av):
        raise ValueError(f"av_rad_per_s={av_rad_per_s!r} is invalid; give one finite AV in rad/s.")
    task = task_of(model)
    initial = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, n_trials)
    av_per_step = np.full((n_trials, n_steps), float(av) * model.dt)
    inputs = build_inputs(av_per_step, initial, task.cue_steps)
    true_heading = initial[:, None] + np.cumsum(av_per_step, axis=1)
    return inputs, true_heading


def _speed_deg_per_s(heading, dt_seconds):
    """Slope of each row of decoded heading (trials, steps), degrees per second."""
    return np.degrees(heading_slope(heading)) / dt_seconds


def _check_window(n_steps, start_step, stop_step):
    check_positive_int("n_steps", n_steps)
    for name, value in (("start_step", start_step), ("stop_step", stop_step)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name}={value!r} is invalid; use an integer step index.")
    if not 0 <= start_step < stop_step <= n_steps:
        raise ValueError(
            f"window [{start_step}, {stop_step}) is invalid for trials of n_steps={n_steps}; use "
            "0 <= start_step < stop_step <= n_steps."
        )


def _check_fit_window(start_step, stop_step, settle_steps):
    if isinstance(settle_steps, bool) or not isinstance(settle_steps, (int, np.integer)) or settle_steps < 0:
        raise ValueError(f"settle_steps={settle_steps!r} is invalid; use a non-negative integer.")
    if stop_step - start_step - settle_steps < 2:
        raise ValueError(
            f"the window [{start_step}, {stop_step}) minus settle_steps={settle_steps} leaves fewer "
            "than 2 steps for the speed fit; lengthen the window or lower settle_steps."
        )
