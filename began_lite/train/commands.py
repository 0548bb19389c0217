"""Sub-commands: train, sample, presets, params, bench, evaluate."""
import itertools
import json
import math
import os
import time
from pathlib import Path

import torch

from began_lite.errors import UserError
from began_lite.files import write_text_atomic
from began_lite.nets import count_parameters
from began_lite.train.bench import baseline, benchmark, format_baseline
from began_lite.train.checkpoint import load_generator
from began_lite.train.config import (
    PRESET_DIR,
    load_config,
    make_config,
    parse_overrides,
    preset_names,
    preset_path,
    read_toml,
)
from began_lite.train.distributed import DEVICES, resolve_device
from began_lite.train.evaluation import add_evaluate
from began_lite.train.kinds import build_models, check_kind, kind_of
from began_lite.train.loop import checkpoint_dir, train
from began_lite.viz.grids import save_grid

RUNS = Path("runs")


def add_commands(subparsers) -> None:
    """Register train, sample, presets, params and bench."""
    add_train(subparsers)
    add_sample(subparsers)
    sub = subparsers.add_parser("presets", help="list the training presets")
    sub.set_defaults(run=run_presets)
    sub = subparsers.add_parser("params", help="parameter counts of one preset's networks")
    sub.add_argument("--preset", required=True, help="a preset name or a .toml file")
    sub.add_argument("--set", nargs="+", action="extend", default=[], metavar="KEY=VALUE")
    sub.set_defaults(run=run_params)
    add_bench(subparsers)
    add_evaluate(subparsers)


def add_train(subparsers) -> None:
    sub = subparsers.add_parser("train", help="train BEGAN (or alpha-GAN) with a preset",
                                description="Train the preset's model (BEGAN, or alpha-GAN for "
                                "model = \"alpha-gan\"). A new run goes to runs/<preset> (or "
                                "runs/<preset>-2, -3, ... when that is taken); --resume continues "
                                "the newest of them, or --out DIR.")
    sub.add_argument("--preset", help="a preset name (see `presets`) or a .toml file")
    sub.add_argument("--out", help="run directory (default: runs/<preset>)")
    sub.add_argument("--steps", type=int, help="total steps (overrides the preset)")
    sub.add_argument("--resume", action="store_true",
                     help="continue the run from its last checkpoint")
    sub.add_argument("--device", default="auto", help="auto (cuda if visible), cpu or cuda")
    sub.add_argument("--set", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                     help="override config keys, e.g. --set lr=0.0002 precision=bf16")
    sub.add_argument("--no-progress", action="store_true", help="no progress bar")
    sub.set_defaults(run=run_train)


def add_sample(subparsers) -> None:
    sub = subparsers.add_parser("sample", help="draw a sample grid from a checkpoint")
    sub.add_argument("--checkpoint", required=True, help="a .pt file from a run's checkpoints/")
    sub.add_argument("--n", type=int, default=64, help="number of images (default 64)")
    sub.add_argument("--out", required=True, help="output PNG file")
    sub.add_argument("--seed", type=int, default=0, help="seed of the z draws (default 0)")
    sub.add_argument("--device", default="cpu", help="cpu (default), cuda or auto")
    sub.set_defaults(run=run_sample)


def add_bench(subparsers) -> None:
    sub = subparsers.add_parser("bench", help="images per second of one preset's training step",
                                description="Time one preset's training step on synthetic images. "
                                "--baseline times a naive step written from the paper against "
                                "began_lite's step in the same process, with FLOPs and this "
                                "machine's fp32 matmul peak.")
    sub.add_argument("--preset", required=True, help="a preset name or a .toml file")
    sub.add_argument("--steps", type=int, default=None,
                     help="timed steps (default 20; with --baseline, steps per block, default 5)")
    sub.add_argument("--warmup", type=int, default=None,
                     help="untimed steps first (default 5; with --baseline 2)")
    sub.add_argument("--device", default="auto", choices=DEVICES)
    sub.add_argument("--set", nargs="+", action="extend", default=[], metavar="KEY=VALUE")
    sub.add_argument("--baseline", action="store_true",
                     help="compare with a naive step in the same process (speed-up, GFLOP/s)")
    sub.add_argument("--repeats", type=int, default=5,
                     help="with --baseline: alternating blocks per step (default 5)")
    sub.add_argument("--json", metavar="FILE", help="also write the numbers to FILE as JSON")
    sub.set_defaults(run=run_bench)


def is_main_process() -> bool:
    """True unless this is a torchrun worker other than rank 0."""
    return os.environ.get("RANK", "0") == "0"


def holds_run(folder: Path) -> bool:
    return (checkpoint_dir(folder) / "last.pt").is_file() or (folder / "metrics.jsonl").is_file()


def run_dirs(preset: str) -> list[Path]:
    """runs/<name>, runs/<name>-2, runs/<name>-3, ... in that order, as far as they exist."""
    name = Path(preset).stem
    folders, i = [], 1
    while (folder := RUNS / (name if i == 1 else f"{name}-{i}")).exists():
        folders.append(folder)
        i += 1
    return folders


def new_run_dir(preset: str) -> Path:
    """The first of runs/<name>, runs/<name>-2, ... holding no run: never overwrite a run."""
    name = Path(preset).stem
    for i in itertools.count(1):
        folder = RUNS / (name if i == 1 else f"{name}-{i}")
        if not holds_run(folder):
            return folder


def resume_dir(args) -> Path:
    """--out, else the newest runs/<preset>* that holds a checkpoint."""
    if args.out:
        return Path(args.out)
    if not args.preset:
        raise UserError("--resume needs --out DIR or --preset NAME to find the run")
    found = [f for f in run_dirs(args.preset) if (checkpoint_dir(f) / "last.pt").is_file()]
    if not found:
        raise UserError(f"no run of preset {args.preset!r} to resume under {RUNS}/; start one "
                        f"without --resume")
    return found[-1]


def train_config(args, run_dir):
    """The Config: the run's config.toml when resuming, else the preset; then --steps, --set."""
    overrides = parse_overrides(args.set)
    if args.steps is not None:
        overrides["steps"] = args.steps
    if not args.resume:
        if not args.preset:
            raise UserError("train needs --preset NAME; `python -m began_lite presets` lists them")
        return load_config(args.preset, overrides)
    saved = run_dir / "config.toml"
    if not saved.is_file():
        raise UserError(f"{saved} does not exist; --resume needs the folder of an earlier run")
    config = make_config({**read_toml(saved), **overrides})
    if args.preset:
        check_kind(config.model, load_config(args.preset).model, saved,
                   f"--preset {args.preset} trains the other kind; resume this run without "
                   f"--preset (--resume --out {run_dir})")
    return config


def run_train(args) -> int:
    if args.resume:
        run_dir = resume_dir(args)
        config = train_config(args, run_dir)
    else:
        config = train_config(args, None)
        run_dir = Path(args.out) if args.out else new_run_dir(args.preset)
    if is_main_process():
        print(f"run directory: {run_dir}")
    start = time.perf_counter()
    train(config, run_dir, resume=args.resume, device=args.device, progress=not args.no_progress)
    if is_main_process():
        minutes, seconds = divmod(time.perf_counter() - start, 60)
        print(f"trained to step {config.steps} in {int(minutes)} min {seconds:.0f} s "
              f"(this process, data loading included)")
        print(f"samples in {run_dir / 'samples'}, curves in {run_dir / 'curves.png'}, "
              f"checkpoints in {checkpoint_dir(run_dir)}")
    return 0


def run_sample(args) -> int:
    if args.n < 1:
        raise UserError(f"--n must be at least 1, not {args.n}")
    if not args.out.lower().endswith(".png"):
        raise UserError(f"--out must name a .png file, not {args.out!r}")
    device = resolve_device(args.device)
    generator, config = load_generator(args.checkpoint, device=device)
    z = kind_of(config).prior(args.n, config.z_dim,
                              generator=torch.Generator().manual_seed(args.seed), device=device)
    with torch.no_grad():
        images = generator(z)
    save_grid(images, args.out, nrow=math.ceil(math.sqrt(args.n)))
    print(f"{args.n} samples from {args.checkpoint} written to {args.out}")
    return 0


def preset_summary(name: str) -> str:
    """One line: name, resolution, data set, widths, the parameters of all networks (G+D, or
    E+G+D+C for alpha-GAN), the preset's first comment."""
    config = load_config(name)
    networks = build_models(config)
    total = sum(count_parameters(network) for network in networks.values())
    first = preset_path(name).read_text().splitlines()[0]
    about = first.lstrip("# ").split(": ", 1)[-1] if first.startswith("#") else ""
    return (f"{name:<10} {config.image_size:>3} px  {config.dataset:<8} n={config.n:<3} "
            f"h={config.h:<3} z={config.z_dim:<3} {network_letters(networks)} "
            f"{short_count(total):>7}  {about}")


def network_letters(networks: dict) -> str:
    """'G+D' for BEGAN's networks, 'E+G+D+C' for alpha-GAN's: the first letters of the roles."""
    letters = {"generator": "G", "discriminator": "D", "encoder": "E", "code_discriminator": "C"}
    return "+".join(letters[name] for name in networks)


def short_count(count: int) -> str:
    """20808262 -> '20.81M', 3155 -> '3.2k'."""
    if count >= 1e6:
        return f"{count / 1e6:.2f}M"
    return f"{count / 1e3:.1f}k" if count >= 1e3 else str(count)


def run_presets(args) -> int:
    print(f"presets in {PRESET_DIR} (use one with: python -m began_lite train --preset NAME)")
    for name in preset_names():
        print(preset_summary(name))
    return 0


def run_params(args) -> int:
    config = load_config(args.preset, args.set)
    counts = {name: count_parameters(network) for name, network in build_models(config).items()}
    parts = " + ".join(f"{network_letters({name: None})} {count:,}"
                       for name, count in counts.items())
    print(f"{args.preset}: {config.image_size} px, n={config.n}, h={config.h}, "
          f"z_dim={config.z_dim}: "
          f"{parts} = {sum(counts.values()):,} parameters")
    return 0


def run_bench(args) -> int:
    steps = args.steps if args.steps is not None else (5 if args.baseline else 20)
    warmup = args.warmup if args.warmup is not None else (2 if args.baseline else 5)
    if steps < 1 or warmup < 0 or args.repeats < 1:
        raise UserError("--steps and --repeats must be at least 1 and --warmup 0 or more")
    config = load_config(args.preset, args.set)
    check_kind(config.model, "began", f"preset {args.preset}",
               "bench times BEGAN's step; give a began preset")
    if args.baseline:
        result = baseline(config, steps=steps, warmup=warmup, repeats=args.repeats,
                          device=args.device)
        print(format_baseline(args.preset, result))
    else:
        result = benchmark(config, steps=steps, warmup=warmup, device=args.device)
        memory = (f", peak memory {result['peak_memory_gib']:.2f} GiB"
                  if result["peak_memory_gib"] is not None else "")
        print(f"{args.preset} on {result['device']} ({config.precision}, batch "
              f"{config.batch_size}, {config.image_size} px): "
              f"{result['images_per_second']:.1f} images/s, "
              f"{result['steps_per_second']:.2f} steps/s{memory} (synthetic images, after "
              f"{warmup} warm-up steps)")
    if args.json:
        write_text_atomic(args.json, json.dumps({"preset": args.preset, **result}, indent=1) + "\n")
    return 0
