"""Every citation in the book is a {cite} role whose key is in references.bib.

The strict book build fails on an unknown key too; this test reports which
chapter and which key, in seconds, and also catches citations left as plain
text, which no build would notice.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import book_layout  # noqa: E402

ROLE = re.compile(r"\{cite:[pt]\}`([^`]+)`")
# "Green et al. 2017", "Kim et al. (2017)", "Bassett & Taube 2001", "Sussillo & Barak (2013"
PLAIN = re.compile(r"\b[A-Z][a-z-]+(?:\s+et\s+al\.|\s+&\s+[A-Z][a-z-]+),?\s+\(?(?:19|20)\d\d\b")


def bib_keys():
    text = (ROOT / "book" / "references.bib").read_text()
    return set(re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE))


def pages():
    paths = []
    for entry in book_layout.toc_entries(ROOT):
        path = book_layout.resolve_entry(entry, ROOT)
        if path is not None:
            paths.append(path)
    return paths


def prose(path):
    """The markdown text of a page: the whole file, or a notebook's markdown cells."""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    return path.read_text()


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.name)
def test_citations_resolve_to_bibliography(path):
    keys = bib_keys()
    used = {key.strip() for group in ROLE.findall(prose(path)) for key in group.split(",")}
    unknown = sorted(used - keys)
    assert not unknown, f"{path.name} cites {unknown}, which book/references.bib does not define"


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.name)
def test_no_plain_text_citations(path):
    text = ROLE.sub("", prose(path))
    plain = [" ".join(m.group(0).split()) for m in PLAIN.finditer(text)]
    assert not plain, (
        f"{path.name} cites in plain text: {plain}; use {{cite:t}}`key` or {{cite:p}}`key` "
        "with a key from book/references.bib"
    )


def test_every_reference_is_cited():
    used = set()
    for path in pages():
        used |= {key.strip() for group in ROLE.findall(prose(path)) for key in group.split(",")}
    unused = sorted(bib_keys() - used)
    assert not unused, f"book/references.bib lists {unused}, which no page cites"


# Printed output cannot hold a {cite} role: code cells and hdlesson.biology.facts
# cite by author and year. Each such work must be in the bibliography.
NAMED = re.compile(
    r"\b(?P<surname>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:,\s+[A-Z][a-z-]+)*"
    r"(?:\s+et\s+al\.|\s+(?:&|and)\s+[A-Z][a-z-]+)?,?\s+\(?(?P<year>(?:19|20)\d\d)\b"
)


def bib_first_authors():
    """Return {(first author's surname in lower case, year): key} for references.bib."""
    text = (ROOT / "book" / "references.bib").read_text()
    found = {}
    for key, body in re.findall(r"^@\w+\{([^,]+),(.*?)^\}", text, flags=re.MULTILINE | re.DOTALL):
        authors = re.search(r"author\s*=\s*\{(.*?)\},?\s*$", body, flags=re.MULTILINE).group(1)
        year = re.search(r"year\s*=\s*\{(\d{4})\}", body).group(1)
        surname = authors.split(" and ")[0].split(",")[0].strip().strip("{}")
        found[(surname.lower(), year)] = key
    return found


def test_fact_citations_are_in_bibliography():
    from hdlesson.biology import facts

    citations = {value.citation for value in vars(facts).values() if isinstance(value, facts.Fact)}
    assert citations, "hdlesson.biology.facts defines no Fact"
    listed = bib_first_authors()
    missing = sorted(c.short for c in citations
                     if (c.authors.split(",")[0].strip().split(" ")[0].lower(), str(c.year)) not in listed)
    assert not missing, f"facts cite {missing}, which book/references.bib does not list"


@pytest.mark.parametrize("path", book_layout.toc_notebooks(ROOT), ids=lambda p: p.name)
def test_code_cell_citations_are_in_bibliography(path):
    notebook = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    listed = bib_first_authors()
    missing = sorted({" ".join(m.group(0).split()) for m in NAMED.finditer(code)
                      if (m.group("surname").lower(), m.group("year")) not in listed})
    assert not missing, f"{path.name} prints {missing}, which book/references.bib does not list"
