"""The page checks of tools/check_html.py, on hand-written HTML (no browser needed)."""

import json
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import check_html  # noqa: E402

REPOSITORY = {"url": "https://github.com/hdlesson/hdlesson", "branch": "main", "path_to_book": ""}
BINDER = "https://mybinder.org/v2/gh/hdlesson/hdlesson/main?urlpath=tree/book/training.ipynb"
COLAB = "https://colab.research.google.com/github/hdlesson/hdlesson/blob/main/book/training.ipynb"


def soup(body):
    return BeautifulSoup(f"<html><body><main>{body}</main></body></html>", "html.parser")


@pytest.fixture
def site(tmp_path):
    """A build folder with two pages and an image, and a source folder with one notebook."""
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    (html / "_images").mkdir()
    (html / "_images" / "figure.png").write_bytes(b"\x89PNG")
    (html / "_images" / "empty.png").write_bytes(b"")
    (html / "book" / "glossary.html").write_text('<html><body><main><dt id="term-bump">bump</dt></main></body></html>')
    (html / "book" / "training.html").write_text("<html><body><main></main></body></html>")
    source = tmp_path / "source"
    (source / "book").mkdir(parents=True)
    (source / "book" / "training.ipynb").write_text("{}")
    return html, source


def test_good_output_passes():
    page = soup('<div class="cell_output"><div class="output stream"><pre>peak rate 20 Hz</pre></div></div>')
    assert check_html.check_outputs(page) == []


def test_traceback_output_fails():
    page = soup('<div class="cell_output"><div class="output traceback"><pre>ValueError: bad</pre></div></div>')
    assert any("error output" in message for message in check_html.check_outputs(page))


def test_stderr_warning_fails():
    page = soup('<div class="cell_output"><div class="output stderr"><pre>UserWarning: x</pre></div></div>')
    assert any("stderr" in message for message in check_html.check_outputs(page))


def test_empty_output_area_fails():
    page = soup('<div class="cell_output"> </div>')
    assert check_html.check_outputs(page) == ["a cell output area is empty"]


def test_image_output_is_not_empty():
    page = soup('<div class="cell_output"><img src="../_images/figure.png"></div>')
    assert check_html.check_outputs(page) == []


def widget_page(saved_ids):
    view = json.dumps({"model_id": "abc", "version_major": 2})
    state = json.dumps({"state": {model_id: {} for model_id in saved_ids}})
    return soup(f'<div class="cell_output"><script type="application/vnd.jupyter.widget-view+json">{view}</script>'
                f'</div><script type="application/vnd.jupyter.widget-state+json">{state}</script>')


def test_widget_with_state_passes():
    assert check_html.check_outputs(widget_page(["abc"])) == []


def test_widget_without_state_fails():
    assert any("no saved state" in message for message in check_html.check_outputs(widget_page([])))


def test_images_checked(site):
    html, _ = site
    page = soup('<img src="../_images/figure.png"><img src="../_images/missing.png">'
                '<img src="../_images/empty.png"><img src="https://example.org/a.png">')
    errors = check_html.check_images(page, html, Path("book/training.html"))
    assert len(errors) == 3
    assert "not found" in errors[0]
    assert "empty file" in errors[1]
    assert "network" in errors[2]


def test_internal_links_checked(site):
    html, _ = site
    page = soup('<a href="glossary.html#term-bump">ok</a><a href="glossary.html#term-ring">bad anchor</a>'
                '<a href="missing.html">missing</a><a href="https://example.org/">external</a>'
                '<a href="#">top</a>')
    errors = check_html.check_assets_and_links(page, html, Path("book/training.html"))
    assert len(errors) == 2
    assert "term-ring" in errors[0]
    assert "missing.html" in errors[1]


def test_launch_links_pass(site):
    html, source = site
    page = soup(f'<a href="{BINDER}">Binder</a><a href="{COLAB}">Colab</a>')
    assert check_html.check_launch_links(page, Path("book/training.html"), source, REPOSITORY, True) == []


def test_launch_links_missing_on_notebook_page(site):
    _, source = site
    errors = check_html.check_launch_links(soup(""), Path("book/training.html"), source, REPOSITORY, True)
    assert errors == ["no binder launch link", "no colab launch link"]


def test_launch_link_wrong_branch(site):
    _, source = site
    page = soup(f'<a href="{BINDER.replace("/main?", "/master?")}">Binder</a><a href="{COLAB}">Colab</a>')
    errors = check_html.check_launch_links(page, Path("book/training.html"), source, REPOSITORY, True)
    assert len(errors) == 1
    assert "malformed" in errors[0]


def test_launch_link_missing_notebook(site):
    _, source = site
    page = soup(f'<a href="{COLAB.replace("training", "gone")}">Colab</a><a href="{BINDER}">Binder</a>')
    errors = check_html.check_launch_links(page, Path("book/training.html"), source, REPOSITORY, True)
    assert len(errors) == 1
    assert "does not exist" in errors[0]


def test_redirect_page_detected(site):
    html, _ = site
    (html / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=book/training.html" />')
    assert check_html.redirect_target(html, Path("index.html")) == "book/training.html"
    assert check_html.redirect_target(html, Path("book/training.html")) is None
