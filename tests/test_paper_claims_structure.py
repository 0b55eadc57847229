"""Claims of Cueva et al. (2020, ICLR, arXiv:1912.10189) about unit classes and connectivity, on every shipped default network.

The paper's network had 33 Compass units, 29 CW Shifters, 26 CCW Shifters
and 12 inactive units out of 100. Its Compass units excite Compass units of
similar preferred direction and inhibit distant ones, and each Shifter
population excites Compass units ahead in its own turning direction. The
paper gives no offsets in degrees, so the offset bands below only require
the right side and a magnitude between 10 and 150 degrees.

Sign convention (``hdlesson.analysis``): positive AV and positive offsets
are counter-clockwise (CCW).
"""

import numpy as np
import pytest

import hdlesson
from hdlesson.analysis import (
    CCW_SHIFTER,
    COMPASS,
    CW_SHIFTER,
    INACTIVE,
    classify_units,
    compass_connectivity,
    fit_cosine_kernel,
    shifter_offsets_deg,
    weight_profile,
)

PAPER_COUNTS = {COMPASS: 33, CW_SHIFTER: 29, CCW_SHIFTER: 26, INACTIVE: 12}
# Each class count may differ from the paper's by at most this many units of
# 100 (15 percentage points).
COUNT_TOLERANCE = 15
# Shuffles of preferred directions for the null distribution of kernel amplitudes.
N_SHUFFLES = 200
SEEDS = hdlesson.available_seeds("default")


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def network(request):
    model = hdlesson.load_pretrained(seed=request.param)
    classes = classify_units(model, n_trials=200, seed=0)
    weights = model.w_rec.detach().numpy().astype(float)
    return request.param, weights, classes


def shuffled_amplitudes(weights, preferred, pre, post, seed):
    """Cosine-kernel amplitudes after shuffling preferred directions among the units (seeded)."""
    rng = np.random.default_rng(seed)
    amplitudes = []
    for _ in range(N_SHUFFLES):
        shuffled = preferred.copy()
        active = np.flatnonzero(np.isfinite(preferred))
        shuffled[active] = rng.permutation(preferred[active])
        amplitudes.append(fit_cosine_kernel(weights, shuffled, pre, post).amplitude)
    return np.array(amplitudes)


def test_default_networks_shipped():
    assert SEEDS, "no pretrained default networks found under hdlesson/pretrained/default"


def test_all_classes_present(network):
    seed, _, classes = network
    for name in (COMPASS, CW_SHIFTER, CCW_SHIFTER):
        assert classes.counts[name] > 0, f"seed {seed}: no {name} units"


@pytest.mark.parametrize("name", [COMPASS, CW_SHIFTER, CCW_SHIFTER, INACTIVE])
def test_class_count_near_paper(network, name):
    seed, _, classes = network
    count = classes.counts[name]
    assert abs(count - PAPER_COUNTS[name]) <= COUNT_TOLERANCE, (
        f"seed {seed}: {count} {name} units, paper {PAPER_COUNTS[name]} "
        f"(tolerance {COUNT_TOLERANCE})"
    )


def test_compass_local_excitation(network):
    seed, weights, classes = network
    result = compass_connectivity(weights, classes.labels, classes.preferred_direction, 30.0, 90.0)
    assert result.local_mean_weight > 0, f"seed {seed}: {result}"


def test_compass_broad_inhibition(network):
    seed, weights, classes = network
    result = compass_connectivity(weights, classes.labels, classes.preferred_direction, 30.0, 90.0)
    assert result.far_mean_weight < 0, f"seed {seed}: {result}"


def test_compass_kernel_above_shuffle(network):
    """The Compass -> Compass cosine amplitude exceeds 95% of shuffled-tuning amplitudes."""
    seed, weights, classes = network
    compass = classes.labels == COMPASS
    kernel = fit_cosine_kernel(weights, classes.preferred_direction, compass, compass)
    null = shuffled_amplitudes(weights, classes.preferred_direction, compass, compass, seed)
    assert kernel.amplitude > np.percentile(null, 95), (
        f"seed {seed}: amplitude {kernel.amplitude:.3f}, shuffle 95th percentile "
        f"{np.percentile(null, 95):.3f}"
    )
    assert abs(kernel.phase_deg) <= 30, f"seed {seed}: Compass kernel peaks at {kernel.phase_deg:.0f} deg"


@pytest.mark.parametrize("name, sign", [(CW_SHIFTER, -1), (CCW_SHIFTER, +1)])
def test_shifter_offset_in_turning_direction(network, name, sign):
    seed, weights, classes = network
    offset = shifter_offsets_deg(weights, classes.labels, classes.preferred_direction)[name]
    assert 10 <= sign * offset <= 150, f"seed {seed}: {name} -> Compass peak at {offset:+.0f} deg"


@pytest.mark.parametrize("name", [CW_SHIFTER, CCW_SHIFTER])
def test_shifter_kernel_above_shuffle(network, name):
    """The Shifter -> Compass cosine amplitude exceeds 95% of shuffled-tuning amplitudes."""
    seed, weights, classes = network
    pre, post = classes.labels == name, classes.labels == COMPASS
    kernel = fit_cosine_kernel(weights, classes.preferred_direction, pre, post)
    null = shuffled_amplitudes(weights, classes.preferred_direction, pre, post, seed)
    assert kernel.amplitude > np.percentile(null, 95), (
        f"seed {seed}: {name} amplitude {kernel.amplitude:.3f}, shuffle 95th percentile "
        f"{np.percentile(null, 95):.3f}"
    )


@pytest.mark.parametrize("name, sign", [(CW_SHIFTER, -1), (CCW_SHIFTER, +1)])
def test_shifter_leading_side_stronger(network, name, sign):
    """Mean weight onto Compass units 30-150 deg ahead exceeds that onto those 30-150 deg behind."""
    seed, weights, classes = network
    centres, mean_weight, _ = weight_profile(
        weights, classes.preferred_direction, classes.labels == name, classes.labels == COMPASS, 12
    )
    ahead = (sign * centres >= 30) & (sign * centres <= 150)
    behind = (sign * centres <= -30) & (sign * centres >= -150)
    leading, lagging = np.nanmean(mean_weight[ahead]), np.nanmean(mean_weight[behind])
    assert leading > 0, f"seed {seed}: {name} mean weight ahead {leading:+.3f}"
    assert lagging < leading, f"seed {seed}: {name} ahead {leading:+.3f}, behind {lagging:+.3f}"


def test_compass_kernel_stronger_than_untrained(network):
    """Training at least doubles the Compass -> Compass cosine amplitude, in units of the weight SD.

    Tuning measured from activity reflects the weights even before training,
    so an untrained network already shows a weak local-excitation kernel among
    its (barely tuned) "Compass" units. The untrained network built with the
    same seed is the baseline.
    """
    seed, weights, classes = network
    untrained = hdlesson.HDRNN(seed=seed)
    untrained_classes = classify_units(untrained, n_trials=200, seed=0)
    untrained_weights = untrained.w_rec.detach().numpy().astype(float)

    trained_kernel = compass_connectivity(weights, classes.labels, classes.preferred_direction).kernel
    untrained_kernel = compass_connectivity(
        untrained_weights, untrained_classes.labels, untrained_classes.preferred_direction
    ).kernel
    trained_ratio = trained_kernel.amplitude / weights.std()
    untrained_ratio = untrained_kernel.amplitude / untrained_weights.std()
    assert trained_ratio >= 2 * untrained_ratio, (
        f"seed {seed}: amplitude / weight SD {trained_ratio:.2f} trained, {untrained_ratio:.2f} untrained"
    )
