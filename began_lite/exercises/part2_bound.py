"""Checkers for chapters 4-5: the per-image pixel loss L(v), W1 from sorted samples, the gain for
a summed loss, and the shifts where the mean bound is loose."""
import numpy as np
import torch

from began_lite.began import reconstruction_loss
from began_lite.exercises.checker import Case, beside, cases, check_function, floats
from began_lite.theory.wasserstein import wasserstein1


def pixel_loss_reference(images, reconstructions, eta=1) -> torch.Tensor:
    """L(v) = mean over pixels of |v - D(v)|^eta, one value per image: (B,)."""
    return reconstruction_loss(images, reconstructions, eta=eta, per_image=True)


def _pixel_loss_cases() -> list[tuple]:
    """(images, reconstructions, eta) in [-1, 1]: several shapes, eta 1 and 2, a perfect copy."""
    generator = torch.Generator().manual_seed(4)
    cases = []
    for shape in [(2, 1, 4, 4), (3, 3, 5, 5), (1, 1, 8, 8)]:
        images = torch.rand(shape, generator=generator) * 2 - 1
        reconstructions = torch.rand(shape, generator=generator) * 2 - 1
        cases += [(images, reconstructions, 1), (images, reconstructions, 2)]
    cases.append((images, images.clone(), 1))
    return cases


def check_pixel_loss(reader_fn) -> bool:
    """Check the reader's `pixel_loss(images, reconstructions, eta)` (B, C, H, W) -> (B,)."""
    return check_function(reader_fn, pixel_loss_reference, _pixel_loss_cases(),
                          name="pixel_loss", atol=1e-6, rtol=1e-5)


def _w1_cases(unequal_lengths: bool) -> list[tuple]:
    """(a, b) sample pairs: unsorted, with ties and negatives; unequal lengths only if asked."""
    rng = np.random.default_rng(5)
    cases = [(np.array([3.0, 1.0, 2.0]), np.array([9.0, 2.0, 4.0])),
             (np.array([0.5]), np.array([-1.0])),
             (np.array([1.0, 1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0, 1.0]))]
    for n in (5, 12, 40):
        m = n + 3 if unequal_lengths else n
        cases.append((np.round(rng.normal(size=n), 1), rng.exponential(size=m) - 1))
    if unequal_lengths:
        cases += [(np.array([0.0, 1.0, 3.0]), np.array([5.0, 6.0])),
                  (np.array([0.0]), np.array([-1.0, 2.0, 4.0, -3.0]))]
    return cases


def check_wasserstein1(reader_fn, *, unequal_lengths=False) -> bool:
    """Check the reader's `w1(a, b)` for 1-D NumPy samples against theory.wasserstein1."""
    return check_function(reader_fn, wasserstein1, _w1_cases(unequal_lengths),
                          name="w1 (unequal lengths)" if unequal_lengths else "w1",
                          atol=1e-9, rtol=1e-9)


# Checkers for exercises that derive or predict something new; each prints the reader's value
# beside the true one and beside a measurement.

# Chapter 4: the gain that keeps k_t's trajectory when the loss sums over pixels.
def lambda_k_for_summed_loss(lambda_k: float, channels: int, image_size: int) -> float:
    """The lambda_k that, with L summed over the N_x = C H W pixels, moves k exactly as `lambda_k`
    does with L averaged: the error grows N_x-fold, so the gain shrinks N_x-fold."""
    return lambda_k / (channels * image_size**2)


def k_after_losses(lambda_k, gamma, loss_real, loss_fake) -> float:
    """k after the k_t update (k_0 = 0, clipped) has seen the sequences loss_real, loss_fake."""
    k = 0.0
    for real, fake in zip(loss_real, loss_fake):
        k = min(max(k + lambda_k * (gamma * real - fake), 0.0), 1.0)
    return k


def check_lambda_k_for_summed_loss(reader_fn) -> bool:
    """Check the reader's `summed_lambda_k(lambda_k, channels, image_size)`; print k after 2,000
    steps of losses averaged (paper's gain) and summed (reader's gain)."""
    names = ("lambda_k", "channels", "image_size")
    settings = [(0.001, 1, 16, "this chapter's 16 px digits"), (0.001, 1, 32, "32 px digits"),
                (0.001, 3, 64, "64 px colour"), (0.001, 3, 128, "the paper's 128 px faces"),
                (0.03, 1, 16, "chapter 6's quick gain"), (0.1, 1, 1, "one pixel")]
    ok = check_function(reader_fn, lambda_k_for_summed_loss,
                        [Case((lam, c, size), label, names) for lam, c, size, label in settings],
                        name="lambda_k for a loss summed over pixels", atol=0, rtol=1e-9)
    rng = np.random.default_rng(8)
    pixels, gamma = 16 * 16, 0.5
    loss_real = 0.1 + 0.02 * rng.standard_normal(2000)
    loss_fake = 0.03 + 0.01 * rng.standard_normal(2000)  # fakes easy to reconstruct: k rises
    k_mean = k_after_losses(0.001, gamma, loss_real, loss_fake)
    try:
        gain = float(reader_fn(0.001, 1, 16))
        k_sum = f"{k_after_losses(gain, gamma, pixels * loss_real, pixels * loss_fake):.6f}"
    except Exception as err:  # the reader's code may fail in any way; say so and go on
        k_sum = f"not run ({type(err).__name__})"
    beside("16 px digits, lambda_k = 0.001 for the mean", reader_fn, (0.001, 1, 16),
            lambda_k_for_summed_loss(0.001, 1, 16),
            f"measured: k after 2,000 steps {k_mean:.6f} with mean losses and the paper's gain, "
            f"{k_sum} with summed losses and your gain")
    return ok


# Chapter 5: when is the bound exact for two uniform distributions of different widths?
def loose_shifts(a: float) -> tuple:
    """The open interval of shifts s for which |m1 - m2| < W1 between mu1 = U[0, 1] and
    mu2 = U[s, s + a]: the quantile gap g(t) = (1 - a) t - s changes sign on (0, 1) exactly when
    g(0) = -s and g(1) = 1 - a - s have opposite signs."""
    return (min(0.0, 1.0 - a), max(0.0, 1.0 - a))


def bound_ratio_uniforms(s: float, a: float, size: int = 20_000) -> float:
    """|m1 - m2| / W1 measured between U[0, 1] and U[s, s + a], each as `size` quantiles."""
    t = (np.arange(size) + 0.5) / size
    mu1, mu2 = t, s + a * t
    return abs(mu1.mean() - mu2.mean()) / wasserstein1(mu1, mu2)


def check_loose_shifts(reader_fn) -> bool:
    """Check the reader's `loose_shifts(a)` -> (low, high); print it beside measured ratios."""
    crafted = [Case((value,), label, ("a",)) for value, label in
               [(1.0, "equal widths: never loose"), (0.5, "mu2 half as wide"),
                (3.0, "mu2 three times as wide"), (0.0, "mu2 a point mass")]]
    ok = check_function(reader_fn, loose_shifts, crafted + cases(floats(0, 4, name="a"), n=10),
                        name="shifts where |m1 - m2| < W1", atol=1e-12, rtol=1e-9)
    low, high = loose_shifts(0.5)
    beside("a = 0.5", reader_fn, (0.5,), (low, high),
            f"measured |m1 - m2| / W1: {bound_ratio_uniforms(high, 0.5):.4f} at s = {high:g}, "
            f"{bound_ratio_uniforms((low + high) / 2, 0.5):.4f} at s = {(low + high) / 2:g}, "
            f"{bound_ratio_uniforms(low - 0.1, 0.5):.4f} at s = {low - 0.1:g}")
    return ok
