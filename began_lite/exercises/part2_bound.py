"""Checkers for chapters 4-5: the per-image pixel loss L(v) and W1 from sorted samples."""
import numpy as np
import torch

from began_lite.began import reconstruction_loss
from began_lite.exercises.checker import check_function
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
