"""Checkers for chapters 1-3: the non-saturating G loss, JSD, the Parzen log-likelihood."""
import numpy as np
import torch

from began_lite.exercises.checker import check_function
from began_lite.gan import generator_loss_nonsaturating
from began_lite.metrics.parzen import parzen_log_density
from began_lite.theory.divergences import jsd


def _logit_cases() -> list[tuple]:
    """Logit batches: random, all zero (D = 1/2), and extremes where a naive log(sigmoid) breaks."""
    generator = torch.Generator().manual_seed(1)
    cases = [(torch.randn(n, generator=generator) * 3,) for n in (1, 8, 64)]
    cases += [(torch.zeros(5),), (torch.tensor([-150.0, -20.0, 0.0, 20.0, 150.0]),)]
    return cases


def check_nonsaturating_loss(reader_fn) -> bool:
    """Check the reader's `loss(logits_fake)` = -mean log D(G(z)) from D's logits, stable."""
    return check_function(reader_fn, generator_loss_nonsaturating, _logit_cases(),
                          name="non-saturating generator loss", atol=1e-5, rtol=1e-5)


def _distribution_cases() -> list[tuple]:
    """Pairs of discrete distributions: generic, with zeros, identical, disjoint."""
    rng = np.random.default_rng(2)
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    return [(np.array([0.5, 0.5]), np.array([0.9, 0.1])), (p, q), (p, p.copy()),
            (np.array([0.6, 0.4, 0.0, 0.0]), np.array([0.0, 0.3, 0.3, 0.4])),
            (np.array([1.0, 0.0]), np.array([0.0, 1.0]))]


def check_jsd(reader_fn) -> bool:
    """Check the reader's `jsd(p, q)` for discrete distributions (natural log, 0 log 0 = 0)."""
    return check_function(reader_fn, jsd, _distribution_cases(), name="JSD", atol=1e-9, rtol=1e-7)


def _parzen_cases() -> list[tuple]:
    """(samples, x, sigma): 2-D points, and 784-D ones where exp of the exponent underflows."""
    generator = torch.Generator().manual_seed(3)
    small = (torch.randn(10, 2, generator=generator), torch.randn(4, 2, generator=generator))
    pixels = (torch.rand(20, 784, generator=generator), torch.rand(5, 784, generator=generator))
    return [(*small, 0.5), (*small, 2.0), (*pixels, 0.2), (*pixels, 0.05)]


def check_parzen(reader_fn) -> bool:
    """Check the reader's `parzen(samples, x, sigma)` -> log p(x) per point, shape (n,)."""
    return check_function(reader_fn, parzen_log_density, _parzen_cases(),
                          name="Parzen log-likelihood", atol=1e-4, rtol=1e-6)
