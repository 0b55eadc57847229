"""Rehearse a reader's first click on Colab, without Colab and without GitHub.

Colab gives a kernel with Python, NumPy and PyTorch but without hdlesson. The
first cell of every chapter then installs hdlesson from the repository of
`_config.yml` at the tag of this version. This script plays that part with a
local stand-in for the repository:

1. clone this checkout into a bare repository in a temporary folder and tag
   its HEAD ``v<version>``, as a release would;
2. check that the Python running this script cannot import hdlesson;
3. execute each chapter given with nbclient, in an empty working folder
   (Colab's is /content). The chapter is unchanged but for the repository
   URL of its install cell, which points at the stand-in. Each chapter opens
   in a fresh runtime on Colab, so hdlesson is uninstalled again before each
   chapter but the first;
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

from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402
import install_cell  # noqa: E402


class NotReadyError(RuntimeError):
    """Error raised before any chapter runs, when the environment or a chapter is not fit for a rehearsal."""


class RehearsalError(RuntimeError):
    """Error raised when a chapter fails or the install cell leaves the wrong packages installed."""


def stand_in_repository(folder, root=book_layout.ROOT):
    """Clone `root` into a bare repository in `folder` tagged v<version>; return its file URL."""
    remote = Path(folder) / "hdlesson.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(root), str(remote)], check=True)
    tag = f"v{book_layout.package_version(root)}"
    subprocess.run(["git", "-C", str(remote), "tag", "--force", tag, "HEAD"], check=True, capture_output=True)
    return remote.resolve().as_uri()


def point_install_cell_at(notebook, url, root=book_layout.ROOT):
    """Replace the repository URL in the install cell of `notebook` (in place)."""
    if not notebook.cells or not install_cell.is_install_cell(notebook.cells[0]):
        raise ValueError("the first cell is not the install cell; run `make install-cells`")
    cell = notebook.cells[0]
    configured = book_layout.repository(root)["url"]
    if f"git+{configured}@" not in cell.source:
        raise ValueError(f"the install cell does not name {configured}; run `make install-cells`")
    cell.source = cell.source.replace(f"git+{configured}@", f"git+{url}@")


def rehearse(paths, root=book_layout.ROOT, timeout_s=600):
    """Execute `paths` as on Colab, printing one line per chapter, and return the lines.

    Raises NotReadyError before running anything when a path is not a notebook
    or hdlesson is importable, and RehearsalError when the rehearsal fails.
    """
    try:
        notebooks = [install_cell.read_notebook(path) for path in paths]
    except install_cell.NotebookError as error:
        raise NotReadyError(str(error)) from None
    if importlib.util.find_spec("hdlesson") is not None:
        raise NotReadyError(
            f"hdlesson is importable from {sys.executable}; uninstall it first "
            "(`python -m pip uninstall -y hdlesson`) so that the install cell has work to do"
        )
    try:
        torch_before = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        raise NotReadyError(
            f"torch is not installed for {sys.executable}; install it first, since Colab's kernel has it"
        ) from None

    results = []
    with tempfile.TemporaryDirectory() as folder:
        url = stand_in_repository(folder, root)
        for path, notebook in zip(paths, notebooks):
            try:
                point_install_cell_at(notebook, url, root)
            except ValueError as error:
                raise NotReadyError(f"{path}: {error}") from None

        workdir = Path(folder) / "content"
        workdir.mkdir()
        for index, (path, notebook) in enumerate(zip(paths, notebooks)):
            if index > 0:
                # Each chapter opens in a fresh Colab runtime: undo the previous install.
                subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", "hdlesson"], check=True)
            start = time.perf_counter()
            client = NotebookClient(
                notebook, timeout=timeout_s, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
            )
            try:
                client.execute()
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
                # nbclient's message shows the failing cell and its traceback.
                raise RehearsalError(f"{path} failed on the rehearsal:\n{error}") from error
            results.append(f"{Path(path).name}: ran top to bottom in {time.perf_counter() - start:.0f} s")
            print(results[-1], flush=True)

    installed = subprocess.run(
        # The distribution versions, as pip reports them (torch.__version__ adds a "+cu..." label).
        [sys.executable, "-c", "import hdlesson, importlib.metadata as m; print(m.version('hdlesson'), m.version('torch'))"],
        capture_output=True, text=True, cwd=tempfile.gettempdir(),
    )
    if installed.returncode != 0:
        raise RehearsalError(f"hdlesson is not importable after the install cell ran: {installed.stderr.strip()}")
    version, torch_after = installed.stdout.split()

    expected = book_layout.package_version(root)
    if version != expected:
        raise RehearsalError(f"the install cell installed hdlesson {version}, expected {expected}")
    if torch_after != torch_before:
        raise RehearsalError(f"the install cell replaced torch {torch_before} with {torch_after}")
    results.append(f"hdlesson {version} installed from the tag v{expected}; torch {torch_before} kept")
    print(results[-1], flush=True)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="chapters to run, in order")
    args = parser.parse_args(argv)
    try:
        rehearse(args.notebooks)
    except NotReadyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RehearsalError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
