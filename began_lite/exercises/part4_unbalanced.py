"""Checkers for chapter 13: G's parameter count as a formula in its shape, and the smallest M_global
a log line can show given its mean losses (what M keeps above L(x) at the equilibrium)."""
import numpy as np
import torch

from began_lite.began import convergence_measure
from began_lite.exercises.checker import Case, beside, cases, check_function, floats
from began_lite.nets import Generator, count_parameters

G_NAMES = ("image_size", "channels", "n", "z_dim", "repeat", "skip")
# A generator chapter 13 never prints: the reader's formula meets it for the first time here.
UNSEEN = (128, 3, 48, 100, 3, True)
M_NAMES = ("mean_loss_real", "mean_loss_fake", "gamma")


def generator_parameters_reference(image_size, channels, n, z_dim, repeat, skip) -> int:
    """Trainable parameters of began_lite.nets.Generator, counted on the meta device."""
    with torch.device("meta"):
        return count_parameters(Generator(image_size, channels, n, z_dim, repeat, skip))


def _generator_cases() -> list:
    """One scale and several, with and without skip connections, grey and RGB, odd widths."""
    configs = [((8, 1, 4, 2, 1, False), "8 px: one scale, so skip changes nothing"),
               ((8, 1, 4, 2, 1, True), "8 px with skip"),
               ((16, 1, 8, 16, 1, False), "chapter 13's balanced G, without skip"),
               ((16, 1, 8, 16, 1, True), "chapter 13's balanced G"),
               ((16, 1, 8, 4, 1, True), "chapter 13's G with a small z"),
               ((32, 3, 5, 7, 3, True), "odd widths, three repeats, RGB"),
               ((64, 3, 64, 64, 2, False), "the celeba64 preset's G"),
               ((128, 3, 128, 64, 2, True), "the paper's 128 px G, with skip")]
    return [Case(args, label, G_NAMES) for args, label in configs]


def check_generator_parameters(reader_fn) -> bool:
    """Check the reader's `generator_parameters(image_size, channels, n, z_dim, repeat, skip)`
    -> int on several generators, then beside the true count for one the chapter never printed."""
    passed = check_function(reader_fn, generator_parameters_reference, _generator_cases(),
                            name="generator parameter count", atol=0.5, rtol=0.0)
    true = generator_parameters_reference(*UNSEEN)
    try:
        yours = reader_fn(*UNSEEN)
    except Exception as err:  # the reader's code may fail in any way; say so plainly
        yours = f"an error ({type(err).__name__}: {err})"
    same = isinstance(yours, (int, float)) and abs(yours - true) < 0.5
    where = "128 px, C=3, n=48, z_dim=100, repeat=3, skip (never printed in the chapter)"
    shown = f"{yours:,}" if isinstance(yours, (int, float)) else yours
    print(f"{'✓' if same else '✗'} {where}: yours {shown}, true {true:,}")
    return passed and same


def smallest_window_M(mean_loss_real, mean_loss_fake, gamma) -> float:
    """The least mean of M_t = L_t(x) + |gamma L_t(x) - L_t(G(z))| over a window whose
    per-step losses have these means: the triangle inequality, equal when no error changes sign."""
    return mean_loss_real + abs(gamma * mean_loss_real - mean_loss_fake)


def simulated_window(seed: int) -> tuple[Case, float]:
    """A window of noisy per-step losses: its Case (the two means, gamma) and its logged M, the
    mean of the per-step M (as the trainer logs it). Even seeds keep every error's sign."""
    rng = np.random.default_rng(seed)
    steps, gamma = int(rng.integers(2, 50)), float(rng.uniform(0.2, 1.2))
    loss_real = rng.uniform(0.01, 0.3, steps)
    spread = 0.2 if seed % 2 == 0 else 1.0  # 0.2: L(G(z)) stays on one side of gamma L(x)
    side = 1.0 + spread * (1 if rng.uniform() < 0.5 else -1)
    loss_fake = gamma * loss_real * (side if seed % 2 == 0 else rng.uniform(0.0, 2.0, steps))
    logged = float(np.mean([convergence_measure(x, g, gamma)
                            for x, g in zip(loss_real, loss_fake)]))
    args = (float(loss_real.mean()), float(loss_fake.mean()), gamma)
    return Case(args, f"simulated window {seed}", M_NAMES), logged


def _m_cases() -> list:
    """Named edge cases, random means, and the means of simulated windows."""
    named = [Case((0.1, 0.07, 0.7), "at the set point: L(G(z)) = gamma L(x)", M_NAMES),
             Case((0.1, 0.0, 0.5), "G's images reconstructed perfectly", M_NAMES),
             Case((0.05, 0.2, 1.0), "fakes above the set point", M_NAMES)]
    random = cases(floats(0.0, 0.5, name="mean_loss_real"),
                   floats(0.0, 0.5, name="mean_loss_fake"), floats(0.1, 1.0, name="gamma"),
                   n=12, seed=13)
    return named + random + [simulated_window(seed)[0] for seed in range(8)]


def check_smallest_window_M(reader_fn, runs=None) -> bool:
    """Check the reader's `smallest_window_M(mean_loss_real, mean_loss_fake, gamma)`; with `runs`
    ({name: (log rows, gamma)}), print how far each run's logged M sits above it."""
    passed = check_function(reader_fn, smallest_window_M, _m_cases(),
                            name="smallest M of a log line", atol=1e-9, rtol=1e-9)
    for seed, errors in ((0, "errors keep their sign"), (1, "errors change sign")):
        case, logged = simulated_window(seed)
        beside(f"simulated window {seed} ({errors})", reader_fn, tuple(case),
               smallest_window_M(*case), f"logged M {logged:.6g}")
    for name, (rows, gamma) in (runs or {}).items():
        bound = np.array([smallest_window_M(r["loss_real"], r["loss_fake"], gamma) for r in rows])
        logged = np.array([r["M"] for r in rows])
        print(f"  {name}: logged M above the bound by {np.mean(logged - bound):.4f} on average "
              f"({np.mean((logged - bound) / logged):.0%} of M); below it in "
              f"{int((logged < bound - 1e-9).sum())} of {len(rows)} log lines")
    return passed
