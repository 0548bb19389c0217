"""Exact resume: a run killed with SIGKILL (or stopped with Ctrl-C) and resumed ends bitwise equal
to an uninterrupted run with the same seed: weights, Adam states, k, RNG states, metrics, samples."""
import json
import signal
import subprocess
import sys
import time

import pytest
import torch

from began_lite.train import load_config, train
from began_lite.train.checkpoint import load_checkpoint

SETTINGS = ["steps=30", "checkpoint_every=10", "log_every=2", "sample_every=15"]
# A fresh run in a child process, through the public API (smoke preset: 8 px, one thread).
CHILD = ("import sys; from began_lite.train import load_config, train; "
         "train(load_config('smoke', sys.argv[2:]), sys.argv[1], progress=False)")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run."""
    threads = torch.get_num_threads()
    run_dir = train(load_config("smoke", SETTINGS), tmp_path_factory.mktemp("ref") / "run", progress=False)
    torch.set_num_threads(threads)
    return run_dir


def start_child(run_dir):
    return subprocess.Popen([sys.executable, "-c", CHILD, str(run_dir), *SETTINGS],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(path, process, timeout=120.0):
    """Poll until `path` exists while `process` still runs."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"child ended early: {process.communicate()}"
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.005)


def resume(run_dir):
    threads = torch.get_num_threads()
    train(load_config("smoke", SETTINGS), run_dir, resume=True, progress=False)
    torch.set_num_threads(threads)


def assert_identical(a, b, where="checkpoint"):
    """Bitwise equality of nested dicts / lists of tensors and plain values."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_identical(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def metric_rows(run_dir):
    # images_per_second is a wall-clock timing, the one column that differs between any two runs.
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [{k: v for k, v in row.items() if k != "images_per_second"} for row in rows]


def assert_same_run(reference, run_dir):
    ours, theirs = (load_checkpoint(d / "checkpoints" / "last.pt") for d in (reference, run_dir))
    assert theirs["step"] == 30
    assert_identical(ours, theirs)
    assert metric_rows(reference) == metric_rows(run_dir)
    final = "samples/step_0000030.png"
    assert (reference / final).read_bytes() == (run_dir / final).read_bytes()


def test_sigkill_then_resume_is_bitwise_exact(reference, tmp_path):
    run_dir = tmp_path / "run"
    child = start_child(run_dir)
    wait_for(run_dir / "checkpoints" / "step_0000010.pt", child)
    child.kill()
    child.wait()
    killed_at = load_checkpoint(run_dir / "checkpoints" / "last.pt")["step"]
    assert 10 <= killed_at < 30, "the kill must land before the run ends"
    resume(run_dir)
    assert_same_run(reference, run_dir)


def test_ctrl_c_saves_a_checkpoint_exits_cleanly_and_resumes_exactly(reference, tmp_path):
    run_dir = tmp_path / "run"
    child = start_child(run_dir)
    wait_for(run_dir / "checkpoints" / "step_0000010.pt", child)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    stopped_at = load_checkpoint(run_dir / "checkpoints" / "last.pt")["step"]
    assert 10 <= stopped_at < 30
    assert f"SIGINT: stopped after step {stopped_at}; checkpoint saved" in out
    resume(run_dir)
    assert_same_run(reference, run_dir)
