"""PCA, slow points, drift and integration gain, checked on synthetic rates and the hand-built ring."""

import numpy as np
import pytest
import torch

from hdlesson.analysis.dynamics import (
    find_slow_points,
    integration_gain,
    pca_ring,
    simulate_states,
    speed_function,
)
from hdlesson.heading import build_inputs
from hdlesson.model import retanh
from hdlesson.task import Task


@pytest.fixture(scope="module")
def slow_points(ring):
    return find_slow_points(ring, n_starts=64, seed=0)


@pytest.fixture(scope="module")
def bump_rates(ring):
    """Rates of a bump turning slowly (0.8 rad/s) once around the ring, shape (samples, units).

    Each step moves the bump by under half a degree, so the samples trace
    the ring of bump states densely.
    """
    inputs = build_inputs(np.full((2, 900), 0.008), np.array([0.0, np.pi]), cue_steps=10)
    with torch.no_grad():
        _, rates = ring(torch.from_numpy(inputs))
    return rates[:, 100:].reshape(-1, ring.n_units).numpy().astype(float)


def test_pca_synthetic_ring_is_flat():
    heading = np.random.default_rng(0).uniform(0, 2 * np.pi, 5000)
    preferred = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    rates = 1.0 + np.cos(heading[:, None] - preferred)
    result = pca_ring(rates)
    assert result.variance_explained_2d == pytest.approx(1.0, abs=1e-9)


def test_pca_projection_is_circle():
    heading = np.linspace(0, 2 * np.pi, 2000, endpoint=False).reshape(10, 200)
    preferred = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    rates = 1.0 + np.cos(heading[..., None] - preferred)
    radius = np.linalg.norm(pca_ring(rates).projection, axis=-1)
    assert radius.std() / radius.mean() < 1e-6


def test_pca_keeps_trial_shape():
    rates = np.random.default_rng(2).random((4, 30, 6))
    assert pca_ring(rates, n_components=3).projection.shape == (4, 30, 3)


def test_pca_ring_network_is_mostly_2d(ring):
    trials = Task().sample(50, np.random.default_rng(3))
    with torch.no_grad():
        _, rates = ring(torch.from_numpy(trials.inputs))
    assert pca_ring(rates[:, 10:]).variance_explained_2d > 0.6


def test_states_match_model_rates(ring):
    inputs = Task(n_steps=50).sample(3, np.random.default_rng(4)).inputs
    with torch.no_grad():
        _, rates = ring(torch.from_numpy(inputs))
    states = simulate_states(ring, inputs)
    assert torch.allclose(retanh(states), rates, atol=1e-6)


def test_slow_points_found(slow_points):
    assert slow_points.q.size >= 10


def test_slow_points_are_slow(ring, slow_points):
    speed = speed_function(ring, torch.from_numpy(slow_points.states).float())
    assert speed.norm(dim=1).max().item() < 0.01


def test_slow_points_have_bump_norm(slow_points):
    assert np.all(np.abs(slow_points.output_norm - 1.0) < 0.1)


def test_slow_points_cover_ring(slow_points):
    sectors = np.unique((slow_points.heading // (np.pi / 4)).astype(int))
    assert sectors.size >= 6


def test_slow_points_near_bump_states(slow_points, bump_rates):
    distance = np.linalg.norm(slow_points.rates[:, None, :] - bump_rates[None, :, :], axis=2)
    bump_size = np.linalg.norm(bump_rates, axis=1).mean()
    assert distance.min(axis=1).max() < 0.1 * bump_size


def test_slow_points_one_slow_direction(slow_points):
    assert np.abs(slow_points.max_real_eigenvalue).max() < 0.3
    assert slow_points.eigenvalues[:, 1].real.max() < -0.5


def test_slow_points_tolerance_filters(ring):
    strict = find_slow_points(ring, n_starts=16, n_iterations=10, q_tolerance=1e-12)
    assert strict.q.size == 0


def test_gain_near_one_for_slow_turns(ring):
    result = integration_gain(ring, av_rad_per_s=np.array([-1.0, 1.0]))
    assert np.all(np.abs(result.gain - 1.0) < 0.1)


def test_gain_falls_beyond_trained_range(ring):
    result = integration_gain(ring, av_rad_per_s=np.array([4.0, 20.0]))
    assert result.gain[1] < result.gain[0]
    assert result.gain[1] < 0.6


def test_gain_default_spans_trained_sd(ring):
    result = integration_gain(ring, n_trials_per_av=2, n_steps=150, settle_steps=50)
    assert np.abs(result.av_rad_per_s).max() == pytest.approx(4 * result.trained_av_sd_rad_per_s)


def test_gain_rejects_long_settle(ring):
    with pytest.raises(ValueError, match="settle_steps"):
        integration_gain(ring, n_steps=100, settle_steps=100)


def test_slow_points_reject_bad_starts(ring):
    with pytest.raises(ValueError, match="start_states"):
        find_slow_points(ring, start_states=np.zeros((4, 3)))
