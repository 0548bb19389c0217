"""The grader's child process: run a student's cells in an IPython shell, record the checkers.

`python -m began_lite.exercises.grade_worker JOB.json` reads the cells to run, runs the context
cells (errors there are noted, not fatal), wraps each checker so its True/False is recorded,
runs the exercise cell and writes what happened to the job's result file. Everything the
student's code prints goes to this process's stdout, which the grader caps and times.
"""
import json
import os
import sys
from pathlib import Path

TARGET_BEGINS = "----- the exercise cell -----"  # the grader shows the output after this line


def _recording(checker, results: list):
    """`checker` that also appends whether it passed (a bool it returned) to `results`."""
    def wrapped(*args, **kwargs):
        outcome = checker(*args, **kwargs)
        results.append(type(outcome).__name__ in ("bool", "bool_") and bool(outcome))
        return outcome
    return wrapped


def _error_line(result) -> str:
    """"Type: message" of a run_cell result's error, or ""."""
    error = result.error_before_exec or result.error_in_exec
    return f"{type(error).__name__}: {error}" if error is not None else ""


def run_job(job: dict) -> dict:
    """Run the context cells, then the exercise cell with recording checkers; say what happened."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance(colors="nocolor")
    context_errors = []
    for position, source in job["context"]:
        if not shell.run_cell(source, store_history=False).success:
            context_errors.append(position)
    checks = []
    for name in job["checkers"]:
        if callable(shell.user_ns.get(name)):
            shell.user_ns[name] = _recording(shell.user_ns[name], checks)
    print(TARGET_BEGINS, flush=True)
    result = shell.run_cell(job["target"], store_history=False)
    return {"error": _error_line(result), "checks": checks, "context_errors": context_errors}


def main(job_path) -> int:
    """Read the job, run it, write the result file."""
    job = json.loads(Path(job_path).read_text())
    os.environ.setdefault("MPLBACKEND", "Agg")  # no window to open; figures render off screen
    outcome = run_job(job)
    sys.stdout.flush()
    Path(job["result"]).write_text(json.dumps(outcome))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
