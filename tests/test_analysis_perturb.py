"""Silencing, stimulation and Shifter drive on the hand-built ring, with known signs."""

import numpy as np
import pytest

from hdlesson.analysis.classify import classify_units
from hdlesson.analysis.perturb import drive_shifters, jump_bump, silence_units, window_array


@pytest.fixture(scope="module")
def classes(ring):
    return classify_units(ring, n_trials=100, seed=0)


def test_silence_cw_drifts_ccw(ring):
    result = silence_units(ring, ring.ring_layout.units("cw_shifter"))
    assert result.drift_deg_per_s.min() > 30.0


def test_silence_ccw_drifts_cw(ring):
    result = silence_units(ring, ring.ring_layout.units("ccw_shifter"))
    assert result.drift_deg_per_s.max() < -30.0


def test_silence_cw_keeps_bump(ring):
    result = silence_units(ring, ring.ring_layout.units("cw_shifter"))
    assert result.norm_ratio > 0.8


def test_control_does_not_drift(ring):
    result = silence_units(ring, ring.ring_layout.units("cw_shifter"))
    assert np.abs(result.control_drift_deg_per_s).max() < 2.0


def test_silence_compass_removes_bump(ring):
    result = silence_units(ring, ring.ring_layout.units("compass"))
    assert result.norm_ratio < 0.1


def test_silence_both_shifters_keeps_bump(ring):
    layout = ring.ring_layout
    shifters = np.concatenate([layout.units("cw_shifter"), layout.units("ccw_shifter")])
    result = silence_units(ring, shifters)
    assert result.norm_ratio > 0.8
    assert np.abs(result.drift_deg_per_s).max() < 2.0


def test_silence_both_shifters_stops_turning(ring):
    """With both Shifter populations silent, the bump ignores a 2 rad/s turn."""
    layout = ring.ring_layout
    shifters = np.concatenate([layout.units("cw_shifter"), layout.units("ccw_shifter")])
    result = silence_units(ring, shifters, av_rad_per_s=2.0)
    assert result.drift_deg_per_s.mean() == pytest.approx(-np.degrees(2.0), rel=0.1)


def test_silence_nothing_matches_control(ring):
    result = silence_units(ring, [], av_rad_per_s=2.0)
    assert np.allclose(result.drift_deg_per_s, result.control_drift_deg_per_s)


def test_silence_window_ends(ring):
    result = silence_units(ring, ring.ring_layout.units("compass"), n_steps=300, stop_step=200)
    assert result.output_norm[:, -1].min() > 0.5 * result.norm_before


def test_jump_reaches_target(ring, classes):
    result = jump_bump(ring, classes, target_heading=2.0)
    assert np.abs(result.error_deg).max() < 5.0


def test_jump_starts_elsewhere(ring, classes):
    result = jump_bump(ring, classes, target_heading=2.0)
    distance = np.abs(np.angle(np.exp(1j * (result.heading_before - 2.0))))
    assert np.degrees(distance).max() > 90.0


def test_drive_ccw_turns_ccw(ring, classes):
    result = drive_shifters(ring, classes, "ccw_shifter")
    assert result.speed_deg_per_s.min() > 30.0


def test_drive_cw_turns_cw(ring, classes):
    result = drive_shifters(ring, classes, "cw_shifter")
    assert result.speed_deg_per_s.max() < -30.0


def test_window_array_values():
    mask = window_array(5, 3, [1], 2, 4, inside=0.0, outside=1.0)
    assert mask[:, 1].tolist() == [1.0, 1.0, 0.0, 0.0, 1.0]
    assert np.all(mask[:, [0, 2]] == 1.0)


def test_window_rejects_reversed_window():
    with pytest.raises(ValueError, match="window"):
        window_array(5, 3, [1], 4, 2, inside=0.0, outside=1.0)


def test_drive_rejects_compass(ring, classes):
    with pytest.raises(ValueError, match="population"):
        drive_shifters(ring, classes, "compass")


def test_jump_rejects_degrees(ring, classes):
    with pytest.raises(ValueError, match="radians"):
        jump_bump(ring, classes, target_heading=90.0)
