"""Insert or update the guarded install cell at the top of every chapter.

On Colab (and any other kernel without hdlesson) the first cell of a chapter
installs hdlesson from the repository in `_config.yml`, at the tag
``v<version>`` of `pyproject.toml`. Where hdlesson is importable (a local
clone, Binder, CI) the cell only imports `importlib.util` and does not run pip.
The cell is tagged ``remove-cell`` so the HTML book leaves it out.

Usage::

    python tools/install_cell.py            # every notebook in _toc.yml
    python tools/install_cell.py --check    # exit 1 if any notebook is out of date
    python tools/install_cell.py book/training.ipynb
"""

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402

CELL_ID = "install-hdlesson"
TAGS = ["remove-cell"]
# The first line of the cell's source; it also finds older versions of the cell.
MARKER = "# Install hdlesson only when it is not importable (e.g. on Colab)."

TEMPLATE = '''{marker}
import importlib.util

if importlib.util.find_spec("hdlesson") is None:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "{requirement}"], check=True)
    importlib.invalidate_caches()'''


class NotebookError(Exception):
    """Error for a path, given as a notebook, that is missing or is not a Jupyter notebook."""


def read_notebook(path):
    """Read the notebook at `path` as nbformat 4. Raises NotebookError naming `path`."""
    try:
        return nbformat.read(path, as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise NotebookError(f"{path}: is a folder, not a notebook") from None
    except OSError as error:
        raise NotebookError(f"{path}: cannot be read ({error.strerror})") from None
    except (nbformat.reader.NotJSONError, UnicodeDecodeError):
        raise NotebookError(f"{path}: not a Jupyter notebook (the file is not JSON)") from None
    # For JSON that is not a notebook of a known version, nbformat 5.11 raises
    # ValidationError, NBFormatError (a ValueError), AttributeError or TypeError.
    except (nbformat.ValidationError, ValueError, AttributeError, TypeError) as error:
        first_line = str(error).partition("\n")[0]
        raise NotebookError(f"{path}: not a valid Jupyter notebook ({first_line})") from None


def requirement(root=book_layout.ROOT):
    """Return the pip requirement that pins hdlesson to this version's git tag."""
    url = book_layout.repository(root)["url"]
    version = book_layout.package_version(root)
    return f"hdlesson @ git+{url}@v{version}"


def cell_source(root=book_layout.ROOT):
    """Return the source of the install cell for the repository and version in `root`."""
    return TEMPLATE.format(marker=MARKER, requirement=requirement(root))


def is_install_cell(cell):
    return cell.cell_type == "code" and cell.source.lstrip().startswith(MARKER)


def new_install_cell(root=book_layout.ROOT):
    cell = nbformat.v4.new_code_cell(cell_source(root))
    cell.metadata["tags"] = list(TAGS)
    cell.id = CELL_ID
    return cell


def has_current_cell(notebook, root=book_layout.ROOT):
    """Return True when the notebook's first cell is the current install cell
    and no other cell is an install cell."""
    if not notebook.cells:
        return False
    first = notebook.cells[0]
    others = [cell for cell in notebook.cells[1:] if is_install_cell(cell)]
    return (
        first.cell_type == "code"
        and first.source == cell_source(root)
        and first.metadata.get("tags") == TAGS
        and not others
    )


def update_notebook(path, root=book_layout.ROOT):
    """Put the current install cell first in the notebook at `path`, removing
    any older install cell. Return True when the file changed."""
    notebook = read_notebook(path)
    if has_current_cell(notebook, root):
        return False

    notebook.cells = [cell for cell in notebook.cells if not is_install_cell(cell)]
    if any(cell.get("id") == CELL_ID for cell in notebook.cells):
        raise ValueError(f"{path}: another cell already has the id {CELL_ID!r}; rename it and rerun")
    notebook.cells.insert(0, new_install_cell(root))

    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to update (default: every notebook listed in _toc.yml)")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit with status 1 if a notebook lacks the current cell")
    args = parser.parse_args(argv)

    notebooks = args.notebooks or book_layout.toc_notebooks()
    if not notebooks:
        parser.error("no notebooks found in _toc.yml")
    # Read every notebook before changing any, so that a bad path changes nothing.
    for path in notebooks:
        try:
            read_notebook(path)
        except NotebookError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

    stale = []
    for path in notebooks:
        if args.check:
            if not has_current_cell(read_notebook(path)):
                stale.append(path)
                print(f"out of date: {path}")
        elif update_notebook(path):
            print(f"updated: {path}")
        else:
            print(f"unchanged: {path}")

    if stale:
        print(f"{len(stale)} notebook(s) lack the current install cell; run python tools/install_cell.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
