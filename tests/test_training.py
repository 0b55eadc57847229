import math
from dataclasses import replace

import pytest
import torch

import hdlesson
from hdlesson import ModelConfig, Stage, Task, TrainConfig, TrainingDivergedError, load_checkpoint
from hdlesson import training


def tiny_config(seed=0, **overrides):
    values = dict(
        seed=seed,
        task=Task(n_steps=40),
        model=ModelConfig(n_units=16),
        stages=(Stage(n_updates=12, n_steps=20, learning_rate=3e-3),
                Stage(n_updates=8, n_steps=30, learning_rate=2e-3, final_learning_rate=1e-3)),
        batch_size=8,
        checkpoint_every=5,
    )
    values.update(overrides)
    return TrainConfig(**values)


def test_train_returns_model_and_history():
    model, history = hdlesson.train(tiny_config(), progress=False)
    assert isinstance(model, hdlesson.HDRNN)
    assert len(history["loss"]) == 20
    assert history["n_steps"][0] == 20
    assert history["n_steps"][-1] == 30
    assert all(b >= a for a, b in zip(history["wall_time_s"], history["wall_time_s"][1:]))


def test_training_reduces_loss():
    config = tiny_config(stages=(Stage(n_updates=150, n_steps=20, learning_rate=1e-2),))
    _, history = hdlesson.train(config, progress=False)
    first = sum(history["loss"][:10]) / 10
    last = sum(history["loss"][-10:]) / 10
    assert last < 0.5 * first


def test_same_seed_same_network():
    first = hdlesson.train(tiny_config(seed=3), progress=False).model
    second = hdlesson.train(tiny_config(seed=3), progress=False).model
    other = hdlesson.train(tiny_config(seed=4), progress=False).model
    torch.testing.assert_close(first.w_rec, second.w_rec, rtol=0, atol=0)
    assert not torch.equal(first.w_rec, other.w_rec)


def test_learning_rate_schedule_followed():
    _, history = hdlesson.train(tiny_config(), progress=False)
    assert history["learning_rate"][0] == pytest.approx(3e-3)
    assert history["learning_rate"][12] == pytest.approx(2e-3)
    assert history["learning_rate"][-1] == pytest.approx(1e-3)


def test_interrupted_run_resumes_to_same_result(tmp_path, monkeypatch):
    path = tmp_path / "run.pt"
    reference = hdlesson.train(tiny_config(), progress=False).model

    real = training.loss_and_gradients
    calls = {"n": 0}

    def interrupt_at_update_13(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 14:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(training, "loss_and_gradients", interrupt_at_update_13)
    with pytest.raises(KeyboardInterrupt):
        hdlesson.train(tiny_config(), checkpoint_path=path, progress=False)
    monkeypatch.setattr(training, "loss_and_gradients", real)

    saved = load_checkpoint(path)
    assert saved.record["update"] == 13

    resumed = hdlesson.train(tiny_config(), checkpoint_path=path, resume=True, progress=False)
    assert len(resumed.history["loss"]) == 20
    torch.testing.assert_close(resumed.model.w_rec, reference.w_rec, rtol=0, atol=0)


def test_divergence_raises_and_keeps_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "run.pt"
    real = training.loss_and_gradients
    calls = {"n": 0}

    def nan_at_update_8(model, *args, **kwargs):
        calls["n"] += 1
        terms = real(model, *args, **kwargs)
        if calls["n"] == 8:
            terms.total = math.nan
        return terms

    monkeypatch.setattr(training, "loss_and_gradients", nan_at_update_8)
    with pytest.raises(TrainingDivergedError, match="update 7") as error:
        hdlesson.train(tiny_config(), checkpoint_path=path, progress=False)
    assert str(path) in str(error.value)

    saved = load_checkpoint(path)
    assert saved.record["update"] == 5
    assert all(torch.isfinite(p).all() for p in saved.parameters())


def test_resume_with_other_config_raises(tmp_path):
    path = tmp_path / "run.pt"
    hdlesson.train(tiny_config(), checkpoint_path=path, progress=False)
    with pytest.raises(ValueError, match="different configuration"):
        hdlesson.train(tiny_config(seed=9), checkpoint_path=path, resume=True, progress=False)


def test_config_round_trips_through_dict():
    config = tiny_config()
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_unknown_preset_raises():
    with pytest.raises(ValueError, match="unknown preset 'fast'"):
        hdlesson.preset("fast")


@pytest.mark.parametrize("kwargs", [
    dict(seed=-1), dict(stages=()), dict(batch_size=0),
    dict(stages=(Stage(n_updates=3, n_steps=5, learning_rate=1e-3),)),
])
def test_invalid_train_config_raises(kwargs):
    with pytest.raises(ValueError):
        tiny_config(**kwargs)


def test_mismatched_time_steps_raise():
    with pytest.raises(ValueError, match="dt_seconds"):
        tiny_config(task=Task(dt_seconds=0.02))


def test_threads_restored_after_training():
    before = torch.get_num_threads()
    hdlesson.train(tiny_config(), progress=False)
    assert torch.get_num_threads() == before


def test_batches_depend_only_on_seed_and_update():
    config = tiny_config()
    stage = config.stages[0]
    first = training._draw_batch(config, stage, 7)
    again = training._draw_batch(config, stage, 7)
    other = training._draw_batch(config, stage, 8)
    for a, b in zip(first, again):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert not torch.equal(first[0], other[0])


def test_runaway_loss_raises_diverged():
    config = tiny_config(stages=(Stage(n_updates=30, n_steps=20, learning_rate=1e3),))
    with pytest.raises(TrainingDivergedError, match="diverged"):
        hdlesson.train(config, progress=False)


def test_checkpoint_path_folder_rejected_before_training(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        hdlesson.train(tiny_config(), checkpoint_path=tmp_path, progress=False)


def test_dict_config_rejected_with_hint():
    with pytest.raises(TypeError, match="from_dict"):
        hdlesson.train(tiny_config().to_dict(), progress=False)
