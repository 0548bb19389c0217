"""Checkers for chapter 10: the signs of the paper's gamma trends (Figure 3), and the ratio
L(G(z)) / L(x) a run held, read off k's drift alone."""
import numpy as np

from began_lite.began import kt_update
from began_lite.exercises.checker import Case, check_function

# Section 3.3 / Figure 3: lower gamma, less diversity and sharper (more recognisable) images.
PAPER_SIGNS = {"diversity": 1, "quality": -1}
RATIO_NAMES = ("k_start", "k_end", "mean_loss_real", "gamma", "lambda_k", "steps")


def check_trend_signs(predicted: dict, measured: dict | None = None) -> bool:
    """Check the reader's {"diversity": sign, "quality": sign} of d/d(gamma) against the paper's
    claim; print the sweep's measured rank correlations beside it when `measured` gives them."""
    passed = True
    for key, sign in PAPER_SIGNS.items():
        got = predicted.get(key) if isinstance(predicted, dict) else None
        ok = got in (-1, 1) and got == sign
        passed &= ok
        line = f"{'✓' if ok else '✗'} d({key})/d(gamma): yours {got!r}, the paper's {sign:+d}"
        if measured and key in measured:
            rho = measured[key]
            line += f"; this sweep's rank correlation {rho:+.2f}"
        print(line)
    return passed


def simulated_run(seed: int) -> tuple[Case, float]:
    """A noisy run of the k controller that stays clear of 0 and 1: its Case and the true
    sum L(G(z)) / sum L(x)."""
    rng = np.random.default_rng(seed)
    while True:
        steps, gamma = int(rng.integers(20, 3000)), float(rng.uniform(0.2, 1.2))
        lambda_k, held = float(10 ** rng.uniform(-4, -2)), gamma * float(rng.uniform(0.7, 1.3))
        loss_real = rng.uniform(0.02, 0.3) * rng.uniform(0.8, 1.2, steps)
        loss_fake = held * loss_real * rng.uniform(0.6, 1.4, steps)
        k = k_start = float(rng.uniform(0.2, 0.8))
        path = []
        for x, g in zip(loss_real, loss_fake):
            k = kt_update(k, x, g, gamma, lambda_k)
            path.append(k)
        if 0 < min(path) and max(path) < 1:  # the clip never acted
            args = (k_start, k, float(loss_real.mean()), gamma, lambda_k, steps)
            return Case(args, f"simulated run {seed}", RATIO_NAMES), loss_fake.sum() / loss_real.sum()


def check_ratio_from_k(reader_fn, runs: int = 12) -> bool:
    """Check the reader's `ratio_from_k(k_start, k_end, mean_loss_real, gamma, lambda_k, steps)`
    against the ratio of sums measured in simulated noisy runs whose k never hit 0 or 1."""
    simulated = [simulated_run(seed) for seed in range(runs)]
    measured = {tuple(case): ratio for case, ratio in simulated}
    passed = check_function(reader_fn, lambda *args: measured[args], [c for c, _ in simulated],
                            name="L(G(z)) / L(x) read off k's drift", atol=1e-9, rtol=1e-7)
    case, ratio = simulated[0]
    print(f"  e.g. gamma {case[3]:.3f}, k {case[0]:.3f} -> {case[1]:.3f} over {case[5]} steps: "
          f"the run held L(G(z)) / L(x) = {ratio:.4f}")
    return passed
