"""Grade a student's chapter: each exercise's checker runs in its own child process, under a time
limit and an output limit, on the student's cells; the points come from book.toml.

An exercise is a chapter cell with a solution (or hidden tests) and a checker call (see
began_lite.book.assignments). For each one the child runs the student's cells that the exercise
cell needs (found from the names it uses, plus the chapter's first code cell), then the
student's exercise cell followed by the book's hidden tests. It scores full points when that cell
raises nothing and every checker it calls returns True; a hang, an error or megabytes of output
score 0 for that exercise only.
"""
import ast
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from began_lite.book.assignments import (chapter_of, exercise_name, graded_exercises,
                                         load_submission, points_for, remove_hidden_tests,
                                         student_source)
from began_lite.book.manifest import book_root, load_manifest
from began_lite.book.notebooks import checker_calls, checker_names, parse_cell, read_script
from began_lite.exercises.grade_worker import TARGET_BEGINS

SHOWN_OUTPUT = 4000  # characters of a test's output kept in results.json


@dataclass
class TestResult:
    """One line of Gradescope's results.json `tests`."""

    name: str
    score: float
    max_score: float
    output: str = ""

    @property
    def status(self) -> str:
        """Gradescope's "passed" or "failed"."""
        return "passed" if self.score >= self.max_score else "failed"


def results_json(tests: list, seconds: float) -> dict:
    """Gradescope's results.json: the total score, the run time, one entry per test."""
    return {"score": sum(t.score for t in tests), "execution_time": round(seconds, 1),
            "output": f"{sum(t.status == 'passed' for t in tests)} of {len(tests)} passed",
            "tests": [{**asdict(t), "status": t.status} for t in tests]}


class _Bindings(ast.NodeVisitor):
    """Names a cell binds at the top level of the notebook (not inside functions or classes)."""

    def __init__(self):
        self.names, self.star = set(), False

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_FunctionDef(self, node):
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == "*":
                self.star = True
            self.names.add(alias.asname or alias.name.split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_Lambda(self, node):
        pass  # its arguments are local

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda


def _bindings(tree):
    """(names bound at the top level, whether a star import binds unknown names)."""
    visitor = _Bindings()
    visitor.visit(tree)
    return visitor.names, visitor.star


def _uses(tree) -> set:
    """Every name a cell reads, inside its functions too (they read globals when called)."""
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)} | \
           {node.target.id for node in ast.walk(tree)
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)}


def context_cells(nb, target: int) -> list:
    """(position, source) of the cells before `target` (an index) that the target needs:
    a backward slice over the names it reads, plus the first code cell (imports, seed)."""
    tree = parse_cell(nb.cells[target].source)
    needed = _uses(tree) if tree else set(re.findall(r"\w+", nb.cells[target].source))
    code = [i for i in range(target) if nb.cells[i].cell_type == "code"]
    chosen = []
    for i in reversed(code):
        cell_tree = parse_cell(nb.cells[i].source)
        if cell_tree is None:
            continue  # not valid Python: it cannot define anything the exercise can use
        names, star = _bindings(cell_tree)
        if star or names & needed or i == code[0]:
            chosen.append(i)
            needed = (needed - names) | _uses(cell_tree)
    return [(i + 1, nb.cells[i].source) for i in sorted(chosen)]


def find_submitted(nb, exercise, checkers: set):
    """Index of the student's cell for `exercise`: the cell with its name (the k-th of k when the
    chapter has several of that name, else the last, in case the student copied it), else the
    cell with the same student source; None when there is none."""
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    if not exercise.base.startswith("exercise_"):
        named = [i for i in code if exercise_name(nb.cells[i].source, checkers, 0) ==
                 exercise.base]
        if len(named) == exercise.occurrences:
            return named[exercise.occurrence - 1]
        if named and exercise.occurrences == 1:
            return named[-1]
    stub = student_source(exercise.source)
    same = [i for i in code if _student_source(nb.cells[i].source) == stub]
    return same[-1] if same else None


def _student_source(source: str) -> str:
    """student_source of a submitted cell; the cell as it is when its markers are broken."""
    try:
        return student_source(source)
    except ValueError:
        return source


def _without_hidden_tests(source: str) -> str:
    """A submitted cell without hidden tests (a student cannot supply their own)."""
    try:
        return remove_hidden_tests(source)
    except ValueError:  # broken markers: drop everything from the first one on
        return source.split("### BEGIN HIDDEN TESTS")[0]


def _kill(process) -> None:
    """Kill the child and anything it started (it leads its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _watch(process, out_path: Path, timeout: float, max_output: int) -> str:
    """Wait for the child; kill it when it runs out of time or prints too much. Why, or ""."""
    start = time.monotonic()
    while process.poll() is None:
        if time.monotonic() - start > timeout:
            _kill(process)
            return f"stopped after the time limit of {timeout:g} s (an endless loop?)"
        if out_path.stat().st_size > max_output:
            _kill(process)
            return f"stopped after printing more than {max_output:,} bytes"
        time.sleep(0.05)
    _kill(process)  # a grandchild left running must not outlive the exercise
    return ""


def _tail(path: Path, limit: int) -> str:
    """The last `limit` characters of what the child printed after the exercise began."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 4 * limit))
        text = f.read().decode(errors="replace")
    return text.split(TARGET_BEGINS + "\n")[-1][-limit:]


def run_child(job: dict, root, timeout: float, max_output: int):
    """Run one job in a fresh process in a temporary folder: (outcome or None, output, failure)."""
    with tempfile.TemporaryDirectory(prefix="began-lite-grade-") as tmp:
        tmp = Path(tmp)
        job_path, out_path = tmp / "job.json", tmp / "output.txt"
        job_path.write_text(json.dumps({**job, "result": str(tmp / "result.json")}))
        env = {**os.environ, "BOOK_ROOT": str(Path(root).resolve()), "BOOK_PROFILE": "quick",
               "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
        with open(out_path, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "began_lite.exercises.grade_worker", str(job_path)],
                cwd=tmp, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
            failure = _watch(process, out_path, timeout, max_output)
        output = _tail(out_path, SHOWN_OUTPUT)
        result = tmp / "result.json"
        if not failure and not result.is_file():
            failure = f"the process ended (exit status {process.returncode}) before the end"
        return (None if failure else json.loads(result.read_text())), output, failure


def _verdict(outcome, failure: str, wants_check: bool) -> str:
    """Why the exercise failed, or "" when it passed."""
    if failure:
        return failure
    if outcome["error"]:
        before = outcome["context_errors"]
        return f"the cell raised {outcome['error']}" + (
            f" (cell(s) {', '.join(map(str, before))}, which it needs, raised errors too)"
            if before else "")
    if wants_check and not outcome["checks"]:
        return "the checker was never called"
    if not all(outcome["checks"]):
        return "the checker did not pass"
    return ""


def grade_exercise(nb, exercise, checkers, root, points, timeout, max_output, label):
    """Grade one exercise of a submission: a TestResult."""
    name = f"{label}: {exercise.name}"
    index = find_submitted(nb, exercise, checkers)
    if index is None:
        return TestResult(name, 0, points, "no cell for this exercise in the submission")
    target = _without_hidden_tests(nb.cells[index].source).rstrip() + "\n\n" + exercise.hidden
    job = {"context": context_cells(nb, index), "target": target, "checkers": sorted(checkers)}
    outcome, output, failure = run_child(job, root, timeout, max_output)
    wants_check = bool(checker_calls(parse_cell(exercise.source) or ast.Module([], []),
                                     checkers))
    why = _verdict(outcome, failure, wants_check)
    if why:
        return TestResult(name, 0, points, f"✗ {why}\n{output}".rstrip())
    return TestResult(name, points, points, output.rstrip())


def grade_files(paths, root=None, chapter=None, timeout=120.0, max_output=1_000_000,
                jobs=1) -> list:
    """TestResults for every exercise of every file, graded `jobs` at a time."""
    root = Path(root or book_root())
    manifest, work = load_manifest(root), []
    for path in paths:
        nb = load_submission(path)
        entry = chapter or chapter_of(path, nb, root)
        reference = read_script(root / entry["file"])
        checkers = checker_names(reference) | checker_names(nb)
        for exercise in graded_exercises(reference):
            points = points_for(manifest, entry["number"], exercise.name)
            work.append((nb, exercise, checkers, root, points, timeout, max_output,
                         Path(path).name))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda args: grade_exercise(*args), work))


def report(tests: list) -> str:
    """One line per exercise (points and pass or fail), then the total."""
    width = max((len(t.name) for t in tests), default=0)
    lines = [f"{t.name:<{width}}  {t.score:g}/{t.max_score:g}  {t.status}" +
             (f"  ({t.output.splitlines()[0][2:]})" if t.status == "failed" and t.output else "")
             for t in tests]
    total, most = sum(t.score for t in tests), sum(t.max_score for t in tests)
    return "\n".join(lines + [f"total: {total:g} of {most:g} points"])
