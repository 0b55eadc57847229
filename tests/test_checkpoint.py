import zipfile

import pytest
import torch

from hdlesson import HDRNN, CheckpointError, ModelConfig, load_checkpoint, save_checkpoint


def write(path, model=None, **kwargs):
    model = model or HDRNN(ModelConfig(n_units=6), seed=0)
    return save_checkpoint(path, model, {"seed": 0}, update=3, history={"loss": [1.0, 0.5]}, **kwargs)


def test_round_trip_keeps_weights_and_record(tmp_path):
    model = HDRNN(ModelConfig(n_units=6), seed=2)
    write(tmp_path / "a.pt", model, metrics={"normalized_error": 0.01})
    loaded = load_checkpoint(tmp_path / "a.pt")
    torch.testing.assert_close(loaded.w_rec, model.w_rec)
    assert loaded.record["metrics"]["normalized_error"] == 0.01
    assert loaded.record["update"] == 3
    assert loaded.record["history"]["loss"].tolist() == [1.0, 0.5]
    assert not loaded.training


def test_loads_with_weights_only(tmp_path):
    write(tmp_path / "a.pt")
    torch.load(tmp_path / "a.pt", weights_only=True)


def test_write_leaves_no_temporary_files(tmp_path):
    write(tmp_path / "a.pt")
    write(tmp_path / "a.pt")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pt"]


def test_failed_write_keeps_previous_file(tmp_path, monkeypatch):
    write(tmp_path / "a.pt")
    before = (tmp_path / "a.pt").read_bytes()

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError):
        write(tmp_path / "a.pt")
    assert (tmp_path / "a.pt").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.pt"]


def test_missing_file_raises_with_hint(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m hdlesson train"):
        load_checkpoint(tmp_path / "nothing.pt")


def test_corrupt_file_raises(tmp_path):
    write(tmp_path / "a.pt")
    data = (tmp_path / "a.pt").read_bytes()
    (tmp_path / "a.pt").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(tmp_path / "a.pt")


def test_text_file_raises(tmp_path):
    (tmp_path / "a.pt").write_text("not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(tmp_path / "a.pt")


def test_foreign_checkpoint_raises(tmp_path):
    torch.save({"weights": torch.zeros(3)}, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="lacks"):
        load_checkpoint(tmp_path / "a.pt")


def test_pickled_code_is_refused(tmp_path):
    torch.save({"format_version": 1, "payload": zipfile.ZipFile}, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match=r"contains a Python object of type zipfile.ZipFile, which safe loading"):
        load_checkpoint(tmp_path / "a.pt")


def test_other_format_version_raises(tmp_path):
    write(tmp_path / "a.pt")
    payload = torch.load(tmp_path / "a.pt", weights_only=True)
    payload["format_version"] = 99
    torch.save(payload, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="format version 99"):
        load_checkpoint(tmp_path / "a.pt")


def test_wrong_shapes_raise(tmp_path):
    write(tmp_path / "a.pt")
    payload = torch.load(tmp_path / "a.pt", weights_only=True)
    payload["state_dict"]["w_rec"] = torch.zeros(7, 7)
    torch.save(payload, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="does not match"):
        load_checkpoint(tmp_path / "a.pt")


def test_plain_text_file_raises(tmp_path):
    (tmp_path / "a.pt").write_text("hello")
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(tmp_path / "a.pt")


def test_folder_raises_with_hint(tmp_path):
    with pytest.raises(CheckpointError, match="is a folder"):
        load_checkpoint(tmp_path)


def test_save_to_folder_raises(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        write(tmp_path)


def test_nan_weights_raise(tmp_path):
    model = HDRNN(ModelConfig(n_units=6), seed=0)
    with torch.no_grad():
        model.w_rec[0, 0] = float("nan")
    write(tmp_path / "a.pt", model)
    with pytest.raises(CheckpointError, match="NaN or infinite"):
        load_checkpoint(tmp_path / "a.pt")


def test_snapshot_file_points_to_loader():
    from hdlesson.pretrained import PRETRAINED_DIR

    with pytest.raises(CheckpointError, match="load_development"):
        load_checkpoint(PRETRAINED_DIR / "default" / "seed0.development.pt")
