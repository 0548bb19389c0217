"""Checkers for chapters 1-3: the non-saturating G loss, JSD, the Parzen log-likelihood."""
import numpy as np
import torch

from began_lite.exercises.checker import Case, cases, check_function, probabilities, tensors
from began_lite.gan import generator_loss_nonsaturating
from began_lite.metrics.parzen import parzen_log_density
from began_lite.theory.divergences import jsd


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
