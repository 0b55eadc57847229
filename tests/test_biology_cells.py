"""Tuning of recorded cells and the clock-alignment check: known results on a synthetic session, then the real one."""

import numpy as np
import pytest

from hdlesson.biology.alignment import (
    check_clock_alignment,
    check_timestamps,
    scan_lags,
    turn_direction_shift,
)
from hdlesson.biology.cells import binned_spike_counts, real_cell_tuning, tracking_bin_edges
from hdlesson.biology.session import ADnSession, load_adn_session

LEAD_SECONDS = 0.05
PREFERRED = (np.pi / 2, 3 * np.pi / 2)


def synthetic_session(lead_seconds=LEAD_SECONDS, duration_seconds=300.0, seed=0):
    """Two HD cells that fire ``lead_seconds`` ahead of a random-walk heading tracked at 120 Hz."""
    rng = np.random.default_rng(seed)
    step = 1.0 / 120.0
    times = 700.0 + np.arange(int(duration_seconds / step)) * step

    # AV as an AR(1) process: SD 1.5 rad/s, correlation time 0.15 s.
    coefficient = np.exp(-step / 0.15)
    innovation = 1.5 * np.sqrt(1 - coefficient**2)
    av = np.empty(times.size)
    av[0] = 0.0
    noise = rng.standard_normal(times.size)
    for i in range(1, times.size):
        av[i] = coefficient * av[i - 1] + innovation * noise[i]
    heading = np.cumsum(av * step)

    fine = np.arange(times[0], times[-1], 0.001)
    future_heading = np.interp(fine + lead_seconds, times, heading)
    spike_times = []
    for preferred in PREFERRED:
        rate = 2.0 + 60.0 * np.exp(3.0 * (np.cos(future_heading - preferred) - 1.0))
        fired = rng.random(fine.size) < rate * 0.001
        spike_times.append(np.sort(fine[fired] + rng.uniform(0, 0.001, fired.sum())))

    return ADnSession(
        session_id="synthetic",
        unit_ids=np.arange(2),
        unit_locations=np.array(["adn", "adn"]),
        unit_shanks=np.zeros(2, dtype=int),
        spike_times=tuple(spike_times),
        tracking_times=times,
        head_direction=np.mod(heading, 2 * np.pi),
        epochs={"sleep": (0.0, 600.0), "wake": (600.0, float(times[-1]) + 1.0)},
        tracking_interval=(float(times[0]), float(times[-1])),
        source="synthetic",
    )


@pytest.fixture(scope="module")
def synthetic():
    return synthetic_session()


@pytest.fixture(scope="module")
def real():
    return load_adn_session()


def circular_distance_deg(a, b):
    return np.abs(np.degrees(np.angle(np.exp(1j * (np.asarray(a) - np.asarray(b))))))


def test_bin_edges_centre_each_sample():
    edges = tracking_bin_edges([0.0, 1.0, 2.0])
    np.testing.assert_allclose(edges, [-0.5, 0.5, 1.5, 2.5])


def test_bin_edges_reject_unsorted_times():
    with pytest.raises(ValueError, match="strictly increasing"):
        tracking_bin_edges([0.0, 2.0, 1.0])


def test_spike_counts_shift_with_lag():
    edges = np.array([0.0, 1.0, 2.0])
    counts = binned_spike_counts([np.array([0.9])], edges, lag_seconds=0.2)
    assert counts[:, 0].tolist() == [0, 1]


def test_synthetic_preferred_directions(synthetic):
    tuning = real_cell_tuning(synthetic, "adn", lag_seconds=LEAD_SECONDS)
    distance = circular_distance_deg(tuning.preferred_direction, PREFERRED)
    assert np.all(distance < 5.0), f"preferred directions off by {distance} degrees"


def test_synthetic_lead_sharpens_tuning(synthetic):
    at_zero = real_cell_tuning(synthetic, "adn", lag_seconds=0.0)
    at_lead = real_cell_tuning(synthetic, "adn", lag_seconds=LEAD_SECONDS)
    assert np.all(at_lead.mean_vector_length > at_zero.mean_vector_length)


def test_synthetic_lag_scan_finds_lead(synthetic):
    scan = scan_lags(synthetic, np.round(np.arange(-0.1, 0.2, 0.01), 3))
    assert scan.best_population_lag_seconds == pytest.approx(LEAD_SECONDS, abs=0.015)


def test_synthetic_turn_shift_implies_lead(synthetic):
    shift = turn_direction_shift(synthetic)
    assert np.median(shift.implied_lag_seconds) == pytest.approx(LEAD_SECONDS, abs=0.02)


def test_synthetic_peak_rate_near_model(synthetic):
    tuning = real_cell_tuning(synthetic, "adn", lag_seconds=LEAD_SECONDS)
    assert np.all(np.abs(tuning.peak_rate_hz - 62.0) < 12.0), tuning.peak_rate_hz


def test_tuning_rejects_empty_interval(real):
    with pytest.raises(ValueError, match="tracking samples"):
        real_cell_tuning(real, interval=(0.0, 10.0))


def test_real_adn_widths_plausible(real):
    tuning = real_cell_tuning(real, "adn")
    for unit, width in zip(tuning.units, tuning.width_deg):
        assert 30.0 < width < 100.0, f"ADn unit {unit} has width {width:.0f} deg"


def test_real_adn_peak_rates_plausible(real):
    tuning = real_cell_tuning(real, "adn")
    for unit, peak in zip(tuning.units, tuning.peak_rate_hz):
        assert 10.0 < peak < 250.0, f"ADn unit {unit} peaks at {peak:.0f} Hz"


def test_real_adn_mostly_sharply_tuned(real):
    tuning = real_cell_tuning(real, "adn")
    assert np.sum(tuning.mean_vector_length > 0.7) >= 6, tuning.mean_vector_length


def test_real_ca1_less_tuned_than_adn(real):
    adn = real_cell_tuning(real, "adn").mean_vector_length
    ca1 = real_cell_tuning(real, "ca1").mean_vector_length
    assert np.median(ca1) < np.median(adn) - 0.3


def test_real_timestamps_consistent(real):
    for check in check_timestamps(real):
        assert check.passed, f"{check.name}: {check.detail}"


def test_real_clock_lag_well_above_published_ati(real):
    report = check_clock_alignment(real, lags_seconds=np.round(np.arange(-0.1, 0.2, 0.01), 3))
    lag = report.lag_scan.best_population_lag_seconds
    assert 0.04 <= lag <= 0.11, f"best lag {lag * 1e3:.0f} ms"
    assert "Stackman & Taube 1998" in report.summary()
