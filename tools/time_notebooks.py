"""Print how long each chapter took to execute and fail when one is over budget.

Two sources of timings:

- by default, the execution records that myst-nb (1.x, as shipped with
  Jupyter Book 1.x) stores in the Sphinx environment of the last build,
  ``<build dir>/.doctrees/environment.pickle``. Build with ``--all`` first,
  so that every notebook was executed by that build and no timing is stale;
- with ``--execute``, the notebooks given on the command line are executed
  here with nbclient and timed. A cell may raise only if it is tagged
  ``raises-exception`` (nbclient's own rule); any other error fails the run.

Budgets: 120 s per notebook and 600 s for all of them together, by default.

Usage::

    python tools/time_notebooks.py                              # after jupyter-book build . --all
    python tools/time_notebooks.py --execute _build/student/*.ipynb
"""

import argparse
import math
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402

DEFAULT_BUDGET_S = 120.0
DEFAULT_TOTAL_BUDGET_S = 600.0


def build_timings(build_dir, root=book_layout.ROOT):
    """Return {notebook path: execution record or None} for every notebook in
    `_toc.yml`, from the Sphinx environment in `build_dir`.

    A record is myst-nb's dict with the keys runtime (seconds), succeeded,
    error and mtime. None means the last build did not execute the notebook.
    """
    pickle_path = Path(build_dir) / ".doctrees" / "environment.pickle"
    if not pickle_path.exists():
        raise FileNotFoundError(f"{pickle_path} not found; build the book first (jupyter-book build . --all)")

    # Unpickling the environment needs Sphinx and myst-nb importable, as in the
    # environment that built the book.
    with open(pickle_path, "rb") as handle:
        env = pickle.load(handle)
    metadata = getattr(env, "nb_metadata", {})

    timings = {}
    for path in book_layout.toc_notebooks(root):
        docname = path.relative_to(root).with_suffix("").as_posix()
        timings[path] = metadata.get(docname, {}).get("exec_data")
    return timings


def execute_and_time(path, timeout_s, cwd=None):
    """Execute the notebook at `path` with nbclient and return an execution
    record like myst-nb's (runtime, succeeded, error)."""
    import nbclient
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=math.ceil(timeout_s),  # nbclient 0.11 takes whole seconds and rejects a float such as 2.5
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or Path(path).parent)}},
    )

    start = time.perf_counter()
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as error:
        return {"runtime": time.perf_counter() - start, "succeeded": False, "error": str(error)}
    except nbclient.exceptions.CellTimeoutError as error:
        return {"runtime": time.perf_counter() - start, "succeeded": False,
                "error": f"a cell timed out after {timeout_s} s: {error}"}
    return {"runtime": time.perf_counter() - start, "succeeded": True, "error": None}


def display_name(path):
    path = Path(path).resolve()
    try:
        return path.relative_to(book_layout.ROOT).as_posix()
    except ValueError:
        return str(path)


def check_budgets(records, budget_s, total_budget_s, allow_unexecuted=False):
    """Print one line per notebook and return the list of failure messages."""
    failures = []
    total = 0.0

    for path, record in records.items():
        name = display_name(path)
        if record is None:
            print(f"{'-':>8}  {name}  (not executed by the last build)")
            if not allow_unexecuted:
                failures.append(f"{name} was not executed by the last build; rebuild with --all "
                                f"and check execute.exclude_patterns in _config.yml")
            continue

        runtime = record["runtime"] or 0.0
        total += runtime
        status = "ok" if runtime <= budget_s else f"OVER BUDGET ({budget_s:.0f} s)"
        if not record.get("succeeded", True):
            status = "FAILED"
        print(f"{runtime:7.1f} s  {name}  {status}")

        if not record.get("succeeded", True):
            failures.append(f"{name} failed to execute: {record.get('error')}")
        if runtime > budget_s:
            failures.append(f"{name} took {runtime:.1f} s, over its budget of {budget_s:.0f} s")

    print(f"{total:7.1f} s  total  ({'ok' if total <= total_budget_s else 'OVER BUDGET'}, "
          f"budget {total_budget_s:.0f} s)")
    if total > total_budget_s:
        failures.append(f"all notebooks together took {total:.1f} s, over the budget of {total_budget_s:.0f} s")
    return failures


def positive_seconds(text):
    """Parse a duration in seconds for argparse, rejecting zero, negative and non-finite values."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not (math.isfinite(seconds) and seconds > 0):
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}; give a positive, finite number")
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description="Print notebook execution times and fail when one is over budget.")
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to execute (only with --execute)")
    parser.add_argument("--execute", action="store_true",
                        help="execute the given notebooks with nbclient instead of reading the last build")
    parser.add_argument("--build-dir", type=Path, default=book_layout.ROOT / "_build",
                        help="Jupyter Book build folder to read timings from (default: _build)")
    parser.add_argument("--budget", type=positive_seconds, default=DEFAULT_BUDGET_S,
                        help="maximum execution time of one notebook, in seconds (default: %(default)s)")
    parser.add_argument("--total-budget", type=positive_seconds, default=DEFAULT_TOTAL_BUDGET_S,
                        help="maximum execution time of all notebooks together, in seconds (default: %(default)s)")
    parser.add_argument("--cell-timeout", type=positive_seconds, default=300.0,
                        help="with --execute: maximum time of one cell, in seconds, rounded up to a whole "
                             "number (default: %(default)s)")
    parser.add_argument("--cwd", type=Path, default=None,
                        help="with --execute: working folder of the kernel (default: each notebook's folder)")
    parser.add_argument("--allow-unexecuted", action="store_true",
                        help="list notebooks that the last build did not execute without failing")
    args = parser.parse_args(argv)

    if args.execute:
        if not args.notebooks:
            parser.error("--execute needs at least one notebook")
        from install_cell import NotebookError, read_notebook  # needs nbformat, as --execute does

        # Read every notebook before executing any, so that a bad path fails at once.
        for path in args.notebooks:
            try:
                read_notebook(path)
            except NotebookError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
        records = {}
        for path in args.notebooks:
            print(f"executing {path} ...", flush=True)
            records[path] = execute_and_time(path, args.cell_timeout, args.cwd)
    else:
        if args.notebooks:
            parser.error("notebooks are only accepted with --execute; without it the toc's notebooks are read")
        try:
            records = build_timings(args.build_dir)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

    failures = check_budgets(records, args.budget, args.total_budget, args.allow_unexecuted)
    for message in failures:
        print(f"error: {message}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
