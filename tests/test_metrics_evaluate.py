"""`evaluate`: its numbers on known inputs, the command on a smoke run, and its one-line errors."""
import json
import subprocess
import sys

import pytest
import torch

from began_lite.metrics.evaluate import (class_statistics, draw_samples, mean_pairwise_distance,
                                         recognisable_ratio)
from began_lite.train import load_config, train
from began_lite.train.evaluation import evaluate_checkpoint


class FixedClassifier(torch.nn.Module):
    """Logits given per image: the test decides what the classifier 'sees'."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits
        self.dummy = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.logits[: len(x)]


@pytest.fixture(scope="module")
def smoke_checkpoint(tmp_path_factory):
    threads = torch.get_num_threads()
    run_dir = train(load_config("smoke"), tmp_path_factory.mktemp("eval") / "run", progress=False)
    torch.set_num_threads(threads)
    return run_dir / "checkpoints" / "last.pt"


def test_pairwise_distance_of_black_and_white_is_two():
    images = torch.stack([-torch.ones(1, 4, 4), torch.ones(1, 4, 4)])
    assert mean_pairwise_distance(images) == pytest.approx(2.0)
    assert mean_pairwise_distance(torch.zeros(5, 1, 4, 4)) == 0.0


def test_class_statistics_count_shares_and_confidence():
    # 6 images: four sure "3"s, one sure "7", one undecided between 0 and 1.
    logits = torch.full((6, 10), -20.0)
    logits[:4, 3] = 20.0
    logits[4, 7] = 20.0
    logits[5, :2] = 0.0
    stats = class_statistics(FixedClassifier(logits), torch.zeros(6, 1, 32, 32))
    assert stats["histogram"] == [1, 0, 0, 4, 0, 0, 0, 1, 0, 0]
    assert stats["classes_covered"] == 3 and stats["largest_share"] == pytest.approx(4 / 6)
    assert stats["confident_share"] == pytest.approx(5 / 6)
    shares = torch.tensor([1, 4, 1], dtype=torch.float64) / 6
    assert stats["class_entropy_bits"] == pytest.approx(float(-(shares * shares.log2()).sum()))


def test_samples_come_from_a_fixed_z():
    generator = torch.nn.Linear(3, 4)
    first = draw_samples(lambda z: generator(z).reshape(-1, 1, 2, 2), 3, 10)
    again = draw_samples(lambda z: generator(z).reshape(-1, 1, 2, 2), 3, 10)
    assert torch.equal(first, again) and first.abs().max() <= 1


def test_evaluate_numbers_of_a_smoke_run(smoke_checkpoint):
    result = evaluate_checkpoint(smoke_checkpoint, count=50)
    assert result["step"] == 20 and result["count"] == 50
    for row in (result["real"], result["model"]):
        assert sum(row["histogram"]) == row["count"]
        assert 0 <= row["classes_covered"] <= 10 and row["frechet_distance"] >= 0
    assert result["M"] == pytest.approx(result["loss_real"] + abs(
        result["gamma"] * result["loss_real"] - result["loss_fake"]))
    assert recognisable_ratio(result) == pytest.approx(
        result["model"]["confident_share"] / result["real"]["confident_share"])


def run_command(*args):
    return subprocess.run([sys.executable, "-m", "began_lite", "evaluate", *args],
                          capture_output=True, text=True, timeout=300)


def test_evaluate_command_prints_summary_table_and_json(smoke_checkpoint, tmp_path):
    out = tmp_path / "numbers.json"
    done = run_command("--checkpoint", str(smoke_checkpoint), "--count", "40", "--json", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "classes >= 3%" in lines[0] and "M " in lines[0]
    assert lines[2].startswith("real (val split)") and lines[3].startswith("model (fixed z)")
    saved = json.loads(out.read_text())
    assert saved["model"]["count"] == 40 and saved["checkpoint"] == str(smoke_checkpoint)


@pytest.mark.parametrize("case", ["missing", "truncated", "foreign", "count"])
def test_bad_input_is_one_line(case, smoke_checkpoint, tmp_path):
    path, count = tmp_path / "model.pt", "10"
    if case == "truncated":
        path.write_bytes(smoke_checkpoint.read_bytes()[:500])
    elif case == "foreign":
        torch.save({"weights": torch.zeros(3)}, path)
    elif case == "count":
        path, count = smoke_checkpoint, "0"
    done = run_command("--checkpoint", str(path), "--count", count)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error: ")
