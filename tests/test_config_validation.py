"""Configuration values of the wrong type or range fail with a message that
names the field and the value, before any work starts."""

import numpy as np
import pytest

import hdlesson
from hdlesson.model import HDRNN, ModelConfig
from hdlesson.task import Task
from hdlesson.training import Stage, TrainConfig

STAGES = (Stage(n_updates=1, n_steps=20, learning_rate=1e-3),)


@pytest.mark.parametrize(
    "field, value",
    [
        ("rate_penalty", "0.01"), ("rate_penalty", None), ("rate_penalty", float("inf")),
        ("rate_penalty", -1.0), ("weight_decay", float("nan")), ("weight_decay", "x"),
        ("seed", -1), ("seed", 2**63), ("seed", 1.5), ("seed", "0"), ("seed", True),
    ],
)
def test_train_config_names_bad_value(field, value):
    with pytest.raises((TypeError, ValueError), match=rf"{field}={value!r} is invalid"):
        TrainConfig(stages=STAGES, **{field: value})


def test_largest_seed_accepted():
    assert TrainConfig(stages=STAGES, seed=2**63 - 1).seed == 2**63 - 1
    HDRNN(ModelConfig(n_units=4), seed=2**63 - 1)


@pytest.mark.parametrize(
    "field, value",
    [
        ("av_autocorrelation", None), ("av_autocorrelation", "0.8"), ("av_autocorrelation", 1.0),
        ("av_autocorrelation", float("nan")), ("zero_av_fraction", "0.1"), ("zero_av_fraction", 1.5),
        ("zero_av_fraction", float("nan")),
    ],
)
def test_task_names_bad_value(field, value):
    with pytest.raises((TypeError, ValueError), match=rf"{field}={value!r} is invalid"):
        Task(**{field: value})


@pytest.mark.parametrize("value", [None, "0.1", -0.1, float("inf"), float("nan")])
def test_model_config_names_bad_noise(value):
    with pytest.raises((TypeError, ValueError), match=rf"rate_noise_sd={value!r} is invalid"):
        ModelConfig(rate_noise_sd=value)


@pytest.mark.parametrize("seed", [-1, 2**64, 0.5, "3", None])
def test_model_seed_checked(seed):
    with pytest.raises(ValueError, match=rf"seed={seed!r} is invalid"):
        HDRNN(ModelConfig(n_units=4), seed=seed)


@pytest.mark.parametrize("updates", [[0.5], [1.0], ["1"], [True]])
def test_snapshot_updates_must_be_integers(updates):
    config = TrainConfig(stages=STAGES, batch_size=2)
    with pytest.raises(TypeError, match=r"snapshot_updates .* are not update numbers; give integers"):
        hdlesson.train(config, snapshot_updates=updates, progress=False)


def test_snapshot_updates_accept_numpy_integers_and_generators():
    config = TrainConfig(stages=STAGES, batch_size=2)
    result = hdlesson.train(config, snapshot_updates=(u for u in [np.int64(0), 1]), progress=False)
    assert sorted(result.snapshots) == [0, 1]
