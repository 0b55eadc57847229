"""The pieces of tools/rehearse_colab.py that do not need a fresh environment.

The rehearsal itself runs in `make matrix`, in an environment without
hdlesson. Here we check the stand-in repository, the URL swap and the errors
of the command. A fake NotebookClient takes the place of a kernel.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import book_layout  # noqa: E402
import install_cell  # noqa: E402
import rehearse_colab  # noqa: E402


def test_stand_in_repository_has_the_release_tag(tmp_path):
    url = rehearse_colab.stand_in_repository(tmp_path)
    assert url.startswith("file://")
    tags = subprocess.run(["git", "ls-remote", "--tags", url], capture_output=True, text=True, check=True).stdout
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    tag = f"refs/tags/v{book_layout.package_version()}"
    assert f"{head.stdout.strip()}\t{tag}" in tags.splitlines()


def test_install_cell_points_at_stand_in():
    notebook = nbformat.v4.new_notebook(cells=[install_cell.new_install_cell(), nbformat.v4.new_code_cell("x = 1")])
    rehearse_colab.point_install_cell_at(notebook, "file:///tmp/stand-in.git")
    source = notebook.cells[0].source
    assert f'"hdlesson @ git+file:///tmp/stand-in.git@v{book_layout.package_version()}"' in source
    assert book_layout.repository()["url"] not in source


def test_notebook_without_install_cell_is_refused():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import hdlesson")])
    with pytest.raises(ValueError, match="not the install cell; run `make install-cells`"):
        rehearse_colab.point_install_cell_at(notebook, "file:///tmp/stand-in.git")


def test_rehearsal_refuses_environment_with_hdlesson():
    # This test environment has hdlesson, so the install cell would do nothing.
    with pytest.raises(RuntimeError, match="hdlesson is importable .* uninstall it first"):
        rehearse_colab.rehearse([ROOT / "book" / "training.ipynb"])


def test_empty_notebook_is_rejected():
    with pytest.raises(ValueError, match="not the install cell"):
        rehearse_colab.point_install_cell_at(nbformat.v4.new_notebook(), "file:///tmp/stand-in.git")


def one_line_error(capsys):
    error = capsys.readouterr().err
    assert error.startswith("error: ")
    assert error.count("\n") == 1, f"expected one line, got {error!r}"
    return error


def test_main_reports_importable_hdlesson(capsys):
    assert rehearse_colab.main([str(ROOT / "book" / "training.ipynb")]) == 2
    assert "hdlesson is importable from" in one_line_error(capsys)


@pytest.mark.parametrize("name, content, reason", [
    ("missing.ipynb", None, "file not found"),
    ("README.md", "# not a notebook\n", "not a Jupyter notebook"),
])
def test_main_reports_bad_notebook_path(tmp_path, capsys, name, content, reason):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    assert rehearse_colab.main([str(path)]) == 2
    assert f"error: {path}: {reason}" in one_line_error(capsys)


@pytest.fixture
def without_hdlesson(monkeypatch):
    """Make find_spec return None for hdlesson, as in a Colab kernel."""
    find_spec = rehearse_colab.importlib.util.find_spec
    monkeypatch.setattr(rehearse_colab.importlib.util, "find_spec",
                        lambda name, *args: None if name == "hdlesson" else find_spec(name, *args))


def write_chapter(tmp_path, cells):
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


class FailingClient:
    """Fake NotebookClient whose execute() raises as nbclient's does when a cell raises."""

    def __init__(self, notebook, **kwargs):
        pass

    def execute(self):
        raise CellExecutionError("Traceback: ZeroDivisionError in cell 2", "ZeroDivisionError", "division by zero")


class PassingClient(FailingClient):
    def execute(self):
        pass


def test_main_reports_missing_install_cell(tmp_path, capsys, without_hdlesson, monkeypatch):
    monkeypatch.setattr(rehearse_colab, "NotebookClient", FailingClient)
    path = write_chapter(tmp_path, [nbformat.v4.new_code_cell("import hdlesson")])
    assert rehearse_colab.main([str(path)]) == 2
    assert f"error: {path}: the first cell is not the install cell" in one_line_error(capsys)


def test_main_shows_failing_cell(tmp_path, capsys, without_hdlesson, monkeypatch):
    monkeypatch.setattr(rehearse_colab, "NotebookClient", FailingClient)
    path = write_chapter(tmp_path, [install_cell.new_install_cell(), nbformat.v4.new_code_cell("1 / 0")])
    assert rehearse_colab.main([str(path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {path} failed on the rehearsal:\n")
    assert "Traceback: ZeroDivisionError in cell 2" in error


def test_main_reports_replaced_torch(tmp_path, capsys, without_hdlesson, monkeypatch):
    # The subprocess that reads the installed versions gets the real torch
    # version, so a fake older version before the run looks like a replaced torch.
    version = rehearse_colab.importlib.metadata.version
    monkeypatch.setattr(rehearse_colab.importlib.metadata, "version",
                        lambda name: "0.0" if name == "torch" else version(name))
    monkeypatch.setattr(rehearse_colab, "NotebookClient", PassingClient)
    path = write_chapter(tmp_path, [install_cell.new_install_cell()])
    assert rehearse_colab.main([str(path)]) == 1
    assert "error: the install cell replaced torch 0.0 with" in one_line_error(capsys)
