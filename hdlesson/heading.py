"""Reading head direction out of the network, and driving it with any AV."""

from __future__ import annotations

import numpy as np
import torch

from hdlesson.model import N_INPUTS
from hdlesson.task import Task

# The fastest head turns of rodents stay below about 20 rad/s (~1150 deg/s).
# Values above this bound are taken for degrees per second.
MAX_PLAUSIBLE_AV_RAD_PER_S = 40.0


def decode_heading(outputs) -> np.ndarray:
    """Convert sin/cos outputs into head direction in radians in ``[0, 2*pi)``.

    Parameters
    ----------
    outputs : array or Tensor, shape (..., 2)
        Readout with sin in channel 0 and cos in channel 1.

    Returns
    -------
    ndarray, shape (...)
        Decoded head direction in radians.
    """
    if isinstance(outputs, torch.Tensor):
        outputs = outputs.detach().cpu().numpy()
    try:
        raw = np.asarray(outputs)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"outputs cannot be read as an array ({error}); give an array of shape (..., 2).") from None
    if raw.dtype.kind not in "fiu":
        raise TypeError(
            f"outputs has dtype {raw.dtype}; give real numbers, the sin and cos outputs of the model."
        )
    outputs = raw.astype(float)
    if outputs.ndim == 0 or outputs.shape[-1] != 2:
        raise ValueError(
            f"outputs has shape {outputs.shape}; expected (..., 2) with sin and cos of head "
            "direction in the last axis, as returned by the model."
        )
    return np.mod(np.arctan2(outputs[..., 0], outputs[..., 1]), 2 * np.pi)


def angular_difference(a, b) -> np.ndarray:
    """Signed difference ``a - b`` of angles in radians, wrapped to ``[-pi, pi)``."""
    return np.mod(np.asarray(a) - np.asarray(b) + np.pi, 2 * np.pi) - np.pi


def build_inputs(angular_velocity_per_step, initial_heading, cue_steps: int) -> np.ndarray:
    """Assemble network inputs: AV per step and the sin/cos cue of the initial heading.

    Parameters
    ----------
    angular_velocity_per_step : ndarray, shape (trials, steps)
        AV in radians per step.
    initial_heading : ndarray, shape (trials,)
        Radians.
    cue_steps : int
        Steps at the start during which the cue is on (all steps of a
        shorter trial).

    Returns
    -------
    ndarray, shape (trials, steps, 3), float32
    """
    n_trials, n_steps = angular_velocity_per_step.shape
    inputs = np.zeros((n_trials, n_steps, N_INPUTS), dtype=np.float32)
    inputs[:, :, 0] = angular_velocity_per_step
    inputs[:, :cue_steps, 1] = np.sin(initial_heading)[:, None]
    inputs[:, :cue_steps, 2] = np.cos(initial_heading)[:, None]
    return inputs


def check_angular_velocity(angular_velocity) -> np.ndarray:
    """Validate AV in rad/s of shape (trials, steps); return it as float64."""
    if isinstance(angular_velocity, torch.Tensor):
        angular_velocity = angular_velocity.detach().cpu().numpy()
    array = np.asarray(angular_velocity)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)) \
            or array.dtype == bool:
        raise TypeError(
            f"angular_velocity has dtype {array.dtype}; expected real numbers in rad/s."
        )
    if array.ndim != 2:
        hint = " For a single trial use av[None, :]." if array.ndim == 1 else ""
        raise ValueError(
            f"angular_velocity has shape {array.shape}; expected (trials, steps) in rad/s.{hint}"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"angular_velocity has shape {array.shape}; it needs at least one trial and one step.")

    array = array.astype(float)
    bad = ~np.isfinite(array)
    if bad.any():
        trial, step = np.argwhere(bad)[0]
        raise ValueError(
            f"angular_velocity contains {int(bad.sum())} NaN or infinite values (first at trial "
            f"{trial}, step {step}: {array[trial, step]!r}); fill the gaps, for example by "
            "interpolation, before tracking heading."
        )

    largest = float(np.abs(array).max())
    if largest > MAX_PLAUSIBLE_AV_RAD_PER_S:
        raise ValueError(
            f"angular_velocity reaches {largest:.1f}, which is implausible in rad/s (more than "
            f"{MAX_PLAUSIBLE_AV_RAD_PER_S:g} rad/s) and looks like degrees per second; convert "
            "with numpy.deg2rad(av)."
        )
    return array


def check_initial_heading(initial_heading, n_trials: int) -> np.ndarray:
    """Validate the initial heading in radians; broadcast a scalar to (trials,)."""
    array = np.asarray(initial_heading)
    if not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)) \
            or array.dtype == bool:
        raise TypeError(f"initial_heading has dtype {array.dtype}; expected real numbers in radians.")
    array = array.astype(float)
    if array.ndim == 0:
        array = np.full(n_trials, float(array))
    if array.shape != (n_trials,):
        raise ValueError(
            f"initial_heading has shape {array.shape}; expected ({n_trials},), one heading in "
            "radians per trial, or a scalar."
        )
    if not np.isfinite(array).all():
        raise ValueError("initial_heading contains NaN or infinite values; give finite radians.")
    if np.abs(array).max() > 2 * np.pi:
        raise ValueError(
            f"initial_heading reaches {np.abs(array).max():.2f}, beyond 2*pi, which looks like "
            "degrees; convert with numpy.deg2rad, or wrap radians with numpy.mod(h, 2*numpy.pi)."
        )
    return array


def track_heading(model, angular_velocity, initial_heading, return_rates: bool = False):
    """Drive a network with AV and decode the head direction it reports.

    Parameters
    ----------
    model : HDRNN
        A trained network; ``model.dt`` is its time step in seconds.
    angular_velocity : array, shape (trials, steps)
        AV in radians per second, one value per time step of ``model.dt``
        seconds. Trials may have any length.
    initial_heading : array, shape (trials,), or float
        Head direction before the first step, in radians. It is given to the
        network as a cue during the first steps, as in training.
    return_rates : bool
        Also return the unit rates.

    Returns
    -------
    heading : ndarray, shape (trials, steps)
        Decoded head direction in radians, in ``[0, 2*pi)``.
    rates : ndarray, shape (trials, steps, units)
        Only when ``return_rates`` is true.
    """
    from hdlesson.evaluate import check_model

    check_model(model)
    av = check_angular_velocity(angular_velocity)
    initial = check_initial_heading(initial_heading, av.shape[0])
    cue_steps = _cue_steps(model)
    inputs = build_inputs(av * model.dt, initial, cue_steps)

    with torch.no_grad():
        outputs, rates = model(torch.from_numpy(inputs))
    heading = decode_heading(outputs)
    if return_rates:
        return heading, rates.numpy()
    return heading


def _cue_steps(model) -> int:
    record = getattr(model, "record", None) or {}
    task_values = record.get("train_config", {}).get("task")
    if task_values:
        return int(task_values["cue_steps"])
    return Task().cue_steps
