"""Chapter files: read the percent-format .py, compare it with its .ipynb, write the .ipynb."""
import hashlib
from collections import Counter

import jupytext
import nbformat

from began_lite.files import write_text_atomic

# One kernelspec for every chapter, whatever machine executed it, so the files do not churn.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def read_script(path) -> nbformat.NotebookNode:
    """The notebook a chapter's percent-format .py describes (no outputs)."""
    return jupytext.read(path, fmt="py:percent")


def read_notebook(path) -> nbformat.NotebookNode:
    """An .ipynb as an nbformat v4 notebook."""
    return nbformat.read(path, as_version=4)


def cell_sources(nb) -> list:
    """(cell type, source) of each cell after a round trip through the percent format."""
    text = jupytext.writes(nb, fmt="py:percent")
    cells = jupytext.reads(text, fmt="py:percent").cells
    return [(cell.cell_type, cell.source.strip()) for cell in cells]


def _first_line_difference(a: str, b: str) -> str:
    """The first line where two sources differ, quoted from both."""
    lines_a, lines_b = a.splitlines() + ["<end>"], b.splitlines() + ["<end>"]
    for number, (line_a, line_b) in enumerate(zip(lines_a, lines_b), start=1):
        if line_a != line_b:
            return f"line {number}: .py has {line_a[:60]!r}, .ipynb has {line_b[:60]!r}"
    return "same lines"


def pair_difference(script_nb, notebook) -> str:
    """Where a chapter's .py and its .ipynb first disagree on cells, or "" when they agree."""
    script, stored = cell_sources(script_nb), cell_sources(notebook)
    for number, (a, b) in enumerate(zip(script, stored), start=1):
        if a[0] != b[0]:
            return f"cell {number} is {a[0]} in the .py but {b[0]} in the .ipynb"
        if a[1] != b[1]:
            return f"cell {number} differs, {_first_line_difference(a[1], b[1])}"
    if len(script) != len(stored):
        return f"the .py has {len(script)} cells, the .ipynb {len(stored)}"
    return ""


def stable_ids(nb) -> None:
    """Give each cell an id made from its content, so re-executing does not churn the file."""
    seen = Counter()
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        seen[digest] += 1
        cell["id"] = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def write_notebook(nb, path, profile: str) -> None:
    """Write an executed chapter atomically: fixed kernelspec, no machine-specific metadata."""
    stable_ids(nb)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.get("language_info", {}).pop("version", None)  # the Python patch level churns
    nb.metadata["began_lite"] = {"profile": profile}
    nbformat.validate(nb)
    text = jupytext.writes(nb, fmt="ipynb")
    write_text_atomic(path, text if text.endswith("\n") else text + "\n")
