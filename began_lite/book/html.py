"""`book html`: the executed chapters as a static HTML site, built offline with Sphinx and myst-nb.

The build lays out a source tree in a temporary folder (the Sphinx configuration in
`began_lite/book/sphinx/`, an index page made from book.toml, a copy of each committed .ipynb
and MathJax from the installed django-static-mathjax package) and renders it without
executing anything: the site shows the outputs exactly as committed.
"""
import io
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from began_lite.book.manifest import load_manifest
from began_lite.errors import UserError

CONFIG_DIR = Path(__file__).with_name("sphinx")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# A static page has no kernel to drive a slider: say so where the widget was.
WIDGET_NOTE = ('<p class="widget-note">An interactive widget stands here when the chapter runs '
               'in JupyterLab (<code>make lab</code>); a static page cannot move its sliders.</p>')
# MathJax 3 pieces the pages need: the TeX-to-HTML bundle, the TeX extensions it loads on demand,
# its fonts, and the menu with its accessibility helpers.
MATHJAX_PARTS = ["tex-chtml.js", "input/tex", "output/chtml", "ui", "a11y", "sre"]


def chapter_notebook(chapter: dict, root: Path) -> Path:
    """The committed .ipynb beside a chapter's .py; a UserError when it is missing."""
    path = (root / chapter["file"]).with_suffix(".ipynb")
    if not path.is_file():
        raise UserError(f"{path.relative_to(root)} is missing; run `python -m began_lite book "
                        f"execute {chapter['number']}` to write it")
    return path


def without_widgets(nb):
    """The notebook with each saved widget view replaced by a note (no CDN script can run it)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                output["data"] = {"text/html": WIDGET_NOTE}
    nb.metadata.pop("widgets", None)
    return nb


def index_page(manifest: dict, pages: list[str]) -> str:
    """The home page in MyST Markdown: title, description, and the chapters' table of contents."""
    book = manifest.get("book", {})
    authors = ", ".join(book.get("authors", []))
    toc = "\n".join(pages)
    return (f"# {book.get('title', 'began-lite')}\n\n{book.get('description', '')}\n\n"
            f"Version {book.get('version', '?')}, by {authors}. The pages show each chapter as "
            "executed in the quick profile; to run and change them, open the chapters in "
            "JupyterLab (`make lab`).\n\n"
            f"```{{toctree}}\n:caption: Chapters\n:maxdepth: 1\n\n{toc}\n```\n")


def copy_mathjax(static: Path) -> None:
    """Copy MathJax from the installed package into `static`/mathjax, with its licence."""
    try:
        import mathjax  # django-static-mathjax: MathJax 3 as package data
    except ImportError as err:
        raise UserError("MathJax is not installed; run `make setup` (requirements.txt pins "
                        "django-static-mathjax)") from err
    source = Path(mathjax.__file__).parent / "static" / "mathjax"
    target = static / "mathjax"
    for part in MATHJAX_PARTS:
        src, dst = source / "es5" / part, target / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)
    shutil.copy2(source / "LICENSE", target / "LICENSE")


def lay_out_sources(root: Path, src: Path) -> list[Path]:
    """Write the Sphinx source tree into `src`; return the chapters' notebooks it copied."""
    manifest = load_manifest(root)
    chapters = manifest.get("chapters", [])
    if not chapters:
        raise UserError(f"{root / 'book.toml'} lists no [[chapters]]; add them first")
    shutil.copy2(CONFIG_DIR / "conf.py", src / "conf.py")
    (src / "_static").mkdir()
    shutil.copy2(CONFIG_DIR / "book.css", src / "_static" / "book.css")
    copy_mathjax(src / "_static")
    notebooks, pages = [], []
    for chapter in chapters:
        notebook = chapter_notebook(chapter, root)
        target = src / "chapters" / notebook.name
        target.parent.mkdir(exist_ok=True)
        nbformat.write(without_widgets(nbformat.read(notebook, as_version=4)), target)
        notebooks.append(notebook)
        pages.append(f"chapters/{notebook.stem}")
    (src / "index.md").write_text(index_page(manifest, pages))
    return notebooks


def book_settings(manifest: dict) -> dict:
    """Sphinx settings taken from book.toml's [book] table."""
    book = manifest.get("book", {})
    title = book.get("title", "began-lite")
    return {"project": title, "html_title": title, "release": book.get("version", ""),
            "version": book.get("version", ""), "author": ", ".join(book.get("authors", []))}


def check_out_dir(out: Path) -> None:
    """Refuse to write into a non-empty folder that is not an earlier build of the site."""
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder for the site")
    if out.is_dir() and any(out.iterdir()) and not (out / ".buildinfo").exists():
        raise UserError(f"--out {out} holds files that are not a built site; give an empty or "
                        "new folder")


def build_html(root: Path, out: Path, *, quiet=True) -> list[str]:
    """Build the site into `out` (replacing an earlier build); return Sphinx's warnings."""
    from sphinx.application import Sphinx  # slow import: only when building

    out = Path(out).resolve()
    check_out_dir(out)
    warnings = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="began-lite-html-") as tmp:
        # myst-nb writes images beside the output folder, so build inside tmp and copy after.
        src, html = Path(tmp) / "src", Path(tmp) / "html"
        src.mkdir()
        lay_out_sources(Path(root), src)
        app = Sphinx(str(src), str(src), str(html), str(Path(tmp) / "doctrees"), "html",
                     confoverrides=book_settings(load_manifest(root)),
                     status=None if quiet else sys.stdout, warning=warnings,
                     freshenv=True, keep_going=True)
        app.build(force_all=True)
        if app.statuscode:
            raise UserError(f"Sphinx failed to build the book:\n{warnings.getvalue()}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(html, out)
    return [line for line in warnings.getvalue().splitlines() if line.strip()]
