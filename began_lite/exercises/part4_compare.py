"""Checkers for chapter 15: is a difference between two models larger than the spread over seeds
(Welch's t), and what Parzen score a model that draws one single image gets (in closed form)."""
import math

import numpy as np

from began_lite.exercises.checker import Arg, Case, arrays, beside, cases, check_function, ints

PARZEN_NAMES = ("sq_distances", "d")


def separation(a, b) -> float:
    """Welch's t: (mean a - mean b) / sqrt(s_a^2 / n_a + s_b^2 / n_b), sample variances (n - 1)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float((a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))


def _seed_values(low: int, high: int) -> Arg:
    """One metric over 2..6 seeds: a list of floats between `low` and `high`."""
    return Arg(lambda rng: rng.uniform(low, high, int(rng.integers(2, 7))).tolist(),
               [("two seeds", [low + 1.0, high - 1.0])])


def check_separation(reader_fn, measured: dict | None = None, metric: str = "") -> bool:
    """Check the reader's `separation(a, b)` (Welch's t of one metric over two models' seeds);
    with `measured` ({model: [value per seed]}), print it beside the true one for each pair."""
    tests = [Case(([1.0, 3.0], [0.0, 0.0, 0.0 + 1e-3]), "a model with almost no spread",
                  ("a", "b"))] + cases(_seed_values(0, 10), _seed_values(5, 20), n=20, seed=15)
    passed = check_function(reader_fn, separation, tests, name="Welch's t over seeds",
                            atol=1e-9, rtol=1e-7)
    names = list(measured or {})
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            args = (measured[first], measured[second])
            beside(f"{metric} {first} vs {second}", reader_fn, args, separation(*args),
                   f"{len(args[0])} and {len(args[1])} seeds")
    return passed


def collapsed_parzen(sq_distances, d) -> tuple[float, float]:
    """A Parzen window on one sample s, scored on points x_i with |x_i - s|^2 = sq_distances:
    the sigma of highest mean log-likelihood and that mean, -d/2 (1 + log(2 pi sigma^2))."""
    variance = float(np.mean(sq_distances)) / d
    return math.sqrt(variance), -d / 2 * (1 + math.log(2 * math.pi * variance))


def check_collapsed_parzen(reader_fn, sq_distances=None, d=None, grid_best=None,
                           models: dict | None = None) -> bool:
    """Check the reader's `collapsed_parzen(sq_distances, d)` -> (sigma, mean log-likelihood).
    With a real case (sq_distances of test digits to one image, d pixels), also print it beside
    the best score on a fine sigma grid (`grid_best`) and the models' Parzen scores."""
    tests = cases(arrays(12, low=1.0, high=200.0, name="sq_distances"), ints(1, 1000, name="d"),
                  n=20, seed=16)
    passed = check_function(reader_fn, collapsed_parzen, tests,
                            name="Parzen window on one image: best sigma and its score",
                            atol=1e-9, rtol=1e-7)
    if sq_distances is not None:
        args = (np.asarray(sq_distances, dtype=np.float64), d)
        measured = f"a fine grid of sigma finds {grid_best:.1f}" if grid_best is not None else ""
        beside("one image's (sigma, log-likelihood)", reader_fn, args, collapsed_parzen(*args),
               measured)
        for name, score in (models or {}).items():
            print(f"  {name}: {score:.1f}")
    return passed
