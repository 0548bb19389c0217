"""`book check`: every reason the book is not ready to commit, one line each."""
import importlib.util
import re
from pathlib import Path

from began_lite.book.manifest import PROFILES, book_root, load_manifest
from began_lite.book.notebooks import (IGNORE_OUTPUT_TAG, pair_difference, read_notebook,
                                       read_script, untagged_exercise_cells)

CHAPTER_FIELDS = {"number": int, "title": str, "file": str, "paper_sections": list,
                  "modules": list, "accelerator": str, "datasets": list,
                  "quick_minutes": (int, float)}
BOOK_FIELDS = ("title", "authors", "description", "version")
BUDGET_CALL = re.compile(r"""\bbudget\(\s*["'](ch\d+)["']""")


def _book_problems(manifest: dict) -> list:
    """[book] metadata and both profiles present."""
    book, profiles = manifest.get("book", {}), manifest.get("profiles", {})
    problems = [f"book.toml: [book] has no {field}" for field in BOOK_FIELDS if not book.get(field)]
    return problems + [f"book.toml: no [profiles.{name}] table"
                       for name in PROFILES if name not in profiles]


def _field_problems(chapter: dict, where: str) -> list:
    """Missing fields and fields of the wrong type in one [[chapters]] entry."""
    problems = [f"{where} has no {key}" for key in CHAPTER_FIELDS if key not in chapter]
    for key, kind in CHAPTER_FIELDS.items():
        if key in chapter and not isinstance(chapter[key], kind):
            problems.append(f"{where}: {key} should be a "
                            f"{kind.__name__ if isinstance(kind, type) else 'number'}")
    return problems


def _entry_problems(chapter: dict, position: int) -> list:
    """One [[chapters]] entry: fields, numbering, file name, accelerator, minutes, modules."""
    where = f"book.toml: [[chapters]] entry {position + 1}"
    problems = _field_problems(chapter, where)
    if problems:
        return problems
    number, file = chapter["number"], chapter["file"]
    if number != position:
        problems.append(f"{where} has number {number}; chapters are numbered 0, 1, ... "
                        "in reading order")
    if not re.fullmatch(rf"chapters/{number:02d}_[a-z0-9_]+\.py", file):
        problems.append(f"{where}: file {file!r} should be chapters/{number:02d}_slug.py")
    if chapter["accelerator"] not in ("cpu", "gpu"):
        problems.append(f"{where}: accelerator {chapter['accelerator']!r} should be cpu or gpu")
    if not 0 < chapter["quick_minutes"] <= 1:
        problems.append(f"{where}: quick_minutes {chapter['quick_minutes']} should be above 0 "
                        "and at most 1")
    return problems + [f"{where}: module began_lite.{m} does not exist" for m in chapter["modules"]
                       if importlib.util.find_spec(f"began_lite.{m}") is None]


def _stray_files(manifest: dict, root: Path) -> list:
    """Chapter files in chapters/ that book.toml does not list."""
    listed = {Path(c["file"]).stem for c in manifest.get("chapters", [])
              if isinstance(c.get("file"), str)}
    found = sorted((root / "chapters").glob("*.py")) + sorted((root / "chapters").glob("*.ipynb"))
    return [f"chapters/{path.name} is not in book.toml's [[chapters]]; add it or remove the file"
            for path in found if path.stem not in listed]


def _cell_problems(notebook, name: str) -> list:
    """Code cells never executed, holding an error, or executed out of order."""
    code = [(i, cell) for i, cell in enumerate(notebook.cells, start=1)
            if cell.cell_type == "code" and cell.source.strip()]
    unexecuted = [i for i, cell in code if cell.get("execution_count") is None]
    errors = [i for i, cell in code
              if any(out.get("output_type") == "error" for out in cell.get("outputs", []))]
    counts = [cell["execution_count"] for _, cell in code
              if cell.get("execution_count") is not None]
    problems = []
    if unexecuted:
        problems.append(f"{name}: code cell(s) {', '.join(map(str, unexecuted))} "
                        "have no execution count")
    if errors:
        problems.append(f"{name}: code cell(s) {', '.join(map(str, errors))} hold an error output")
    if any(b <= a for a, b in zip(counts, counts[1:])):
        problems.append(f"{name}: code cells were executed out of order (counts {counts})")
    return problems


def _chapter_problems(chapter: dict, root: Path) -> list:
    """One chapter's files: both there, same cells, seeded, executed cleanly in the quick profile."""
    script, number = root / chapter["file"], chapter["number"]
    notebook_path = script.with_suffix(".ipynb")
    name = f"chapters/{notebook_path.name}"
    fix = f"run `python -m began_lite book execute {number}`"
    if not script.is_file():
        return [f"chapter {number}: {chapter['file']} is missing"]
    problems = []
    if "seed_everything(" not in script.read_text():
        problems.append(f"chapter {number}: {chapter['file']} never calls seed_everything(...)")
    script_nb = read_script(script)
    problems += _exercise_problems(script_nb, chapter, fix)
    if not notebook_path.is_file():
        return problems + [f"chapter {number}: {name} is missing; {fix}"]
    notebook = read_notebook(notebook_path)
    untagged = untagged_exercise_cells(notebook)
    if untagged:
        problems.append(f"{name}: exercise cell(s) {', '.join(map(str, untagged))} lack nbval's "
                        f"{IGNORE_OUTPUT_TAG} tag, so a reader's solution would fail nbval; {fix}")
    difference = pair_difference(script_nb, notebook)
    if difference:
        problems.append(f"{name} does not match {chapter['file']}: {difference}; {fix}")
    problems += _cell_problems(notebook, name)
    profile = notebook.metadata.get("began_lite", {}).get("profile", "quick")
    if profile != "quick":
        problems.append(f"{name} was executed in the {profile} profile; commit quick-profile "
                        f"outputs; {fix}")
    return problems


def _exercise_problems(script_nb, chapter: dict, fix: str) -> list:
    """Malformed solution / hidden-test markers, and exercise cells of the .py without the tag."""
    from began_lite.book.assignments import marker_problem

    problems = [f"{chapter['file']}: cell {position}: {marker_problem(cell.source)}"
                for position, cell in enumerate(script_nb.cells, start=1)
                if cell.cell_type == "code" and marker_problem(cell.source)]
    untagged = untagged_exercise_cells(script_nb)
    if untagged:
        # JupyterLab's paired save takes cell tags from the .py: without them there, the first
        # save of a reader drops the .ipynb's tags.
        problems.append(f"{chapter['file']}: exercise cell(s) {', '.join(map(str, untagged))} "
                        f"lack tags=[\"{IGNORE_OUTPUT_TAG}\"] on their # %% line; {fix}")
    return problems


def _points_problems(manifest: dict, root: Path) -> list:
    """[points] entries that name no graded exercise, and points that are not numbers."""
    from began_lite.book.assignments import graded_exercises

    points, problems = manifest.get("points", {}), []
    if not isinstance(points.get("default", 1), (int, float)):
        problems.append("book.toml: [points] default should be a number")
    chapters = {f"ch{c.get('number', -1):02d}": c for c in manifest.get("chapters", [])
                if isinstance(c.get("number"), int)}
    for key, table in points.items():
        if key == "default":
            continue
        script = root / str(chapters.get(key, {}).get("file", ""))
        if key not in chapters or not script.is_file():
            problems.append(f"book.toml: [points.{key}] is for a chapter book.toml does not list")
            continue
        names = {e.name for e in graded_exercises(read_script(script))}
        problems += [f"book.toml: [points.{key}] {name} is not a graded exercise of "
                     f"{chapters[key]['file']} (it has: {', '.join(sorted(names)) or 'none'})"
                     for name in table if name not in names]
        problems += [f"book.toml: [points.{key}] {name} should be a number"
                     for name, value in table.items() if not isinstance(value, (int, float))]
    return problems


def _budget_problems(manifest: dict, root: Path) -> list:
    """Budget tables a chapter reads exist in both profiles, and both profiles set the same keys."""
    profiles = manifest.get("profiles", {})
    tables = {name: {k: v for k, v in profiles.get(name, {}).items() if isinstance(v, dict)}
              for name in PROFILES}
    problems = []
    for key in sorted(set(tables["quick"]) | set(tables["full"])):
        quick, full = set(tables["quick"].get(key, {})), set(tables["full"].get(key, {}))
        if quick != full:
            problems.append(f"book.toml: [profiles.quick.{key}] and [profiles.full.{key}] set "
                            f"different keys ({', '.join(sorted(quick ^ full))})")
    for chapter in manifest.get("chapters", []):
        script = root / str(chapter.get("file", ""))
        used = sorted(set(BUDGET_CALL.findall(script.read_text()))) if script.is_file() else []
        problems += [f"book.toml: chapter {chapter.get('number')} reads budget({key!r}) but "
                     f"[profiles.{name}.{key}] is missing"
                     for key in used for name in PROFILES if key not in tables[name]]
    return problems


def check_book(root=None) -> list:
    """Every problem found in book.toml, chapters/ and the notebooks; empty when all is well."""
    root = Path(root or book_root())
    manifest = load_manifest(root)
    entries = manifest.get("chapters", [])
    problems = _book_problems(manifest)
    for position, chapter in enumerate(entries):
        problems += _entry_problems(chapter, position)
    problems += _stray_files(manifest, root)
    for chapter in entries:
        if all(isinstance(chapter.get(k), CHAPTER_FIELDS[k]) for k in ("number", "file")):
            problems += _chapter_problems(chapter, root)
    return problems + _budget_problems(manifest, root) + _points_problems(manifest, root)
