"""Checkers for chapter 14: alpha-GAN's image discriminator at its optimum (found numerically),
and Algorithm 1's losses when both discriminators output one fixed probability (measured with
began_lite.alpha_gan on networks built to do exactly that)."""
import math

import numpy as np
import torch
from torch import nn

from began_lite.alpha_gan import alpha_gan_losses
from began_lite.exercises.checker import Case, beside, cases, check_function, floats

D_NAMES = ("p_data", "p_rec", "p_gen")
POINTS = 6  # images in the toy data space of the D* exercise


def optimal_d_reference(p_data, p_rec, p_gen) -> np.ndarray:
    """D*(x) at each point: the D in (0, 1) minimising L_D's pointwise integrand
    -p_data log D - p_rec log(1 - D) - p_gen log(1 - D), by bisection on its derivative."""
    real = np.asarray(p_data, dtype=np.float64)
    fake = np.asarray(p_rec, dtype=np.float64) + np.asarray(p_gen, dtype=np.float64)
    low, high = np.zeros_like(real), np.ones_like(real)
    for _ in range(80):  # the derivative -real / D + fake / (1 - D) rises with D
        middle = (low + high) / 2
        with np.errstate(divide="ignore", invalid="ignore"):  # D reaches 1.0 where fake = 0
            rising = -real / middle + fake / (1 - middle) > 0
        low, high = np.where(rising, low, middle), np.where(rising, middle, high)
    return (low + high) / 2


def _densities(rng) -> np.ndarray:
    """A random density over POINTS images, every point possible."""
    return rng.dirichlet(np.ones(POINTS)) * 0.9 + 0.1 / POINTS


def _d_cases() -> list:
    """Named situations (a perfect model, disjoint supports, one fake set right), then random."""
    rng = np.random.default_rng(14)
    data, other = _densities(rng), _densities(rng)
    left = np.array([1, 1, 1, 0, 0, 0]) / 3
    right = np.array([0, 0, 0, 1, 1, 1]) / 3
    named = [((data, data, data), "a perfect model: reconstructions and samples follow p_data"),
             ((data, data, other), "reconstructions right, samples wrong"),
             ((left, right, right), "fakes where no data is, and the reverse"),
             ((data, other, other), "both fake sets the same wrong density")]
    cases_ = [Case(args, label, D_NAMES) for args, label in named]
    return cases_ + [Case((_densities(rng), _densities(rng), _densities(rng)), "random", D_NAMES)
                     for _ in range(12)]


def check_optimal_d(reader_fn) -> bool:
    """Check the reader's `optimal_d(p_data, p_rec, p_gen)`: the image discriminator minimising
    L_D at each point of a small data space, against a numerical minimisation."""
    passed = check_function(reader_fn, optimal_d_reference, _d_cases(),
                            name="D* of alpha-GAN's image discriminator", atol=1e-6, rtol=1e-6)
    same = np.full(POINTS, 1.0 / POINTS)
    beside("D* where the model is perfect (every point)", lambda *a: float(reader_fn(*a)[0]),
           (same, same, same), float(optimal_d_reference(same, same, same)[0]))
    return passed


class _Constant(nn.Module):
    """A network whose output is the logit of probability `p` for every input: (B, ...) -> (B,)."""

    def __init__(self, p: float):
        super().__init__()
        self.logit = math.log(p / (1 - p))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.full((x.shape[0],), self.logit, dtype=torch.float64)


def measured_losses(d: float, c: float) -> tuple:
    """(L_E, L_G, L_D, L_C) from began_lite.alpha_gan on a perfect autoencoder (E flattens, G
    folds back) with D outputting probability d and C probability c for every input (the
    package computes the logits' terms in float32: agreement to about 1e-7)."""
    real = torch.rand(5, 1, 2, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    z = torch.randn(5, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    losses = alpha_gan_losses(nn.Flatten(), nn.Unflatten(1, (1, 2, 2)), _Constant(d),
                              _Constant(c), real * 2 - 1, z, lambda_rec=1.0)
    return tuple(float(getattr(losses, key)) for key in ("loss_e", "loss_g", "loss_d", "loss_c"))


def check_losses_at(reader_fn) -> bool:
    """Check the reader's `losses_at(d, c)` -> (L_E, L_G, L_D, L_C) when reconstruction is
    perfect, D says d and C says c for everything, against began_lite.alpha_gan's numbers."""
    points = cases(floats(0.05, 0.95, name="d"), floats(0.05, 0.95, name="c"), n=12, seed=14)
    passed = check_function(reader_fn, measured_losses, points,
                            name="Algorithm 1's losses at fixed D and C", atol=1e-6, rtol=1e-6)
    beside("(L_E, L_G, L_D, L_C) at D* = 1/3, C* = 1/2", reader_fn, (1 / 3, 1 / 2),
           measured_losses(1 / 3, 1 / 2))
    return passed
