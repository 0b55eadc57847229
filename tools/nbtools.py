"""Helpers to write chapter notebooks from Python lists of cells.

Chapters are committed as .ipynb files without outputs; this module only
saves typing when a chapter is first written. Edit the notebooks directly
afterwards.
"""

import nbformat


def md(text):
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text, tags=()):
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def check(text):
    """A hidden cell that asserts a claim of the chapter (removed from the HTML)."""
    return code(text, tags=("remove-cell",))


def write(path, cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, path)
