"""Recurrent connectivity of a head-direction network, arranged by unit class and preferred direction.

Weights are read as ``w_rec[post, pre]``, the weight from unit ``pre`` onto
unit ``post``, as in ``hdlesson.model``. The difference in preferred direction
of a pair is ``preferred[post] - preferred[pre]``, wrapped to
``[-180, 180)`` degrees. In the sign convention of ``hdlesson.analysis``
(positive = counter-clockwise, CCW), a positive difference means the
postsynaptic unit prefers a heading CCW of the presynaptic unit's. A CCW
Shifter that pushes the bump CCW should therefore excite Compass units at a
positive offset, and a CW Shifter at a negative one.

The connectivity claims that these functions measure come from Cueva et al.
(2020, ICLR, arXiv:1912.10189): Compass -> Compass weights show local
excitation and broad inhibition, and Shifter -> Compass weights excite
Compass units ahead in the Shifter's turning direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hdlesson.analysis._arrays import check_units, to_numpy
from hdlesson.analysis.classify import CCW_SHIFTER, CLASS_NAMES, COMPASS, CW_SHIFTER
from hdlesson.analysis.tuning import binned_tuning

ACTIVE_CLASSES = (COMPASS, CW_SHIFTER, CCW_SHIFTER)


@dataclass(frozen=True)
class CosineKernel:
    """Least-squares fit ``w = uniform + amplitude * cos(d - phase)`` of weights against difference ``d``.

    Attributes
    ----------
    uniform : float
        Constant part of the weight (negative = broad inhibition).
    amplitude : float
        Amplitude of the cosine part (non-negative).
    phase_deg : float
        Difference in preferred direction at which the fitted weight peaks,
        degrees in ``[-180, 180)``; positive = postsynaptic unit CCW of the
        presynaptic unit.
    n_pairs : int
        Number of pairs in the fit.
    """

    uniform: float
    amplitude: float
    phase_deg: float
    n_pairs: int


@dataclass(frozen=True)
class CompassConnectivity:
    """Local excitation and broad inhibition among Compass units.

    Attributes
    ----------
    local_mean_weight : float
        Mean weight over pairs whose preferred directions differ by at most
        ``local_deg`` (self-connections excluded).
    far_mean_weight : float
        Mean weight over pairs that differ by at least ``far_deg``.
    far_negative_fraction : float
        Fraction of those far weights that are negative.
    kernel : CosineKernel
        Cosine fit of all Compass -> Compass weights.
    local_deg, far_deg : float
        Thresholds used, in degrees.
    """

    local_mean_weight: float
    far_mean_weight: float
    far_negative_fraction: float
    kernel: CosineKernel
    local_deg: float
    far_deg: float

    @property
    def has_local_excitation_and_broad_inhibition(self) -> bool:
        """True when nearby Compass units excite and distant ones inhibit each other on average."""
        return self.local_mean_weight > 0 and self.far_mean_weight < 0


def sort_units(labels, preferred, class_order=CLASS_NAMES) -> tuple[np.ndarray, dict]:
    """Order units by class, then by preferred direction within each class.

    Parameters
    ----------
    labels : array of str, shape (units,)
        Class of each unit (for example ``UnitClasses.labels``).
    preferred : array, shape (units,)
        Preferred direction in radians; NaN sorts last within its class.
    class_order : sequence of str
        Order of the classes; units of unlisted classes come last.

    Returns
    -------
    order : ndarray of int, shape (units,)
        Unit indices in display order.
    boundaries : dict
        Class name -> ``(start, stop)`` positions in ``order``.
    """
    labels = np.asarray(labels).astype(str)
    preferred = to_numpy("preferred", preferred, float)
    if preferred.shape != labels.shape or labels.ndim != 1:
        raise ValueError(
            f"labels has shape {labels.shape} and preferred {preferred.shape}; expected both (units,)."
        )
    rank = {name: position for position, name in enumerate(class_order)}
    class_rank = np.array([rank.get(label, len(rank)) for label in labels])
    angle = np.where(np.isfinite(preferred), np.mod(preferred, 2 * np.pi), np.inf)
    order = np.lexsort((angle, class_rank))

    boundaries = {}
    sorted_labels = labels[order]
    for name in list(class_order) + sorted(set(labels) - set(class_order)):
        positions = np.flatnonzero(sorted_labels == name)
        if positions.size:
            boundaries[name] = (int(positions[0]), int(positions[-1]) + 1)
    return order, boundaries


def sorted_weights(w_rec, labels, preferred, class_order=CLASS_NAMES):
    """Return the recurrent weights with rows and columns sorted by class and preferred direction.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]`` (``model.w_rec``).
    labels : array of str, shape (units,)
    preferred : array, shape (units,)
        Radians.
    class_order : sequence of str

    Returns
    -------
    weights : ndarray, shape (units, units)
        ``w_rec[order][:, order]``.
    order : ndarray of int, shape (units,)
    boundaries : dict
        Class name -> ``(start, stop)`` positions along both axes.
    """
    weights = _check_weights(w_rec, np.asarray(labels).size)
    order, boundaries = sort_units(labels, preferred, class_order)
    return weights[np.ix_(order, order)], order, boundaries


def weight_profile(w_rec, preferred, pre_units, post_units, n_bins: int = 36):
    """Compute the mean weight as a function of the difference in preferred direction.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]``.
    preferred : array, shape (units,)
        Preferred directions in radians.
    pre_units, post_units : array of int or bool mask
        Presynaptic and postsynaptic units. Self-connections are left out.
    n_bins : int
        Bins over ``[-180, 180)`` degrees.

    Returns
    -------
    centers_deg : ndarray, shape (bins,)
        Difference ``preferred[post] - preferred[pre]`` in degrees.
    mean_weight : ndarray, shape (bins,)
        Mean weight per bin; NaN where a bin has no pair.
    n_pairs : ndarray, shape (bins,), int
    """
    weights, difference_deg = _pairs(w_rec, preferred, pre_units, post_units)
    centers, mean, count = binned_tuning(weights[:, None], difference_deg, n_bins, (-180.0, 180.0))
    return centers, mean[0], count


def class_pair_profiles(w_rec, labels, preferred, n_bins: int = 36, classes=ACTIVE_CLASSES) -> dict:
    """Compute :func:`weight_profile` for every ordered pair of classes.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]``.
    labels : array of str, shape (units,)
    preferred : array, shape (units,)
        Radians.
    n_bins : int
    classes : sequence of str

    Returns
    -------
    dict
        ``(pre_class, post_class)`` -> ``(centers_deg, mean_weight, n_pairs)``,
        for the pairs of classes that both have units.
    """
    labels = np.asarray(labels).astype(str)
    profiles = {}
    for pre_class in classes:
        for post_class in classes:
            pre = labels == pre_class
            post = labels == post_class
            if pre.any() and post.any():
                profiles[(pre_class, post_class)] = weight_profile(w_rec, preferred, pre, post, n_bins)
    return profiles


def fit_cosine_kernel(w_rec, preferred, pre_units, post_units) -> CosineKernel:
    """Fit ``uniform + amplitude * cos(d - phase)`` to the weights of a group of pairs.

    The fit uses every pair rather than bins, so its phase is not rounded to
    a bin width. The phase is the peak of the weight profile when that
    profile is symmetric about its peak.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]``.
    preferred : array, shape (units,)
        Preferred directions in radians; pairs with a NaN are left out.
    pre_units, post_units : array of int or bool mask

    Returns
    -------
    CosineKernel
    """
    weights, difference_deg = _pairs(w_rec, preferred, pre_units, post_units)
    if weights.size < 3:
        raise ValueError(
            f"only {weights.size} pairs with known preferred directions; a cosine fit needs at "
            "least 3. Check that both groups contain active units."
        )
    difference = np.radians(difference_deg)
    design = np.stack([np.ones_like(difference), np.cos(difference), np.sin(difference)], axis=1)
    (uniform, cosine, sine), *_ = np.linalg.lstsq(design, weights, rcond=None)
    phase = np.degrees(np.arctan2(sine, cosine))
    return CosineKernel(
        uniform=float(uniform),
        amplitude=float(np.hypot(cosine, sine)),
        phase_deg=float(np.mod(phase + 180.0, 360.0) - 180.0),
        n_pairs=int(weights.size),
    )


def shifter_offsets_deg(w_rec, labels, preferred) -> dict:
    """Measure where each Shifter population's excitation of Compass units peaks.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]``.
    labels : array of str, shape (units,)
    preferred : array, shape (units,)
        Radians.

    Returns
    -------
    dict
        ``"cw_shifter"`` and ``"ccw_shifter"`` -> peak offset in degrees of
        the Shifter -> Compass cosine fit (:func:`fit_cosine_kernel`).
        Expected negative for CW and positive for CCW Shifters. A population
        without units is left out.
    """
    labels = np.asarray(labels).astype(str)
    offsets = {}
    for shifter_class in (CW_SHIFTER, CCW_SHIFTER):
        shifters = labels == shifter_class
        if shifters.any() and (labels == COMPASS).any():
            kernel = fit_cosine_kernel(w_rec, preferred, shifters, labels == COMPASS)
            offsets[shifter_class] = kernel.phase_deg
    return offsets


def compass_connectivity(w_rec, labels, preferred, local_deg: float = 30.0,
                         far_deg: float = 90.0) -> CompassConnectivity:
    """Measure local excitation and broad inhibition among Compass units.

    Parameters
    ----------
    w_rec : array or Tensor, shape (units, units)
        Recurrent weights ``[post, pre]``.
    labels : array of str, shape (units,)
    preferred : array, shape (units,)
        Radians.
    local_deg : float
        Largest difference in preferred direction, in degrees, of a "local" pair.
    far_deg : float
        Smallest difference, in degrees, of a "far" pair.

    Returns
    -------
    CompassConnectivity
    """
    if not 0 < local_deg <= far_deg <= 180:
        raise ValueError(
            f"local_deg={local_deg!r} and far_deg={far_deg!r} are invalid; use "
            "0 < local_deg <= far_deg <= 180 degrees."
        )
    compass = np.asarray(labels).astype(str) == COMPASS
    weights, difference_deg = _pairs(w_rec, preferred, compass, compass)
    distance = np.abs(difference_deg)
    local = distance <= local_deg
    far = distance >= far_deg
    if not (local.any() and far.any()):
        raise ValueError(
            f"no Compass pairs within {local_deg} degrees or none beyond {far_deg} degrees; "
            "widen the thresholds or check the classification."
        )
    return CompassConnectivity(
        local_mean_weight=float(weights[local].mean()),
        far_mean_weight=float(weights[far].mean()),
        far_negative_fraction=float((weights[far] < 0).mean()),
        kernel=fit_cosine_kernel(w_rec, preferred, compass, compass),
        local_deg=float(local_deg),
        far_deg=float(far_deg),
    )


def _check_weights(w_rec, n_units=None) -> np.ndarray:
    weights = to_numpy("w_rec", w_rec, float)
    if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
        raise ValueError(f"w_rec has shape {weights.shape}; expected a square (units, units) matrix.")
    if n_units is not None and weights.shape[0] != n_units:
        raise ValueError(
            f"w_rec has {weights.shape[0]} units but the labels or preferred directions have "
            f"{n_units}; pass arrays from the same network."
        )
    return weights


def _pairs(w_rec, preferred, pre_units, post_units):
    """Return the weights and preferred-direction differences (degrees) of all pre -> post pairs."""
    preferred = to_numpy("preferred", preferred, float)
    weights = _check_weights(w_rec, preferred.size)
    pre = check_units("pre_units", pre_units, preferred.size)
    post = check_units("post_units", post_units, preferred.size)

    block = weights[np.ix_(post, pre)]
    difference = preferred[post][:, None] - preferred[pre][None, :]
    keep = np.isfinite(difference) & (post[:, None] != pre[None, :])
    difference_deg = np.mod(np.degrees(difference[keep]) + 180.0, 360.0) - 180.0
    return block[keep], difference_deg
