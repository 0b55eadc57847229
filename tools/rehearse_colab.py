"""Rehearse a reader's first click on Colab, without Colab and without GitHub.

Colab gives a kernel with Python, NumPy and PyTorch but without hdlesson. The
first cell of every chapter then installs hdlesson from the repository of
`_config.yml` at the tag of this version. This script plays that part with a
local stand-in for the repository:

1. clone this checkout into a bare repository in a temporary folder and tag
   its HEAD ``v<version>``, as a release would;
2. check that the Python running this script cannot import hdlesson;
3. execute each chapter given, unchanged but for the repository URL of the
   install cell, which points at the stand-in, in an empty working folder
   (Colab's is /content), with nbclient; before each chapter but the first,
   uninstall hdlesson again, since each chapter opens in a fresh runtime;
4. check that hdlesson was installed at the book's version and that PyTorch
   was not replaced (Colab's own build must stay).

Run it with the Python of an environment that has torch, nbclient and
ipykernel but not hdlesson, e.g. one built by tools/dependency_matrix.py::

    .venv-matrix/newest/bin/python tools/rehearse_colab.py book/training.ipynb

What it does not show: that the repository and tag exist on GitHub, and that
Colab's launch button reaches this notebook path. The browser check
(tools/check_html.py) checks the form of the launch links.
"""

import argparse
import importlib.metadata
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402
import install_cell  # noqa: E402


def stand_in_repository(folder, root=book_layout.ROOT):
    """Clone `root` into a bare repository in `folder` tagged v<version>; return its file URL."""
    remote = Path(folder) / "hdlesson.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(root), str(remote)], check=True)
    tag = f"v{book_layout.package_version(root)}"
    subprocess.run(["git", "-C", str(remote), "tag", "--force", tag, "HEAD"], check=True, capture_output=True)
    return remote.resolve().as_uri()


def point_install_cell_at(notebook, url, root=book_layout.ROOT):
    """Replace the repository URL in the install cell of `notebook` (in place)."""
    cell = notebook.cells[0]
    if not install_cell.is_install_cell(cell):
        raise ValueError("the first cell is not the install cell; run `make install-cells`")
    configured = book_layout.repository(root)["url"]
    if f"git+{configured}@" not in cell.source:
        raise ValueError(f"the install cell does not name {configured}; run `make install-cells`")
    cell.source = cell.source.replace(f"git+{configured}@", f"git+{url}@")


def rehearse(paths, root=book_layout.ROOT, timeout_s=600):
    """Execute `paths` as on Colab, printing one line per chapter; return the lines. Raises on failure."""
    if importlib.util.find_spec("hdlesson") is not None:
        raise RuntimeError(
            f"hdlesson is importable from {sys.executable}; uninstall it first "
            "(`python -m pip uninstall -y hdlesson`) so that the install cell has work to do"
        )
    torch_before = importlib.metadata.version("torch")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = stand_in_repository(folder, root)
        workdir = Path(folder) / "content"
        workdir.mkdir()
        for index, path in enumerate(paths):
            if index > 0:
                # Each chapter opens in a fresh Colab runtime: undo the previous install.
                subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", "hdlesson"], check=True)
            notebook = nbformat.read(path, as_version=4)
            point_install_cell_at(notebook, url, root)
            start = time.perf_counter()
            NotebookClient(
                notebook, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
            ).execute()
            results.append(f"{Path(path).name}: ran top to bottom in {time.perf_counter() - start:.0f} s")
            print(results[-1], flush=True)
    installed = subprocess.run(
        # The distribution versions, as pip sees them (torch.__version__ adds a "+cu..." label).
        [sys.executable, "-c", "import hdlesson, importlib.metadata as m; print(m.version('hdlesson'), m.version('torch'))"],
        capture_output=True, text=True, cwd=tempfile.gettempdir(),
    )
    if installed.returncode != 0:
        raise RuntimeError(f"hdlesson is not importable after the install cell ran: {installed.stderr.strip()}")
    version, torch_after = installed.stdout.split()
    expected = book_layout.package_version(root)
    if version != expected:
        raise RuntimeError(f"the install cell installed hdlesson {version}, expected {expected}")
    if torch_after != torch_before:
        raise RuntimeError(f"the install cell replaced torch {torch_before} with {torch_after}")
    results.append(f"hdlesson {version} installed from the tag v{expected}; torch {torch_before} kept")
    print(results[-1], flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="chapters to run, in order")
    args = parser.parse_args(argv)
    rehearse(args.notebooks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
