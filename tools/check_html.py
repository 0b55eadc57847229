"""Check the built HTML book in headless Chromium.

The HTML folder is served on 127.0.0.1 (a free port, this process only), and
every page is loaded in Debian's headless Chromium with ``--dump-dom``.
Chromium resolves no host name except 127.0.0.1 (``--host-resolver-rules``),
so the check downloads nothing. Scripts that Jupyter Book loads from a CDN,
such as MathJax, fail to load, and the pages are checked without them.

On each page's DOM it checks that

- the page loaded (a DOM with a ``<main>`` element, not Chromium's error page);
- every image it shows is a non-empty file inside the build, not a download;
- no cell output is an error, a traceback or a stderr warning, no output area
  is empty, and every ipywidget view has its state saved in the page;
- every internal link, stylesheet and script resolves to a file of the build,
  and every ``#fragment`` to an element id of the target page;
- every chapter built from a notebook has a Binder and a Colab launch link
  that matches the repository section of ``_config.yml`` and points at that
  notebook, which must exist in the repository.

It also saves screenshots of a few pages. Exit status 1 if any check failed.

Usage::

    python tools/check_html.py                       # _build/html, screenshots in _build/screenshots
    python tools/check_html.py --html-dir /tmp/book/_build/html --screenshots /tmp/shots
"""

import argparse
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parent))
import book_layout  # noqa: E402

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Every host name except the local server fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PAGE_TIMEOUT_S = 60
# Folders of the build that hold assets, not pages.
ASSET_FOLDERS = {"_static", "_sources", "_images", "_downloads", "_panels_static"}
WARNING_WORDS = re.compile(r"Traceback|Error\b|Exception\b|Warning\b")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def start_server(directory):
    """Serve `directory` on 127.0.0.1 at a free port; return the server and its base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_chromium(chromium, profile, extra_args, url):
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra_args, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=PAGE_TIMEOUT_S)


def html_pages(html_dir):
    pages = []
    for path in sorted(Path(html_dir).rglob("*.html")):
        relative = path.relative_to(html_dir)
        if relative.parts[0] not in ASSET_FOLDERS:
            pages.append(relative)
    return pages


@functools.lru_cache(maxsize=None)
def element_ids(path):
    """Return the element ids (and anchor names) of the static HTML file at `path`."""
    soup = BeautifulSoup(Path(path).read_text(encoding="utf-8", errors="replace"), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return ids


def resolve_local(html_dir, page, reference):
    """Return (file path, fragment) of a link from `page`, or None if it leaves the build.

    `page` is relative to `html_dir`. Links with a scheme (http:, mailto:,
    data:, javascript:) or a host are not local.
    """
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return Path(html_dir) / page, unquote(parts.fragment)

    target_url = urljoin("/" + page.as_posix(), parts.path)
    target = Path(html_dir) / unquote(target_url).lstrip("/")
    if target_url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def check_assets_and_links(soup, html_dir, page):
    errors = []
    references = [("link", a.get("href")) for a in soup.find_all("a", href=True)]
    references += [("stylesheet", tag.get("href")) for tag in soup.find_all("link", href=True)
                   if "stylesheet" in (tag.get("rel") or [])]
    references += [("script", tag.get("src")) for tag in soup.find_all("script", src=True)]

    for kind, reference in references:
        resolved = resolve_local(html_dir, page, reference)
        if resolved is None:
            continue
        target, fragment = resolved
        if not target.is_file():
            errors.append(f"{kind} {reference!r} not found ({target.relative_to(html_dir)} is missing)")
        elif fragment and target.suffix == ".html" and fragment not in element_ids(target):
            errors.append(f"{kind} {reference!r}: no element with id {fragment!r} in {target.relative_to(html_dir)}")
    return errors


def check_images(soup, html_dir, page):
    errors = []
    for image in soup.find_all("img"):
        source = image.get("src") or ""
        if source.startswith("data:"):
            continue
        resolved = resolve_local(html_dir, page, source)
        if resolved is None:
            errors.append(f"image {source!r} is loaded from the network")
            continue
        target, _ = resolved
        if not target.is_file():
            errors.append(f"image {source!r} not found")
        elif target.stat().st_size == 0:
            errors.append(f"image {source!r} is an empty file")
    return errors


def check_outputs(soup):
    """Return error messages for error outputs, stderr warnings, empty output
    areas and widgets whose state is missing."""
    errors = []
    for output in soup.select(".cell_output"):
        text = output.get_text(" ", strip=True)
        if not text and not output.find(["img", "svg", "iframe", "table", "script", "video"]):
            errors.append("a cell output area is empty")

    for output in soup.select(".output.traceback, .output.error"):
        errors.append(f"error output: {output.get_text(' ', strip=True)[:200]!r}")
    for output in soup.select(".output.stderr"):
        text = output.get_text(" ", strip=True)
        if WARNING_WORDS.search(text):
            errors.append(f"stderr output with a warning or error: {text[:200]!r}")
    for output in soup.select(".cell_output"):
        text = output.get_text(" ", strip=True)
        if "Traceback (most recent call last)" in text and not output.select(".output.traceback"):
            errors.append(f"a traceback is printed in an output: {text[:200]!r}")

    saved_models = set()
    for script in soup.find_all("script", type="application/vnd.jupyter.widget-state+json"):
        saved_models |= set(json.loads(script.string or "{}").get("state", {}))
    for script in soup.find_all("script", type="application/vnd.jupyter.widget-view+json"):
        model_id = json.loads(script.string or "{}").get("model_id")
        if model_id not in saved_models:
            errors.append(f"widget {model_id} has no saved state, so its area is blank; "
                          "save the widget state in the notebook metadata")
    return errors


def launch_link_pattern(repository, service):
    owner_repo = urlsplit(repository["url"]).path.strip("/")
    branch = re.escape(repository["branch"])
    if service == "binder":
        return re.compile(r"^https://mybinder\.org/v2/gh/" + re.escape(owner_repo) + "/" + branch
                          + r"\?urlpath=(?:lab/)?tree/(?P<path>[^&#]+\.ipynb)$")
    return re.compile(r"^https://colab\.research\.google\.com/github/" + re.escape(owner_repo) + "/blob/"
                      + branch + r"/(?P<path>[^?#]+\.ipynb)$")


def check_launch_links(soup, page, source_root, repository, from_notebook):
    """Check the Binder and Colab links of one page.

    Every link found must be well formed and point at an existing notebook.
    A page built from a notebook must have one of each, for its own notebook.
    """
    errors = []
    prefix = (repository["path_to_book"] + "/") if repository["path_to_book"] else ""
    expected_path = prefix + page.with_suffix(".ipynb").as_posix()
    services = {"binder": "https://mybinder.org/", "colab": "https://colab.research.google.com/"}

    for service, base in services.items():
        pattern = launch_link_pattern(repository, service)
        links = {a["href"] for a in soup.find_all("a", href=True) if a["href"].startswith(base)}
        if from_notebook and not links:
            errors.append(f"no {service} launch link")
        for link in links:
            match = pattern.match(link)
            if not match:
                errors.append(f"{service} launch link is malformed: {link}")
                continue
            path = unquote(match.group("path"))
            if not (Path(source_root) / path).is_file():
                errors.append(f"{service} launch link points at {path}, which does not exist in the repository")
            elif path != expected_path:
                errors.append(f"{service} launch link points at {path}, not at this page's notebook {expected_path}")
    return errors


def redirect_target(html_dir, page):
    """Return the URL of a page that only redirects (a meta refresh), else None."""
    soup = BeautifulSoup((Path(html_dir) / page).read_text(encoding="utf-8", errors="replace"), "html.parser")
    refresh = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.IGNORECASE)})
    if refresh is None or soup.find("main"):
        return None
    match = re.search(r"url=(\S+)", refresh.get("content", ""), re.IGNORECASE)
    return match.group(1).strip("'\"") if match else ""


def check_page(chromium, profile, base_url, html_dir, page, source_root, repository):
    """Load one page in Chromium and return (error messages, number of images)."""
    redirect = redirect_target(html_dir, page)
    if redirect is not None:
        resolved = resolve_local(html_dir, page, redirect)
        if resolved is None or not resolved[0].is_file():
            return [f"the page redirects to {redirect!r}, which is not a page of the build"], 0
        return [], 0

    try:
        result = run_chromium(chromium, profile, ["--dump-dom"], base_url + page.as_posix())
    except subprocess.TimeoutExpired:
        return [f"Chromium timed out after {PAGE_TIMEOUT_S} s"], 0
    if result.returncode != 0:
        return [f"Chromium failed with exit status {result.returncode}: {result.stderr.strip()[-300:]}"], 0

    soup = BeautifulSoup(result.stdout, "html.parser")
    if soup.find(id="main-frame-error") or not soup.find("main"):
        return ["the page did not load: Chromium's DOM has no <main> element"], 0

    from_notebook = (Path(html_dir) / "_sources" / page.with_suffix(".ipynb")).is_file()
    errors = []
    errors += check_images(soup, html_dir, page)
    errors += check_outputs(soup)
    errors += check_assets_and_links(soup, html_dir, page)
    errors += check_launch_links(soup, page, source_root, repository, from_notebook)
    return errors, len(soup.find_all("img"))


def take_screenshots(chromium, profile, base_url, pages, folder):
    folder.mkdir(parents=True, exist_ok=True)
    errors = []
    for page in pages:
        target = folder / (page.with_suffix("").as_posix().replace("/", "__") + ".png")
        try:
            result = run_chromium(chromium, profile, [f"--screenshot={target}", "--window-size=1280,1600",
                                                      "--hide-scrollbars"], base_url + page.as_posix())
        except subprocess.TimeoutExpired:
            errors.append(f"screenshot of {page} timed out after {PAGE_TIMEOUT_S} s")
            continue
        if result.returncode != 0 or not target.is_file():
            errors.append(f"screenshot of {page} failed: {result.stderr.strip()[-300:]}")
        else:
            print(f"screenshot: {target}")
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check the built HTML book in headless Chromium.")
    parser.add_argument("--html-dir", type=Path, default=book_layout.ROOT / "_build" / "html",
                        help="the built book (default: _build/html)")
    parser.add_argument("--source-root", type=Path, default=book_layout.ROOT,
                        help="repository root holding _config.yml and the notebooks (default: this repository)")
    parser.add_argument("--screenshots", type=Path, default=book_layout.ROOT / "_build" / "screenshots",
                        help="folder for the screenshots (default: _build/screenshots)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary (default: %(default)s)")
    args = parser.parse_args(argv)

    if not shutil.which(args.chromium):
        parser.error(f"{args.chromium} not found; install it with apt-get install -y chromium")
    pages = html_pages(args.html_dir)
    if not pages:
        parser.error(f"no HTML pages in {args.html_dir}; build the book first")
    repository = book_layout.repository(args.source_root)

    server, base_url = start_server(args.html_dir)
    failures = 0
    image_counts = {}
    try:
        with tempfile.TemporaryDirectory(prefix="check-html-chromium-") as profile:
            for page in pages:
                errors, image_counts[page] = check_page(args.chromium, profile, base_url, args.html_dir, page,
                                                        args.source_root, repository)
                print(f"{'ok' if not errors else 'FAILED':>6}  {page}  ({image_counts[page]} images)")
                for message in errors:
                    print(f"        {message}")
                failures += len(errors)

            # The landing page, the two pages with the most images and the glossary.
            by_images = sorted(pages, key=lambda page: -image_counts.get(page, 0))
            shots = [page for page in pages if page.name == "intro.html"][:1] + by_images[:2]
            shots += [page for page in pages if page.name == "glossary.html"]
            shots = list(dict.fromkeys(shots))
            screenshot_errors = take_screenshots(args.chromium, profile, base_url, shots, args.screenshots)
            for message in screenshot_errors:
                print(f"FAILED  {message}")
            failures += len(screenshot_errors)
    finally:
        server.shutdown()

    print(f"{len(pages)} pages checked, {failures} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
