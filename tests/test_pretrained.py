"""The shipped networks are what the training code produces, and meet their metrics."""

import pytest
import torch

import hdlesson
from hdlesson import TrainConfig, evaluate, load_pretrained
from hdlesson.evaluate import ACCURACY_TARGET
from hdlesson.pretrained import available_seeds

SEEDS = available_seeds()


def test_at_least_six_seeds_shipped():
    assert len(SEEDS) >= 6, SEEDS


@pytest.mark.parametrize("seed", SEEDS)
def test_shipped_network_meets_recorded_metrics(seed):
    model = load_pretrained(seed)
    recorded = model.record["metrics"]
    measured = evaluate(model, n_trials=recorded["n_trials"], seed=recorded["seed"])
    assert measured["normalized_error"] == pytest.approx(recorded["normalized_error"], rel=1e-4)
    assert measured["mean_abs_heading_error_deg"] == pytest.approx(
        recorded["mean_abs_heading_error_deg"], rel=1e-4)
    assert measured["normalized_error"] <= ACCURACY_TARGET


@pytest.mark.parametrize("seed", SEEDS)
def test_shipped_network_record_complete(seed):
    record = load_pretrained(seed).record
    config = TrainConfig.from_dict(record["train_config"])
    assert config.seed == seed
    assert config == hdlesson.preset("paper", seed=seed)
    assert record["library_version"] == hdlesson.__version__
    assert record["extra"]["wall_time_s"] > 0
    assert record["metrics"]["n_trials"] == 1000
    assert record["metrics"]["n_steps"] == 500
    assert len(record["history"]["loss"]) == config.n_updates


def test_unknown_seed_raises_with_fix():
    with pytest.raises(ValueError, match="python -m hdlesson train"):
        load_pretrained(seed=999)


def test_unknown_variant_raises():
    with pytest.raises(ValueError, match="unknown variant"):
        load_pretrained(seed=0, variant="fast")


@pytest.mark.slow
def test_retraining_seed_zero_reproduces_shipped_network():
    shipped = load_pretrained(0)
    config = TrainConfig.from_dict(shipped.record["train_config"])
    retrained = hdlesson.train(config, progress=False).model
    # Same code, seed and machine type give the same weights up to float
    # rounding that may differ between BLAS builds.
    for name, parameter in shipped.named_parameters():
        torch.testing.assert_close(dict(retrained.named_parameters())[name], parameter,
                                   rtol=1e-3, atol=1e-3, msg=name)
    metrics = evaluate(retrained)
    assert metrics["normalized_error"] == pytest.approx(shipped.record["metrics"]["normalized_error"], rel=0.02)


@pytest.mark.parametrize("seed", [-1, 0.0, True, "0"])
def test_invalid_seed_raises(seed):
    with pytest.raises(ValueError, match="non-negative integer"):
        load_pretrained(seed=seed)


def test_evaluate_rejects_mismatched_time_step():
    with pytest.raises(ValueError, match="time step"):
        evaluate(load_pretrained(0), n_trials=2, task=hdlesson.Task(dt_seconds=0.02))


def test_evaluate_rejects_bad_seed_and_model():
    with pytest.raises(ValueError, match="seed=-1"):
        evaluate(load_pretrained(0), n_trials=2, seed=-1)
    with pytest.raises(TypeError, match="HDRNN"):
        evaluate("seed0.pt")
