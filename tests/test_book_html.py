"""`book html`: the site builds offline from the committed notebooks, and headless Chromium shows
every chapter with its figures and typeset math, loads nothing from the network, and finds no
broken internal link."""
import functools
import http.server
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import nbformat
import pytest

from began_lite.__main__ import main
from began_lite.book import load_manifest
from began_lite.book.html import WIDGET_VIEW, build_html, without_widgets
from began_lite.errors import UserError

# sphinx-book-theme 1.4 reads an attribute Sphinx 9 marks for removal in Sphinx 11.
pytestmark = pytest.mark.filterwarnings("ignore::sphinx.deprecation.RemovedInSphinx11Warning")

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: Playwright never downloads a browser


def chapter_pages():
    """(chapter entry, page path inside the site) in book.toml's reading order."""
    return [(c, f"chapters/{Path(c['file']).stem}.html") for c in load_manifest(REPO)["chapters"]]


def committed(chapter):
    """The chapter's committed notebook."""
    return nbformat.read(REPO / Path(chapter["file"]).with_suffix(".ipynb"), as_version=4)


def image_outputs(chapter) -> int:
    """How many PNG figures the chapter's committed notebook holds."""
    return sum("image/png" in out.get("data", {})
               for cell in committed(chapter).cells for out in cell.get("outputs", []))


def has_math(chapter) -> bool:
    """Whether the chapter's prose holds TeX between dollars."""
    return any(cell.cell_type == "markdown" and "$" in cell.source
               for cell in committed(chapter).cells)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The book built once for this module."""
    out = tmp_path_factory.mktemp("html") / "site"
    assert build_html(REPO, out) == [], "Sphinx warned while building the book"
    return out


@pytest.fixture(scope="module")
def served(site):
    """The site on a free localhost port, as a reader's browser would fetch it."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that does not log each request to stderr."""

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium under Playwright; skipped off CI when it is not installed."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def test_widget_views_become_a_note():
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    cell = nbformat.v4.new_code_cell("w", outputs=[nbformat.v4.new_output(
        "display_data", data={WIDGET_VIEW: {"model_id": "x"}, "text/plain": "interactive(...)"})])
    nb.cells.append(cell)
    out = without_widgets(nb).cells[0].outputs[0]["data"]
    assert list(out) == ["text/html"] and "JupyterLab" in out["text/html"]
    assert "widgets" not in nb.metadata


def test_missing_notebook_says_how_to_make_it(tmp_path):
    (tmp_path / "book.toml").write_text('[[chapters]]\nnumber = 3\nfile = "chapters/03_x.py"\n')
    with pytest.raises(UserError, match="book execute 3"):
        build_html(tmp_path, tmp_path / "site")


def test_refuses_to_overwrite_a_folder_that_is_not_a_site(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine")
    monkeypatch.setenv("BOOK_ROOT", str(REPO))
    assert main(["book", "html", "--out", str(tmp_path)]) == 2
    assert "not a built site" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_navigation_lists_the_chapters_in_reading_order(site):
    index = (site / "index.html").read_text()
    expected = [page for _, page in chapter_pages()]
    linked = [href for href in re.findall(r'href="(chapters/[^"#]+\.html)"', index)]
    assert list(dict.fromkeys(linked)) == expected
    for (_, page), (_, following) in zip(chapter_pages(), chapter_pages()[1:]):
        assert f'href="{Path(following).name}"' in (site / page).read_text(), \
            f"{page} has no link to the next chapter"


def test_pages_reference_nothing_outside_the_site(site):
    for page in site.rglob("*.html"):
        external = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//',
                              page.read_text())
        assert not external, f"{page.relative_to(site)} loads from the network"


def check_page(page, url) -> dict:
    """Load `url`, wait for MathJax, and report what a reader would see."""
    page.goto(url, wait_until="load")
    page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("MathJax.startup.promise")
    return page.evaluate("""() => {
        const prose = document.querySelector('article').cloneNode(true);
        prose.querySelectorAll('pre, code, mjx-container, .output').forEach(e => e.remove());
        return {
            typeset: document.querySelectorAll('mjx-container').length,
            math: document.querySelectorAll('.math').length,
            errors: document.querySelectorAll('mjx-merror').length,
            images: Array.from(document.images).filter(i => i.closest('article'))
                         .map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]),
            text: prose.innerText,
        };
    }""")


def new_page(browser):
    """A page whose waits allow for a busy 2-core machine."""
    page = browser.new_page()
    page.set_default_timeout(120_000)
    return page


def test_every_chapter_renders_its_figures_and_math(served, browser):
    page = new_page(browser)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    for chapter, path in chapter_pages():
        seen = check_page(page, f"{served}/{path}")
        assert seen["math"] > 0 or not has_math(chapter), f"{path}: its TeX became no math"
        assert seen["typeset"] >= seen["math"], f"{path}: math not typeset"
        assert seen["errors"] == 0, f"{path}: MathJax could not typeset {seen['errors']} formula(s)"
        for raw in ("$$", "\\(", "\\[", "\\begin{"):
            assert raw not in seen["text"], f"{path}: raw TeX {raw!r} left in the prose"
        assert len(seen["images"]) >= image_outputs(chapter), f"{path}: figures missing"
        broken = [src for src, complete, width in seen["images"] if not complete or width == 0]
        assert not broken, f"{path}: figures that did not load: {broken}"
    page.close()
    outside = [url for url in requests if not url.startswith((served, "data:"))]
    assert not outside, f"the pages asked the network for {outside[:3]}"


# Every link of a page: <a> in the text and navigation, <link> (next, prev, index, stylesheets).
LINKS = "Array.from(document.querySelectorAll('a[href], link[href]')).map(a => a.href)"


def anchors(path: Path) -> set:
    """The ids a page defines, the targets of its #fragments."""
    return set(re.findall(r'\bid="([^"]+)"', path.read_text()))


def test_no_internal_link_is_broken(site, served, browser):
    page = new_page(browser)
    to_visit, visited, broken = ["index.html"], set(), []
    while to_visit:
        path = to_visit.pop()
        if path in visited:
            continue
        visited.add(path)
        page.goto(f"{served}/{path}", wait_until="domcontentloaded")
        for href in page.evaluate(LINKS):
            url, fragment = urldefrag(href)
            if not url.startswith(served):
                continue
            target = unquote(urlparse(url).path).lstrip("/") or "index.html"
            if not (site / target).is_file():
                broken.append(f"{path} -> {href}")
            elif fragment and fragment not in anchors(site / target):
                broken.append(f"{path} -> {href} (no such anchor)")
            elif target.endswith(".html"):
                to_visit.append(target)
    page.close()
    assert not broken, "broken links:\n" + "\n".join(broken)
    assert {page for _, page in chapter_pages()} <= visited
