"""Checkers for chapters 0-3: the non-saturating G loss, JSD, the Parzen log-likelihood, and the
exercises that derive something new (the chance of catching a missing clip, the divergence of the
non-saturating loss, C(G) of two uniforms, the Parzen bias)."""
import functools
import math

import numpy as np
import torch

from began_lite.exercises.checker import (Case, cases, check_function, floats, ints, probabilities,
                                          tensors)
from began_lite.gan import generator_loss_nonsaturating
from began_lite.metrics.parzen import parzen_log_density
from began_lite.theory.divergences import jsd, kl, virtual_training_criterion


def _logit_cases() -> list:
    """Logit batches: random moderate ones, D = 1/2, and extremes where log(sigmoid(a)) breaks."""
    moderate = cases(tensors(8, low=-5.0, high=5.0, name="logits_fake"), n=5)
    extreme = Case([torch.tensor([-150.0, -20.0, 0.0, 20.0, 150.0])],
                   "D rejects G(z) with certainty: logit -150", ["logits_fake"])
    return [*moderate, extreme]


def check_nonsaturating_loss(reader_fn) -> bool:
    """Check the reader's `loss(logits_fake)` = -mean log D(G(z)) from D's logits, stable."""
    return check_function(reader_fn, generator_loss_nonsaturating, _logit_cases(),
                          name="non-saturating generator loss", atol=1e-5, rtol=1e-5)


def _distribution_cases() -> list:
    """Pairs of discrete distributions: random and one-hot or uniform, with zeros, disjoint."""
    names = ["p", "q"]
    crafted = [Case([np.array([0.6, 0.4, 0.0, 0.0]), np.array([0.0, 0.3, 0.3, 0.4])],
                    "zeros in both, overlapping in one entry", names),
               Case([np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.0, 1.0])],
                    "disjoint supports", names)]
    return [*cases(probabilities(5, name="p"), probabilities(5, name="q"), n=6), *crafted]


def check_jsd(reader_fn) -> bool:
    """Check the reader's `jsd(p, q)` for discrete distributions (natural log, 0 log 0 = 0)."""
    return check_function(reader_fn, jsd, _distribution_cases(), name="JSD", atol=1e-9, rtol=1e-7)


def _parzen_cases() -> list:
    """(samples, x, sigma): 2-D points, and 784 pixels where the naive exp underflows to 0."""
    generator = torch.Generator().manual_seed(3)
    names = ["samples", "x", "sigma"]
    small = [torch.randn(10, 2, generator=generator), torch.randn(4, 2, generator=generator)]
    pixels = [torch.rand(20, 784, generator=generator), torch.rand(5, 784, generator=generator)]
    return [Case([*small, 0.5], "2-D points", names),
            Case([*small, 2.0], "2-D, wide window", names),
            Case([*pixels, 0.2], "784 pixels in [0, 1]", names),
            Case([*pixels, 0.05], "784 pixels, narrow window", names)]


def check_parzen(reader_fn) -> bool:
    """Check the reader's `parzen(samples, x, sigma)` -> log p(x) per point, shape (n,)."""
    return check_function(reader_fn, parzen_log_density, _parzen_cases(),
                          name="Parzen log-likelihood", atol=1e-4, rtol=1e-6)


# Checkers for exercises that derive, predict or measure: each compares the reader's formula with
# the true one on several inputs, then prints the reader's value beside the true one and beside a
# measurement, so the reader sees the derivation hold (or not) on numbers.

def _beside(label: str, reader_fn, args, true: float, measured: str = "") -> None:
    """Print the reader's value of `label` beside the true one (and a measurement, if given)."""
    try:
        yours = f"{float(reader_fn(*args)):.6g}"
    except Exception as err:  # the reader's code may fail in any way; say so and go on
        yours = f"raised {type(err).__name__}"
    print(f"  {label}: yours {yours}, true {true:.6g}" + (f", {measured}" if measured else ""))


# Chapter 0: how often does a random case catch a k update that forgets its clip?
GAMMA_RANGE = (0.3, 1.0)  # the chapter's k_cases: k ~ U[0, 1], gamma ~ U[0.3, 1], losses ~ U[0, L]


def clip_catch_probability(lambda_k: float, loss_max: float) -> float:
    """P(k + lambda_k (gamma L(x) - L(G(z))) leaves [0, 1]) for the chapter's random cases.

    For k ~ U[0, 1] and a step delta with |delta| <= 1 the chance is E|delta|; with w = gamma u,
    E|w - v| over u, v ~ U[0, 1] is gamma^2 / 3 - gamma / 2 + 1 / 2, averaged over gamma."""
    low, high = GAMMA_RANGE
    mean_g2 = (high**3 - low**3) / (3 * (high - low))
    mean_g = (high + low) / 2
    return lambda_k * loss_max * (mean_g2 / 3 - mean_g / 2 + 0.5)


@functools.lru_cache(maxsize=8)  # seeded, so a second checker call may reuse it
def measure_clip_catch(lambda_k: float, loss_max: float, draws=200_000, seed=0) -> tuple:
    """(share of `draws` random cases whose unclipped update leaves [0, 1], its standard error)."""
    rng = np.random.default_rng(seed)
    k, gamma = rng.uniform(0, 1, draws), rng.uniform(*GAMMA_RANGE, draws)
    loss_real, loss_fake = rng.uniform(0, loss_max, (2, draws))
    k_next = k + lambda_k * (gamma * loss_real - loss_fake)
    share = float(((k_next < 0) | (k_next > 1)).mean())
    return share, math.sqrt(share * (1 - share) / draws)


def check_clip_catch_probability(reader_fn) -> bool:
    """Check the reader's `catch_probability(lambda_k, loss_max)`; print it beside a measurement."""
    names = ("lambda_k", "loss_max")
    settings = [(0.001, 0.2, "the chapter's cases"), (0.001, 1.0, "larger losses"),
                (0.01, 0.2, "a 10x gain"), (0.1, 0.5, "a large gain"), (0.5, 2.0, "|step| up to 1"),
                (1e-4, 0.05, "tiny steps")]
    ok = check_function(reader_fn, clip_catch_probability,
                        [Case((lam, top), label, names) for lam, top, label in settings],
                        name="chance that a random case catches the missing clip",
                        atol=1e-9, rtol=1e-3)
    p = clip_catch_probability(0.001, 0.2)
    _beside("lambda_k = 0.001, losses up to 0.2 (the chapter's cases)", reader_fn, (0.001, 0.2), p)
    share, error = measure_clip_catch(0.1, 0.5)  # a chance large enough to measure in 200,000
    _beside("lambda_k = 0.1, losses up to 0.5", reader_fn, (0.1, 0.5),
            clip_catch_probability(0.1, 0.5), f"measured in 200,000 random cases "
            f"{share:.4f} ± {error:.4f}")
    print(f"  so the chapter's 200 random cases catch it with probability "
          f"{1 - (1 - p) ** 200:.3f}, and a 95% chance needs "
          f"{math.ceil(math.log(0.05) / math.log1p(-p)):,} random cases")
    return ok


# Chapter 1: the divergence that the non-saturating generator loss minimises.
def _grid_density(x, mean, std) -> np.ndarray:
    """A normal density on the grid x, normalised to sum to 1 times dx."""
    p = np.exp(-0.5 * ((x - mean) / std) ** 2)
    return p / (p.sum() * (x[1] - x[0]))


def nonsaturating_divergence(p_data, p_g, dx) -> float:
    """KL(p_g || p_data) - 2 JSD(p_data || p_g): its gradient in G's parameters is the expected
    gradient of -log D*(G(z)) with D* held fixed (Arjovsky and Bottou 2017, Theorem 2.5)."""
    return float(kl(p_g, p_data, dx) - 2 * jsd(p_data, p_g, dx))


def frozen_d_star_gradients(x, mean=1.0, std=1.3, h=1e-4) -> tuple:
    """d/d(mean of p_g) of E_{p_g}[-log D*] and of E_{p_g}[log(1 - D*)], D* frozen at `mean`:
    the non-saturating and saturating G losses' slopes; p_data = N(0, 1), p_g = N(mean, std^2)."""
    dx = x[1] - x[0]
    p_data, p_g = _grid_density(x, 0.0, 1.0), _grid_density(x, mean, std)
    d_star = p_data / (p_data + p_g)
    shifted = [_grid_density(x, mean + sign * h, std) for sign in (1, -1)]
    nonsaturating = [np.sum(p * -np.log(d_star)) * dx for p in shifted]
    saturating = [np.sum(p * np.log1p(-d_star)) * dx for p in shifted]
    return ((nonsaturating[0] - nonsaturating[1]) / (2 * h),
            (saturating[0] - saturating[1]) / (2 * h))


def check_nonsaturating_divergence(reader_fn) -> bool:
    """Check the reader's `divergence(p_data, p_g, dx)` (up to a constant) on grid densities;
    print its slope beside the slope of the non-saturating loss against a frozen D*."""
    x = np.linspace(-10, 10, 2001)
    dx, names = float(x[1] - x[0]), ("p_data", "p_g", "dx")
    pairs = [((0, 1), (1, 1.3)), ((0, 1), (3, 1)), ((0, 1), (0, 0.5)), ((0, 1), (-2, 2)),
             ((1, 0.5), (0, 1)), ((0, 1), (0, 1))]
    tests = [Case((_grid_density(x, *a), _grid_density(x, *b), dx),
                  f"p_data = N{a}, p_g = N{b} (mean, std)", names) for a, b in pairs]

    def relative(p_data, p_g, dx):
        """The reader's value minus its value at p_g = p_data, where the reference is 0."""
        return reader_fn(p_data, p_g, dx) - reader_fn(p_data, p_data, dx)

    ok = check_function(relative, nonsaturating_divergence, tests,
                        name="divergence of the non-saturating loss (up to a constant)",
                        atol=1e-6, rtol=1e-4)
    p_data, h = _grid_density(x, 0, 1), 1e-4
    ends = [_grid_density(x, 1 + sign * h, 1.3) for sign in (1, -1)]
    true = (nonsaturating_divergence(p_data, ends[0], dx)
            - nonsaturating_divergence(p_data, ends[1], dx)) / (2 * h)
    nonsat, sat = frozen_d_star_gradients(x)
    def slope(p_data, a, b):
        """The reader's divergence's central difference in the mean of p_g."""
        return (reader_fn(p_data, a, dx) - reader_fn(p_data, b, dx)) / (2 * h)

    _beside("slope in the mean of p_g = N(1, 1.3^2) against p_data = N(0, 1)", slope,
            (p_data, *ends), true,
            f"measured: -log D*(x) with D* frozen {nonsat:.6g} (log(1 - D*): {sat:.6g})")
    return ok


# Chapter 2: C(G) for two uniform distributions, as one slides past the other.
def c_of_g_uniform(s: float) -> float:
    """C(G) for p_data = U[0, 1] and p_g = U[s, s + 1]: -log 4 + 2 min(|s|, 1) log 2."""
    return (min(abs(float(s)), 1.0) - 1.0) * math.log(4)


def uniform_c_of_g_on_grid(s: float, dx=1e-4) -> float:
    """C(G) for U[0, 1] and U[s, s + 1] measured on a grid with virtual_training_criterion."""
    x = np.arange(min(0.0, s) - 1, max(1.0, s + 1) + 1, dx)
    p_data = ((x >= 0) & (x < 1)).astype(np.float64)
    p_g = ((x >= s) & (x < s + 1)).astype(np.float64)
    p_data, p_g = p_data / (p_data.sum() * dx), p_g / (p_g.sum() * dx)
    return float(virtual_training_criterion(p_data, p_g, dx))


def check_c_of_g_uniform(reader_fn) -> bool:
    """Check the reader's `c_of_g(s)` for p_data = U[0, 1], p_g = U[s, s + 1]; print it beside a
    measurement on a grid."""
    crafted = [Case((value,), label, ("s",)) for value, label in
               [(0.0, "p_g = p_data"), (0.5, "half overlap"), (1.0, "supports touch"),
                (-0.25, "p_g slid to the left"), (2.5, "disjoint")]]
    ok = check_function(reader_fn, c_of_g_uniform, crafted + cases(floats(-3, 3, name="s"), n=10),
                        name="C(G) of two uniforms", atol=1e-9, rtol=1e-7)
    for s in (0.25, 1.5):
        _beside(f"s = {s}", reader_fn, (s,), c_of_g_uniform(s),
                f"measured on a grid of spacing 1e-4: {uniform_c_of_g_on_grid(s):.6g}")
    return ok


# Chapter 3: the bias of the Parzen log-likelihood as the window widens.
def parzen_bias(sigma: float, d: int) -> float:
    """lim_{N -> inf} E[Parzen log p(x)] - E[log p(x)] for data and model N(0, I_d), window sigma:
    the window turns p into N(0, (1 + sigma^2) I_d), so the bias is
    d/2 (sigma^2 / (1 + sigma^2) - log(1 + sigma^2))."""
    s2 = float(sigma) ** 2
    return d / 2 * (s2 / (1 + s2) - math.log1p(s2))


@functools.lru_cache(maxsize=8)
def measure_parzen_bias(sigma: float, d: int, samples=4000, test=4000, seed=0) -> tuple:
    """(mean Parzen minus exact log-likelihood of `test` points of N(0, I_d), its standard error),
    with the window on `samples` draws of the same N(0, I_d)."""
    generator = torch.Generator().manual_seed(seed)
    model = torch.randn(samples, d, generator=generator, dtype=torch.float64)
    x = torch.randn(test, d, generator=generator, dtype=torch.float64)
    exact = -0.5 * (x**2).sum(1) - d / 2 * math.log(2 * math.pi)
    gap = parzen_log_density(model, x, sigma) - exact
    return gap.mean().item(), gap.std().item() / math.sqrt(test)


def check_parzen_bias(reader_fn) -> bool:
    """Check the reader's `bias(sigma, d)` for Gaussian data; print it beside a Monte Carlo run."""
    names = ("sigma", "d")
    crafted = [Case((0.167, 784), "MNIST's validated sigma, 784 pixels", names),
               Case((1.0, 1), "sigma as wide as the data", names)]
    ok = check_function(reader_fn, parzen_bias,
                        crafted + cases(floats(0.05, 3, name="sigma"), ints(1, 784, name="d"),
                                        n=10),
                        name="Parzen bias as N grows without bound", atol=1e-9, rtol=1e-6)
    mean, error = measure_parzen_bias(2.0, 2)
    _beside("sigma = 2, d = 2", reader_fn, (2.0, 2), parzen_bias(2.0, 2),
            f"measured with 4,000 samples and 4,000 test points {mean:.3f} ± {error:.3f}")
    return ok
