"""The pieces of tools/rehearse_colab.py that do not need a fresh environment.

The rehearsal itself runs in `make matrix`, in an environment without
hdlesson; here we check the stand-in repository and the URL swap.
"""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

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
