"""Command-line errors of tools/install_cell.py and tools/time_notebooks.py.

A bad path or option gets one line on stderr and exit status 2, not a
traceback. No test here starts a kernel.
"""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import install_cell  # noqa: E402
import time_notebooks  # noqa: E402

# (file name, content or None for a missing file, expected words of the error)
BAD_NOTEBOOKS = [
    ("missing.ipynb", None, "file not found"),
    ("README.md", "# hdlesson\n\nA teaching package.\n", "not a Jupyter notebook (the file is not JSON)"),
    ("empty.ipynb", "", "not a Jupyter notebook (the file is not JSON)"),
    ("list.ipynb", "[1, 2]", "not a valid Jupyter notebook"),
    ("object.ipynb", '{"nbformat": 4, "nbformat_minor": 5}', "not a valid Jupyter notebook"),
    ("future.ipynb", '{"nbformat": 99}', "not a valid Jupyter notebook"),
]


def bad_notebook(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    return path


def one_line_error(capsys):
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert error.count("\n") == 1, f"expected one line, got {error!r}"
    return error


@pytest.mark.parametrize("name, content, reason", BAD_NOTEBOOKS)
def test_read_notebook_names_path(tmp_path, name, content, reason):
    path = bad_notebook(tmp_path, name, content)
    with pytest.raises(install_cell.NotebookError) as info:
        install_cell.read_notebook(path)
    assert str(info.value).startswith(f"{path}: {reason}")


def test_read_notebook_rejects_folder(tmp_path):
    with pytest.raises(install_cell.NotebookError, match="is a folder, not a notebook"):
        install_cell.read_notebook(tmp_path)


@pytest.mark.parametrize("check", [["--check"], []])
@pytest.mark.parametrize("name, content, reason", BAD_NOTEBOOKS)
def test_install_cell_cli_bad_path(tmp_path, capsys, check, name, content, reason):
    path = bad_notebook(tmp_path, name, content)
    assert install_cell.main([*check, str(path)]) == 2
    assert f"error: {path}: {reason}" in one_line_error(capsys)


def test_install_cell_changes_nothing_on_bad_path(tmp_path, capsys):
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), good)
    before = good.read_text()
    assert install_cell.main([str(good), str(tmp_path / "missing.ipynb")]) == 2
    assert good.read_text() == before
    assert "missing.ipynb: file not found" in one_line_error(capsys)


def test_install_cell_check_reports_stale(tmp_path, capsys):
    path = tmp_path / "stale.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    assert install_cell.main(["--check", str(path)]) == 1
    assert f"out of date: {path}" in capsys.readouterr().out


@pytest.mark.parametrize("name, content, reason", BAD_NOTEBOOKS)
def test_time_notebooks_execute_bad_path(tmp_path, capsys, monkeypatch, name, content, reason):
    monkeypatch.setattr(time_notebooks, "execute_and_time", lambda *args: pytest.fail("a notebook was executed"))
    path = bad_notebook(tmp_path, name, content)
    assert time_notebooks.main(["--execute", str(path)]) == 2
    assert f"error: {path}: {reason}" in one_line_error(capsys)


def test_time_notebooks_missing_build_dir(tmp_path, capsys):
    assert time_notebooks.main(["--build-dir", str(tmp_path / "nonexistent")]) == 2
    error = one_line_error(capsys)
    assert "environment.pickle not found; build the book first" in error


@pytest.mark.parametrize("option", ["--budget", "--total-budget", "--cell-timeout"])
@pytest.mark.parametrize("value", ["-5", "0", "nan", "inf", "-inf", "abc"])
def test_time_notebooks_rejects_bad_seconds(capsys, option, value):
    with pytest.raises(SystemExit) as info:
        time_notebooks.main([f"{option}={value}", "--build-dir", "/nonexistent"])
    assert info.value.code == 2
    assert f"argument {option}: invalid number of seconds: {value!r}" in capsys.readouterr().err


def test_time_notebooks_accepts_fractional_seconds():
    assert time_notebooks.positive_seconds("2.5") == 2.5


def fake_execution(runtime):
    def execute_and_time(path, timeout_s, cwd=None):
        assert timeout_s == 300.0
        return {"runtime": runtime, "succeeded": True, "error": None}
    return execute_and_time


def test_time_notebooks_over_budget(tmp_path, capsys, monkeypatch):
    path = tmp_path / "slow.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    monkeypatch.setattr(time_notebooks, "execute_and_time", fake_execution(5.0))
    assert time_notebooks.main(["--execute", "--budget", "1", str(path)]) == 1
    error = capsys.readouterr().err
    assert "slow.ipynb took 5.0 s, over its budget of 1 s" in error


def test_time_notebooks_within_budget(tmp_path, capsys, monkeypatch):
    path = tmp_path / "fast.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    monkeypatch.setattr(time_notebooks, "execute_and_time", fake_execution(0.5))
    assert time_notebooks.main(["--execute", "--budget", "1", "--total-budget", "2", str(path)]) == 0
    assert capsys.readouterr().err == ""
