"""book.toml, `book list` and `book check` on fixture books in tmp_path, and on the real repo."""
import json
import textwrap
from pathlib import Path

import nbformat
import pytest

from began_lite.__main__ import main
from began_lite.book import budget, format_toc, load_manifest, select_chapters
from began_lite.book.check import check_book
from began_lite.book.notebooks import read_script, write_notebook
from began_lite.errors import UserError

REPO = Path(__file__).resolve().parents[1]

CHAPTER = '''# %% [markdown]
# # {title}

# %%
from began_lite.book import budget
from began_lite.seeding import seed_everything

B = budget("{key}")
seed_everything(B["seed"])
print(B["steps"])

# %%
B["steps"] * 2
'''


def entry(position, slug, title, **extra) -> str:
    """One [[chapters]] table; `extra` overrides any field."""
    fields = {"number": position, "title": title, "file": f"chapters/{position:02d}_{slug}.py",
              "paper_sections": ["GAN 3"], "modules": ["book"], "accelerator": "cpu",
              "datasets": ["ring-8"], "quick_minutes": 0.5, **extra}
    return "[[chapters]]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in fields.items())


def make_book(root: Path, entries=None, budgets="") -> Path:
    """A two-chapter book with executed notebooks; `entries`, `budgets` replace those parts."""
    entries = entries or [entry(0, "start", "Start here"), entry(1, "game", "The game")]
    budgets = budgets or ("[profiles.quick.ch00]\nsteps = 3\n[profiles.full.ch00]\nsteps = 300\n"
                          "[profiles.quick.ch01]\nsteps = 4\n[profiles.full.ch01]\nsteps = 400\n")
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "book.toml").write_text(textwrap.dedent('''\
        [book]
        title = "A fixture book"
        authors = ["Tests"]
        description = "Two tiny chapters."
        version = "0.0.1"
        [profiles.quick]
        description = "fast"
        seed = 0
        [profiles.full]
        description = "slow"
        seed = 0
        ''') + budgets + "\n".join(entries))
    for number, slug, title in [(0, "start", "Start here"), (1, "game", "The game")]:
        script = root / f"chapters/{number:02d}_{slug}.py"
        script.write_text(CHAPTER.format(title=title, key=f"ch{number:02d}"))
        fake_execute(script)
    return root


def fake_execute(script: Path, profile="quick") -> None:
    """Write the .ipynb as if executed: counts 1, 2, ... and one stdout output per code cell."""
    nb = read_script(script)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for count, cell in enumerate(code, start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"{count}\n")]
    write_notebook(nb, script.with_suffix(".ipynb"), profile)


def edit_notebook(path: Path, change) -> None:
    """Apply `change(nb)` to an .ipynb in place."""
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def test_budget_follows_book_profile(tmp_path, monkeypatch):
    make_book(tmp_path)
    monkeypatch.setenv("BOOK_PROFILE", "quick")
    assert budget("ch01", root=tmp_path) == {"seed": 0, "steps": 4}
    monkeypatch.setenv("BOOK_PROFILE", "full")
    assert budget("ch01", root=tmp_path) == {"seed": 0, "steps": 400}
    with pytest.raises(UserError, match=r"\[profiles.full.ch07\]"):
        budget("ch07", root=tmp_path)
    monkeypatch.setenv("BOOK_PROFILE", "huge")
    with pytest.raises(UserError, match="BOOK_PROFILE='huge' is not a profile"):
        budget("ch01", root=tmp_path)


def test_book_list_prints_the_table_of_contents(tmp_path, monkeypatch, capsys):
    make_book(tmp_path, [entry(0, "start", "Start here"),
                         entry(1, "game", "The game", accelerator="gpu", quick_minutes=0.75,
                               paper_sections=["GAN 4.1", "GAN Theorem 1"], datasets=[])])
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "A fixture book (version 0.0.1)"
    rows = [line for line in out if line[:2].strip().isdigit()]
    assert [row.split()[0] for row in rows] == ["0", "1"]
    assert rows[0].split()[1:] == ["Start", "here", "cpu", "0.5", "min"]
    assert rows[1].split()[1:] == ["The", "game", "gpu", "0.75", "min"]
    assert "    follows GAN 4.1; GAN Theorem 1" in out
    assert "    follows GAN 3 | data: ring-8" in out
    assert "min" not in format_toc(load_manifest(tmp_path), minutes=False)


def test_unknown_chapter_numbers_are_a_user_error(tmp_path, monkeypatch, capsys):
    make_book(tmp_path)
    assert [c["number"] for c in select_chapters([1, 0], root=tmp_path)] == [1, 0]
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "execute", "0", "9"]) == 2
    assert "error: no chapter 9 in book.toml" in capsys.readouterr().err


def test_check_passes_a_complete_book(tmp_path, monkeypatch, capsys):
    make_book(tmp_path)
    assert check_book(tmp_path) == []
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "check"]) == 0
    assert capsys.readouterr().out == "book check: all chapters are in order\n"


def _drop_script(root):
    (root / "chapters/01_game.py").unlink()


def _stray_file(root):
    (root / "chapters/02_extra.py").write_text("# %%\n1\n")


def _edit_script(root):
    path = root / "chapters/01_game.py"
    path.write_text(path.read_text().replace("print(B[\"steps\"])", "print(B[\"steps\"] + 1)"))


def _unexecuted(root):
    edit_notebook(root / "chapters/01_game.ipynb",
                  lambda nb: nb.cells[2].update(execution_count=None))


def _error_output(root):
    error = nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                   traceback=[])
    edit_notebook(root / "chapters/01_game.ipynb", lambda nb: nb.cells[1].outputs.append(error))


def _out_of_order(root):
    edit_notebook(root / "chapters/01_game.ipynb", lambda nb: nb.cells[1].update(execution_count=7))


def _full_profile(root):
    fake_execute(root / "chapters/01_game.py", profile="full")


def _unseeded(root):
    path = root / "chapters/01_game.py"
    path.write_text(path.read_text().replace("seed_everything(B[\"seed\"])\n", ""))
    fake_execute(path)


def _budget_keys_differ(root):
    path = root / "book.toml"
    path.write_text(path.read_text().replace("steps = 400\n", "steps = 400\nwidth = 64\n"))


def _budget_table_missing(root):
    path = root / "book.toml"
    path.write_text(path.read_text().replace("[profiles.full.ch01]\nsteps = 400\n", ""))


REASONS = {
    "missing chapter file": (_drop_script, ["chapter 1: chapters/01_game.py is missing"]),
    "file not in book.toml": (_stray_file, ["chapters/02_extra.py is not in book.toml"]),
    ".py and .ipynb disagree": (_edit_script, [
        "chapters/01_game.ipynb does not match chapters/01_game.py: cell 2 differs, line 6: "
        ".py has 'print(B[\"steps\"] + 1)', .ipynb has 'print(B[\"steps\"])'"]),
    "no execution count": (_unexecuted, [
        "chapters/01_game.ipynb: code cell(s) 3 have no execution count"]),
    "error output": (_error_output, [
        "chapters/01_game.ipynb: code cell(s) 2 hold an error output"]),
    "out of order": (_out_of_order, [
        "chapters/01_game.ipynb: code cells were executed out of order"]),
    "full profile": (_full_profile, ["chapters/01_game.ipynb was executed in the full profile"]),
    "unseeded": (_unseeded, ["chapter 1: chapters/01_game.py never calls seed_everything(...)"]),
    "budget keys differ": (_budget_keys_differ, [
        "[profiles.quick.ch01] and [profiles.full.ch01] set different keys (width)"]),
    "budget table missing": (_budget_table_missing, [
        "[profiles.quick.ch01] and [profiles.full.ch01] set different keys (steps)",
        "chapter 1 reads budget('ch01') but [profiles.full.ch01] is missing"]),
}


@pytest.mark.parametrize("reason", list(REASONS))
def test_check_names_each_reason(tmp_path, reason):
    make_book(tmp_path)
    spoil, expected = REASONS[reason]
    spoil(tmp_path)
    problems = check_book(tmp_path)
    assert len(problems) == len(expected), problems
    for problem, text in zip(problems, expected):
        assert text in problem


BAD_ENTRIES = {
    "number out of order": ({"number": 5, "file": "chapters/05_game.py"},
                            "has number 5; chapters are numbered 0, 1, ..."),
    "file name": ({"file": "chapters/game.py"},
                  "file 'chapters/game.py' should be chapters/01_slug.py"),
    "accelerator": ({"accelerator": "tpu"}, "accelerator 'tpu' should be cpu or gpu"),
    "quick minutes": ({"quick_minutes": 3}, "quick_minutes 3 should be above 0 and at most 1"),
    "module": ({"modules": ["book", "no_such_module"]},
               "module began_lite.no_such_module does not exist"),
    "type": ({"datasets": "mnist"}, "datasets should be a list"),
}


@pytest.mark.parametrize("reason", list(BAD_ENTRIES))
def test_check_validates_chapter_entries(tmp_path, reason):
    change, text = BAD_ENTRIES[reason]
    make_book(tmp_path, [entry(0, "start", "Start here"), entry(1, "game", "The game", **change)])
    problems = [p for p in check_book(tmp_path) if "[[chapters]] entry 2" in p]
    assert len(problems) == 1 and text in problems[0], check_book(tmp_path)


def test_check_lists_every_reason_at_once_and_exits_1(tmp_path, monkeypatch, capsys):
    make_book(tmp_path)
    for spoil in (_drop_script, _stray_file, _budget_keys_differ):
        spoil(tmp_path)
    (tmp_path / "chapters/00_start.ipynb").unlink()
    problems = check_book(tmp_path)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    assert main(["book", "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(problems) == 4 and out == [f"✗ {p}" for p in problems] + ["book check: 4 problem(s)"]
    assert ("chapter 0: chapters/00_start.ipynb is missing; "
            "run `python -m began_lite book execute 0`") in problems


def test_the_real_book_passes_its_check():
    problems = check_book(REPO)
    assert problems == [], "book check on the repository:\n" + "\n".join(problems)
