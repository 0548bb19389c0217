"""Outcome-based grading for the GPU chapters: a student's run judged by `evaluate`'s numbers
against the pass marks in book.toml's [thresholds.chNN], each relaxed by a tolerance because two
GPU runs of the same code and seed do not give the same numbers (non-deterministic kernels)."""
import json
from pathlib import Path

from began_lite.book.manifest import chapter_key, load_manifest
from began_lite.errors import UserError
from began_lite.exercises.grader import TestResult


def thresholds(manifest: dict, number: int) -> dict:
    """The [thresholds.chNN] table of chapter `number`."""
    table = manifest.get("thresholds", {}).get(chapter_key(number))
    if not table or not table.get("checks"):
        known = ", ".join(sorted(manifest.get("thresholds", {}))) or "none"
        raise UserError(f"book.toml has no [thresholds.{chapter_key(number)}] with checks; "
                        f"outcome grading is set up for: {known}")
    return table


def lookup(result: dict, key: str) -> float:
    """The number at a dotted key of evaluate's result, e.g. "model.frechet_distance"."""
    value = result
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise UserError(f"evaluate's numbers have no {key!r} (MNIST runs have class numbers, "
                            "other data sets only diversity, loss and M); fix [thresholds]")
        value = value[part]
    return float(value)


def bounds(check: dict, tolerance: float) -> tuple:
    """(low, high) after the tolerance: each bound moves by tolerance x its size, outwards."""
    low, high = check.get("min"), check.get("max")
    return (None if low is None else low - tolerance * abs(low),
            None if high is None else high + tolerance * abs(high))


def _bound_text(low, high, fmt="g") -> str:
    """">= low and <= high", either side left out when it is None."""
    return " and ".join(([f">= {low:{fmt}}"] if low is not None else []) +
                        ([f"<= {high:{fmt}}"] if high is not None else []))


def judge(result: dict, table: dict) -> list:
    """One TestResult per check: full points when the number lies within its relaxed bounds."""
    tolerance, tests = float(table.get("tolerance", 0.0)), []
    for check in table["checks"]:
        if "key" not in check or not ({"min", "max"} & set(check)):
            raise UserError(f"book.toml: a threshold check {check} needs a key and a min or max")
        value, what = lookup(result, check["key"]), check["key"]
        if "relative_to" in check:
            value /= lookup(result, check["relative_to"])
            what = f"{check['key']} / {check['relative_to']}"
        low, high = bounds(check, tolerance)
        passed = (low is None or value >= low) and (high is None or value <= high)
        wanted = _bound_text(check.get("min"), check.get("max"))
        points = float(check.get("points", 1))
        tests.append(TestResult(
            f"{what} {wanted}", points if passed else 0, points,
            f"{'✓' if passed else '✗'} {what} = {value:.4g}; wanted {wanted} "
            f"({_bound_text(low, high, '.4g')} with the {tolerance:.0%} tolerance)"))
    return tests


def find_checkpoint(run) -> Path:
    """The checkpoint to judge: `run` itself if it is a .pt file, else run/checkpoints/last.pt."""
    run = Path(run)
    if run.is_file() and run.suffix == ".pt":
        return run
    last = run / "checkpoints" / "last.pt"
    if not last.is_file():
        raise UserError(f"{run} holds no checkpoints/last.pt; give the run directory that "
                        "`python -m began_lite train` wrote, or a .pt file")
    return last


def grade_run(run, number: int, root=None, device="auto", evaluation=None) -> list:
    """TestResults of a run against chapter `number`'s thresholds; `evaluation` is an existing
    `evaluate --json` file to judge instead of evaluating the run's checkpoint again."""
    table = thresholds(load_manifest(root), number)
    if evaluation is not None:
        try:
            result = json.loads(Path(evaluation).read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise UserError(f"{evaluation} is not evaluate's JSON ({err}); write one with "
                            "`python -m began_lite evaluate --checkpoint F --json J`") from err
    else:
        from began_lite.train.evaluation import evaluate_checkpoint  # torch and data: slow

        result = evaluate_checkpoint(find_checkpoint(run), int(table.get("count", 1000)), device)
    return judge(result, table)
