"""The idealised fly compass: wiring offsets from the published rules, and a bump that integrates AV."""

import numpy as np
import pytest

from hdlesson.biology import facts
from hdlesson.biology.fly import (
    FlyModelConfig,
    N_COLUMNS,
    build_fly_wiring,
    simulate_fly_compass,
)

DT = FlyModelConfig().dt_seconds


@pytest.fixture(scope="module")
def wiring():
    return build_fly_wiring()


def run(av_value, initial_heading=0.0, settle_seconds=0.5, move_seconds=1.0):
    """Settle the bump at zero AV, then apply a constant AV; return the bump angle at both ends."""
    settle = int(settle_seconds / DT)
    av = np.zeros(settle + int(move_seconds / DT))
    av[settle:] = av_value
    simulation = simulate_fly_compass(av, initial_heading=initial_heading)
    return simulation.bump_angle[settle - 1], simulation.bump_angle[-1]


def test_wiring_sizes(wiring):
    assert wiring.sizes == {"EPG": 16, "PEN": 16, "PEG": 16, "D7": 8}
    assert wiring.matrix().shape == (56, 56)


def test_wiring_uses_fact_counts():
    assert N_COLUMNS == facts.EB_TILES.value
    assert 2 * N_COLUMNS == facts.EB_WEDGES.value == facts.PB_GLOMERULI_WITH_EPG.value


def test_pen_to_epg_shift_left_plus_45(wiring):
    offsets = wiring.projection_offset_deg("EPG", "PEN")[wiring.side["PEN"] == "L"]
    np.testing.assert_allclose(offsets, facts.PEN_SHIFT_DEG.value)


def test_pen_to_epg_shift_right_minus_45(wiring):
    offsets = wiring.projection_offset_deg("EPG", "PEN")[wiring.side["PEN"] == "R"]
    np.testing.assert_allclose(offsets, -facts.PEN_SHIFT_DEG.value)


def test_epg_to_pen_same_glomerulus(wiring):
    block = wiring.weights[("PEN", "EPG")]
    np.testing.assert_array_equal(block != 0, np.eye(16, dtype=bool))


def test_peg_to_epg_unshifted(wiring):
    np.testing.assert_allclose(wiring.projection_offset_deg("EPG", "PEG"), 0.0, atol=1e-9)


def test_delta7_inhibits_most_opposite(wiring):
    block = wiring.weights[("EPG", "D7")]
    assert np.all(block <= 0)
    strongest = np.argmin(block, axis=0)
    opposite = (wiring.column["D7"] + N_COLUMNS // 2) % N_COLUMNS
    np.testing.assert_array_equal(wiring.column["EPG"][strongest], opposite)


def test_delta7_spares_own_column(wiring):
    block = wiring.weights[("EPG", "D7")]
    own = wiring.column["EPG"][:, None] == wiring.column["D7"][None, :]
    np.testing.assert_allclose(block[own], 0.0, atol=1e-12)


def test_bump_moves_with_positive_av():
    start, end = run(2.0)
    assert np.degrees(end - start) > 45.0


def test_bump_moves_with_negative_av():
    start, end = run(-2.0)
    assert np.degrees(end - start) < -45.0


def test_bump_speed_close_to_av():
    start, end = run(2.0)
    speed = (end - start) / 1.0
    assert speed == pytest.approx(2.0, rel=0.3)


def test_bump_holds_at_zero_av():
    start, end = run(0.0, initial_heading=np.radians(90.0))
    assert abs(np.degrees(end - start)) < 2.0


def test_bump_placed_by_cue():
    start, _ = run(0.0, initial_heading=np.radians(90.0))
    assert abs(np.degrees(start) - 90.0) < 5.0


def test_noise_needs_generator():
    with pytest.raises(ValueError, match="rng"):
        simulate_fly_compass(np.zeros(10), rate_noise_sd=0.1)


def test_noise_same_seed_same_result():
    first = simulate_fly_compass(np.zeros(300), rate_noise_sd=0.05, rng=3)
    second = simulate_fly_compass(np.zeros(300), rate_noise_sd=0.05, rng=3)
    np.testing.assert_array_equal(first.rates, second.rates)


def test_config_rejects_large_step():
    with pytest.raises(ValueError, match="dt_seconds"):
        FlyModelConfig(dt_seconds=0.02)
