"""Classification recovers the hand-built ring's classes; the thresholds act as documented."""

import numpy as np
import pytest

from hdlesson.analysis.classify import ClassifyConfig, classify_from_rates, classify_units


@pytest.fixture(scope="module")
def classes(ring):
    return classify_units(ring, n_trials=100, seed=0)


def test_classes_match_ring(ring, classes):
    assert np.array_equal(classes.labels, ring.ring_layout.labels)


def test_counts_match_ring(classes):
    assert classes.counts == {"compass": 48, "cw_shifter": 24, "ccw_shifter": 24, "inactive": 4}


def test_compass_preferred_direction(ring, classes):
    compass = ring.ring_layout.units("compass")
    error = np.angle(np.exp(1j * (classes.preferred_direction[compass] - ring.ring_layout.angles[compass])))
    assert np.degrees(np.abs(error)).max() < 5.0


def test_ccw_shifters_positive_asymmetry(ring, classes):
    assert classes.asymmetry[ring.ring_layout.units("ccw_shifter")].min() > 0.1


def test_cw_shifters_negative_asymmetry(ring, classes):
    assert classes.asymmetry[ring.ring_layout.units("cw_shifter")].max() < -0.1


def test_ccw_shifters_positive_slope(ring, classes):
    assert classes.av_slope[ring.ring_layout.units("ccw_shifter")].min() > 0


def test_same_seed_same_classes(ring, classes):
    again = classify_units(ring, n_trials=100, seed=0)
    assert np.array_equal(again.asymmetry, classes.asymmetry, equal_nan=True)


def synthetic_units(n_samples=100_000, seed=0):
    """One CCW-like, one CW-like, one pure HD and one silent unit."""
    rng = np.random.default_rng(seed)
    heading = rng.uniform(0, 2 * np.pi, n_samples)
    av = rng.uniform(-5.0, 5.0, n_samples)
    tuning = np.exp(2.0 * (np.cos(heading - 1.0) - 1.0))
    rates = np.stack(
        [tuning * (1 + 0.2 * av).clip(0), tuning * (1 - 0.2 * av).clip(0), tuning, np.zeros(n_samples)],
        axis=1,
    )
    return rates, heading, av


def test_synthetic_labels():
    result = classify_from_rates(*synthetic_units())
    assert result.labels.tolist() == ["ccw_shifter", "cw_shifter", "compass", "inactive"]


def test_high_threshold_makes_compass():
    result = classify_from_rates(*synthetic_units(), ClassifyConfig(shifter_asymmetry=1.0))
    assert result.labels[0] == "compass"


def test_config_rejects_bad_asymmetry():
    with pytest.raises(ValueError, match="shifter_asymmetry"):
        ClassifyConfig(shifter_asymmetry=0.0)


def test_units_rejects_unknown_class(classes):
    with pytest.raises(ValueError, match="label"):
        classes.units("shifter")
