"""`book assignments`: nbgrader's stubs, hidden tests removed, outputs cleared, checkers kept; and
the exercise cells `book execute` tags and `book check` looks at."""
import textwrap
from pathlib import Path

import jupytext
import nbformat
import pytest

from began_lite.__main__ import main
from began_lite.book.assignments import (graded_exercises, hidden_tests, marker_problem,
                                         replace_solutions, student_source)
from began_lite.book.check import check_book
from began_lite.book.notebooks import IGNORE_OUTPUT_TAG, read_script, untagged_exercise_cells

BOOK = '''\
[book]
title = "Exercise fixture"
authors = ["Tests"]
description = "One chapter with graded, open and demonstration exercises."
version = "0.0.1"
[profiles.quick]
description = "fast"
seed = 0
[profiles.full]
description = "slow"
seed = 0
[points]
default = 1
[points.ch00]
my_double = 2

[[chapters]]
number = 0
title = "Exercises"
file = "chapters/00_exercises.py"
paper_sections = []
modules = ["book"]
accelerator = "cpu"
datasets = []
quick_minutes = 0.5
'''

CHAPTER = '''\
# %% [markdown]
# # Exercises

# %%
from began_lite.exercises import cases, check_function, floats
from began_lite.seeding import seed_everything

seed_everything(0)
SCALE = 2

# %%
print("a checked output:", SCALE * 21)


# %%
def double(x):
    """The reference."""
    return SCALE * x


def wrong(x):
    """A demonstration: the checker on a wrong function."""
    return x


shown = check_function(wrong, double, cases(floats(-1, 1), n=2), name="wrong")


# %%
def my_double(x):
    """Your version."""
    ### BEGIN SOLUTION
    return SCALE * x
    ### END SOLUTION


passed = check_function(my_double, double, cases(floats(-1, 1), n=5), name="my_double")

# %%
### BEGIN SOLUTION
answer = SCALE * 21
### END SOLUTION
print("answer:", answer)
### BEGIN HIDDEN TESTS
assert answer == 42, "answer should be 42"
### END HIDDEN TESTS

# %% [markdown]
# An open exercise: why 42?

# %%
### BEGIN SOLUTION
print("because", SCALE, "x 21")
### END SOLUTION
'''


def make_book(root: Path, chapter=CHAPTER, book=BOOK) -> Path:
    """The fixture book in `root`; returns the chapter's .py."""
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "book.toml").write_text(book)
    script = root / "chapters/00_exercises.py"
    script.write_text(chapter)
    return script


def test_solutions_become_nbgraders_stub_at_the_markers_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = x\n    return y\n    ### END SOLUTION\n" \
             "\nprint(f(1))"
    assert replace_solutions(source) == ("def f(x):\n    # YOUR CODE HERE\n"
                                         "    raise NotImplementedError()\n\nprint(f(1))")
    cell = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = a\n" \
           "### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS\nprint(b)"
    assert student_source(cell) == "# YOUR CODE HERE\nraise NotImplementedError()\nb = a\nprint(b)"
    assert hidden_tests(cell) == "assert a == 1"
    assert student_source("x = 1  # no markers") == "x = 1  # no markers"


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1", "is never closed"),
    ("x = 1\n### END SOLUTION", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "a second"),
    ("### BEGIN HIDDEN TESTS\nassert True", "is never closed"),
])
def test_malformed_markers_are_named(source, problem):
    assert problem in marker_problem(source)
    with pytest.raises(ValueError):
        student_source(source)


def test_graded_open_and_demonstration_cells_are_told_apart(tmp_path):
    nb = read_script(make_book(tmp_path))
    exercises = graded_exercises(nb)
    # The demonstration (a checker, no solution) and the open exercise (no check) are not graded.
    assert [(e.name, e.position) for e in exercises] == [("my_double", 5), ("answer", 6)]
    assert exercises[1].hidden == 'assert answer == 42, "answer should be 42"'
    # Every cell a reader's work changes is an exercise cell for nbval: demonstration included.
    assert untagged_exercise_cells(nb) == [4, 5, 6, 8]


def test_assignments_write_a_student_set_and_a_solution_set(tmp_path, monkeypatch, capsys):
    script = make_book(tmp_path)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "execute", "0"]) == 0
    assert main(["book", "assignments", "--out", str(tmp_path / "sets"), "--chapter", "0"]) == 0
    assert "student set: 2 files" in capsys.readouterr().out
    executed = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    student = nbformat.read(tmp_path / "sets/student/00_exercises.ipynb", as_version=4)
    solution = nbformat.read(tmp_path / "sets/solution/00_exercises.ipynb", as_version=4)
    assert student.metadata.began_lite["set"] == "student"
    assert student.metadata.began_lite["chapter"] == 0
    code = [c for c in student.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN" not in text and "answer == 42" not in text
    assert text.count("raise NotImplementedError()") == 3
    assert "passed = check_function(my_double, double" in text  # checkers stay
    assert "answer = SCALE * 21" not in text and "because" not in text
    # The solution set is the executed chapter: markers, hidden tests and outputs kept.
    assert [c.source for c in solution.cells] == [c.source for c in executed.cells]
    assert [c.get("outputs") for c in solution.cells] == [c.get("outputs") for c in executed.cells]
    student_py = jupytext.read(tmp_path / "sets/student/00_exercises.py", fmt="py:percent")
    assert [c.source for c in student_py.cells] == [c.source for c in student.cells]


def test_execute_tags_exercise_cells_in_both_files_and_check_wants_the_tags(tmp_path,
                                                                          monkeypatch, capsys):
    script = make_book(tmp_path)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "execute", "0"]) == 0
    assert "gave exercise cell(s) 4, 5, 6, 8 of chapters/00_exercises.py" in capsys.readouterr().out
    notebook = script.with_suffix(".ipynb")
    nb = nbformat.read(notebook, as_version=4)
    assert [i for i, c in enumerate(nb.cells, 1) if IGNORE_OUTPUT_TAG in
            c.metadata.get("tags", [])] == [4, 5, 6, 8]
    assert script.read_text().count(f'# %% tags=["{IGNORE_OUTPUT_TAG}"]') == 4
    assert check_book(tmp_path) == []
    before = script.read_text()
    assert main(["book", "execute", "0"]) == 0  # a second run changes nothing more
    assert script.read_text() == before and "gave exercise" not in capsys.readouterr().out

    nb.cells[4].metadata["tags"] = []
    nbformat.write(nb, notebook)
    script.write_text(before.replace(f'# %% tags=["{IGNORE_OUTPUT_TAG}"]', "# %%", 1))
    problems = check_book(tmp_path)
    assert any("00_exercises.ipynb: exercise cell(s) 5 lack nbval's nbval-ignore-output tag"
               in p for p in problems)
    assert any("00_exercises.py: exercise cell(s) 4 lack tags=" in p for p in problems)


def test_check_names_broken_markers_and_points_for_no_exercise(tmp_path):
    book = BOOK.replace("my_double = 2", "my_double = 2\nmy_tripple = 1")
    script = make_book(tmp_path, CHAPTER.replace("    ### END SOLUTION\n", "", 1), book)
    problems = check_book(tmp_path)
    assert any("00_exercises.py: cell 5: '### BEGIN SOLUTION' is never closed" in p
               for p in problems)
    assert any("[points.ch00] my_tripple is not a graded exercise" in p for p in problems)
    script.write_text(CHAPTER)
    with pytest.raises(Exception, match="never closed"):
        student_source(textwrap.dedent("### BEGIN SOLUTION\n"))
