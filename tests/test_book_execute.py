"""`book execute` on a tiny fixture book: outputs and counts, failures reported, profiles."""
from pathlib import Path

import nbformat

from began_lite.__main__ import main
from began_lite.book.check import check_book

BOOK = '''\
[book]
title = "Execute fixture"
authors = ["Tests"]
description = "One good chapter, one that fails."
version = "0.0.1"
[profiles.quick]
description = "fast"
seed = 0
[profiles.quick.ch00]
n = 3
[profiles.full]
description = "slow"
seed = 0
[profiles.full.ch00]
n = 30
'''

ENTRY = '''
[[chapters]]
number = {number}
title = "{slug}"
file = "chapters/{number:02d}_{slug}.py"
paper_sections = []
modules = ["book"]
accelerator = "cpu"
datasets = []
quick_minutes = 0.5
'''

GOOD = '''\
# %% [markdown]
# # Good

# %%
import os
from pathlib import Path

from began_lite.book import budget
from began_lite.seeding import seed_everything

B = budget("ch00")
seed_everything(B["seed"])
print(os.environ["BOOK_PROFILE"], B["n"], Path.cwd().name)

# %%
B["n"] * 2
'''

BAD = '''\
# %%
print("no torch here, so this kernel starts fast")

# %%
ratio = 1 / 0
'''


def make_book(root: Path) -> None:
    """book.toml with chapters 0 (good) and 1 (raises in its second code cell)."""
    (root / "chapters").mkdir(parents=True)
    entries = ENTRY.format(number=0, slug="good") + ENTRY.format(number=1, slug="bad")
    (root / "book.toml").write_text(BOOK + entries)
    (root / "chapters/00_good.py").write_text(GOOD)
    (root / "chapters/01_bad.py").write_text(BAD)


def outputs(path: Path) -> list:
    """(execution count, output text) of each code cell."""
    nb = nbformat.read(path, as_version=4)
    return [(cell.execution_count,
             "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                     for o in cell.outputs))
            for cell in nb.cells if cell.cell_type == "code"]


def test_execute_writes_outputs_reports_failures_and_keeps_profiles_apart(tmp_path, monkeypatch,
                                                                          capsys):
    make_book(tmp_path)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    monkeypatch.delenv("BOOK_PROFILE", raising=False)
    assert main(["book", "execute"]) == 1  # chapter 1 fails, chapter 0 still runs
    out = capsys.readouterr().out
    good, bad = tmp_path / "chapters/00_good.ipynb", tmp_path / "chapters/01_bad.ipynb"
    assert outputs(good) == [(1, "quick 3 chapters\n"), (2, "6")]
    assert not bad.exists()
    assert "chapter 0: " in out and "wrote chapters/00_good.ipynb" in out
    assert "chapter 1: " in out and "FAILED, .ipynb not written: cell 2 ('ratio = 1 / 0'): " \
                                     "ZeroDivisionError: division by zero" in out
    report = out[out.index("chapter  seconds  quick budget  result"):].splitlines()
    assert report[1].split()[0] == "0" and report[1].split()[2:] == ["30", "s", "ok"]
    assert report[2].split()[0] == "1" and "FAILED" in report[2]
    assert [p for p in check_book(tmp_path) if "00_good" in p] == []
    nb = nbformat.read(good, as_version=4)
    assert nb.metadata.kernelspec == {"display_name": "Python 3 (ipykernel)", "language": "python",
                                      "name": "python3"}
    assert "version" not in nb.metadata.language_info  # the Python patch level would churn
    assert all("execution" not in cell.metadata for cell in nb.cells)  # no timings either

    assert main(["book", "execute", "0", "--profile", "full"]) == 0
    full = tmp_path / "runs/book/full/00_good.ipynb"
    assert outputs(full) == [(1, "full 30 chapters\n"), (2, "60")]
    assert outputs(good)[0] == (1, "quick 3 chapters\n")  # the quick notebook is untouched
    # Apart from the numbers the profile changes, re-executing writes the same bytes: no churn.
    same = good.read_text().replace("quick 3", "full 30").replace('"6"', '"60"').replace(
        '"profile": "quick"', '"profile": "full"')
    assert full.read_text() == same

