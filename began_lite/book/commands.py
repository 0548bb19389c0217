"""`python -m began_lite book {list,execute,check}`: contents, run the chapters, check them."""
import sys
from pathlib import Path

from began_lite.book.manifest import PROFILES, book_root, format_toc, load_manifest, select_chapters


def run_list(args) -> int:
    """Print the table of contents from book.toml."""
    manifest = load_manifest()
    book = manifest.get("book", {})
    print(f"{book.get('title', 'untitled')} (version {book.get('version', '?')})\n")
    print(format_toc(manifest))
    print("\ncolumns: number, title, accelerator, minutes in the quick profile on a 2-core CPU")
    return 0


def _shown(path, root) -> str:
    """`path` relative to the book's root when it lies inside it."""
    path, root = Path(path).resolve(), Path(root).resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def run_execute(args) -> int:
    """Execute the chosen chapters (default all), write their .ipynb, report seconds per chapter."""
    from began_lite.book.execute import execute_chapter, timing_report  # Jupyter imports are slow

    root = book_root()
    chosen = select_chapters(args.numbers, root)
    out_dir = args.out or (root / "runs" / "book" / "full" if args.profile == "full" else None)
    runs = []
    for chapter in chosen:
        run = execute_chapter(chapter, root, profile=args.profile, timeout=args.timeout,
                              out_dir=out_dir)
        runs.append(run)
        status = f"wrote {_shown(run.written, root)}" if run.written else \
            f"FAILED, .ipynb not written: {run.error}"
        print(f"chapter {run.number}: {run.seconds:.1f} s, {status}", flush=True)
        if run.tagged:
            print(f"chapter {run.number}: gave exercise cell(s) "
                  f"{', '.join(map(str, run.tagged))} of {run.file} the nbval-ignore-output tag")
        if run.details:
            print(run.details, file=sys.stderr)
    report = timing_report(runs, {c["number"]: c for c in chosen}, args.profile)
    print(f"\nprofile {args.profile}\n{report}")
    return 1 if any(run.error for run in runs) else 0


def run_check(args) -> int:
    """List every problem with book.toml, chapters/ and the notebooks; exit 1 if there is any."""
    from began_lite.book.check import check_book  # Jupyter imports are slow

    problems = check_book(book_root())
    for problem in problems:
        print(f"✗ {problem}")
    print(f"book check: {len(problems)} problem(s)" if problems
          else "book check: all chapters are in order")
    return 1 if problems else 0


def run_html(args) -> int:
    """Build the HTML book from the committed notebooks into --out."""
    from began_lite.book.html import build_html  # Sphinx imports are slow

    root = book_root()
    warnings = build_html(root, args.out)
    for line in warnings:
        print(line, file=sys.stderr)
    print(f"wrote {_shown(Path(args.out) / 'index.html', root)} ({len(warnings)} warning(s))")
    return 0


def run_assignments(args) -> int:
    """Write the student set and the solution set of the chosen chapters (default all)."""
    from began_lite.book.assignments import write_assignments  # Jupyter imports are slow

    root = book_root()
    chosen = select_chapters([args.chapter] if args.chapter is not None else [], root)
    written = write_assignments(chosen, args.out, root)
    for set_name in ("student", "solution"):
        print(f"{set_name} set: {len([p for p in written if p.parent.name == set_name])} files "
              f"in {_shown(Path(args.out) / set_name, root)}")
    return 0


def add_commands(subparsers) -> None:
    """Register `book` and its sub-commands."""
    book = subparsers.add_parser("book", help="the textbook: list, execute and check its chapters",
                                 description="The book's root is BOOK_ROOT, else the folder above "
                                             "the current one that holds book.toml.")
    commands = book.add_subparsers(dest="book_command", required=True)
    commands.add_parser("list", help="print the table of contents").set_defaults(run=run_list)
    execute = commands.add_parser("execute", help="run chapters, write their .ipynb with outputs")
    execute.add_argument("numbers", nargs="*", type=int, help="chapter numbers (default: all)")
    execute.add_argument("--profile", choices=PROFILES, default="quick",
                         help="budget profile from book.toml (default quick; full writes to "
                              "runs/book/full)")
    execute.add_argument("--timeout", type=int, default=600,
                         help="seconds allowed per cell (default 600)")
    execute.add_argument("--out", type=Path,
                         help="folder for the .ipynb files (default: beside the .py)")
    execute.set_defaults(run=run_execute)
    check = commands.add_parser("check", help="list every problem; exit 1 if there is any")
    check.set_defaults(run=run_check)
    assignments = commands.add_parser(
        "assignments", help="write a student set (solutions stubbed) and a solution set")
    assignments.add_argument("--out", type=Path, required=True,
                             help="folder for student/ and solution/ (created if needed)")
    assignments.add_argument("--chapter", type=int, help="one chapter (default: all)")
    assignments.set_defaults(run=run_assignments)
    html = commands.add_parser("html", help="build the book as a static HTML site (offline)")
    html.add_argument("--out", type=Path, default=Path("site"),
                      help="folder for the site (default: site); an earlier build is replaced")
    html.set_defaults(run=run_html)
