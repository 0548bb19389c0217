"""`evaluate` (one checkpoint judged by `began_lite.metrics.evaluate`) and `reference` (a run's
checkpoint judged and exported as a shipped reference model)."""
import json
from pathlib import Path

from began_lite.errors import UserError
from began_lite.files import write_text_atomic
from began_lite.metrics.evaluate import evaluate, evaluate_alpha_gan, summary_line, table
from began_lite.train.checkpoint import load_models
from began_lite.train.distributed import resolve_device
from began_lite.train.reference import export_reference


def add_evaluate(subparsers) -> None:
    sub = subparsers.add_parser("evaluate", help="judge a checkpoint: classes, FD, diversity, M",
                                description="Judge a checkpoint on samples from a fixed z, beside "
                                "held-out real images (an alpha-GAN's also on its reconstructions "
                                "of them, in place of BEGAN's L and M).")
    sub.add_argument("--checkpoint", required=True, help="a .pt file from a run's checkpoints/")
    sub.add_argument("--count", type=int, default=1000, help="samples to draw (default 1000)")
    sub.add_argument("--json", help="also write the numbers to this JSON file")
    sub.add_argument("--device", default="cpu", help="cpu (default), cuda or auto")
    sub.set_defaults(run=run_evaluate)
    sub = subparsers.add_parser("reference", help="export a checkpoint as a reference model",
                                description="Judge a checkpoint with `evaluate` and write its "
                                "weights, config, numbers and samples into a folder (at most 5 MB).")
    sub.add_argument("--checkpoint", required=True, help="a .pt file from a run's checkpoints/")
    sub.add_argument("--out", required=True, help="folder, e.g. data/reference/mnist32")
    sub.add_argument("--count", type=int, default=1000, help="samples to judge (default 1000)")
    sub.set_defaults(run=run_reference)


def evaluate_checkpoint(path, count=1000, device="cpu") -> dict:
    """The `evaluate` numbers of one checkpoint (BEGAN or alpha-GAN), with its path and step."""
    device = resolve_device(device)
    networks, config, step = load_models(path, device)
    if config.model == "alpha-gan":
        numbers = evaluate_alpha_gan(networks["encoder"], networks["generator"], config, count,
                                     device)
    else:
        numbers = evaluate(networks["generator"], networks["discriminator"], config, count, device)
    return {"checkpoint": str(path), "step": step, **numbers}


def run_evaluate(args) -> int:
    if args.json and not args.json.endswith(".json"):
        raise UserError(f"--json must name a .json file, not {args.json!r}")
    result = evaluate_checkpoint(args.checkpoint, args.count, args.device)
    print_result(result)
    if args.json:
        write_text_atomic(Path(args.json), json.dumps(result, indent=1) + "\n")
        print(f"numbers written to {args.json}")
    return 0


def print_result(result: dict) -> None:
    """The summary line, then the table."""
    print(f"{result['checkpoint']} (step {result['step']}, {result['dataset']} "
          f"{result['image_size']} px, {result['count']} samples): {summary_line(result)}")
    print(table(result))


def run_reference(args) -> int:
    result = evaluate_checkpoint(args.checkpoint, args.count)
    print_result(result)
    folder = export_reference(args.checkpoint, args.out, result)
    print(f"reference model written to {folder}")
    return 0
