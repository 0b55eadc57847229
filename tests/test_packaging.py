"""The Binder environment, the package metadata and the notebooks agree."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names of PyPI packages whose names differ.
CONDA_NAMES = {"torch": "pytorch"}


def pyproject():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def split_requirement(text):
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", text)
    return match.group(1).lower(), match.group(2).replace(" ", "")


def environment():
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_requirements():
    specs = {}
    for entry in environment()["dependencies"]:
        if not isinstance(entry, str):
            continue
        name_match = re.match(r"^([A-Za-z0-9_.\-]+)(.*)$", entry)
        name, rest = name_match.group(1).lower(), name_match.group(2)
        version = re.search(r"version='([^']*)'", rest)
        specs[name] = version.group(1) if version else rest.strip()
    return specs


def test_environment_lists_runtime_dependencies():
    conda = conda_requirements()
    for requirement in pyproject()["project"]["dependencies"]:
        name, version = split_requirement(requirement)
        conda_name = CONDA_NAMES.get(name, name)
        assert conda_name in conda, f"{conda_name} missing from environment.yml"
        assert conda[conda_name] == version, f"{conda_name}: {conda[conda_name]!r} != {version!r}"


def test_environment_has_nothing_else():
    expected = {CONDA_NAMES.get(split_requirement(r)[0], split_requirement(r)[0])
                for r in pyproject()["project"]["dependencies"]}
    assert set(conda_requirements()) - expected == {"python", "pip"}


def test_environment_installs_package_and_cpu_torch():
    pip_entries = [e for e in environment()["dependencies"] if isinstance(e, dict)]
    assert pip_entries == [{"pip": ["-e ."]}]
    torch_entry = next(e for e in environment()["dependencies"] if isinstance(e, str) and e.startswith("pytorch"))
    assert "build='cpu*'" in torch_entry


def test_jupyter_book_pinned_to_1x():
    book = pyproject()["project"]["optional-dependencies"]["book"]
    assert "jupyter-book>=1,<2" in book


def test_pretrained_networks_are_package_data():
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["hdlesson"]
    assert "pretrained/**/*.pt" in patterns


def notebooks():
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_book_has_notebooks():
    assert notebooks()


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_committed_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    for index, cell in enumerate(cells):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {index} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {index} has an execution count"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.name)
def test_notebook_listed_in_toc(path):
    toc = (ROOT / "_toc.yml").read_text()
    relative = path.relative_to(ROOT).with_suffix("").as_posix()
    assert relative in toc, f"{relative} is not in _toc.yml"


def test_package_version_matches_pyproject():
    import hdlesson

    assert hdlesson.__version__ == pyproject()["project"]["version"], (
        "hdlesson/__init__.py and pyproject.toml give different versions; "
        "raise both together, then run `make install-cells`"
    )
