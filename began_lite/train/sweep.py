"""A sweep over gamma (BEGAN section 3.3, Figure 3): one run per value, each judged by `evaluate`.

Every run shares the config and the seed, so the runs differ in gamma alone. Chapter 10 uses it;
`judged_run` (train, then evaluate the last checkpoint) serves train/pairings.py too.
"""
import dataclasses
import time
from pathlib import Path

import numpy as np

from began_lite.errors import UserError
from began_lite.metrics.evaluate import evaluate
from began_lite.train.checkpoint import load_networks
from began_lite.train.config import Config, make_config
from began_lite.train.loop import read_metrics, train


def judged_run(run_config: Config, run_dir, count: int, device="cpu") -> dict:
    """Train `run_config` into run_dir: its config, log, evaluation, time and G (on the CPU)."""
    start = time.perf_counter()
    run_dir = train(run_config, run_dir, device=device, progress=False)
    seconds = time.perf_counter() - start
    generator, discriminator, _, step = load_networks(run_dir / "checkpoints" / "last.pt", device)
    # Judge before moving G: Module.cpu() works in place, and evaluate draws z on `device`.
    result = evaluate(generator, discriminator, run_config, count, device)
    return {"config": run_config, "run_dir": run_dir, "step": step, "seconds": seconds,
            "rows": read_metrics(run_dir), "generator": generator.cpu(), "result": result}


def gamma_run(config: Config, gamma: float, out_dir, count: int, device="cpu") -> dict:
    """Train `config` with `gamma` into out_dir/gamma_<gamma>; its log, evaluation and time."""
    run_config = make_config({**dataclasses.asdict(config), "gamma": float(gamma)})
    return {"gamma": float(gamma),
            **judged_run(run_config, Path(out_dir) / f"gamma_{gamma:g}", count, device)}


def sweep_gamma(config: Config, gammas, out_dir, count: int, device="cpu") -> list[dict]:
    """One `gamma_run` per gamma in `gammas` (sorted, no repeats), all from the same seed."""
    gammas = sorted({float(g) for g in gammas})
    if len(gammas) < 2:
        raise UserError(f"a gamma sweep needs at least two different gammas, got {gammas}")
    return [gamma_run(config, gamma, out_dir, count, device) for gamma in gammas]


def tail_ratio(rows: list[dict], tail: float) -> float:
    """sum L(G(z)) / sum L(x) over the last `tail` share of the log lines: the ratio of means the
    controller drives to gamma (not the mean of the per-line ratios)."""
    if not 0 < tail <= 1:
        raise UserError(f"tail must be a share of the run in (0, 1], got {tail}")
    if not rows:
        raise UserError("the run has no log lines; raise steps or lower log_every")
    last = rows[len(rows) - max(1, round(tail * len(rows))):]
    return sum(row["loss_fake"] for row in last) / sum(row["loss_real"] for row in last)


def ranks(values) -> np.ndarray:
    """Ranks 1..N of `values`, ties sharing their mean rank."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    result = np.empty(len(values))
    result[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        tied = values == value
        result[tied] = result[tied].mean()
    return result


def rank_correlation(x, y) -> float:
    """Spearman's rho of x and y (Pearson's r of their ranks); nan when either is constant."""
    if len(x) != len(y) or len(x) < 2:
        raise UserError(f"rank correlation needs two equal-length series of 2+ values, got "
                        f"{len(x)} and {len(y)}")
    rx, ry = ranks(x) - (len(x) + 1) / 2, ranks(y) - (len(y) + 1) / 2
    norm = np.sqrt((rx ** 2).sum() * (ry ** 2).sum())
    return float((rx * ry).sum() / norm) if norm > 0 else float("nan")


def trend(rho: float, strong: float = 0.8) -> str:
    """A word for a rank correlation with gamma: rises, falls, flat, or no clear trend."""
    if np.isnan(rho):
        return "flat (the same at every gamma)"
    if rho >= strong:
        return "rises with gamma"
    if rho <= -strong:
        return "falls with gamma"
    return "no clear trend"
