import json
import subprocess
import sys
from pathlib import Path

import pytest

from hdlesson import HDRNN, ModelConfig, save_checkpoint
from hdlesson.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "hdlesson", *args], capture_output=True, text=True, cwd=ROOT)


def test_evaluate_prints_json(tmp_path, capsys):
    path = save_checkpoint(tmp_path / "net.pt", HDRNN(ModelConfig(n_units=8)), {}, 0, {})
    assert main(["evaluate", str(path), "--trials", "5", "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["n_trials"] == 5
    assert set(metrics) >= {"normalized_error", "mean_abs_heading_error_deg", "final_abs_heading_error_deg"}


def test_evaluate_prints_text(tmp_path, capsys):
    path = save_checkpoint(tmp_path / "net.pt", HDRNN(ModelConfig(n_units=8)), {}, 0, {})
    assert main(["evaluate", str(path), "--trials", "5"]) == 0
    output = capsys.readouterr().out
    assert "normalised output error" in output
    assert "misses the 1% target" in output


def test_evaluate_missing_file_fails_cleanly(tmp_path):
    result = run("evaluate", str(tmp_path / "absent.pt"))
    assert result.returncode == 2
    assert "not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_evaluate_corrupt_file_fails_cleanly(tmp_path):
    (tmp_path / "bad.pt").write_bytes(b"\x00\x01garbage")
    result = run("evaluate", str(tmp_path / "bad.pt"))
    assert result.returncode == 2
    assert "cannot be read" in result.stderr


def test_train_unknown_preset_fails_cleanly(tmp_path):
    result = run("train", "--preset", "fastest", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "unknown preset 'fastest'" in result.stderr


def test_train_negative_seed_fails_cleanly(tmp_path):
    result = run("train", "--seed", "-3", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "seed=-3" in result.stderr


def test_train_out_file_fails_cleanly(tmp_path):
    (tmp_path / "afile").write_text("")
    result = run("train", "--out", str(tmp_path / "afile"))
    assert result.returncode == 2
    assert "is a file" in result.stderr


def test_evaluate_text_file_fails_cleanly(tmp_path):
    (tmp_path / "text.pt").write_text("hello")
    result = run("evaluate", str(tmp_path / "text.pt"))
    assert result.returncode == 2
    assert "cannot be read" in result.stderr
