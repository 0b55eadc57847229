"""The shipped recording A2929-200711 loads and contains what the book relies on."""

from pathlib import Path

import numpy as np
import pytest

from hdlesson.biology.session import ADnSession, load_adn_session

DATA_DIR = Path(__file__).resolve().parents[1] / "hdlesson" / "biology" / "data"


@pytest.fixture(scope="module")
def session():
    return load_adn_session()


def test_session_loads_as_dataclass(session):
    assert isinstance(session, ADnSession)
    assert session.session_id == "A2929-200711"


def test_session_unit_counts(session):
    assert session.n_units == 15
    assert session.adn_units.tolist() == list(range(7))
    assert session.units_in("ca1").size == 8


def test_session_spikes_sorted_and_plentiful(session):
    for unit, spikes in enumerate(session.spike_times):
        assert np.all(np.diff(spikes) >= 0), f"unit {unit} spike times are not sorted"
        assert spikes.size > 500, f"unit {unit} has only {spikes.size} spikes"
    adn_spikes = sum(session.spike_times[i].size for i in session.adn_units)
    assert adn_spikes == 79349


def test_session_tracking_rate_about_120_hz(session):
    assert session.tracking_rate_hz == pytest.approx(120.0, abs=1.0)


def test_session_wake_tracking_about_530_s(session):
    assert session.tracking_duration_s == pytest.approx(530.0, abs=5.0)
    assert session.tracking_times.size == 63527


def test_session_heading_in_radians(session):
    heading = session.head_direction
    assert heading.shape == session.tracking_times.shape
    assert np.all(np.isfinite(heading))
    assert heading.min() >= 0.0
    assert heading.max() < 2 * np.pi


def test_session_epochs(session):
    assert session.epoch("sleep") == (0.0, 600.0)
    assert session.epoch("wake") == (600.0, 1200.0)
    wake_start, wake_stop = session.epoch("wake")
    assert wake_start <= session.tracking_interval[0] < session.tracking_interval[1] <= wake_stop


def test_session_unknown_epoch_raises(session):
    with pytest.raises(KeyError, match="run"):
        session.epoch("run")


def test_select_units_rejects_bad_input(session):
    with pytest.raises(ValueError, match="region"):
        session.select_units("thalamus")
    with pytest.raises(ValueError, match="indices outside"):
        session.select_units([0, 99])


def test_data_file_small_and_licensed():
    npz = DATA_DIR / "A2929-200711.npz"
    licence = (DATA_DIR / "LICENSE-pynapple.txt").read_text()
    assert npz.stat().st_size < 1_000_000
    assert "MIT License" in licence
    assert "Copyright (c) pynapple authors" in licence
    assert "Peyrache lab" in licence


def test_data_file_loads_without_pickle():
    with np.load(DATA_DIR / "A2929-200711.npz", allow_pickle=False) as data:
        assert str(data["session_id"]) == "A2929-200711"
        assert data["head_direction"].dtype == np.float32
