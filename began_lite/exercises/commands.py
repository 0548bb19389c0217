"""`python -m began_lite grade`: a student's notebooks, or a student's training run."""
import json
import time
from pathlib import Path

from began_lite.book.manifest import book_root, select_chapters
from began_lite.errors import UserError
from began_lite.files import write_text_atomic


def run_grade(args) -> int:
    """Grade the files (or the run), print points per exercise, write results.json if asked."""
    from began_lite.exercises.grader import grade_files, report, results_json
    from began_lite.exercises.outcomes import grade_run

    if args.json and not args.json.endswith(".json"):
        raise UserError(f"--json must name a .json file, not {args.json!r}")
    if args.timeout <= 0 or args.jobs < 1 or args.max_output < 1:
        raise UserError("--timeout, --jobs and --max-output must be positive")
    root, start = book_root(), time.monotonic()
    if args.run_dir or args.evaluation:
        if args.chapter is None:
            raise UserError("--run needs --chapter NN: the chapter whose [thresholds] apply")
        tests = grade_run(args.run_dir, args.chapter, root, args.device, args.evaluation)
    elif args.files:
        chapter = select_chapters([args.chapter], root)[0] if args.chapter is not None else None
        tests = grade_files(args.files, root, chapter, args.timeout, args.max_output, args.jobs)
    else:
        raise UserError("give the student's files (.ipynb or .py), or --run DIR --chapter NN")
    print(report(tests))
    if args.json:
        results = results_json(tests, time.monotonic() - start)
        write_text_atomic(Path(args.json), json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(f"results written to {args.json}")
    return 0


def add_commands(subparsers) -> None:
    """Register `grade`."""
    grade = subparsers.add_parser(
        "grade", help="grade a student's chapter notebooks, or a training run",
        description="Run each exercise's checker on a student's .ipynb or .py (Jupytext percent) "
                    "in its own process with a time limit; points from book.toml. With --run, "
                    "judge a run's evaluate numbers against book.toml's [thresholds.chNN].")
    grade.add_argument("files", nargs="*", help="the student's .ipynb or .py files")
    grade.add_argument("--json", help="write Gradescope's results.json here")
    grade.add_argument("--timeout", type=float, default=120.0,
                       help="seconds each exercise may run, its setup cells included (default 120)")
    grade.add_argument("--max-output", type=int, default=1_000_000,
                       help="bytes an exercise may print before it scores 0 (default 1000000)")
    grade.add_argument("--jobs", type=int, default=1,
                       help="exercises graded at the same time (default 1)")
    grade.add_argument("--chapter", type=int,
                       help="the chapter the files are (default: from their NN_ names)")
    grade.add_argument("--run", dest="run_dir", help="a run directory (or .pt checkpoint) to grade by outcome")
    grade.add_argument("--evaluation", help="with --run: judge this `evaluate --json` file "
                                            "instead of evaluating the checkpoint again")
    grade.add_argument("--device", default="auto", help="with --run: cpu, cuda or auto")
    grade.set_defaults(run=run_grade)
