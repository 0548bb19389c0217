"""`make gpu-check`: what to run first on a machine with a GPU (at most ~8 minutes there).

It records nvidia-smi and the torch / CUDA versions; runs `bench --baseline` for celeba64 and
celeba128 in fp32 and bf16, compile off and on (images/s, peak memory); trains celeba128 for
300 steps on a generated image folder, kills it once and resumes it; runs torchrun on every
visible GPU and checks that every rank ends with the same k; and estimates whether celeba128
fits a 16 GB GPU. One Markdown and one JSON report go to runs/gpu-check/. Without a GPU
(`--tiny`, what CI runs) every part runs at tiny sizes on the CPU so the code paths are tested.

    python -m began_lite.train.gpu_check [--tiny] [--out runs/gpu-check]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from began_lite.files import write_text_atomic
from began_lite.train.bench import baseline
from began_lite.train.checkpoint import build_networks
from began_lite.train.config import load_config
from began_lite.train.loop import read_metrics

TINY = ["image_size=16", "n=4", "h=4", "z_dim=4", "repeat=1", "batch_size=4", "num_threads=1",
        "num_workers=0"]
T4_GIB = 16 * 10**9 / 2**30  # a T4's 16 GB in GiB


def versions() -> dict:
    """nvidia-smi's table (when present), torch, CUDA and cuDNN versions, visible GPUs."""
    smi = shutil.which("nvidia-smi")
    table = subprocess.run([smi], capture_output=True, text=True, timeout=60).stdout if smi else ""
    return {"nvidia_smi": table or "nvidia-smi not found", "torch": torch.__version__,
            "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
            "gpus": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]}


# (compile, shared_z) per row: the paper's step eager and compiled, and the one-pass step eager.
STEP_VARIANTS = ((False, False), (True, False), (False, True))


def bench_grid(tiny: bool, device: str) -> list[dict]:
    """bench --baseline for celeba64 / celeba128 x fp32 / bf16 x STEP_VARIANTS."""
    rows = []
    for preset in ("celeba64", "celeba128"):
        for precision in ("fp32", "bf16"):
            for compile_, shared_z in STEP_VARIANTS:
                row = {"preset": preset, "precision": precision, "compile": compile_,
                       "z": "shared" if shared_z else "paper"}
                if tiny and compile_:
                    row["skipped"] = "compile is measured on the GPU run only (minutes on a CPU)"
                    rows.append(row)
                    continue
                overrides = [f"precision={precision}", f"compile={str(compile_).lower()}",
                             f"shared_z={str(shared_z).lower()}"]
                config = load_config(preset, overrides + (TINY if tiny else []))
                steps = (1, 1, 1) if tiny else (5, 3, 3)
                result = baseline(config, steps=steps[0], warmup=steps[1], repeats=steps[2],
                                  device=device)
                ours = result["steps"]["began_step"]
                row.update(images_per_second=ours["images_per_second"],
                           peak_memory_gib=ours["peak_memory_gib"], speedup=result["speedup"],
                           fraction_of_peak=ours["fraction_of_peak"])
                rows.append(row)
    return rows


def make_image_folder(folder: Path, count: int, size: int) -> Path:
    """`count` random RGB PNGs of size x size (smooth blobs), so no CelebA is needed."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for i in range(count):
        small = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        Image.fromarray(small).resize((size, size), Image.BILINEAR).save(folder / f"{i:04d}.png")
    return folder


def train_command(out: Path, overrides: list[str], resume: bool) -> list[str]:
    """The `train --preset celeba128` command line of the kill-and-resume check."""
    command = [sys.executable, "-m", "began_lite", "train", "--preset", "celeba128", "--out",
               str(out), "--no-progress", "--set", *overrides]
    return command + ["--resume"] if resume else command


def kill_and_resume(work: Path, tiny: bool, device: str) -> dict:
    """Train celeba128 on a generated folder, SIGKILL it after its first checkpoint, resume."""
    steps, every = (30, 10) if tiny else (300, 100)
    folder = make_image_folder(work / "images", 64, 16 if tiny else 128)
    overrides = [f"dataset={folder}", f"steps={steps}", f"checkpoint_every={every}",
                 f"log_every={every // 2}", f"sample_every={steps}", "sample_count=16"]
    overrides += TINY if tiny else []
    run = work / "celeba128-run"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "0")}
    if device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    start = time.perf_counter()
    process = subprocess.Popen(train_command(run, overrides, False), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = run / "checkpoints" / "last.pt"
    while process.poll() is None and not last.is_file():
        time.sleep(0.2)
    killed_at = None
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        killed_at = json.loads(json.dumps(read_last_step(run)))
    process.wait()
    resumed = subprocess.run(train_command(run, overrides, True), env=env, capture_output=True,
                             text=True)
    rows = read_metrics(run) if (run / "metrics.jsonl").is_file() else []
    final = rows[-1]["step"] if rows else 0
    return {"steps": steps, "killed_after_step": killed_at, "final_step": final,
            "ok": resumed.returncode == 0 and final == steps and killed_at is not None,
            "seconds": time.perf_counter() - start, "stderr_tail": resumed.stderr[-500:]}


def read_last_step(run: Path):
    """The step of the run's last checkpoint (None if unreadable while it is being replaced)."""
    from began_lite.train.checkpoint import load_checkpoint
    try:
        return load_checkpoint(run / "checkpoints" / "last.pt")["step"]
    except Exception:  # noqa: BLE001  (a file being renamed over: report it as unknown)
        return None


def ddp_check(work: Path, tiny: bool) -> dict:
    """torchrun on every visible GPU (2 CPU processes without one): k equal on every rank?"""
    nproc = torch.cuda.device_count() if torch.cuda.is_available() and not tiny else 2
    out = work / "ddp"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               f"--nproc_per_node={nproc}", "-m", "began_lite.train.gpu_check", "--ddp-probe",
               str(out)] + (["--tiny"] if tiny else [])
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if tiny:
        env["CUDA_VISIBLE_DEVICES"] = ""
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    ks = [json.loads(p.read_text())["k"] for p in sorted(out.glob("k_rank*.json"))]
    return {"processes": nproc, "k_per_rank": ks, "returncode": done.returncode,
            "ok": done.returncode == 0 and len(ks) == nproc and len(set(ks)) == 1 and ks[0] > 0,
            "stderr_tail": done.stderr[-500:]}


def ddp_probe(out: Path, tiny: bool) -> None:
    """Under torchrun: train a few steps, then each rank writes its own k."""
    from began_lite.train.loop import fit
    overrides = ["steps=20", "log_every=10", "checkpoint_every=20", "sample_every=20",
                 "dataset=mnist", "channels=1"] + (TINY if tiny else ["image_size=64"])
    config = load_config("celeba64", overrides)
    state = fit(config, out / "run", device="cpu" if tiny else "auto", progress=False)
    write_text_atomic(out / f"k_rank{state.context.rank}.json", json.dumps({"k": state.k}))


def memory_estimate(preset: str = "celeba128", batch_size: int = 16) -> dict:
    """An estimate (not a measurement) of one training step's GPU memory in fp32, in GiB.

    Weights, gradients and Adam's two moments: 16 bytes a parameter. Activations: every tensor
    the step's forward passes save for backward, counted on the meta device (shapes only).
    """
    config = load_config(preset, [f"batch_size={batch_size}"])
    generator, discriminator = build_networks(config)
    parameters = sum(p.numel() for m in (generator, discriminator) for p in m.parameters())
    saved = [0]

    def pack(tensor):
        saved[0] += tensor.numel() * tensor.element_size()
        return tensor

    generator, discriminator = generator.to("meta"), discriminator.to("meta")
    b, s = batch_size, config.image_size
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        discriminator(torch.empty(2 * b, config.channels, s, s, device="meta"))  # real + G(z_D)
        fake = generator(torch.empty(b, config.z_dim, device="meta"))
        discriminator(fake)  # G(z_G) through D
    gib = {"parameters": parameters, "weights_grads_adam_gib": 16 * parameters / 2**30,
           "saved_activations_gib": saved[0] / 2**30}
    gib["total_gib"] = gib["weights_grads_adam_gib"] + gib["saved_activations_gib"]
    gib["fits_t4_16gb"] = gib["total_gib"] < 0.9 * T4_GIB  # room for the allocator and CUDA
    return gib


def report_markdown(report: dict) -> str:
    """The Markdown page of a gpu-check report."""
    lines = [f"# gpu-check ({'tiny, CPU' if report['tiny'] else 'GPU'})", "",
             f"torch {report['versions']['torch']}, CUDA {report['versions']['cuda']}, "
             f"GPUs: {', '.join(report['versions']['gpus']) or 'none'}", "",
             "```", report["versions"]["nvidia_smi"].strip(), "```", "",
             "| preset | precision | compile | z | images/s | peak memory GiB | speed-up vs naive |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in report["bench"]:
        head = f"| {row['preset']} | {row['precision']} | {row['compile']} | {row['z']} | "
        if "skipped" in row:
            lines.append(f"{head}skipped: {row['skipped']} | | |")
            continue
        memory = f"{row['peak_memory_gib']:.2f}" if row["peak_memory_gib"] is not None else "-"
        lines.append(f"{head}{row['images_per_second']:.1f} | {memory} | "
                     f"{row['speedup']:.2f}x |")
    resume, ddp, memory = report["kill_and_resume"], report["ddp"], report["memory_estimate"]
    lines += ["", f"Kill and resume: killed after step {resume['killed_after_step']}, ended at "
              f"step {resume['final_step']} of {resume['steps']}: "
              f"{'ok' if resume['ok'] else 'FAILED'}",
              f"torchrun, {ddp['processes']} processes: k per rank {ddp['k_per_rank']}: "
              f"{'ok' if ddp['ok'] else 'FAILED'}",
              f"Memory estimate (not measured), celeba128 batch 16 fp32: "
              f"{memory['total_gib']:.2f} GiB ({memory['weights_grads_adam_gib']:.2f} weights, "
              f"gradients and Adam; {memory['saved_activations_gib']:.2f} saved activations); "
              f"fits a 16 GB T4: {memory['fits_t4_16gb']}",
              f"Total time: {report['seconds']:.0f} s"]
    return "\n".join(lines) + "\n"


def run_check(out: Path, tiny: bool) -> dict:
    """Every part of the check; writes report.md and report.json under `out`."""
    start = time.perf_counter()
    device = "cpu" if tiny or not torch.cuda.is_available() else "cuda"
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    report = {"tiny": tiny, "device": device, "versions": versions(),
              "bench": bench_grid(tiny, device), "kill_and_resume": kill_and_resume(work, tiny, device),
              "ddp": ddp_check(work, tiny), "memory_estimate": memory_estimate()}
    report["seconds"] = time.perf_counter() - start
    report["ok"] = report["kill_and_resume"]["ok"] and report["ddp"]["ok"]
    write_text_atomic(out / "report.json", json.dumps(report, indent=1) + "\n")
    write_text_atomic(out / "report.md", report_markdown(report))
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m began_lite.train.gpu_check",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true",
                        help="tiny sizes on the CPU (CI); the default without a GPU")
    parser.add_argument("--out", default="runs/gpu-check", help="report folder")
    parser.add_argument("--ddp-probe", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    tiny = args.tiny or not torch.cuda.is_available()
    if args.ddp_probe:
        ddp_probe(Path(args.ddp_probe), tiny)
        return 0
    report = run_check(Path(args.out), tiny)
    print(report_markdown(report))
    print(f"report in {Path(args.out) / 'report.md'} and report.json")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
