"""Run the tests and every chapter on the oldest and newest versions allowed.

Four environments, each a fresh virtual environment under ``--root``:

- ``oldest``: Python 3.10 with every runtime dependency of ``pyproject.toml``
  pinned to its lower bound (``torch>=2.2`` becomes ``torch==2.2``), so a
  lower bound that no longer works fails here rather than on a reader's
  machine;
- ``py310``: Python 3.10 with the newest release of every dependency that
  pip can get for it (NumPy 2 among them);
- ``colab``: Python 3.12, what Colab runs, with the newest releases;
- ``newest``: Python 3.13, the newest Python that ``requires-python``
  allows, with the newest releases too.

In each, hdlesson is installed from this checkout (not in editable mode, so
the package data is what a reader gets), then the unit tests run without the
slow retraining test, and nbval runs over every chapter. The ``colab``
environment then also runs tools/rehearse_colab.py: hdlesson is uninstalled
and every chapter runs from its own install cell, from a local stand-in for
the repository. The versions used are printed, and the exit status is
non-zero when an environment fails.

Torch on PyPI is a CUDA build of several GB for Linux; it runs on the CPU.
Where pip is configured with a cap on torch (as on the machines this project
is developed on), "newest" means the newest release under that cap; the
printed version shows which.

Usage::

    python tools/dependency_matrix.py                 # all four environments
    python tools/dependency_matrix.py --only oldest
    python tools/dependency_matrix.py --python3.10 /path/to/python3.10
    python tools/dependency_matrix.py --only colab --keep   # keep .venv-matrix/colab

Each environment is deleted once checked, unless ``--keep`` is given.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import book_layout  # noqa: E402

RUNTIME_MODULES = ("torch", "numpy", "matplotlib", "ipywidgets", "tqdm")


def lower_bound_pins(pyproject=ROOT / "pyproject.toml"):
    """Return ``name==version`` for each runtime dependency's ``>=`` bound.

    Raises ValueError for a dependency without a lower bound, since the
    oldest environment cannot be defined for it.
    """
    with open(pyproject, "rb") as f:
        requirements = tomllib.load(f)["project"]["dependencies"]
    pins = []
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][0-9A-Za-z.]*)\s*(?:,.*)?", requirement)
        if match is None:
            raise ValueError(
                f"dependency {requirement!r} in pyproject.toml has no '>=' lower bound; "
                "give it one so that the oldest supported version can be tested"
            )
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


# pins: a function returning pins, or None for the newest releases.
# colab: also rehearse Colab's first click (tools/rehearse_colab.py).
ENVIRONMENTS = {
    "oldest": {"python": "3.10", "pins": lower_bound_pins, "colab": False},
    "py310": {"python": "3.10", "pins": None, "colab": False},
    "colab": {"python": "3.12", "pins": None, "colab": True},
    "newest": {"python": "3.13", "pins": None, "colab": False},
}
PYTHON_VERSIONS = sorted({spec["python"] for spec in ENVIRONMENTS.values()})


def python_version(candidate):
    """Run `candidate --version`; return (version, None), or (None, the reason) when it is not a Python."""
    try:
        out = subprocess.run([candidate, "--version"], capture_output=True, text=True, timeout=30)
    except FileNotFoundError:
        return None, "not found"
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"cannot be run: {error}"
    words = (out.stdout or out.stderr).split()
    if out.returncode != 0 or len(words) != 2 or words[0] != "Python":
        first_line = (out.stdout + out.stderr).strip().partition("\n")[0][:100]
        return None, f"`{candidate} --version` exited with status {out.returncode} and printed {first_line!r}"
    return words[1], None


def find_python(version, explicit=None):
    """Return the path of a working ``python<version>`` interpreter.

    With `explicit`, only that path is tried. Otherwise looks at
    ``python<version>`` on PATH, then pyenv's versions folder. Raises
    FileNotFoundError naming what to do.
    """
    if explicit:
        found, reason = python_version(explicit)
        if found is None or not found.startswith(version + "."):
            reason = reason or f"it is Python {found}"
            raise FileNotFoundError(
                f"--python{version} {explicit} is not a working Python {version} ({reason}); "
                f"pass the path of a python{version} executable"
            )
        return explicit

    candidates = [shutil.which(f"python{version}")]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/{version}.*/bin/python{version}"), reverse=True)
    candidates = [candidate for candidate in candidates if candidate]
    for candidate in candidates:
        found, _ = python_version(candidate)
        if found is not None and found.startswith(version + "."):
            return candidate
    raise FileNotFoundError(
        f"no working Python {version} found (looked at {candidates}); "
        f"install it, e.g. `pyenv install {version}`, or pass --python{version} PATH"
    )


def run(command, **kwargs):
    """Run `command`, echo it, stream its output to stdout; return the exit code."""
    print("$ " + " ".join(str(c) for c in command), flush=True)
    return subprocess.run([str(c) for c in command], **kwargs).returncode


def build(name, spec, python, root):
    """Create the environment `name` under `root`; return its python or None on failure."""
    venv = root / name
    if venv.exists():
        shutil.rmtree(venv)
    if run([python, "-m", "venv", venv]) != 0:
        return None
    bin_python = venv / "bin" / "python"
    pip = [bin_python, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    steps = [pip + ["install", "--upgrade", "pip"]]
    if spec["pins"] is None:
        steps.append(pip + ["install", "--upgrade", "--upgrade-strategy", "eager", f"{ROOT}[test]"])
    else:
        constraints = venv / "constraints.txt"
        constraints.write_text("\n".join(spec["pins"]()) + "\n")
        steps.append(pip + ["install", "--constraint", constraints, f"{ROOT}[test]"])
    steps.append([bin_python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"])
    for step in steps:
        if run(step, stdout=subprocess.DEVNULL if "ipykernel" in map(str, step) else None) != 0:
            return None
    return bin_python


def versions(bin_python):
    """Return a one-line summary of the Python and runtime dependency versions."""
    code = (
        "import sys, importlib; "
        f"names = {RUNTIME_MODULES!r}; "
        "print('python ' + sys.version.split()[0] + ', ' + ', '.join("
        "n + ' ' + importlib.import_module(n).__version__ for n in names))"
    )
    out = subprocess.run([str(bin_python), "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or out.stderr.strip()


def check(spec, bin_python):
    """Run the unit tests and nbval in one environment; return {step: (ok, seconds)}."""
    # The pytest script, not `python -m pytest`: the checkout stays off
    # sys.path, so the tests import the installed package.
    pytest = [bin_python.parent / "pytest", "-q", "-p", "no:cacheprovider"]
    steps = {
        "unit tests": [pytest + ["tests", "-m", "not slow"]],
        # A cell that hangs fails after 300 s instead of holding up the run.
        "nbval": [pytest + ["--nbval", "--nbval-cell-timeout=300", "book"]],
    }
    if spec["colab"]:
        # As on Colab: torch already there, hdlesson not.
        chapters = [str(path) for path in book_layout.toc_notebooks(ROOT)]
        steps["Colab rehearsal"] = [
            [bin_python, "-m", "pip", "uninstall", "--quiet", "-y", "hdlesson"],
            [bin_python, ROOT / "tools" / "rehearse_colab.py", *chapters],
        ]
    results = {}
    for step, commands in steps.items():
        start = time.perf_counter()
        ok = all(run(command, cwd=ROOT) == 0 for command in commands)
        results[step] = (ok, time.perf_counter() - start)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(ENVIRONMENTS), help="build and check one environment")
    parser.add_argument("--root", type=Path, default=ROOT / ".venv-matrix", help="where the environments go")
    parser.add_argument("--keep", action="store_true",
                        help="keep each environment after its checks (each takes about 5 GB)")
    for version in PYTHON_VERSIONS:
        parser.add_argument(f"--python{version}", dest=f"python{version}", help=f"path of a Python {version}")
    args = parser.parse_args(argv)

    names = [args.only] if args.only else list(ENVIRONMENTS)
    # Find every interpreter before building anything, so that a wrong path
    # stops the run at once rather than after the other environments.
    # A path given explicitly is checked even when its environment is not built.
    needed_versions = {ENVIRONMENTS[name]["python"] for name in names}
    needed_versions |= {version for version in PYTHON_VERSIONS if getattr(args, f"python{version}")}
    pythons = {}
    for version in sorted(needed_versions):
        try:
            pythons[version] = find_python(version, getattr(args, f"python{version}"))
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

    args.root.mkdir(parents=True, exist_ok=True)
    summary, failed = [], False
    for name in names:
        spec = ENVIRONMENTS[name]
        print(f"\n=== {name}: Python {spec['python']} ===", flush=True)
        bin_python = build(name, spec, pythons[spec["python"]], args.root)
        if bin_python is None:
            summary.append(f"{name}: installation FAILED")
            failed = True
        else:
            installed = versions(bin_python)
            results = check(spec, bin_python)
            failed |= not all(ok for ok, _ in results.values())
            steps = "; ".join(f"{step} {'passed' if ok else 'FAILED'} in {s:.0f} s" for step, (ok, s) in results.items())
            summary.append(f"{name} ({installed}): {steps}")
        if not args.keep:
            # One environment at a time on disk: with CUDA builds of torch,
            # all four together take about 20 GB.
            shutil.rmtree(args.root / name, ignore_errors=True)

    print("\n=== dependency matrix ===")
    print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
