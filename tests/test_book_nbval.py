"""nbval, wired in through pyproject.toml, really compares outputs: a changed checked output fails,
float noise beyond four decimals is sanitized, the committed chapter 0 passes as it is, and an
exercise cell tagged by `book execute` keeps a reader's stale output from failing."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
CHAPTER = REPO / "chapters/00_how_to_read.ipynb"
LONG_FLOAT = re.compile(r"\d\.\d{5,}")


def checked_stream_outputs(nb, skip=()):
    """(code cell number as nbval counts them, output) of stdout outputs in compared cells."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    return [(number, out) for number, cell in enumerate(code)
            if "NBVAL_IGNORE_OUTPUT" not in cell.source and number not in skip
            for out in cell.outputs if out.output_type == "stream" and out.name == "stdout"]


def edit_output(nb, edit, skip=()) -> int:
    """Apply `edit(text)` in place to the first checked output it alters; return its cell number."""
    for number, out in checked_stream_outputs(nb, skip):
        if edit(out.text) != out.text:
            out.text = edit(out.text)
            return number
    raise AssertionError("no checked output that this edit changes")


def run_nbval(paths, junit: Path) -> dict:
    """Run pytest --nbval with the repo's configuration; {notebook name: [failed cell numbers]}."""
    env = {**os.environ, "BOOK_PROFILE": "quick", "BOOK_ROOT": str(REPO)}
    subprocess.run([sys.executable, "-m", "pytest", "-c", str(REPO / "pyproject.toml"),
                    "--rootdir", str(junit.parent), "-p", "no:cacheprovider", "-q",
                    f"--junitxml={junit}", *map(str, paths)],
                   cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    results = {Path(p).name: [] for p in paths}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = next(n for n in results if n in case.get("classname", "") + case.get("name", ""))
        if case.find("failure") is not None or case.find("error") is not None:
            results[name].append(int(re.search(r"Cell (\d+)", case.get("name")).group(1)))
    return results


def test_nbval_fails_a_changed_output_and_sanitizes_float_noise(tmp_path):
    unchanged, edited = tmp_path / "unchanged.ipynb", tmp_path / "edited.ipynb"
    nbformat.write(nbformat.read(CHAPTER, as_version=4), unchanged)
    nb = nbformat.read(CHAPTER, as_version=4)
    # Noise in one cell: the last decimal of a long float moves; the sanitizer keeps four decimals.
    noisy_cell = edit_output(nb, lambda t: LONG_FLOAT.sub(
        lambda m: m[0][:-1] + str((int(m[0][-1]) + 1) % 10), t, count=1))
    # A changed result in another cell: its first digit moves by one.
    changed_cell = edit_output(
        nb, lambda t: re.sub(r"\d", lambda m: str((int(m[0]) + 1) % 10), t, count=1),
        skip=(noisy_cell,))
    nbformat.write(nb, edited)
    results = run_nbval([unchanged, edited], tmp_path / "junit.xml")
    assert results == {"unchanged.ipynb": [], "edited.ipynb": [changed_cell]}


def test_sanitizer_is_wired_in_and_keeps_four_decimals():
    config = (REPO / "pyproject.toml").read_text()
    assert '"--nbval-sanitize-with=chapters/nbval_sanitize.cfg"' in config
    assert '"--nbval-current-env"' in config
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$",
                       (REPO / "chapters/nbval_sanitize.cfg").read_text(), flags=re.MULTILINE)

    def sanitize(text):
        for regex, replace in pairs:
            text = re.sub(regex, replace, text)
        return text

    assert sanitize("loss 0.12345678, 0.1234567") == "loss 0.1234, 0.1234"
    assert sanitize("loss 0.12349999, 0.1234111") == "loss 0.1234, 0.1234"
    assert sanitize("0.1235") != sanitize("0.1236")  # four decimals are still compared
    assert sanitize("k = -0.00001") == sanitize("k = 0.00002") == "k = 0.0000"
    assert sanitize("1.2345678e-05") == "1.2345e-05"
    assert sanitize("<Line2D at 0x7f3a2b1c9d10>") == "<Line2D at 0xADDRESS>"
    assert sanitize("/tmp/ipykernel_4242/123456.py:3: UserWarning") == "<cell>:3: UserWarning"


STUB_CHAPTER = '''\
# %%
from began_lite.exercises import cases, check_function, floats

print("a checked output:", 6 * 7)


# %%
def my_double(x):
    """Your version."""
    # YOUR CODE HERE
    raise NotImplementedError()


passed = check_function(my_double, lambda x: 2 * x, cases(floats(-1, 1), n=3), name="my_double")
'''


def test_a_solution_pasted_into_a_stub_with_stale_outputs_stays_green(tmp_path, monkeypatch):
    from began_lite.__main__ import main

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text(
        '[book]\ntitle = "t"\n[[chapters]]\nnumber = 0\nfile = "chapters/00_stub.py"\n')
    (book / "chapters/00_stub.py").write_text(STUB_CHAPTER)
    monkeypatch.setenv("BOOK_ROOT", str(book))
    assert main(["book", "execute", "0"]) == 0  # the stub's ✗ output is stored, the cell tagged
    executed = nbformat.read(book / "chapters/00_stub.ipynb", as_version=4)
    assert "✗ my_double" in executed.cells[1].outputs[0].text

    def reader(nb):
        """The reader pastes a solution and leaves the stale ✗ output; one checked output moves."""
        nb.cells[1].source = nb.cells[1].source.replace(
            "    # YOUR CODE HERE\n    raise NotImplementedError()", "    return 2 * x")
        nb.cells[0].outputs[0].text = nb.cells[0].outputs[0].text.replace("42", "43")
        return nb

    tagged, untagged = tmp_path / "with_tag.ipynb", tmp_path / "no_tag.ipynb"
    nbformat.write(reader(nbformat.read(book / "chapters/00_stub.ipynb", as_version=4)), tagged)
    nb = reader(nbformat.read(book / "chapters/00_stub.ipynb", as_version=4))
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, untagged)
    results = run_nbval([tagged, untagged], tmp_path / "junit.xml")
    # Only the changed checked output fails; without the tag the exercise cell would fail too.
    assert results == {"with_tag.ipynb": [0], "no_tag.ipynb": [0, 1]}
