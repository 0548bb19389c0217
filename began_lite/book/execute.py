"""Execute chapters in a profile with this interpreter's kernel; write each .ipynb with outputs."""
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ipykernel.kernelspec
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from tqdm import tqdm

from began_lite.book.notebooks import read_script, tag_exercise_cells, tag_script, write_notebook

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class CurrentInterpreterSpecs(KernelSpecManager):
    """Kernel specs that always start this very interpreter (the venv's), whatever is installed."""

    def get_kernel_spec(self, kernel_name):
        """The ipykernel spec for sys.executable."""
        return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                      **ipykernel.kernelspec.get_kernel_dict())


@dataclass
class ChapterRun:
    """How one chapter's execution went: seconds taken, and an error line if it failed."""

    number: int
    file: str
    seconds: float = 0.0
    error: str = ""
    details: str = ""
    written: str = ""
    tagged: tuple = ()  # exercise cells of the .py that just got nbval's ignore-output tag


def execute_notebook(nb, cwd, env, *, timeout=600, desc="") -> None:
    """Run every code cell of `nb`, in place, in a fresh kernel started in `cwd`; show progress."""
    todo = sum(cell.cell_type == "code" and bool(cell.source.strip()) for cell in nb.cells)
    kernel = KernelManager(kernel_name="python3", kernel_spec_manager=CurrentInterpreterSpecs())
    with tqdm(total=todo, desc=desc, unit="cell", file=sys.stderr, leave=False) as bar:
        client = NotebookClient(nb, km=kernel, timeout=timeout, record_timing=False,
                                shutdown_kernel="immediate",
                                resources={"metadata": {"path": str(cwd)}},
                                on_cell_executed=lambda **_: bar.update())
        # We made the kernel manager, so nbclient leaves stopping the kernel to us unless asked.
        client.execute(env=env, cleanup_kc=True)


def _failed_cell(nb, err) -> str:
    """"cell N (first line): Error: message" for the cell whose outputs hold the error."""
    for number, cell in enumerate(nb.cells, start=1):
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            first = cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ""
            return f"cell {number} ({first!r}): {err.ename}: {err.evalue}"
    return f"{err.ename}: {err.evalue}"


def execute_chapter(chapter: dict, root, *, profile="quick", timeout=600,
                    out_dir=None) -> ChapterRun:
    """Execute one chapter's .py (cwd = its folder) and write its .ipynb unless a cell failed."""
    script = Path(root) / chapter["file"]
    run = ChapterRun(chapter["number"], chapter["file"])
    if not script.is_file():
        run.error = f"{chapter['file']} does not exist"
        return run
    nb = read_script(script)
    tag_exercise_cells(nb)  # a reader's solution changes these outputs: nbval must not compare them
    env = {**os.environ, "BOOK_PROFILE": profile, "BOOK_ROOT": str(Path(root).resolve())}
    start = time.perf_counter()
    try:
        execute_notebook(nb, script.parent, env, timeout=timeout, desc=f"chapter {run.number}")
    except CellExecutionError as err:
        run.error, run.details = _failed_cell(nb, err), ANSI.sub("", str(err))
    except (CellTimeoutError, DeadKernelError, RuntimeError) as err:
        first_line = (str(err).strip().splitlines() or [""])[0]
        run.error = f"{type(err).__name__}: {first_line}"
    run.seconds = time.perf_counter() - start
    if not run.error:
        target = Path(out_dir or script.parent) / script.with_suffix(".ipynb").name
        write_notebook(nb, target, profile)
        run.written = str(target)
        run.tagged = tuple(tag_script(script))  # keep the tag in the pair, see tag_script
    return run


def timing_report(runs, chapters_by_number, profile: str) -> str:
    """One line per chapter: seconds, its quick budget from book.toml, ok / over budget / FAILED."""
    lines = ["chapter  seconds  quick budget  result"]
    for run in runs:
        minutes = chapters_by_number.get(run.number, {}).get("quick_minutes")
        result = "ok"
        if run.error:
            result = f"FAILED: {run.error}"
        elif profile == "quick" and minutes is not None and run.seconds > 60 * minutes:
            result = f"over the quick budget of {minutes:g} min"
        budget = f"{60 * minutes:.0f} s" if minutes is not None else "-"
        lines.append(f"{run.number:>7}  {run.seconds:>7.1f}  {budget:>12}  {result}")
    return "\n".join(lines)
