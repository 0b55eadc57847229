"""Known-answer tests of hdlesson.analysis.tuning on synthetic units."""

import numpy as np
import pytest
import torch

from hdlesson.analysis.tuning import (
    av_sensitivity,
    binned_tuning,
    hd_tuning_curves,
    joint_tuning,
    mean_vector_length,
    preferred_direction,
    tuning_width_deg,
)

PREFERRED = np.array([0.3, 2.0, 4.5, 6.1])
KAPPA = np.array([2.0, 4.0, 8.0, 1.0])


def von_mises_rates(heading):
    """Rates of four units with von Mises tuning, peak 1, preferred PREFERRED."""
    return np.exp(KAPPA * (np.cos(heading[:, None] - PREFERRED) - 1.0))


def von_mises_width_deg(kappa):
    """Full width at half maximum above the minimum of exp(kappa cos x), in degrees."""
    return 2.0 * np.degrees(np.arccos(np.log(np.cosh(kappa)) / kappa))


@pytest.fixture(scope="module")
def von_mises_curves():
    heading = np.random.default_rng(0).uniform(0.0, 2.0 * np.pi, 100_000)
    return hd_tuning_curves(von_mises_rates(heading), heading, n_bins=36)


def test_binned_tuning_means_and_empty_bins():
    variable = np.array([0.1, 0.2, 1.1, 1.9, 2.0])
    values = np.array([[1.0], [3.0], [5.0], [7.0], [9.0]])
    centers, mean, occupancy = binned_tuning(values, variable, n_bins=4, value_range=(0.0, 2.0))
    assert np.allclose(centers, [0.25, 0.75, 1.25, 1.75])
    assert occupancy.tolist() == [2, 0, 1, 2]
    assert np.allclose(mean[0, [0, 2, 3]], [2.0, 5.0, 8.0])
    assert np.isnan(mean[0, 1])


def test_binned_tuning_drops_out_of_range():
    centers, mean, occupancy = binned_tuning(
        np.ones((3, 1)), np.array([-1.0, 0.5, 3.0]), n_bins=2, value_range=(0.0, 1.0)
    )
    assert occupancy.sum() == 1


def test_binned_tuning_accepts_tensors():
    values = torch.ones(4, 2)
    _, mean, _ = binned_tuning(values, torch.tensor([0.1, 0.2, 3.0, 4.0]), n_bins=2)
    assert np.allclose(mean, 1.0)


def test_hd_tuning_wraps_unwrapped_heading():
    heading = np.array([[0.1, 0.1 + 2 * np.pi, 0.1 - 4 * np.pi]])
    rates = np.ones((1, 3, 1))
    _, _, occupancy = hd_tuning_curves(rates, heading, n_bins=36)
    assert occupancy[0] == 3


def test_preferred_direction_von_mises(von_mises_curves):
    centers, curves, _ = von_mises_curves
    error = np.angle(np.exp(1j * (preferred_direction(curves, centers) - PREFERRED)))
    assert np.abs(error).max() < np.radians(1.0)


def test_width_von_mises(von_mises_curves):
    centers, curves, _ = von_mises_curves
    error = tuning_width_deg(curves, centers) - von_mises_width_deg(KAPPA)
    assert np.abs(error).max() < 2.0


def test_width_across_wrap():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    curve = np.exp(4.0 * (np.cos(centers - np.radians(359.0)) - 1.0))
    assert abs(tuning_width_deg(curve, centers) - von_mises_width_deg(4.0)) < 2.0


def test_width_flat_curve_is_nan():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    assert np.isnan(tuning_width_deg(np.ones(36), centers))


def test_width_raised_cosine_is_180():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    assert tuning_width_deg(np.cos(centers) + 5.0, centers) == pytest.approx(180.0, abs=1.0)


def test_mean_vector_length_cosine():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    curve = 1.0 + 0.6 * np.cos(centers - 1.0)
    sinc = np.sinc(1.0 / 36.0)
    assert mean_vector_length(curve, centers) == pytest.approx(0.3, abs=1e-9 + 0.3 * (1 - sinc))


def test_mean_vector_length_silent_unit_is_nan():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    assert np.isnan(mean_vector_length(np.zeros(36), centers))


def test_preferred_direction_ignores_empty_bins():
    centers = np.radians(np.arange(5.0, 360.0, 10.0))
    curve = 1.0 + np.cos(centers - 2.0)
    curve[30] = np.nan
    assert preferred_direction(curve, centers) == pytest.approx(2.0, abs=0.05)


def test_joint_tuning_shapes():
    rng = np.random.default_rng(1)
    rates = rng.random((5, 40, 3))
    heading = rng.uniform(0, 2 * np.pi, (5, 40))
    av = rng.normal(0.0, 1.0, (5, 40))
    hd_centers, av_centers, maps, occupancy = joint_tuning(rates, heading, av, 12, 7, (-2.0, 2.0))
    assert maps.shape == (3, 12, 7)
    assert occupancy.shape == (12, 7)
    assert av_centers[3] == pytest.approx(0.0)


def test_av_sensitivity_shifters():
    """A CCW-like unit rises with AV, a CW-like unit falls, a pure HD unit is flat."""
    rng = np.random.default_rng(2)
    heading = rng.uniform(0, 2 * np.pi, 200_000)
    av = rng.uniform(-5.0, 5.0, heading.size)
    tuning = np.exp(2.0 * (np.cos(heading - 1.0) - 1.0))
    rates = np.stack(
        [tuning * (1 + 0.1 * av).clip(0), tuning * (1 - 0.1 * av).clip(0), tuning], axis=1
    )
    hd_centers, av_centers, maps, _ = joint_tuning(rates, heading, av, 36, 11, (-5.0, 5.0))
    slope, asymmetry = av_sensitivity(maps, hd_centers, av_centers)
    assert slope[0] == pytest.approx(0.1, rel=0.1)
    assert slope[1] == pytest.approx(-0.1, rel=0.1)
    assert abs(slope[2]) < 0.01
    assert asymmetry[0] > 0.2
    assert asymmetry[1] < -0.2
    assert abs(asymmetry[2]) < 0.02


def test_binned_tuning_rejects_mismatched_variable():
    with pytest.raises(ValueError, match="variable has shape"):
        binned_tuning(np.ones((4, 2)), np.ones(3))


def test_binned_tuning_rejects_nan_variable():
    with pytest.raises(ValueError, match="NaN"):
        binned_tuning(np.ones((2, 1)), np.array([0.1, np.nan]))


def test_binned_tuning_rejects_bad_range():
    with pytest.raises(ValueError, match="value_range"):
        binned_tuning(np.ones((2, 1)), np.array([0.1, 0.2]), value_range=(1.0, 0.0))


def test_width_rejects_degree_centers():
    with pytest.raises(ValueError, match="degrees"):
        tuning_width_deg(np.ones(36), np.arange(5.0, 360.0, 10.0))
