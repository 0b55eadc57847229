"""Perturbation and AV-statistics claims of Cueva et al. (2020, ICLR, arXiv:1912.10189) on the shipped networks.

Every shipped network of the default variant is silenced the way the paper
describes, at zero angular velocity (AV) unless stated:

- silencing the Compass units removes the bump;
- silencing the CW Shifters makes the bump drift CCW, and silencing the CCW
  Shifters makes it drift CW;
- silencing both Shifter populations leaves a bump that holds but no longer
  moves.

Across the networks trained on AV statistics scaled by 0.1 ("slow_av") and
by 3 ("fast_av"), slower AV should give a larger share of Compass units.

Headings are decoded from the network's sin/cos readout. Positive drift is
CCW, the sign convention of ``hdlesson.analysis``. The tolerances are ours
and are stated next to each assert.
"""

import functools

import numpy as np
import pytest

import hdlesson
from hdlesson.analysis import (
    CCW_SHIFTER,
    COMPASS,
    CW_SHIFTER,
    INACTIVE,
    classify_units,
    silence_units,
)

SEEDS = hdlesson.available_seeds("default")

# Silencing runs from step 150 to the end of 500-step trials (10 ms steps).
START_STEP = 150
N_STEPS = 500
N_TRIALS = 16

# Speeds are fitted after the bump has settled. Silencing both Shifter
# populations caused a transient of up to about 1 s in the seed-0 network,
# so those fits start 1 s after silencing.
SETTLE_STEPS_DRIFT = 20
SETTLE_STEPS_BOTH = 100

needs_default_seeds = pytest.mark.skipif(
    not SEEDS, reason="no pretrained default networks are shipped (hdlesson/pretrained/default/ is empty)"
)


@functools.lru_cache(maxsize=None)
def _network(seed, variant="default"):
    model = hdlesson.load_pretrained(seed, variant)
    return model, classify_units(model, n_trials=100, seed=0)


def _shifters(classes):
    return np.concatenate([classes.units(CW_SHIFTER), classes.units(CCW_SHIFTER)])


@needs_default_seeds
@pytest.mark.parametrize("seed", SEEDS)
def test_silencing_compass_removes_bump(seed):
    model, classes = _network(seed)
    result = silence_units(model, classes.units(COMPASS), n_trials=N_TRIALS, n_steps=N_STEPS,
                           start_step=START_STEP, settle_steps=SETTLE_STEPS_DRIFT)

    # Tolerance: the readout keeps less than 25% of its intact norm.
    assert result.norm_ratio < 0.25, (
        f"seed {seed}: silencing {classes.counts[COMPASS]} Compass units left the readout at "
        f"{result.norm_ratio:.0%} of its intact norm; expected the bump (and the HD estimate) to vanish"
    )


@needs_default_seeds
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("silenced, sign", [(CW_SHIFTER, +1), (CCW_SHIFTER, -1)])
def test_silencing_one_shifter_population_drifts(seed, silenced, sign):
    model, classes = _network(seed)
    result = silence_units(model, classes.units(silenced), n_trials=N_TRIALS, n_steps=N_STEPS,
                           start_step=START_STEP, settle_steps=SETTLE_STEPS_DRIFT)
    drift = sign * result.drift_deg_per_s
    expected = "CCW (positive)" if sign > 0 else "CW (negative)"

    # Tolerances: the intact network stays still within 5 deg/s, and the
    # drift in the expected direction exceeds 30 deg/s on every trial.
    assert np.abs(result.control_drift_deg_per_s).max() < 5.0, (
        f"seed {seed}: the intact network drifts at up to "
        f"{np.abs(result.control_drift_deg_per_s).max():.1f} deg/s at zero AV"
    )
    assert drift.min() > 30.0, (
        f"seed {seed}: silencing the {silenced} units gave drifts of "
        f"{np.round(result.drift_deg_per_s, 1)} deg/s at zero AV; expected all {expected}, beyond 30 deg/s"
    )


@needs_default_seeds
@pytest.mark.parametrize("seed", SEEDS)
def test_silencing_both_shifters_keeps_bump(seed):
    model, classes = _network(seed)
    result = silence_units(model, _shifters(classes), n_trials=N_TRIALS, n_steps=N_STEPS,
                           start_step=START_STEP, settle_steps=SETTLE_STEPS_BOTH)

    # Tolerance: the readout keeps at least 15% of its intact norm, which
    # is well above the level left when the Compass units are silenced.
    assert result.norm_ratio > 0.15, (
        f"seed {seed}: silencing both Shifter populations left the readout at "
        f"{result.norm_ratio:.0%} of its intact norm; expected a bump to remain"
    )


@needs_default_seeds
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("av_deg_per_s", [-90.0, 90.0])
def test_silencing_both_shifters_stops_turning(seed, av_deg_per_s):
    model, classes = _network(seed)
    result = silence_units(model, _shifters(classes), n_trials=N_TRIALS, n_steps=N_STEPS,
                           start_step=START_STEP, settle_steps=SETTLE_STEPS_BOTH,
                           av_rad_per_s=np.deg2rad(av_deg_per_s))
    speed = result.drift_deg_per_s + av_deg_per_s
    control_speed = result.control_drift_deg_per_s + av_deg_per_s

    # Tolerances: intact, the bump turns at the AV within 10%; silenced,
    # its mean speed stays below 20% of the AV.
    assert abs(control_speed.mean() - av_deg_per_s) < 0.1 * abs(av_deg_per_s), (
        f"seed {seed}: the intact network turns at {control_speed.mean():.1f} deg/s for an AV of "
        f"{av_deg_per_s:.0f} deg/s"
    )
    assert abs(speed.mean()) < 0.2 * abs(av_deg_per_s), (
        f"seed {seed}: with both Shifter populations silenced the bump still turns at "
        f"{speed.mean():.1f} deg/s for an AV of {av_deg_per_s:.0f} deg/s; expected it to stop"
    )


# NOTE: this part of the claim fails for the seed-0 network: with both
# Shifter populations silenced, every trial's bump settles at one and the
# same heading, whatever heading it started from. The xfail is strict, so
# a network whose bump does hold makes this test fail and flags the
# neurophysiology chapter, which describes the collapse.
@needs_default_seeds
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.xfail(strict=True, reason="our networks collapse to one bump position without Shifters, "
                                       "unlike the network of Cueva et al. (2020)")
def test_silencing_both_shifters_holds_heading(seed):
    model, classes = _network(seed)
    result = silence_units(model, _shifters(classes), n_trials=N_TRIALS, n_steps=N_STEPS,
                           start_step=START_STEP, settle_steps=SETTLE_STEPS_BOTH)
    error = np.abs(result.final_error_deg)

    # Tolerance: 3.5 s after silencing, the median trial's bump sits within
    # 30 degrees of the heading it had when silencing started.
    assert np.median(error) < 30.0, (
        f"seed {seed}: with both Shifter populations silenced the bump ends a median "
        f"{np.median(error):.0f} deg from the heading it held; final decoded headings "
        f"{np.round(np.degrees(np.mod(result.heading[:, -1], 2 * np.pi)))} deg"
    )


def _compass_fraction(variant):
    fractions = []
    for seed in hdlesson.available_seeds(variant):
        _, classes = _network(seed, variant)
        counts = classes.counts
        active = sum(counts.values()) - counts[INACTIVE]
        fractions.append(counts[COMPASS] / active)
    return np.array(fractions)


def test_slow_av_gives_more_compass_units():
    slow_seeds = hdlesson.available_seeds("slow_av")
    fast_seeds = hdlesson.available_seeds("fast_av")
    if not slow_seeds or not fast_seeds:
        pytest.skip(
            f"networks of both AV variants are needed; shipped seeds: slow_av {slow_seeds}, "
            f"fast_av {fast_seeds}"
        )
    slow = _compass_fraction("slow_av")
    fast = _compass_fraction("fast_av")

    # Tolerance: the seed means differ in the stated direction by more than
    # 0.05 (5 percentage points of the active units).
    assert slow.mean() - fast.mean() > 0.05, (
        f"Compass fraction of active units: slow_av {np.round(slow, 2)}, fast_av {np.round(fast, 2)}; "
        "expected slower AV statistics to give more Compass units"
    )
