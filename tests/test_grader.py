"""`grade`: each exercise in its own child process; a hang, an error or megabytes of output score 0
for that exercise only; Gradescope's results.json; outcome thresholds for a run; and the whole
book: its student set scores 0, its solution set full marks."""
import json
from pathlib import Path

import pytest

from began_lite.__main__ import main
from began_lite.book import chapters
from began_lite.book.assignments import graded_exercises, load_submission, points_for, \
    write_assignments
from began_lite.book.manifest import load_manifest
from began_lite.book.notebooks import read_script
from began_lite.errors import UserError
from began_lite.exercises.grader import grade_files
from began_lite.exercises.outcomes import find_checkpoint, judge
from test_book_assignments import BOOK, CHAPTER, make_book

REPO = Path(__file__).resolve().parents[1]

HALF = '''
# %%
def my_half(x):
    """Half of x."""
    ### BEGIN SOLUTION
    return x / 2
    ### END SOLUTION


passed = check_function(my_half, lambda x: x / 2, cases(floats(-1, 1), n=3), name="my_half")
'''

# A submission whose three exercises misbehave in the three ways, plus one that is right.
ADVERSARIAL = {
    "    ### BEGIN SOLUTION\n    return SCALE * x\n    ### END SOLUTION":
        "    while True:\n        pass",                      # hangs
    "### BEGIN SOLUTION\nanswer = SCALE * 21\n### END SOLUTION": "answer = 1 / 0",  # raises
    "    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION":
        "    print('x' * 3_000_000)\n    return x / 2",       # prints megabytes
}


@pytest.fixture
def book(tmp_path, monkeypatch):
    """The fixture book with a third exercise; its sets written to tmp_path/sets."""
    make_book(tmp_path, CHAPTER + HALF)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    write_assignments(chapters(tmp_path), tmp_path / "sets", tmp_path)
    return tmp_path


def scores(tests) -> dict:
    """{exercise name: score} from TestResults named "file: exercise"."""
    return {t.name.split(": ")[1]: t.score for t in tests}


def test_student_set_scores_0_and_solution_set_full_marks(book, capsys):
    sets = book / "sets"
    results = book / "results.json"
    assert main(["grade", str(sets / "student/00_exercises.ipynb"),
                 str(sets / "solution/00_exercises.py"), "--jobs", "2",
                 "--json", str(results)]) == 0
    out = capsys.readouterr().out
    assert "total: 4 of 8 points" in out
    data = json.loads(results.read_text())
    assert data["score"] == 4
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("00_exercises.ipynb: my_double", 0, 2, "failed"),
        ("00_exercises.ipynb: answer", 0, 1, "failed"),
        ("00_exercises.ipynb: my_half", 0, 1, "failed"),
        ("00_exercises.py: my_double", 2, 2, "passed"),
        ("00_exercises.py: answer", 1, 1, "passed"),
        ("00_exercises.py: my_half", 1, 1, "passed")]
    assert "raised NotImplementedError" in data["tests"][0]["output"]
    assert data["tests"][3]["output"] == "✓ my_double: all 8 cases agree with the reference"


def test_a_hang_an_error_and_megabytes_score_0_each_and_grading_goes_on(book):
    text = (book / "sets/solution/00_exercises.py").read_text()
    for solution, bad in ADVERSARIAL.items():
        assert solution in text
        text = text.replace(solution, bad)
    submission = book / "00_exercises.py"
    submission.write_text(text)
    tests = grade_files([submission], book, timeout=15, max_output=100_000, jobs=2)
    assert scores(tests) == {"my_double": 0, "answer": 0, "my_half": 0}
    outputs = {t.name.split(": ")[1]: t.output for t in tests}
    assert "time limit of 15 s" in outputs["my_double"]
    assert "ZeroDivisionError" in outputs["answer"]
    assert "printing more than 100,000 bytes" in outputs["my_half"]
    assert all(len(t.output) < 5000 for t in tests)
    # The same file with one exercise right: only that one scores.
    submission.write_text(text.replace("answer = 1 / 0", "answer = 42"))
    tests = grade_files([submission], book, timeout=15, max_output=100_000, jobs=2)
    assert scores(tests) == {"my_double": 0, "answer": 1, "my_half": 0}


def test_hidden_tests_come_from_the_book_not_the_submission(book):
    text = (book / "sets/solution/00_exercises.py").read_text()
    cheat = text.replace("answer = SCALE * 21", "answer = 41").replace(
        'assert answer == 42, "answer should be 42"', "assert True")
    submission = book / "00_exercises.py"
    submission.write_text(cheat)
    by_name = {t.name.split(": ")[1]: t for t in grade_files([submission], book, jobs=2)}
    assert by_name["answer"].score == 0 and "answer should be 42" in by_name["answer"].output
    assert by_name["my_double"].score == 2


def test_bad_submissions_are_user_errors(book, capsys):
    (book / "notes.txt").write_text("hello")
    (book / "00_broken.ipynb").write_text("{not json")
    (book / "unnamed.py").write_text("# %%\nx = 1\n")
    for path, message in [("notes.txt", "neither an .ipynb nor a .py"),
                          ("00_broken.ipynb", "is not a readable notebook"),
                          ("unnamed.py", "cannot tell which chapter"),
                          ("missing.ipynb", "does not exist")]:
        assert main(["grade", str(book / path)]) == 2
        assert message in capsys.readouterr().err
    with pytest.raises(UserError):
        load_submission(book / "notes.txt")


THRESHOLDS = '''
[thresholds.ch09]
tolerance = 0.1
count = 100
checks = [
  { key = "model.classes_covered", min = 8, points = 2 },
  { key = "model.frechet_distance", max = 20.0 },
  { key = "model.diversity", relative_to = "real.diversity", min = 0.5 },
]
'''


def evaluation(classes=8, fd=21.9, diversity=0.2) -> dict:
    """evaluate's numbers, only the ones the thresholds read."""
    return {"M": 0.1, "loss_real": 0.1, "loss_fake": 0.05,
            "model": {"classes_covered": classes, "frechet_distance": fd, "diversity": diversity},
            "real": {"diversity": 0.4}}


def test_outcome_thresholds_allow_the_tolerance_and_no_more(tmp_path, monkeypatch, capsys):
    table = {"tolerance": 0.1, "checks": [{"key": "model.frechet_distance", "max": 20.0},
                                           {"key": "model.classes_covered", "min": 8}]}
    # 21.9 is within 10 % of 20; 22.1 is not. 7.3 classes is within 10 % of 8; 7.1 is not.
    assert [t.score for t in judge(evaluation(classes=7.3, fd=21.9), table)] == [1, 1]
    assert [t.score for t in judge(evaluation(classes=7.1, fd=22.1), table)] == [0, 0]
    assert "model.frechet_distance = 22.1; wanted <= 20 (<= 22 with the 10% tolerance)" in \
        judge(evaluation(fd=22.1), table)[0].output
    with pytest.raises(UserError, match="no 'model.nothing'"):
        judge(evaluation(), {"checks": [{"key": "model.nothing", "min": 1}]})

    make_book(tmp_path, book=BOOK + THRESHOLDS)
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    numbers = tmp_path / "evaluation.json"
    numbers.write_text(json.dumps(evaluation(classes=9, fd=25.0, diversity=0.1)))
    results = tmp_path / "results.json"
    assert main(["grade", "--evaluation", str(numbers), "--chapter", "9",
                 "--json", str(results)]) == 0
    data = json.loads(results.read_text())
    assert [(t["score"], t["max_score"]) for t in data["tests"]] == [(2, 2), (0, 1), (0, 1)]
    assert "model.diversity / real.diversity = 0.25" in data["tests"][2]["output"]
    assert main(["grade", "--run", str(tmp_path), "--chapter", "9"]) == 2
    assert "holds no checkpoints/last.pt" in capsys.readouterr().err
    assert main(["grade", "--evaluation", str(numbers), "--chapter", "3"]) == 2
    assert "no [thresholds.ch03]" in capsys.readouterr().err
    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints/last.pt").write_bytes(b"")
    assert find_checkpoint(tmp_path) == tmp_path / "checkpoints/last.pt"


def test_the_real_books_thresholds_read_evaluates_keys():
    manifest = load_manifest(REPO)
    tables = manifest.get("thresholds", {})
    assert tables, "book.toml has no [thresholds.chNN] for the GPU chapters"
    for key, table in tables.items():
        tests = judge(evaluation(classes=10, fd=0.0, diversity=0.4) | {
            "model": {"classes_covered": 10, "frechet_distance": 0.0, "diversity": 0.4,
                      "largest_share": 0.1, "confident_share": 0.9, "loss": 0.05},
            "real": {"diversity": 0.4, "confident_share": 0.9, "loss": 0.1}}, table)
        assert len(tests) == len(table["checks"]), key


def test_every_chapter_student_set_scores_0_and_solution_set_full_marks(tmp_path):
    """The whole book, graded as the sets come out: one child process per exercise, two at once."""
    book = chapters(REPO)
    write_assignments(book, tmp_path, REPO)
    manifest = load_manifest(REPO)
    stems, most = [], 0
    for chapter in book:
        exercises = graded_exercises(read_script(REPO / chapter["file"]))
        assert exercises, f"{chapter['file']} has no graded exercise (solution markers + checker)"
        most += sum(points_for(manifest, chapter["number"], e.name) for e in exercises)
        stems.append(Path(chapter["file"]).stem)
    for set_name, wanted in [("student", 0), ("solution", most)]:
        tests = grade_files([tmp_path / set_name / f"{stem}.ipynb" for stem in stems], REPO,
                            timeout=300, jobs=2)
        wrong = [f"{t.name} {t.score:g}/{t.max_score:g}: {t.output[:300]}" for t in tests
                 if t.score != (t.max_score if set_name == "solution" else 0)]
        assert sum(t.score for t in tests) == wanted, f"{set_name} set:\n" + "\n".join(wrong)
