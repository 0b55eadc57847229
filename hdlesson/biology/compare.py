"""Put the fly compass, the ADn recording and a trained network side by side with the same analysis code.

- :func:`fly_as_network` writes the idealised fly wiring of
  :mod:`hdlesson.biology.fly` as one recurrent weight matrix with unit
  classes and preferred directions, so that the connectivity functions of
  :mod:`hdlesson.analysis.connectivity` measure the fly exactly as they
  measure a network. E-PG neurons play the Compass units and P-EN neurons
  the Shifters.
- :func:`class_fractions` and :func:`fly_class_fractions` count units per
  class.
- :func:`align_to_preferred` and :func:`baseline_fraction` compare the shape
  of tuning curves of network units and real cells.
- :func:`tracking_error_growth` measures how fast a dead-reckoning error
  grows.
- :func:`draw_published_value` draws a published number from
  :mod:`hdlesson.biology.facts` on a figure, by its name, so that no figure
  types in a published number by hand.

Sign convention, as in :mod:`hdlesson.analysis`: positive AV increases the
heading angle (a CCW turn). The fly model excites left-PB P-ENs with positive
AV and they move the bump towards increasing angle, so left-PB P-ENs are CCW
Shifters and right-PB P-ENs CW Shifters here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.analysis.classify import CCW_SHIFTER, CLASS_NAMES, COMPASS, CW_SHIFTER, INACTIVE
from hdlesson.biology import facts
from hdlesson.biology.fly import FlyCompassWiring, build_fly_wiring
from hdlesson.validation import check_positive

TWO_PI = 2.0 * np.pi
ACTIVE_CLASSES = (COMPASS, CW_SHIFTER, CCW_SHIFTER)
FLY_PATHWAYS = ("D7", "PEG")


@dataclass(frozen=True)
class FlyNetworkView:
    """The fly's E-PG and P-EN neurons written as one network of Compass and Shifter units.

    Attributes
    ----------
    w_rec : ndarray, shape (units, units)
        Weights ``[post, pre]``: 16 E-PG units first, then 16 P-EN units.
        E-PG -> E-PG entries are the effective weights of the pathways in
        ``pathways`` (each a product of two synapses); P-EN -> E-PG and
        E-PG -> P-EN entries are the direct synapses plus, for E-PG -> P-EN,
        the effective E-PG -> Delta7 -> P-EN inhibition.
    labels : ndarray of str, shape (units,)
        ``"compass"`` for E-PG, ``"ccw_shifter"`` for left-PB P-EN and
        ``"cw_shifter"`` for right-PB P-EN.
    preferred_direction : ndarray, shape (units,)
        Column angle of each neuron in radians.
    pathways : tuple of str
        Interneuron populations included in the E-PG -> E-PG weights.
    """

    w_rec: np.ndarray
    labels: np.ndarray
    preferred_direction: np.ndarray
    pathways: tuple


def fly_effective_epg_weights(wiring: FlyCompassWiring | None = None, pathways=("D7",)) -> np.ndarray:
    """Compute the effective E-PG -> E-PG weights through interneurons.

    Parameters
    ----------
    wiring : FlyCompassWiring, optional
        Default: ``build_fly_wiring()``.
    pathways : sequence of str
        ``"D7"`` for E-PG -> Delta7 -> E-PG (broad inhibition), ``"PEG"`` for
        E-PG -> P-EG -> E-PG (excitation within a column).

    Returns
    -------
    ndarray, shape (16, 16)
        ``[post, pre]``; the sum over the pathways of
        ``weights[(EPG, X)] @ weights[(X, EPG)]``. This is the weight of a
        two-synapse path in a linear approximation, which ignores the
        interneurons' own thresholds and time constants.
    """
    wiring = wiring if wiring is not None else build_fly_wiring()
    unknown = set(pathways) - set(FLY_PATHWAYS)
    if unknown:
        raise ValueError(f"pathways={tuple(pathways)!r} is invalid; choose from {FLY_PATHWAYS}.")

    n_epg = wiring.sizes["EPG"]
    effective = np.zeros((n_epg, n_epg))
    for interneuron in pathways:
        effective += wiring.weights[("EPG", interneuron)] @ wiring.weights[(interneuron, "EPG")]
    return effective


def fly_as_network(wiring: FlyCompassWiring | None = None, pathways=("D7",)) -> FlyNetworkView:
    """Write the fly's E-PG and P-EN neurons as a network of Compass and Shifter units.

    Parameters
    ----------
    wiring : FlyCompassWiring, optional
        Default: ``build_fly_wiring()``.
    pathways : sequence of str
        Interneuron pathways in the E-PG -> E-PG weights; see
        :func:`fly_effective_epg_weights`.

    Returns
    -------
    FlyNetworkView
    """
    wiring = wiring if wiring is not None else build_fly_wiring()
    n_epg, n_pen = wiring.sizes["EPG"], wiring.sizes["PEN"]
    epg = slice(0, n_epg)
    pen = slice(n_epg, n_epg + n_pen)

    w_rec = np.zeros((n_epg + n_pen, n_epg + n_pen))
    w_rec[epg, epg] = fly_effective_epg_weights(wiring, pathways)
    w_rec[epg, pen] = wiring.weights[("EPG", "PEN")]
    w_rec[pen, epg] = wiring.weights[("PEN", "EPG")] + wiring.weights[("PEN", "D7")] @ wiring.weights[("D7", "EPG")]

    shifter_class = np.where(wiring.side["PEN"] == "L", CCW_SHIFTER, CW_SHIFTER)
    labels = np.concatenate([np.full(n_epg, COMPASS), shifter_class]).astype(str)
    preferred = np.radians(np.concatenate([wiring.angle_deg("EPG"), wiring.angle_deg("PEN")]))
    return FlyNetworkView(w_rec=w_rec, labels=labels, preferred_direction=preferred, pathways=tuple(pathways))


def class_fractions(labels, include_inactive: bool = False) -> dict:
    """Return the fraction of units in each class.

    Parameters
    ----------
    labels : array of str, shape (units,)
        Class of each unit (``UnitClasses.labels`` or ``FlyNetworkView.labels``).
    include_inactive : bool
        Count inactive units in the total and return their fraction too. By
        default fractions are of the active units only, because the fly
        circuit has no inactive neurons to compare with.

    Returns
    -------
    dict
        Class name -> fraction, over ``"compass"``, ``"cw_shifter"``,
        ``"ccw_shifter"`` (and ``"inactive"``).
    """
    labels = np.asarray(labels).astype(str)
    classes = CLASS_NAMES if include_inactive else ACTIVE_CLASSES
    counted = np.isin(labels, classes)
    total = int(counted.sum())
    if total == 0:
        raise ValueError(f"none of the {labels.size} labels is one of {classes}; check the classification.")
    return {name: float(np.sum(labels == name) / total) for name in classes}


def fly_class_fractions(wiring: FlyCompassWiring | None = None) -> dict:
    """Return the fraction of E-PG (Compass) and left/right P-EN (CCW/CW Shifter) neurons in the fly model.

    The model has one E-PG per EB wedge and one P-EN per PB glomerulus
    (:data:`facts.EB_WEDGES`, :data:`facts.PB_GLOMERULI_WITH_EPG`), so these
    fractions follow from those counts.

    NOTE: these are fractions of the idealised circuit, with one neuron per
    wedge or glomerulus. The numbers of neurons of each type in a real fly
    are not in :mod:`hdlesson.biology.facts`.
    """
    return class_fractions(fly_as_network(wiring).labels)


def align_to_preferred(curves, centers, normalise: bool = True):
    """Rotate each tuning curve so that its peak bin sits at 0 degrees.

    Parameters
    ----------
    curves : array, shape (units, bins)
        Tuning curves over HD bins spanning ``[0, 2*pi)``; NaN bins are kept
        as NaN.
    centers : array, shape (bins,)
        Bin centres in radians, evenly spaced.
    normalise : bool
        Divide each curve by its peak, so that curves of different rates
        compare by shape.

    Returns
    -------
    offsets_deg : ndarray, shape (bins,)
        HD relative to the peak bin, degrees in ``[-180, 180)``.
    aligned : ndarray, shape (units, bins)
    """
    curves = np.asarray(curves, dtype=float)
    centers = np.asarray(centers, dtype=float)
    if curves.ndim != 2 or curves.shape[1] != centers.size:
        raise ValueError(
            f"curves has shape {curves.shape} and centers {centers.shape}; expected curves "
            "(units, bins) and centers (bins,)."
        )
    n_bins = centers.size
    half = n_bins // 2
    peaks = np.nanargmax(np.where(np.isfinite(curves), curves, -np.inf), axis=1)

    aligned = np.empty_like(curves)
    for unit, peak in enumerate(peaks):
        aligned[unit] = np.roll(curves[unit], half - peak)
    if normalise:
        with np.errstate(invalid="ignore", divide="ignore"):
            aligned = aligned / np.nanmax(aligned, axis=1, keepdims=True)

    step_deg = 360.0 / n_bins
    offsets_deg = (np.arange(n_bins) - half) * step_deg
    return offsets_deg, aligned


def baseline_fraction(curves) -> np.ndarray:
    """Return each tuning curve's minimum divided by its maximum, in [0, 1].

    0 means the cell falls silent away from its preferred direction; the
    peak-to-baseline ratio is the reciprocal. NaN for a curve whose maximum
    is not positive.
    """
    curves = np.asarray(curves, dtype=float)
    if curves.ndim != 2:
        raise ValueError(f"curves has shape {curves.shape}; expected (units, bins).")
    peak = np.nanmax(curves, axis=1)
    low = np.nanmin(curves, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peak > 0, low / peak, np.nan)


@dataclass(frozen=True)
class ErrorGrowth:
    """Growth of the dead-reckoning heading error with time.

    Attributes
    ----------
    times_s : ndarray, shape (steps,)
        Time since the initial heading was given, in seconds.
    rms_error_deg : ndarray, shape (steps,)
        Root-mean-square heading error across trials at each time.
    mean_abs_error_deg : ndarray, shape (steps,)
        Mean absolute heading error across trials at each time.
    diffusion_deg2_per_s : float
        Least-squares slope ``D`` of ``rms_error_deg**2 = D * t``, the rate
        at which a random-walk error's variance grows.
    """

    times_s: np.ndarray
    rms_error_deg: np.ndarray
    mean_abs_error_deg: np.ndarray
    diffusion_deg2_per_s: float

    def rms_error_at(self, seconds: float) -> float:
        """Return the random-walk fit's RMS error after ``seconds``, ``sqrt(D * t)``, in degrees."""
        check_positive("seconds", seconds)
        return float(np.sqrt(self.diffusion_deg2_per_s * seconds))

    def time_to_reach(self, error_deg: float) -> float:
        """Return the time in seconds at which the random-walk fit's RMS error reaches ``error_deg``."""
        check_positive("error_deg", error_deg)
        return float(error_deg**2 / self.diffusion_deg2_per_s)


def tracking_error_growth(error_rad, dt_seconds: float, skip_steps: int = 0) -> ErrorGrowth:
    """Measure how a heading error grows over trials that all start from a known heading.

    Parameters
    ----------
    error_rad : array, shape (trials, steps)
        Decoded minus true heading in radians, wrapped to ``[-pi, pi)`` (the
        third return value of
        :func:`hdlesson.biology.track_recorded_heading`).
    dt_seconds : float
        Time step in seconds.
    skip_steps : int
        Steps left out of the random-walk fit at the start (the cue steps,
        during which the cue, not integration, sets the heading).

    Returns
    -------
    ErrorGrowth
    """
    error = np.degrees(np.asarray(error_rad, dtype=float))
    if error.ndim != 2 or error.shape[1] <= skip_steps + 1:
        raise ValueError(
            f"error_rad has shape {error.shape}; expected (trials, steps) with more than "
            f"skip_steps + 1 = {skip_steps + 1} steps."
        )
    check_positive("dt_seconds", dt_seconds)

    times = np.arange(1, error.shape[1] + 1) * dt_seconds
    mean_square = np.mean(error**2, axis=0)
    fitted = slice(skip_steps, None)
    diffusion = float(np.sum(times[fitted] * mean_square[fitted]) / np.sum(times[fitted] ** 2))
    return ErrorGrowth(
        times_s=times,
        rms_error_deg=np.sqrt(mean_square),
        mean_abs_error_deg=np.mean(np.abs(error), axis=0),
        diffusion_deg2_per_s=diffusion,
    )


def draw_published_value(ax, name: str, orientation: str = "horizontal", scale: float = 1.0,
                         label: str | None = None, **line_options) -> float:
    """Draw a published number from :mod:`hdlesson.biology.facts` as a reference line on a figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    name : str
        Name of the fact, for example ``"pen_shift_deg"`` (see ``facts.FACTS``).
    orientation : str
        ``"horizontal"`` draws at y = value, ``"vertical"`` at x = value. A
        ``(low, high)`` range is drawn as a shaded band.
    scale : float
        Multiplies the value before drawing, for example -1 to mark the
        mirror-image offset of the other P-EN population.
    label : str, optional
        Legend text; by default the fact's short citation, value and unit.
    line_options
        Passed to ``ax.axhline``/``ax.axvline`` (or ``axhspan``/``axvspan``).

    Returns
    -------
    float or tuple
        The value drawn, after scaling.
    """
    if orientation not in ("horizontal", "vertical"):
        raise ValueError(f"orientation={orientation!r} is invalid; use 'horizontal' or 'vertical'.")
    fact = facts.get(name)
    is_range = isinstance(fact.value, tuple)
    value = tuple(scale * v for v in fact.value) if is_range else scale * fact.value
    if label is None:
        value_text = f"{value[0]:g}-{value[1]:g}" if is_range else f"{value:g}"
        label = f"{fact.citation.short}: {value_text} {fact.unit}"

    options = {"color": "black", "ls": "--", "lw": 1}
    if is_range:
        options = {"color": "gray", "alpha": 0.2, "lw": 0}
    options.update(line_options)
    if is_range and orientation == "horizontal":
        ax.axhspan(*value, label=label, **options)
    elif is_range:
        ax.axvspan(*value, label=label, **options)
    elif orientation == "horizontal":
        ax.axhline(value, label=label, **options)
    else:
        ax.axvline(value, label=label, **options)
    return value
