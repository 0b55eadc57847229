"""A hand-built ring attractor that integrates angular velocity, as an ``HDRNN``.

The weights are set by hand rather than trained, so that every analysis in
``hdlesson.analysis`` can be checked against a network with known classes,
connectivity and dynamics. It has the same dynamics, inputs and readout as a
trained network (see ``hdlesson.model``) and four groups of units:

- Compass units, one every ``360 / n_compass`` degrees, connected by a cosine
  kernel ``(compass_uniform + compass_cosine * cos(dphi)) / n_compass``:
  local excitation and broad inhibition, which keeps a single bump of
  activity in place when AV is zero (in the fly: Kim et al. 2017, Science
  356:849).
- Clockwise (CW) and counter-clockwise (CCW) Shifter units, one every
  ``360 / n_shifters`` degrees in each population. Each Shifter copies the
  bump from the Compass units near its own angle and receives the AV input,
  CCW Shifters with a positive weight and CW Shifters with a negative one.
  A CCW Shifter at angle ``psi`` excites Compass units around
  ``psi + shift_deg`` (a CW Shifter around ``psi - shift_deg``), so an excess
  of CCW activity pushes the bump counter-clockwise. At zero AV the two
  populations are equally active and their pushes cancel. The fly's P-EN
  neurons play this role, with projections shifted by one ellipsoid-body
  tile, 45 degrees (Green et al. 2017, Nature 546:101; Turner-Evans et al.
  2017, eLife 6:e23496).
- Inactive units, with a negative bias and no connections.

Sign convention: positive AV increases the heading angle, a CCW turn.

The readout is the population vector of the Compass units, scaled so that
the sin/cos output has a norm close to 1. The cue input drives each Compass
unit by ``cue_gain * cos(phi - theta0)``.

The default shift is 90 degrees rather than the fly's 45. With 100 ms time
constants, the Shifters' copy of the bump lags the moving bump, and a larger
shift keeps the push pointing forward at fast turns. The default values come
from a random search on these dynamics (dt = 10 ms, tau = 100 ms) for low
heading error, a stationary bump at zero AV and a fast drift when one Shifter
population is silenced. Measured on the defaults:

- integration gain (bump speed over AV) within 2% of 1 up to 1 rad/s,
  0.95 at 2 rad/s, 0.75 at 5 rad/s (the AV SD of the default task) and 0.32
  at 20 rad/s;
- mean absolute heading error on 100 trials about 1.6 degrees with slow AV
  (``Task(av_scale=0.1)``) and about 20 degrees on the default task, where
  the bump lags fast turns;
- drift at zero AV below 0.1 degree per second, once the bump has settled
  on the nearest of the positions that the discrete ring favours.

NOTE: with 48 Compass units the ring is a chain of discrete fixed points,
not a continuous attractor. At a stable bump the slowest Jacobian eigenvalue
is about -0.14 (in units of 1/tau, so a decay over about 0.7 s), not 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch

from hdlesson.analysis.classify import CCW_SHIFTER, CLASS_NAMES, COMPASS, CW_SHIFTER, INACTIVE
from hdlesson.model import HDRNN, ModelConfig


@dataclass(frozen=True)
class RingConfig:
    """Sizes and weights of the hand-built ring attractor.

    Every kernel is ``(uniform + cosine * cos(angle difference)) / n_pre``,
    with ``n_pre`` the size of the presynaptic population, so the weights
    do not grow with the number of units. Rates are in ``[0, 1)``.

    Parameters
    ----------
    n_compass : int
        Number of Compass units.
    n_shifters : int
        Number of Shifter units in each of the CW and CCW populations.
    n_inactive : int
        Number of inactive units.
    shift_deg : float
        Angle in degrees by which each Shifter's projection to the Compass
        units is shifted in its turning direction.
    compass_uniform, compass_cosine : float
        Compass -> Compass kernel: broad inhibition and local excitation.
    compass_bias : float
        Bias of the Compass units.
    shifter_uniform, shifter_cosine : float
        Compass -> Shifter kernel, centred on the Shifter's own angle.
    shifter_bias : float
        Bias of the Shifter units.
    push_uniform, push_cosine : float
        Shifter -> Compass kernel, centred ``shift_deg`` ahead.
    av_gain : float
        Weight of the AV input (radians per step) onto the Shifters, positive
        for CCW and negative for CW Shifters. It sets the integration gain
        (bump speed over AV), calibrated to about 1 for slow turns.
    cue_gain : float
        Weight of the sin/cos cue onto the Compass units.
    inactive_bias : float
        Bias of the inactive units (negative, so their rate stays 0).
    readout_gain : float
        Scale of the Compass population vector in the sin/cos readout; 3.75
        gives an output norm close to 1 with the other defaults.
    permutation_seed : int or None
        Seed of a random order of the units, so that analyses cannot rely on
        units being grouped by class. None keeps the order Compass, CW
        Shifters, CCW Shifters, inactive.
    """

    n_compass: int = 48
    n_shifters: int = 24
    n_inactive: int = 4
    shift_deg: float = 90.0
    compass_uniform: float = -4.0
    compass_cosine: float = 16.0
    compass_bias: float = 0.1
    shifter_uniform: float = -0.5
    shifter_cosine: float = 5.0
    shifter_bias: float = -0.6
    push_uniform: float = -1.5
    push_cosine: float = 30.0
    av_gain: float = 3.3
    cue_gain: float = 2.0
    inactive_bias: float = -1.0
    readout_gain: float = 3.75
    permutation_seed: int | None = 0

    def __post_init__(self):
        for name in ("n_compass", "n_shifters"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 3:
                raise ValueError(f"{name}={value!r} is invalid; use an integer of at least 3.")
        if isinstance(self.n_inactive, bool) or not isinstance(self.n_inactive, (int, np.integer)) \
                or self.n_inactive < 0:
            raise ValueError(f"n_inactive={self.n_inactive!r} is invalid; use a non-negative integer.")
        for name, value in asdict(self).items():
            if name in ("n_compass", "n_shifters", "n_inactive", "permutation_seed"):
                continue
            if not np.isfinite(value):
                raise ValueError(f"{name}={value!r} is invalid; use a finite number.")

    @property
    def n_units(self) -> int:
        return self.n_compass + 2 * self.n_shifters + self.n_inactive


@dataclass(frozen=True)
class RingLayout:
    """Built-in class and angle of every unit of a hand-built ring.

    Attributes
    ----------
    labels : ndarray of str, shape (units,)
        One of ``"compass"``, ``"cw_shifter"``, ``"ccw_shifter"``,
        ``"inactive"``.
    angles : ndarray, shape (units,)
        Angle of each unit on the ring in radians, in ``[0, 2*pi)``; NaN for
        inactive units. For Shifters it is the angle of the Compass units
        they copy, not of those they push.
    shift_deg : float
        Shift of the Shifter -> Compass projection in degrees, positive for
        CCW Shifters and negative for CW Shifters in the sign convention
        (positive = counter-clockwise).
    """

    labels: np.ndarray
    angles: np.ndarray
    shift_deg: float

    def units(self, label: str) -> np.ndarray:
        """Return the indices of the units of one class."""
        if label not in CLASS_NAMES:
            raise ValueError(f"label={label!r} is invalid; choose one of {CLASS_NAMES}.")
        return np.flatnonzero(self.labels == label)


def build_ring_attractor(config: RingConfig | None = None) -> HDRNN:
    """Build the hand-built ring attractor as an ``HDRNN`` with 10 ms steps and tau = 100 ms.

    Parameters
    ----------
    config : RingConfig, optional
        Sizes and weights; the defaults integrate AV with a gain near 1.

    Returns
    -------
    HDRNN
        In evaluation mode, with two extra attributes: ``ring_layout``
        (:class:`RingLayout`), each unit's built-in class and angle, and
        ``ring_config``, the config used. Its initial state is zero, so the
        bump forms from the cue.
    """
    config = config or RingConfig()
    weights, input_weights, bias, readout, labels, angles = _ring_parameters(config)

    if config.permutation_seed is not None:
        order = np.random.default_rng(config.permutation_seed).permutation(config.n_units)
        weights = weights[np.ix_(order, order)]
        input_weights, bias, readout = input_weights[order], bias[order], readout[:, order]
        labels, angles = labels[order], angles[order]

    model = HDRNN(ModelConfig(n_units=config.n_units, dt_seconds=0.01, tau_seconds=0.1))
    with torch.no_grad():
        model.w_rec.copy_(torch.from_numpy(weights))
        model.w_in.copy_(torch.from_numpy(input_weights))
        model.bias.copy_(torch.from_numpy(bias))
        model.w_out.copy_(torch.from_numpy(readout))
        model.initial_state.zero_()
    model.eval()
    model.ring_layout = RingLayout(labels=labels, angles=angles, shift_deg=float(config.shift_deg))
    model.ring_config = config
    return model


def _ring_parameters(config: RingConfig):
    """Build weights in block order: Compass, CW Shifters, CCW Shifters, inactive."""
    n_c, n_s = config.n_compass, config.n_shifters
    n = config.n_units
    compass_angle = 2 * np.pi * np.arange(n_c) / n_c
    shifter_angle = 2 * np.pi * np.arange(n_s) / n_s
    shift = np.radians(config.shift_deg)

    compass = slice(0, n_c)
    cw = slice(n_c, n_c + n_s)
    ccw = slice(n_c + n_s, n_c + 2 * n_s)

    weights = np.zeros((n, n))
    difference = compass_angle[:, None] - compass_angle[None, :]
    weights[compass, compass] = (config.compass_uniform + config.compass_cosine * np.cos(difference)) / n_c

    input_weights = np.zeros((n, 3))
    bias = np.full(n, config.inactive_bias)
    bias[compass] = config.compass_bias
    for population, turn_sign in ((cw, -1.0), (ccw, +1.0)):
        copy_difference = shifter_angle[:, None] - compass_angle[None, :]
        weights[population, compass] = (
            config.shifter_uniform + config.shifter_cosine * np.cos(copy_difference)
        ) / n_c
        push_difference = compass_angle[:, None] - shifter_angle[None, :] - turn_sign * shift
        weights[compass, population] = (
            config.push_uniform + config.push_cosine * np.cos(push_difference)
        ) / n_s
        input_weights[population, 0] = turn_sign * config.av_gain
        bias[population] = config.shifter_bias

    # The cue drives Compass unit i by cue_gain * cos(angle_i - theta0).
    input_weights[compass, 1] = config.cue_gain * np.sin(compass_angle)
    input_weights[compass, 2] = config.cue_gain * np.cos(compass_angle)

    readout = np.zeros((2, n))
    readout[0, compass] = config.readout_gain * np.sin(compass_angle) / n_c
    readout[1, compass] = config.readout_gain * np.cos(compass_angle) / n_c

    labels = np.array(
        [COMPASS] * n_c + [CW_SHIFTER] * n_s + [CCW_SHIFTER] * n_s + [INACTIVE] * config.n_inactive
    )
    angles = np.concatenate([compass_angle, shifter_angle, shifter_angle, np.full(config.n_inactive, np.nan)])
    return (
        weights.astype(np.float32),
        input_weights.astype(np.float32),
        bias.astype(np.float32),
        readout.astype(np.float32),
        labels,
        angles,
    )
