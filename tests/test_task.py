import numpy as np
import pytest

from hdlesson import Task


def test_sample_shapes_and_dtypes():
    trials = Task(n_steps=50).sample(7, rng=0)
    assert trials.inputs.shape == (7, 50, 3)
    assert trials.targets.shape == (7, 50, 2)
    assert trials.loss_mask.shape == (7, 50)
    assert trials.inputs.dtype == np.float32
    assert trials.targets.dtype == np.float32


def test_same_seed_same_trials():
    first = Task().sample(20, rng=3)
    second = Task().sample(20, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(first.inputs, second.inputs)
    np.testing.assert_array_equal(first.heading, second.heading)


def test_different_seed_different_trials():
    assert not np.array_equal(Task().sample(5, rng=1).inputs, Task().sample(5, rng=2).inputs)


def test_heading_integrates_av():
    trials = Task(n_steps=100).sample(10, rng=0)
    expected = trials.initial_heading[:, None] + np.cumsum(trials.angular_velocity, axis=1)
    np.testing.assert_allclose(trials.heading, expected)
    np.testing.assert_allclose(trials.targets[..., 0], np.sin(expected), atol=1e-6)
    np.testing.assert_allclose(trials.targets[..., 1], np.cos(expected), atol=1e-6)


def test_cue_only_during_cue_steps():
    task = Task(n_steps=60, cue_steps=10)
    trials = task.sample(8, rng=0)
    expected = np.repeat(np.sin(trials.initial_heading)[:, None], 10, axis=1)
    np.testing.assert_allclose(trials.inputs[:, :10, 1], expected, atol=1e-6)
    assert np.all(trials.inputs[:, 10:, 1:] == 0)
    assert np.all(trials.loss_mask[:, :10] == 0)
    assert np.all(trials.loss_mask[:, 10:] == 1)


def test_av_statistics_match_ar1_recipe():
    task = Task(n_steps=500, zero_av_fraction=0.0)
    av = task.sample(400, rng=0).angular_velocity[:, 50:]
    expected_sd = 0.03 / np.sqrt(1 - 0.8**2)
    assert abs(av.std() - expected_sd) < 0.05 * expected_sd
    lag_one = np.mean(av[:, 1:] * av[:, :-1]) / np.mean(av**2)
    assert abs(lag_one - 0.8) < 0.02


def test_av_scale_scales_sd():
    slow = Task(av_scale=0.1, zero_av_fraction=0.0).sample(200, rng=0).angular_velocity
    fast = Task(av_scale=3.0, zero_av_fraction=0.0).sample(200, rng=0).angular_velocity
    assert abs(fast.std() / slow.std() - 30.0) < 1e-6 * 30


def test_zero_av_window_in_about_half_the_trials():
    trials = Task(n_steps=300).sample(2000, rng=0)
    # AR(1) AV is exactly zero only inside a zero-AV window; windows may have length 0.
    has_zero_run = np.any(trials.angular_velocity == 0.0, axis=1)
    assert 0.4 < has_zero_run.mean() < 0.55


def test_units_of_av_and_time():
    task = Task(dt_seconds=0.02)
    trials = task.sample(3, rng=0)
    np.testing.assert_allclose(trials.angular_velocity_rad_per_s, trials.angular_velocity / 0.02)
    assert trials.time_seconds[-1] == pytest.approx(500 * 0.02)
    assert task.av_sd_rad_per_s == pytest.approx(task.av_sd_rad_per_step / 0.02)


@pytest.mark.parametrize("kwargs", [
    dict(n_steps=0), dict(n_steps=10, cue_steps=10), dict(av_autocorrelation=1.0),
    dict(av_scale=-1.0), dict(dt_seconds=0.0), dict(zero_av_fraction=1.5), dict(av_noise_sd=float("nan")),
])
def test_invalid_task_config_raises(kwargs):
    with pytest.raises((ValueError, TypeError)):
        Task(**kwargs)


def test_invalid_rng_raises_with_fix():
    with pytest.raises(TypeError, match="Generator"):
        Task().sample(2, rng="seed")
    with pytest.raises(ValueError, match="n_trials"):
        Task().sample(0, rng=0)
