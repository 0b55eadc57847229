"""Sort the units of a head-direction network into Compass, CW Shifter, CCW Shifter and inactive.

Sign convention, used by every module of ``hdlesson.analysis``: positive
angular velocity (AV) increases the heading angle, which is a
counter-clockwise (CCW) turn in the standard mathematical orientation. A CCW
Shifter is most active during CCW (positive-AV) turns and a CW Shifter during
CW (negative-AV) turns.

The rule, applied to tuning measured on fresh trials:

1. a unit whose HD tuning curve never reaches ``min_peak_rate`` is inactive;
2. an active unit whose AV asymmetry index (see
   :func:`hdlesson.analysis.tuning.av_sensitivity`) is at least
   ``shifter_asymmetry`` is a CCW Shifter, and one at most
   ``-shifter_asymmetry`` is a CW Shifter;
3. every other active unit is a Compass unit.

Cueva et al. (2020, ICLR, arXiv:1912.10189) name these classes; the
thresholds are ours. An active unit with weak HD tuning still counts as a
Compass unit under this rule, so check ``mean_vector_length`` before reading
a Compass label as "tuned to HD".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from hdlesson.analysis._arrays import to_numpy
from hdlesson.analysis.tuning import (
    av_sensitivity,
    hd_tuning_curves,
    joint_tuning,
    mean_vector_length,
    preferred_direction,
    tuning_width_deg,
)
from hdlesson.evaluate import task_of
from hdlesson.validation import check_positive_int

COMPASS = "compass"
CW_SHIFTER = "cw_shifter"
CCW_SHIFTER = "ccw_shifter"
INACTIVE = "inactive"
CLASS_NAMES = (COMPASS, CW_SHIFTER, CCW_SHIFTER, INACTIVE)


@dataclass(frozen=True)
class ClassifyConfig:
    """Thresholds and binning of the unit classification.

    Parameters
    ----------
    min_peak_rate : float
        A unit whose HD tuning curve peaks below this rate is inactive. Rates
        of ``HDRNN`` units lie in ``[0, 1)``.
    shifter_asymmetry : float
        Minimum absolute AV asymmetry index, in ``(0, 1]``, of a Shifter.
    hd_bins : int
        HD bins of the tuning curves (36 gives 10-degree bins).
    av_bins : int
        AV bins of the HD x AV maps; odd, so one bin is centred on zero AV.
    av_range_rad_per_s : tuple of float or None
        AV range of the maps in radians per second; None spans the 99th
        percentile of ``|AV|`` in the trials.
    """

    min_peak_rate: float = 0.02
    shifter_asymmetry: float = 0.1
    hd_bins: int = 36
    av_bins: int = 21
    av_range_rad_per_s: tuple | None = None

    def __post_init__(self):
        if not (np.isfinite(self.min_peak_rate) and self.min_peak_rate >= 0):
            raise ValueError(
                f"min_peak_rate={self.min_peak_rate!r} is invalid; use a non-negative rate."
            )
        if not 0 < self.shifter_asymmetry <= 1:
            raise ValueError(
                f"shifter_asymmetry={self.shifter_asymmetry!r} is invalid; use a value in (0, 1]."
            )


@dataclass(frozen=True)
class UnitClasses:
    """Class and tuning summary of every unit.

    Attributes
    ----------
    labels : ndarray of str, shape (units,)
        ``"compass"``, ``"cw_shifter"``, ``"ccw_shifter"`` or ``"inactive"``.
    preferred_direction : ndarray, shape (units,)
        Circular mean of the HD tuning curve, radians in ``[0, 2*pi)``.
    tuning_width_deg : ndarray, shape (units,)
        Full width at half maximum above the minimum, degrees.
    mean_vector_length : ndarray, shape (units,)
        Concentration of the HD tuning curve, in ``[0, 1]``.
    peak_rate : ndarray, shape (units,)
        Maximum of the HD tuning curve.
    asymmetry : ndarray, shape (units,)
        AV asymmetry index in ``[-1, 1]``; positive = more active in CCW turns.
    av_slope : ndarray, shape (units,)
        Slope of the rate against AV at the preferred direction, rate per
        (radian per second).
    hd_centers : ndarray, shape (hd_bins,)
        HD bin centres in radians.
    hd_curves : ndarray, shape (units, hd_bins)
        HD tuning curves.
    av_centers : ndarray, shape (av_bins,)
        AV bin centres in radians per second.
    joint_maps : ndarray, shape (units, hd_bins, av_bins)
        HD x AV tuning maps.
    config : ClassifyConfig
        Thresholds used.
    """

    labels: np.ndarray
    preferred_direction: np.ndarray
    tuning_width_deg: np.ndarray
    mean_vector_length: np.ndarray
    peak_rate: np.ndarray
    asymmetry: np.ndarray
    av_slope: np.ndarray
    hd_centers: np.ndarray
    hd_curves: np.ndarray
    av_centers: np.ndarray
    joint_maps: np.ndarray
    config: ClassifyConfig = field(default_factory=ClassifyConfig)

    @property
    def counts(self) -> dict:
        """Number of units in each class, keyed by class name."""
        return {name: int(np.sum(self.labels == name)) for name in CLASS_NAMES}

    def units(self, label: str) -> np.ndarray:
        """Return the indices of the units of one class."""
        if label not in CLASS_NAMES:
            raise ValueError(f"label={label!r} is invalid; choose one of {CLASS_NAMES}.")
        return np.flatnonzero(self.labels == label)


def classify_from_rates(rates, heading, av_rad_per_s, config: ClassifyConfig | None = None) -> UnitClasses:
    """Classify units from recorded rates.

    Parameters
    ----------
    rates : array or Tensor, shape (trials, steps, units) or (samples, units)
        Unit rates. Leave out the cue steps, because there the cue, not the
        network, sets the heading.
    heading : array, shape (trials, steps) or (samples,)
        True HD in radians.
    av_rad_per_s : array, same shape as ``heading``
        True AV in radians per second; positive is CCW.
    config : ClassifyConfig, optional

    Returns
    -------
    UnitClasses
    """
    config = config or ClassifyConfig()
    hd_centers, hd_curves, _ = hd_tuning_curves(rates, heading, config.hd_bins)
    _, av_centers, maps, _ = joint_tuning(
        rates, heading, av_rad_per_s, config.hd_bins, config.av_bins, config.av_range_rad_per_s
    )

    preferred = preferred_direction(hd_curves, hd_centers)
    slope, asymmetry = av_sensitivity(maps, hd_centers, av_centers, preferred)
    peak = np.where(np.isfinite(hd_curves), hd_curves, -np.inf).max(axis=1)

    labels = np.full(hd_curves.shape[0], COMPASS, dtype=object)
    labels[asymmetry >= config.shifter_asymmetry] = CCW_SHIFTER
    labels[asymmetry <= -config.shifter_asymmetry] = CW_SHIFTER
    labels[~(peak >= config.min_peak_rate)] = INACTIVE

    return UnitClasses(
        labels=labels.astype(str),
        preferred_direction=preferred,
        tuning_width_deg=tuning_width_deg(hd_curves, hd_centers),
        mean_vector_length=mean_vector_length(hd_curves, hd_centers),
        peak_rate=peak,
        asymmetry=asymmetry,
        av_slope=slope,
        hd_centers=hd_centers,
        hd_curves=hd_curves,
        av_centers=av_centers,
        joint_maps=maps,
        config=config,
    )


def classify_units(model, n_trials: int = 200, seed: int = 0, task=None,
                   config: ClassifyConfig | None = None) -> UnitClasses:
    """Run a network on fresh noise-free trials and classify its units.

    Parameters
    ----------
    model : HDRNN
        Trained or hand-built network.
    n_trials : int
        Number of trials (200 trials of 500 steps take well under a second
        for 100 units).
    seed : int
        Seed of the trials, so the same seed gives the same classes.
    task : Task, optional
        Task to sample from; by default the task the network was trained on
        (``hdlesson.evaluate.task_of``).
    config : ClassifyConfig, optional

    Returns
    -------
    UnitClasses
    """
    check_positive_int("n_trials", n_trials)
    task = task or task_of(model)
    trials = task.sample(n_trials, np.random.default_rng(seed))
    with torch.no_grad():
        _, rates = model(torch.from_numpy(trials.inputs))

    after_cue = slice(task.cue_steps, None)
    return classify_from_rates(
        to_numpy("rates", rates)[:, after_cue],
        trials.heading[:, after_cue],
        trials.angular_velocity_rad_per_s[:, after_cue],
        config,
    )
