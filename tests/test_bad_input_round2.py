"""Bad input found by a second break-test: each fails at once, with a
message naming the value and what to do, and nothing is lost."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import hdlesson
import hdlesson.training as training
from hdlesson import HDRNN, ModelConfig, Task, evaluate, load_checkpoint, load_pretrained
from hdlesson.checkpoint import CheckpointError, read_checkpoint
from hdlesson.training import Stage, TrainConfig, preset

ROOT = Path(__file__).resolve().parents[1]


def small(**overrides):
    values = dict(task=Task(n_steps=30), model=ModelConfig(n_units=12), batch_size=4,
                  stages=(Stage(n_updates=3, n_steps=20, learning_rate=1e-3),))
    values.update(overrides)
    return TrainConfig(**values)


def test_numpy_config_checkpoint_resumes(tmp_path):
    learning_rate = np.logspace(-4, -2, 3)[1]
    config = small(seed=np.int64(3),
                   stages=(Stage(n_updates=np.int64(3), n_steps=20, learning_rate=learning_rate),))
    path = tmp_path / "run.pt"
    first = hdlesson.train(config, checkpoint_path=path, progress=False)
    model = load_checkpoint(path)
    assert torch.equal(model.w_rec, first.model.w_rec)
    again = hdlesson.train(config, checkpoint_path=path, resume=True, progress=False)
    assert torch.equal(again.model.w_rec, first.model.w_rec)


def test_foreign_python_object_is_named_not_called_corrupt(tmp_path):
    torch.save({"a": np.float64(1.0)}, tmp_path / "numpy.pt")
    with pytest.raises(CheckpointError) as info:
        read_checkpoint(tmp_path / "numpy.pt")
    message = str(info.value)
    assert "numpy" in message
    assert "weights_only=True" in message
    assert "corrupt" not in message
    assert "\x1b[" not in message


def test_unwritable_checkpoint_path_fails_before_training(tmp_path, monkeypatch):
    (tmp_path / "afile.txt").write_text("x")

    def no_training(*args, **kwargs):
        raise AssertionError("training started before the checkpoint path was checked")

    monkeypatch.setattr(training, "loss_and_gradients", no_training)
    with pytest.raises(OSError, match=r"afile\.txt' is a file, not a folder"):
        hdlesson.train(small(), checkpoint_path=tmp_path / "afile.txt" / "run.pt", progress=False)


@pytest.mark.parametrize("updates", [5, "0,1", b"0"])
def test_snapshot_updates_must_be_a_collection(updates):
    with pytest.raises(TypeError, match=r"snapshot_updates=.* is invalid; give a list of update numbers"):
        hdlesson.train(small(), snapshot_updates=updates, progress=False)


def test_snapshot_updates_none_means_none():
    assert hdlesson.train(small(), snapshot_updates=None, progress=False).snapshots == {}


@pytest.mark.parametrize(
    "field, value, pattern",
    [
        ("task", None, r"task=None is invalid; pass a hdlesson.Task"),
        ("task", {"n_steps": 50}, r"task=\{'n_steps': 50\} is invalid"),
        ("model", Task(), r"model=Task\(.*\) is invalid; pass a hdlesson.ModelConfig"),
        ("stages", [{"n_updates": 2, "n_steps": 20, "learning_rate": 1e-3}], r"stages=.* is invalid; give a tuple"),
        ("stages", "abc", r"stages='abc' is invalid"),
    ],
)
def test_config_parts_of_the_wrong_type_are_named(field, value, pattern):
    with pytest.raises(TypeError, match=pattern):
        small(**{field: value})


def test_single_stage_and_list_of_stages_are_accepted():
    stage = Stage(n_updates=2, n_steps=20, learning_rate=1e-3)
    assert small(stages=stage).stages == (stage,)
    assert small(stages=[stage, stage]).stages == (stage, stage)


def test_runaway_number_of_updates_fails_at_once():
    with pytest.raises(ValueError, match=r"n_updates=1000000000 is invalid; a stage has at most 1,000,000"):
        Stage(n_updates=10**9, n_steps=20, learning_rate=1e-3)


@pytest.mark.parametrize("field", ["av_scale", "av_noise_sd", "dt_seconds"])
def test_numbers_too_large_for_a_float_are_named(field):
    with pytest.raises(ValueError, match=rf"{field}=1000.* is invalid; use a positive finite number"):
        Task(**{field: 10**400})


def test_model_config_of_the_wrong_type_is_named():
    with pytest.raises(TypeError, match=r"config='x' is invalid; pass a hdlesson.ModelConfig"):
        HDRNN("x")


def test_negative_rate_noise_in_forward_is_named():
    model = HDRNN(ModelConfig(n_units=8))
    with pytest.raises(ValueError, match=r"rate_noise_sd=-1 is invalid"):
        model(torch.zeros(1, 5, 3), rate_noise_sd=-1)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_evaluate_batch_size_is_named(batch_size):
    with pytest.raises(ValueError, match=rf"batch_size={batch_size!r} is invalid"):
        evaluate(HDRNN(ModelConfig(n_units=8)), n_trials=5, batch_size=batch_size)


def test_evaluate_without_target_variance_says_why():
    task = Task(n_steps=11)  # one step after the 10-step cue
    with pytest.raises(ValueError, match=r"normalised error is undefined; evaluate on more trials"):
        evaluate(HDRNN(ModelConfig(n_units=8)), n_trials=1, task=task)


def test_pretrained_accepts_numpy_seed_and_rejects_list_variant():
    assert isinstance(load_pretrained(seed=np.int64(0)), HDRNN)
    with pytest.raises(ValueError, match=r"unknown variant \['default'\]"):
        load_pretrained(variant=["default"])
    with pytest.raises(ValueError, match=r"unknown preset \['paper'\]"):
        preset(["paper"])


def run(*args):
    return subprocess.run([sys.executable, "-m", "hdlesson", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_out_below_a_file_fails_before_training(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run("train", "--preset", "demo", "--out", str(tmp_path / "afile" / "sub"))
    assert result.returncode == 2
    assert "is a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_unknown_variant_is_named(tmp_path):
    result = run("train", "--preset", "demo", "--variant", "foo", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--variant 'foo' is not a variant" in result.stderr


def test_cli_snapshots_outside_the_run_name_the_flag(tmp_path):
    result = run("train", "--preset", "demo", "--snapshots", "99999999", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "--snapshots [99999999] lie outside" in result.stderr


def test_cli_evaluate_seed_too_large(tmp_path):
    path = hdlesson.save_checkpoint(tmp_path / "net.pt", HDRNN(ModelConfig(n_units=8)), {}, 0, {})
    result = run("evaluate", str(path), "--seed", str(2**70), "--trials", "2")
    assert result.returncode == 2
    assert f"seed={2**70} is invalid" in result.stderr


@pytest.mark.parametrize("outputs, error", [
    ([["a", "b"]], TypeError), ([[1 + 1j, 0]], TypeError), ([[True, False]], TypeError),
    ([[1.0, 0.0], [1.0]], ValueError),
])
def test_decode_heading_names_non_numbers(outputs, error):
    with pytest.raises(error, match=r"outputs (has dtype|cannot be read as an array)"):
        hdlesson.decode_heading(outputs)


def test_decode_heading_takes_integers():
    assert hdlesson.decode_heading(np.array([[1, 0]])) == pytest.approx(np.pi / 2)
