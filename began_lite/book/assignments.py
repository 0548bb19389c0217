"""`book assignments`: a student set and a solution set of the chapters, as nbgrader makes them.

Student set: each `### BEGIN SOLUTION` ... `### END SOLUTION` region becomes nbgrader's stub
(`# YOUR CODE HERE` / `raise NotImplementedError()`, at the marker's indentation), each
`### BEGIN HIDDEN TESTS` ... `### END HIDDEN TESTS` region is removed, outputs are cleared and
the checker calls stay. Solution set: the chapters as they are, markers and hidden tests kept.
"""
import ast
import copy
import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from began_lite.book.manifest import book_root, chapter_key, load_manifest
from began_lite.book.notebooks import (HIDDEN_TESTS, SOLUTION, checker_calls, checker_names,
                                       has_marker, pair_difference, parse_cell, read_notebook,
                                       read_script, write_notebook)
from began_lite.errors import UserError
from began_lite.files import write_text_atomic

STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # nbgrader's default code stub
SETS = ("student", "solution")


def marker_regions(source: str, markers: tuple) -> list:
    """(begin, end) line indices of each region; a ValueError says how the markers are wrong."""
    regions, begin = [], None
    for number, line in enumerate(source.split("\n")):
        if line.strip() == markers[0]:
            if begin is not None:
                raise ValueError(f"a second {markers[0]!r} before {markers[1]!r}")
            begin = number
        elif line.strip() == markers[1]:
            if begin is None:
                raise ValueError(f"{markers[1]!r} without {markers[0]!r}")
            regions.append((begin, number))
            begin = None
    if begin is not None:
        raise ValueError(f"{markers[0]!r} is never closed by {markers[1]!r}")
    return regions


def _replace_regions(source: str, markers: tuple, stub: tuple) -> str:
    """`source` with each region of `markers` replaced by `stub`, at the begin marker's indent."""
    lines = source.split("\n")
    for begin, end in reversed(marker_regions(source, markers)):
        indent = lines[begin][:len(lines[begin]) - len(lines[begin].lstrip())]
        lines[begin:end + 1] = [indent + line for line in stub]
    return "\n".join(lines)


def replace_solutions(source: str) -> str:
    """nbgrader's student version of a cell: each solution region becomes the code stub."""
    return _replace_regions(source, SOLUTION, STUB)


def remove_hidden_tests(source: str) -> str:
    """A cell without its hidden-test regions (markers included)."""
    return _replace_regions(source, HIDDEN_TESTS, ())


def hidden_tests(source: str) -> str:
    """The code inside a cell's hidden-test regions, markers dropped."""
    lines = source.split("\n")
    return "\n".join(line for begin, end in marker_regions(source, HIDDEN_TESTS)
                     for line in lines[begin + 1:end])


def student_source(source: str) -> str:
    """What the student set holds for a cell."""
    return remove_hidden_tests(replace_solutions(source))


def marker_problem(source: str) -> str:
    """Why a cell's solution or hidden-test markers are malformed, or ""."""
    for markers in (SOLUTION, HIDDEN_TESTS):
        try:
            marker_regions(source, markers)
        except ValueError as err:
            return str(err)
    return ""


@dataclass
class Exercise:
    """One graded exercise: a code cell with a solution or hidden tests, and a check."""

    name: str       # how book.toml's [points.chNN] and the grader's results call it
    position: int   # the cell's position in the chapter, from 1, all cells counted
    source: str     # the cell as the chapter has it (solution and hidden tests included)
    hidden: str     # the hidden tests' code, run after the student's cell when grading
    base: str = ""  # the name before a _2, _3 suffix that tells same-named exercises apart
    occurrence: int = 1
    occurrences: int = 1


def _first_binding(tree) -> str:
    """The first function defined or name assigned at the top level of a cell, or ""."""
    for node in tree.body if tree else []:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if names:
            return names[0]
    return ""


def exercise_name(source: str, checkers: set, ordinal: int) -> str:
    """A cell's exercise name: the first argument of its first checker call when that is a name
    (my_jsd) or a call of one (predicted_ratio()), else the checker's name, else the first function or name the cell defines, else
    exercise_K."""
    tree = parse_cell(remove_hidden_tests(source)) if not marker_problem(source) else None
    calls = checker_calls(tree, checkers) if tree else []
    if calls:
        first = calls[0].args[0] if calls[0].args else None
        if isinstance(first, ast.Call):  # check_x(predicted_x()): the reader's function
            first = first.func
        return first.id if isinstance(first, ast.Name) else calls[0].func.id
    return _first_binding(tree) or f"exercise_{ordinal}"


def is_graded(source: str, checkers: set) -> bool:
    """A cell holding a solution or hidden tests, with a checker call or hidden tests to grade it.
    A solution with neither is an open exercise: it goes to the solution set, ungraded."""
    hidden = has_marker(source, HIDDEN_TESTS)
    if not (hidden or has_marker(source, SOLUTION)) or marker_problem(source):
        return False
    tree = parse_cell(source)
    return hidden or bool(tree and checker_calls(tree, checkers))


def graded_exercises(nb) -> list:
    """The graded exercises of a chapter, in order, with unique names."""
    checkers, found, seen = checker_names(nb), [], {}
    for position, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or not is_graded(cell.source, checkers):
            continue
        base = exercise_name(cell.source, checkers, len(found) + 1)
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base}_{seen[base]}"
        found.append(Exercise(name, position, cell.source, hidden_tests(cell.source), base,
                              seen[base]))
    for exercise in found:
        exercise.occurrences = seen[exercise.base]
    return found


def exercise_points(manifest: dict, number: int) -> dict:
    """{exercise name: points} set in book.toml's [points.chNN], and the default for the rest."""
    points = manifest.get("points", {})
    table = points.get(chapter_key(number), {})
    return {"default": points.get("default", 1), **table}


def points_for(manifest: dict, number: int, name: str) -> float:
    """Points of one exercise: its [points.chNN] entry, else [points] default (1 when unset)."""
    table = exercise_points(manifest, number)
    return table.get(name, table["default"])


def student_notebook(nb, number: int):
    """The student version: solutions stubbed, hidden tests removed, outputs and counts cleared."""
    student = copy.deepcopy(nb)
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.source = student_source(cell.source)
            cell.outputs, cell.execution_count = [], None
    student.metadata["began_lite"] = {"chapter": number, "set": "student"}
    return student


def solution_notebook(nb, number: int):
    """The solution version: the chapter as it is, outputs kept when the .ipynb is in step."""
    solution = copy.deepcopy(nb)
    solution.metadata["began_lite"] = {**solution.metadata.get("began_lite", {}),
                                       "chapter": number, "set": "solution"}
    return solution


def chapter_notebook(chapter: dict, root):
    """The chapter's executed .ipynb when it matches its .py, else the .py without outputs."""
    script = Path(root) / chapter["file"]
    if not script.is_file():
        raise UserError(f"chapter {chapter['number']}: {chapter['file']} is missing")
    text_nb = read_script(script)
    notebook_path = script.with_suffix(".ipynb")
    if notebook_path.is_file():
        executed = read_notebook(notebook_path)
        if not pair_difference(text_nb, executed):
            return executed
    return text_nb


def _check_markers(nb, name: str) -> None:
    """A UserError naming the first cell whose markers are malformed."""
    for position, cell in enumerate(nb.cells, start=1):
        problem = marker_problem(cell.source) if cell.cell_type == "code" else ""
        if problem:
            raise UserError(f"{name}: cell {position}: {problem}; fix the markers in the .py")


def write_set(nb, folder: Path, stem: str, profile="quick") -> list:
    """Write one notebook as .ipynb (with nbval-stable metadata) and as a percent .py."""
    ipynb, script = folder / f"{stem}.ipynb", folder / f"{stem}.py"
    write_notebook(nb, ipynb, profile)
    nb.metadata.pop("began_lite", None)  # the .py keeps only the pairing header
    text = jupytext.writes(nb, fmt="py:percent")
    write_text_atomic(script, text if text.endswith("\n") else text + "\n")
    return [ipynb, script]


def write_assignments(chapters: list, out, root=None) -> list:
    """Write out/student/ and out/solution/ for each chapter; return the files written."""
    root, out, written = Path(root or book_root()), Path(out), []
    for chapter in chapters:
        nb = chapter_notebook(chapter, root)
        stem = Path(chapter["file"]).stem
        _check_markers(nb, chapter["file"])
        nbformat.validate(nb)
        written += write_set(student_notebook(nb, chapter["number"]), out / "student", stem)
        written += write_set(solution_notebook(nb, chapter["number"]), out / "solution", stem)
    return written


def chapter_of(path, nb, root=None) -> dict:
    """The book.toml chapter a submission belongs to: its metadata, else its NN_ file name."""
    number = nb.metadata.get("began_lite", {}).get("chapter")
    match = re.match(r"(\d+)_", Path(path).name)
    if number is None and match:
        number = int(match.group(1))
    listed = {c.get("number"): c for c in load_manifest(root).get("chapters", [])}
    if number not in listed:
        raise UserError(f"{path}: cannot tell which chapter it is (name it NN_slug.ipynb as "
                        f"the student set does, or pass --chapter NN)")
    return listed[number]


def load_submission(path):
    """A student's .ipynb, or .py in Jupytext's percent format, as a notebook."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} does not exist; give a student's .ipynb or .py file")
    try:
        if path.suffix == ".ipynb":
            return nbformat.read(path, as_version=4)
        if path.suffix == ".py":
            return jupytext.read(path, fmt="py:percent")
    except Exception as err:  # nbformat and jupytext raise many kinds; all mean an unreadable file
        raise UserError(f"{path} is not a readable notebook ({type(err).__name__}: "
                        f"{str(err)[:120]}); submit the .ipynb or .py of the student set") from err
    raise UserError(f"{path} is neither an .ipynb nor a .py; submit a chapter notebook")
