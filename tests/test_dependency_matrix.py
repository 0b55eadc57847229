"""tools/dependency_matrix.py: the oldest environment follows pyproject.toml, and interpreters are found or reported."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
tomllib = pytest.importorskip("tomllib")  # the tool runs on Python 3.11 or newer
import dependency_matrix  # noqa: E402

THIS_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def write(tmp_path, dependencies):
    path = tmp_path / "pyproject.toml"
    lines = ",\n".join(f'    "{d}"' for d in dependencies)
    path.write_text(f'[project]\nname = "x"\ndependencies = [\n{lines}\n]\n')
    return path


def test_pins_are_the_lower_bounds(tmp_path):
    path = write(tmp_path, ["torch>=2.2", "numpy >= 1.24", "tqdm>=4.60,<5"])
    assert dependency_matrix.lower_bound_pins(path) == ["torch==2.2", "numpy==1.24", "tqdm==4.60"]


@pytest.mark.parametrize("requirement", ["torch", "numpy<2", "matplotlib==3.7"])
def test_dependency_without_lower_bound_is_named(tmp_path, requirement):
    path = write(tmp_path, ["torch>=2.2", requirement] if requirement != "torch" else [requirement])
    with pytest.raises(ValueError, match=r"no '>=' lower bound") as info:
        dependency_matrix.lower_bound_pins(path)
    assert repr(requirement) in str(info.value)


def test_runtime_dependencies_have_lower_bounds():
    pins = dependency_matrix.lower_bound_pins()
    names = {pin.split("==")[0] for pin in pins}
    assert names == set(dependency_matrix.RUNTIME_MODULES)


def test_missing_python_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"no working Python 3\.99 found.*pyenv install 3\.99"):
        dependency_matrix.find_python("3.99")


def test_matrix_covers_both_ends_of_requires_python():
    with open(ROOT / "pyproject.toml", "rb") as f:
        requires = tomllib.load(f)["project"]["requires-python"]
    low, high = re.fullmatch(r">=3\.(\d+),<3\.(\d+)", requires).groups()
    versions = {spec["python"] for spec in dependency_matrix.ENVIRONMENTS.values()}
    assert f"3.{low}" in versions, f"the matrix does not test Python 3.{low}, the oldest that {requires} allows"
    newest = f"3.{int(high) - 1}"
    assert newest in versions, f"the matrix does not test Python {newest}, the newest that {requires} allows"


def test_matrix_rehearses_colab_on_its_python():
    colab = [spec for spec in dependency_matrix.ENVIRONMENTS.values() if spec["colab"]]
    assert [spec["python"] for spec in colab] == ["3.12"]
    assert colab[0]["pins"] is None, "Colab ships recent releases, so the rehearsal uses the newest"


def python_on_path(tmp_path, monkeypatch):
    """Put a working python<this version> on an otherwise empty PATH."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / f"python{THIS_VERSION}").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))


def test_python_found_on_path(tmp_path, monkeypatch):
    python_on_path(tmp_path, monkeypatch)
    found = dependency_matrix.find_python(THIS_VERSION)
    assert found == str(tmp_path / "bin" / f"python{THIS_VERSION}")


def test_explicit_python_is_used(tmp_path, monkeypatch):
    python_on_path(tmp_path, monkeypatch)
    assert dependency_matrix.find_python(THIS_VERSION, sys.executable) == sys.executable


@pytest.mark.parametrize("version, explicit, reason", [
    (THIS_VERSION, "/nonexistent/python", "not found"),
    (THIS_VERSION, "/bin/true", "exited with status 0"),
    ("3.99", sys.executable, f"it is Python {sys.version.split()[0]}"),
])
def test_explicit_python_has_no_fallback(tmp_path, monkeypatch, version, explicit, reason):
    # For THIS_VERSION a working Python is on PATH, yet the bad explicit path is reported.
    python_on_path(tmp_path, monkeypatch)
    with pytest.raises(FileNotFoundError) as info:
        dependency_matrix.find_python(version, explicit)
    message = str(info.value)
    assert f"--python{version} {explicit} is not a working Python {version}" in message
    assert reason in message


def test_main_rejects_bad_python_before_building(tmp_path, monkeypatch, capsys):
    python_on_path(tmp_path, monkeypatch)
    monkeypatch.setattr(dependency_matrix, "build", lambda *args: pytest.fail("build() was called"))
    root = tmp_path / "matrix"
    assert dependency_matrix.main(["--root", str(root), "--python3.10", "/nonexistent/python"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: --python3.10 /nonexistent/python is not a working Python 3.10")
    assert error.count("\n") == 1
    assert not root.exists()


def test_main_reports_missing_python(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    monkeypatch.setattr(dependency_matrix, "build", lambda *args: pytest.fail("build() was called"))
    assert dependency_matrix.main(["--root", str(tmp_path / "matrix"), "--only", "newest"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: no working Python 3.13 found")
    assert error.count("\n") == 1


@pytest.mark.parametrize("keep", [False, True])
def test_environments_deleted_unless_kept(tmp_path, monkeypatch, keep):
    monkeypatch.setattr(dependency_matrix, "find_python", lambda version, explicit=None: "python")
    on_disk = []

    def fake_build(name, spec, python, root):
        on_disk.append(sorted(p.name for p in root.iterdir()))  # what the earlier environments left
        (root / name / "bin").mkdir(parents=True)
        return root / name / "bin" / "python"

    monkeypatch.setattr(dependency_matrix, "build", fake_build)
    monkeypatch.setattr(dependency_matrix, "versions", lambda bin_python: "python 3.x")
    monkeypatch.setattr(dependency_matrix, "check", lambda spec, bin_python: {"unit tests": (True, 0.0)})
    root = tmp_path / "matrix"
    assert dependency_matrix.main(["--root", str(root)] + (["--keep"] if keep else [])) == 0
    names = list(dependency_matrix.ENVIRONMENTS)
    if keep:
        assert on_disk == [sorted(names[:i]) for i in range(len(names))]
        assert sorted(p.name for p in root.iterdir()) == sorted(names)
    else:
        assert on_disk == [[] for _ in names]
        assert list(root.iterdir()) == []
