"""Sphinx configuration of the HTML book; `began_lite.book.html` copies it into its build tree.

Everything here works offline: the executed notebooks are rendered as committed (never re-run),
MathJax comes from the installed django-static-mathjax package (copied into _static/mathjax by
the build), and no script or font is loaded from the network.
"""
project = "began-lite"  # the build passes the real title and version from book.toml
author = "The began-lite authors"

extensions = ["myst_nb"]
source_suffix = {".ipynb": "myst-nb", ".md": "myst-nb"}
exclude_patterns = ["_build", "_static", "**.ipynb_checkpoints"]

# The committed outputs are the book: re-running would take minutes and could change them.
nb_execution_mode = "off"
# The default loads the ipywidgets manager from a CDN; the widget outputs are replaced by a note.
nb_ipywidgets_js = {}
nb_merge_streams = True

# $...$, $$...$$ and \begin{align} in Markdown cells become math nodes that MathJax typesets.
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# MathJax 3 from the installed package, relative to _static (sphinx's rule for mathjax_path).
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {
    "tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
    "options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area"},
}

html_theme = "sphinx_book_theme"
html_theme_options = {
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": False,
}
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_last_updated_fmt = None
html_copy_source = False  # the .ipynb sources are in the repository; the site needs only pages
html_show_sourcelink = False
