"""The hand-built ring attractor integrates AV and keeps a stationary bump at zero AV."""

import numpy as np
import pytest
import torch

from hdlesson.analysis.dynamics import bump_drift
from hdlesson.heading import angular_difference, decode_heading
from hdlesson.model import HDRNN
from hdlesson.ring import RingConfig, build_ring_attractor
from hdlesson.task import Task


def heading_errors_deg(model, task, n_trials, seed):
    trials = task.sample(n_trials, np.random.default_rng(seed))
    with torch.no_grad():
        outputs, _ = model(torch.from_numpy(trials.inputs))
    error = angular_difference(decode_heading(outputs), trials.heading)
    return np.degrees(np.abs(error[:, task.cue_steps:]))


def test_ring_is_hdrnn(ring):
    assert isinstance(ring, HDRNN)
    assert ring.n_units == 100


def test_ring_layout_counts(ring):
    labels = ring.ring_layout.labels
    assert np.sum(labels == "compass") == 48
    assert np.sum(labels == "cw_shifter") == 24
    assert np.sum(labels == "ccw_shifter") == 24
    assert np.sum(labels == "inactive") == 4


def test_ring_units_are_shuffled(ring):
    assert not np.all(ring.ring_layout.labels[:48] == "compass")


def test_ring_tracks_slow_av(ring):
    errors = heading_errors_deg(ring, Task(av_scale=0.1), n_trials=50, seed=1)
    assert errors.mean() < 4.0


def test_ring_tracks_default_av(ring):
    errors = heading_errors_deg(ring, Task(), n_trials=50, seed=2)
    assert errors.mean() < 25.0


def test_ring_bump_stays_at_zero_av(ring):
    drift = bump_drift(ring, n_trials=16, n_steps=500)
    assert drift.mean_abs_drift_deg_per_s < 2.0
    assert drift.output_norm.min() > 0.9


def test_ring_keeps_cued_heading(ring):
    drift = bump_drift(ring, n_trials=8, n_steps=300)
    final = drift.heading[:, -1]
    assert np.degrees(np.abs(angular_difference(final, drift.initial_heading))).max() < 5.0


def test_ring_unshuffled_order():
    model = build_ring_attractor(RingConfig(permutation_seed=None))
    assert np.all(model.ring_layout.labels[:48] == "compass")


def test_ring_rejects_tiny_population():
    with pytest.raises(ValueError, match="n_compass"):
        RingConfig(n_compass=2)


def test_ring_rejects_nan_weight():
    with pytest.raises(ValueError, match="push_cosine"):
        RingConfig(push_cosine=float("nan"))


def test_layout_rejects_unknown_class(ring):
    with pytest.raises(ValueError, match="label"):
        ring.ring_layout.units("ring")
