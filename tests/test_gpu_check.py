"""make gpu-check in tiny mode on the CPU, and the SLURM script's command with 2 CPU processes."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from began_lite.train.checkpoint import load_checkpoint
from began_lite.train.gpu_check import main as gpu_check, memory_estimate

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gpu_check_tiny_writes_a_passing_report(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert gpu_check(["--tiny", "--out", str(tmp_path)]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["tiny"] and report["ok"]
    measured = [row for row in report["bench"] if "skipped" not in row]
    assert {(r["preset"], r["precision"], r["z"]) for r in measured} == {
        (p, q, z) for p in ("celeba64", "celeba128") for q in ("fp32", "bf16")
        for z in ("paper", "shared")}
    assert all(r["images_per_second"] > 0 for r in measured)
    resume = report["kill_and_resume"]
    assert resume["killed_after_step"] is not None and resume["final_step"] == resume["steps"]
    ks = report["ddp"]["k_per_rank"]
    assert len(ks) == 2 and ks[0] == ks[1] > 0
    assert "Memory estimate (not measured)" in (tmp_path / "report.md").read_text()


def test_memory_estimate_counts_parameters_and_scales_with_batch():
    full, half = memory_estimate("celeba128", 16), memory_estimate("celeba128", 8)
    assert full["parameters"] == 20_808_262  # the count README and nets.py quote
    # Activations double with the batch; the saved weights (a small part) do not.
    assert 1.9 < full["saved_activations_gib"] / half["saved_activations_gib"] < 2.0
    assert full["total_gib"] > full["weights_grads_adam_gib"] > 0


def test_slurm_script_runs_with_two_cpu_processes(tmp_path):
    env = {**os.environ, "SRUN": "env", "SLURM_SUBMIT_DIR": str(tmp_path), "PRESET": "smoke",
           "STEPS": "4", "GPUS_PER_NODE": "2", "HEAD_NODE": "127.0.0.1",
           "RDZV_PORT": str(free_port()), "PYTHON": sys.executable, "OMP_NUM_THREADS": "1",
           "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "slurm_train.sh")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--rdzv_endpoint=127.0.0.1:" in done.stdout and "--nproc_per_node=2" in done.stdout
    payload = load_checkpoint(tmp_path / "runs" / "smoke" / "checkpoints" / "last.pt")
    assert payload["step"] == 4 and len(payload["rng"]) == 2  # two ranks took part
