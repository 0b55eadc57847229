"""Read the book's layout: the pages of `_toc.yml`, the repository section of
`_config.yml` and the package version in `pyproject.toml`.

The tools in this folder and the tests of the book import this module, so the
three files are parsed the same way everywhere.
"""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Suffixes that Jupyter Book tries, in this order, for a toc entry without one.
PAGE_SUFFIXES = (".ipynb", ".md")


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def toc_entries(root=ROOT):
    """Return the `root` and every `file` entry of `_toc.yml`, in book order.

    Entries are paths relative to the book root, without a suffix, as written
    in the toc (e.g. ``"book/training"``).
    """
    toc = load_yaml(Path(root) / "_toc.yml")
    entries = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                entries.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({key: value for key, value in toc.items() if key != "root"})
    return entries


def resolve_entry(entry, root=ROOT):
    """Return the source file of one toc entry, or None when no file exists."""
    base = Path(root) / entry
    if base.suffix in PAGE_SUFFIXES and base.exists():
        return base
    for suffix in PAGE_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.exists():
            return candidate
    return None


def toc_notebooks(root=ROOT):
    """Return the existing `.ipynb` files listed in `_toc.yml`, in book order."""
    paths = (resolve_entry(entry, root) for entry in toc_entries(root))
    return [path for path in paths if path is not None and path.suffix == ".ipynb"]


def repository(root=ROOT):
    """Return the `repository` section of `_config.yml` as a dict with the keys
    url (without a trailing slash), branch and path_to_book (possibly empty)."""
    section = load_yaml(Path(root) / "_config.yml")["repository"]
    return {
        "url": section["url"].rstrip("/"),
        "branch": section.get("branch") or "main",
        "path_to_book": (section.get("path_to_book") or "").strip("/"),
    }


def package_version(root=ROOT):
    """Return `project.version` from `pyproject.toml`."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    with open(Path(root) / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]
