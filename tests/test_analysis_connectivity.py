"""Connectivity measures recover the hand-built ring's wiring."""

import numpy as np
import pytest

from hdlesson.analysis.classify import classify_units
from hdlesson.analysis.connectivity import (
    class_pair_profiles,
    compass_connectivity,
    fit_cosine_kernel,
    shifter_offsets_deg,
    sort_units,
    sorted_weights,
    weight_profile,
)
from hdlesson.ring import RingConfig, build_ring_attractor


@pytest.fixture(scope="module")
def classes(ring):
    return classify_units(ring, n_trials=100, seed=0)


def test_offsets_from_layout(ring):
    layout = ring.ring_layout
    offsets = shifter_offsets_deg(ring.w_rec, layout.labels, layout.angles)
    assert offsets["ccw_shifter"] == pytest.approx(90.0, abs=0.5)
    assert offsets["cw_shifter"] == pytest.approx(-90.0, abs=0.5)


def test_offsets_from_measured_tuning(ring, classes):
    offsets = shifter_offsets_deg(ring.w_rec, classes.labels, classes.preferred_direction)
    assert offsets["ccw_shifter"] == pytest.approx(90.0, abs=10.0)
    assert offsets["cw_shifter"] == pytest.approx(-90.0, abs=10.0)


def test_offset_follows_config():
    model = build_ring_attractor(RingConfig(shift_deg=45.0))
    layout = model.ring_layout
    offsets = shifter_offsets_deg(model.w_rec, layout.labels, layout.angles)
    assert offsets["ccw_shifter"] == pytest.approx(45.0, abs=0.5)


def test_compass_local_excitation(ring, classes):
    result = compass_connectivity(ring.w_rec, classes.labels, classes.preferred_direction)
    assert result.local_mean_weight > 0


def test_compass_broad_inhibition(ring, classes):
    result = compass_connectivity(ring.w_rec, classes.labels, classes.preferred_direction)
    assert result.far_mean_weight < 0
    assert result.far_negative_fraction == pytest.approx(1.0)


def test_compass_kernel_values(ring):
    layout = ring.ring_layout
    compass = layout.labels == "compass"
    kernel = fit_cosine_kernel(ring.w_rec, layout.angles, compass, compass)
    assert kernel.uniform == pytest.approx(-4.0 / 48, rel=1e-3)
    assert kernel.amplitude == pytest.approx(16.0 / 48, rel=1e-3)
    assert kernel.phase_deg == pytest.approx(0.0, abs=0.1)


def test_sort_groups_classes(ring, classes):
    _, order, boundaries = sorted_weights(ring.w_rec, classes.labels, classes.preferred_direction)
    start, stop = boundaries["cw_shifter"]
    assert np.all(classes.labels[order[start:stop]] == "cw_shifter")


def test_sort_orders_preferred_direction(classes):
    order, boundaries = sort_units(classes.labels, classes.preferred_direction)
    start, stop = boundaries["compass"]
    assert np.all(np.diff(classes.preferred_direction[order[start:stop]]) >= 0)


def test_sorted_weights_permute(ring, classes):
    weights, order, _ = sorted_weights(ring.w_rec, classes.labels, classes.preferred_direction)
    w = ring.w_rec.detach().numpy()
    assert weights[3, 7] == pytest.approx(w[order[3], order[7]])


def test_profile_synthetic_kernel():
    """Weights 1 + cos(d - 30 deg) on 72 units 5 degrees apart give that profile."""
    angles = np.radians(np.arange(0.0, 360.0, 5.0))
    difference = angles[:, None] - angles[None, :]
    weights = 1.0 + np.cos(difference - np.radians(30.0))
    units = np.arange(72)
    centers, mean, count = weight_profile(weights, angles, units, units, n_bins=72)
    expected = 1.0 + np.cos(np.radians(centers - 30.0))
    filled = count > 0
    assert np.allclose(mean[filled], expected[filled], atol=0.05)
    assert fit_cosine_kernel(weights, angles, units, units).phase_deg == pytest.approx(30.0, abs=1e-6)


def test_profile_skips_self_connections():
    weights = np.eye(3) * 100.0
    angles = np.array([0.0, 2.0, 4.0])
    _, _, count = weight_profile(weights, angles, np.arange(3), np.arange(3), n_bins=4)
    assert count.sum() == 6


def test_pair_profiles_keys(ring, classes):
    profiles = class_pair_profiles(ring.w_rec, classes.labels, classes.preferred_direction)
    assert ("ccw_shifter", "compass") in profiles
    assert len(profiles) == 9


def test_ccw_profile_peaks_ahead(ring, classes):
    profiles = class_pair_profiles(ring.w_rec, classes.labels, classes.preferred_direction)
    centers, mean, _ = profiles[("ccw_shifter", "compass")]
    assert 60.0 < centers[np.nanargmax(mean)] < 120.0


def test_rejects_mismatched_weights(classes):
    with pytest.raises(ValueError, match="w_rec"):
        shifter_offsets_deg(np.zeros((5, 5)), classes.labels, classes.preferred_direction)


def test_rejects_out_of_range_units():
    with pytest.raises(ValueError, match="outside"):
        weight_profile(np.zeros((3, 3)), np.zeros(3), [0, 5], [1])
