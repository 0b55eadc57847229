"""The anticipatory time interval recovers known lags of synthetic units."""

import numpy as np
import pytest

from hdlesson.analysis.ati import anticipatory_time_interval
from hdlesson.task import Task

LAG_STEPS = np.array([-5, 0, 3, 8])
MARGIN = 20


@pytest.fixture(scope="module")
def lagged_units():
    """Von Mises units whose rate at step t follows the heading at t + lag (lead > 0), 10 ms steps."""
    trials = Task().sample(200, np.random.default_rng(0))
    heading = trials.heading
    rates = [np.exp(3.0 * (np.cos(np.roll(heading, -lag, axis=1) - 1.0) - 1.0)) for lag in LAG_STEPS]
    rates = np.stack(rates, axis=-1)[:, MARGIN:-MARGIN]
    return rates, heading[:, MARGIN:-MARGIN]


def test_ati_recovers_lags(lagged_units):
    rates, heading = lagged_units
    result = anticipatory_time_interval(rates, heading, dt_seconds=0.01)
    assert np.allclose(result.ati_ms, LAG_STEPS * 10.0, atol=2.0)


def test_ati_uses_dt(lagged_units):
    rates, heading = lagged_units
    result = anticipatory_time_interval(rates, heading, dt_seconds=0.02, max_shift_ms=400.0)
    assert result.ati_ms[3] == pytest.approx(160.0, abs=4.0)


def test_ati_sharpness_peaks_at_lag(lagged_units):
    rates, heading = lagged_units
    result = anticipatory_time_interval(rates, heading, dt_seconds=0.01, max_shift_ms=100.0)
    zero = np.flatnonzero(result.shifts_ms == 0.0)[0]
    assert result.sharpness[1, zero] == pytest.approx(result.peak_sharpness[1])
    assert result.sharpness[3, zero] < result.peak_sharpness[3]


def test_ati_silent_unit_is_nan(lagged_units):
    rates, heading = lagged_units
    silent = np.concatenate([rates[..., :1], np.zeros_like(rates[..., :1])], axis=-1)
    result = anticipatory_time_interval(silent, heading, dt_seconds=0.01)
    assert np.isnan(result.ati_ms[1])


def test_ati_rejects_flat_rates(lagged_units):
    rates, heading = lagged_units
    with pytest.raises(ValueError, match="rates has shape"):
        anticipatory_time_interval(rates.reshape(-1, rates.shape[-1]), heading, dt_seconds=0.01)


def test_ati_rejects_long_shift(lagged_units):
    rates, heading = lagged_units
    with pytest.raises(ValueError, match="max_shift_ms"):
        anticipatory_time_interval(rates, heading, dt_seconds=0.01, max_shift_ms=5000.0)
