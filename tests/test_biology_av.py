"""AV of the recorded head: statistics, resampling for a network, AR(1) fit, and decoding from the cells."""

import numpy as np
import pytest
import torch

from hdlesson.biology.angular_velocity import (
    autocorrelation,
    fit_ar1,
    fit_session_ar1,
    head_angular_velocity,
    resample_heading,
    session_av_statistics,
    smooth_unwrapped_heading,
)
from hdlesson.biology.decoding import decode_session, population_vector
from hdlesson.biology.recorded_trials import recorded_av_trials, track_recorded_heading
from hdlesson.biology.session import load_adn_session
from hdlesson.model import HDRNN, ModelConfig
from hdlesson.task import Task


@pytest.fixture(scope="module")
def session():
    return load_adn_session()


@pytest.fixture(scope="module")
def statistics(session):
    return session_av_statistics(session)


def test_median_abs_av_order_15_deg_per_s(statistics):
    assert 8.0 < statistics.median_abs_deg_per_s < 25.0


def test_av_sd_order_70_deg_per_s(statistics):
    assert 40.0 < statistics.sd_deg_per_s < 110.0


def test_av_mean_near_zero(statistics):
    assert abs(statistics.mean_deg_per_s) < 5.0


def test_fraction_still_plausible(statistics):
    assert 0.2 < statistics.fraction_still < 0.7


def test_av_autocorrelation_decays(statistics):
    assert statistics.autocorrelation[0] == pytest.approx(1.0)
    assert 0.03 < statistics.correlation_time_s < 0.5


def test_smoothing_lowers_av_spread(session):
    raw = head_angular_velocity(session, smoothing_seconds=0.0)
    smooth = head_angular_velocity(session, smoothing_seconds=0.1)
    assert smooth.std() < raw.std()


def test_smoothing_leaves_no_edge_artefact():
    times = np.arange(200) * 0.01
    heading = np.full(200, 3.0)
    np.testing.assert_allclose(smooth_unwrapped_heading(times, heading, 0.05), 3.0)


def test_smoothing_rejects_negative_width():
    with pytest.raises(ValueError, match="smoothing_seconds"):
        smooth_unwrapped_heading(np.arange(5.0), np.zeros(5), -1.0)


def test_autocorrelation_rejects_long_lag():
    with pytest.raises(ValueError, match="max_lag"):
        autocorrelation(np.arange(5.0), 10)


def test_resampled_av_integrates_to_heading(session):
    times, av, heading = resample_heading(session, 0.01)
    np.testing.assert_allclose(heading[0] + np.cumsum(av * 0.01), heading[1:], atol=1e-9)
    assert times[1] - times[0] == pytest.approx(0.01)


def test_recorded_trials_follow_task_convention(session):
    trials = recorded_av_trials(session, 0.01, 500)
    assert trials.n_trials == 105
    rebuilt = trials.initial_heading[:, None] + np.cumsum(trials.angular_velocity_rad_per_s * 0.01, axis=1)
    difference = np.angle(np.exp(1j * (rebuilt - trials.heading)))
    assert np.abs(difference).max() < 1e-9


def test_recorded_trials_reject_too_many(session):
    with pytest.raises(ValueError, match="at most 105"):
        recorded_av_trials(session, 0.01, 500, n_trials=200)


def test_track_recorded_heading_shapes(session):
    torch.set_num_threads(1)
    model = HDRNN(ModelConfig(n_units=20), seed=0)
    decoded, trials, error = track_recorded_heading(model, session, n_steps=50, n_trials=3)
    assert decoded.shape == (3, 50)
    assert error.shape == trials.heading.shape


def test_fit_ar1_recovers_known_process():
    rng = np.random.default_rng(0)
    x = np.zeros(50_000)
    noise = 0.03 * rng.standard_normal(x.size)
    for t in range(1, x.size):
        x[t] = 0.8 * x[t - 1] + noise[t]
    coefficient, innovation = fit_ar1(x)
    assert coefficient == pytest.approx(0.8, abs=0.01)
    assert innovation == pytest.approx(0.03, rel=0.02)


def test_session_ar1_matches_av_sd(session, statistics):
    fit = fit_session_ar1(session, 0.01)
    assert 0.0 < fit.coefficient < 1.0
    assert fit.stationary_sd_deg_per_s == pytest.approx(statistics.sd_deg_per_s, rel=0.05)


def test_session_ar1_builds_task(session):
    task = fit_session_ar1(session, 0.01).to_task(n_steps=100)
    trials = task.sample(2, rng=0)
    assert isinstance(task, Task)
    assert trials.angular_velocity.shape == (2, 100)


def test_session_ar1_rejects_unknown_method(session):
    with pytest.raises(ValueError, match="method"):
        fit_session_ar1(session, 0.01, method="yule-walker")


def test_population_vector_known_answer():
    preferred = np.radians([0.0, 90.0, 180.0, 270.0])
    rates = np.array([[0.0, 10.0, 0.0, 0.0], [5.0, 5.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    heading, _ = population_vector(rates, preferred)
    np.testing.assert_allclose(np.degrees(heading[:2]), [90.0, 45.0])
    assert np.isnan(heading[2])


def test_decoding_real_adn_error_small(session):
    result = decode_session(session, window_seconds=0.1)
    assert result.median_abs_error_deg < 30.0


def test_decoding_real_ca1_near_chance(session):
    result = decode_session(session, window_seconds=0.1, units="ca1")
    assert result.median_abs_error_deg > 60.0


def test_decoding_rejects_bad_train_fraction(session):
    with pytest.raises(ValueError, match="train_fraction"):
        decode_session(session, train_fraction=1.5)
