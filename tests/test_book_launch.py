"""Every chapter can be launched on Binder and Colab.

The launch buttons come from `_config.yml`, Binder builds `environment.yml`,
and on Colab the first cell of each chapter installs hdlesson at the version
of `pyproject.toml` from the repository of `_config.yml`.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from test_packaging import environment

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import book_layout  # noqa: E402
import install_cell  # noqa: E402

REQUIREMENT = re.compile(r'"hdlesson @ git\+(?P<url>[^"@]+)@v(?P<version>[^"]+)"')


def toc_notebooks():
    return book_layout.toc_notebooks(ROOT)


def test_toc_entries_exist():
    missing = [entry for entry in book_layout.toc_entries(ROOT) if book_layout.resolve_entry(entry, ROOT) is None]
    assert not missing, f"listed in _toc.yml but no .ipynb or .md file found: {missing}"


def test_config_names_repository_once():
    config = (ROOT / "_config.yml").read_text()
    url = book_layout.repository(ROOT)["url"]
    assert config.count(url) == 1, f"{url} should appear once in _config.yml, in the repository section"


def test_config_repository_section():
    assert book_layout.repository(ROOT) == {
        "url": "https://github.com/hdlesson/hdlesson",
        "branch": "main",
        "path_to_book": "",
    }


def test_config_launch_buttons():
    buttons = book_layout.load_yaml(ROOT / "_config.yml")["launch_buttons"]
    assert buttons["binderhub_url"] == "https://mybinder.org"
    assert buttons["colab_url"] == "https://colab.research.google.com"


def test_config_lists_bibliography():
    config = book_layout.load_yaml(ROOT / "_config.yml")
    for path in config["bibtex_bibfiles"]:
        assert (ROOT / path).is_file(), f"bibtex_bibfiles lists {path}, which does not exist"


def test_config_raises_on_cell_error():
    config = book_layout.load_yaml(ROOT / "_config.yml")
    assert config["sphinx"]["config"]["nb_execution_raise_on_error"] is True
    assert config["execute"]["allow_errors"] is False


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.name)
def test_install_cell_first(path):
    notebook = nbformat.read(path, as_version=4)
    first = notebook.cells[0]
    assert first.cell_type == "code", f"{path.name}: the first cell is not the install cell; run tools/install_cell.py"
    assert first.source == install_cell.cell_source(ROOT), (
        f"{path.name}: the first cell differs from the current install cell; run tools/install_cell.py")
    assert first.metadata.get("tags") == ["remove-cell"], f"{path.name}: the install cell must be tagged remove-cell"


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.name)
def test_install_cell_only_once(path):
    notebook = nbformat.read(path, as_version=4)
    count = sum(1 for cell in notebook.cells if install_cell.is_install_cell(cell))
    assert count == 1, f"{path.name} has {count} install cells"


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.name)
def test_install_cell_matches_config_and_version(path):
    source = nbformat.read(path, as_version=4).cells[0].source
    match = REQUIREMENT.search(source)
    assert match, f"{path.name}: no 'hdlesson @ git+URL@vVERSION' requirement in the first cell"
    assert match.group("url") == book_layout.repository(ROOT)["url"]
    assert match.group("version") == book_layout.package_version(ROOT)


def run_install_cell(monkeypatch, importable):
    """Execute the install cell's source and return the commands it passed to subprocess.run."""
    commands = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name, *args, **kwargs):
        if name == "hdlesson":
            return real_find_spec(name) if importable else None
        return real_find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: commands.append(command))
    exec(compile(install_cell.cell_source(ROOT), "<install cell>", "exec"), {})
    return commands


def test_install_cell_skips_pip_when_installed(monkeypatch):
    assert importlib.util.find_spec("hdlesson") is not None, "these tests need hdlesson installed"
    assert run_install_cell(monkeypatch, importable=True) == []


def test_install_cell_runs_pip_when_missing(monkeypatch):
    commands = run_install_cell(monkeypatch, importable=False)
    assert len(commands) == 1
    command = commands[0]
    assert command[1:4] == ["-m", "pip", "install"]
    assert install_cell.requirement(ROOT) in command


def test_install_cell_updates_old_cell(tmp_path):
    notebook = nbformat.v4.new_notebook()
    old = nbformat.v4.new_code_cell(install_cell.MARKER + "\n# an older version of the cell")
    notebook.cells = [nbformat.v4.new_markdown_cell("# Title"), old, nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)

    assert install_cell.update_notebook(path, ROOT) is True
    assert install_cell.update_notebook(path, ROOT) is False

    cells = nbformat.read(path, as_version=4).cells
    assert [cell.source for cell in cells[1:]] == ["# Title", "x = 1"]
    assert install_cell.has_current_cell(nbformat.read(path, as_version=4), ROOT)


# Binder builds environment.yml; CUDA builds would make the image several GB larger.
CUDA_NAMES = re.compile(r"cuda|cudnn|nvidia|nccl|cupy", re.IGNORECASE)


def test_environment_is_cpu_only():
    spec = environment()
    assert "nvidia" not in spec.get("channels", []), "the nvidia channel serves CUDA packages"
    assert "pytorch" not in spec.get("channels", []), "use conda-forge's pytorch, whose build='cpu*' is CPU-only"

    conda_entries = [entry for entry in spec["dependencies"] if isinstance(entry, str)]
    for entry in conda_entries:
        assert not CUDA_NAMES.search(entry), f"environment.yml lists a CUDA package: {entry}"

    pip_entries = [item for entry in spec["dependencies"] if isinstance(entry, dict) for item in entry.get("pip", [])]
    for entry in pip_entries:
        assert not CUDA_NAMES.search(entry), f"environment.yml installs a CUDA package with pip: {entry}"
