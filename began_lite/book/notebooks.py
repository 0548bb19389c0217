"""Chapter files: read the percent-format .py, compare it with its .ipynb, write the .ipynb;
find the exercise cells and give them nbval's ignore-output tag."""
import ast
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

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
    nb.metadata["began_lite"] = {**nb.metadata.get("began_lite", {}), "profile": profile}
    nbformat.validate(nb)
    text = jupytext.writes(nb, fmt="ipynb")
    write_text_atomic(path, text if text.endswith("\n") else text + "\n")


# Exercise cells. The markers are nbgrader's, so nbgrader and otter read the chapters as they are.
SOLUTION = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_TESTS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
IGNORE_OUTPUT_TAG = "nbval-ignore-output"  # nbval's cell tag: run the cell, do not compare outputs
IGNORE_OUTPUT_COMMENT = "NBVAL_IGNORE_OUTPUT"  # the same, as a comment in the source
EXERCISES_PACKAGE = "began_lite.exercises"


def python_source(source: str) -> str:
    """A cell's source as plain Python: IPython magics and `!` lines become function calls."""
    from IPython.core.inputtransformer2 import TransformerManager  # slow to import

    return TransformerManager().transform_cell(source)


def parse_cell(source: str):
    """The ast.Module of a cell's source, or None when it is not valid Python."""
    try:
        return ast.parse(python_source(source))
    except (SyntaxError, ValueError):
        return None


def has_marker(source: str, markers: tuple) -> bool:
    """Whether a line of `source` is the begin marker of `markers` (as nbgrader matches it)."""
    return any(line.strip() == markers[0] for line in source.splitlines())


def checker_names(nb) -> set:
    """Names the notebook imports from began_lite.exercises that start with `check_`."""
    names = set()
    for cell in nb.cells:
        tree = parse_cell(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    EXERCISES_PACKAGE):
                names |= {a.asname or a.name for a in node.names if a.name.startswith("check_")}
    return names


def checker_calls(tree, checkers: set) -> list:
    """The calls `name(...)` in `tree` whose name is one of `checkers`, in source order."""
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Name) and node.func.id in checkers]
    return sorted(calls, key=lambda node: (node.lineno, node.col_offset))


def calls_checker(source: str, checkers: set) -> bool:
    """Whether a cell calls one of `checkers` (by a regex when the cell is not valid Python)."""
    tree = parse_cell(source)
    if tree is not None:
        return bool(checker_calls(tree, checkers))
    return any(re.search(rf"(?<!def )\b{re.escape(name)}\s*\(", source) for name in checkers)


def is_exercise_cell(cell, checkers: set) -> bool:
    """A code cell holding a solution or hidden tests, or calling an exercise checker."""
    return cell.cell_type == "code" and (
        has_marker(cell.source, SOLUTION) or has_marker(cell.source, HIDDEN_TESTS)
        or calls_checker(cell.source, checkers))


def output_ignored(cell) -> bool:
    """Whether nbval ignores this cell's outputs (its tag, or the comment marker)."""
    comment = any(line.strip().lstrip("#").strip() == IGNORE_OUTPUT_COMMENT
                  for line in cell.source.splitlines())
    return comment or IGNORE_OUTPUT_TAG in cell.get("metadata", {}).get("tags", [])


def untagged_exercise_cells(nb) -> list:
    """Positions (from 1, all cells counted) of exercise cells whose outputs nbval would compare."""
    checkers = checker_names(nb)
    return [number for number, cell in enumerate(nb.cells, start=1)
            if is_exercise_cell(cell, checkers) and not output_ignored(cell)]


def tag_exercise_cells(nb) -> list:
    """Give every exercise cell nbval's ignore-output tag, in place; return the positions tagged."""
    numbers = untagged_exercise_cells(nb)
    for number in numbers:
        cell = nb.cells[number - 1]
        cell.metadata["tags"] = [*cell.metadata.get("tags", []), IGNORE_OUTPUT_TAG]
    return numbers


PERCENT_HEADER = re.compile(r"^# %%(?P<rest>.*)$")


def _tagged_header(line: str):
    """A percent-format cell header with the ignore-output tag added, or None if it can't be."""
    rest = PERCENT_HEADER.match(line).group("rest").strip()
    if not rest:
        return f'# %% tags=["{IGNORE_OUTPUT_TAG}"]'
    tags = re.fullmatch(r"tags=(\[.*\])", rest)
    if tags is None:
        return None
    return f"# %% tags={json.dumps([*json.loads(tags.group(1)), IGNORE_OUTPUT_TAG])}"


def tag_script(path) -> list:
    """Add the ignore-output tag to the exercise cells' headers of a percent-format .py.

    JupyterLab's paired save takes cell tags from the .py, so a tag only in the .ipynb would be
    lost the first time a reader saves. Only header lines change; returns the positions tagged,
    and leaves the file alone when its cells cannot be matched to their header lines."""
    text = Path(path).read_text()
    nb = jupytext.reads(text, fmt="py:percent")
    numbers = untagged_exercise_cells(nb)
    lines = text.splitlines(keepends=True)
    headers = [i for i, line in enumerate(lines) if PERCENT_HEADER.match(line.rstrip("\n"))]
    if not numbers or len(headers) != len(nb.cells):
        return []
    for number in numbers:
        new = _tagged_header(lines[headers[number - 1]].rstrip("\n"))
        if new is None:
            return []
        lines[headers[number - 1]] = new + "\n"
    new_text = "".join(lines)
    new_nb = jupytext.reads(new_text, fmt="py:percent")
    if cell_sources(new_nb) != cell_sources(nb) or untagged_exercise_cells(new_nb):
        return []  # the header edit changed what jupytext reads: leave the file as it was
    write_text_atomic(path, new_text)
    return numbers
