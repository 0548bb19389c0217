"""Checkers for chapter 12: how long a code on a straight path between two random codes is, and
the error the paper's unclamped e_r leaves at G's own code when G's output overshoots [-1, 1]."""
import numpy as np
import torch

from began_lite.exercises.checker import Case, beside, cases, check_function, floats, ints, tensors

NORM_NAMES = ("t", "z_dim")


def interpolated_norm2(t, z_dim) -> float:
    """E |z_t|^2 for z_t = (1 - t) z_a + t z_b, z_a and z_b independent U[-1, 1]^z_dim."""
    return z_dim * ((1 - t) ** 2 + t ** 2) / 3


def measured_norm2(t: float, z_dim: int, pairs: int = 20000, seed: int = 0) -> float:
    """Mean |z_t|^2 over `pairs` random pairs of codes drawn from U[-1, 1]^z_dim."""
    rng = np.random.default_rng(seed)
    z_a, z_b = rng.uniform(-1, 1, (2, pairs, z_dim))
    return float((((1 - t) * z_a + t * z_b) ** 2).sum(1).mean())


def check_interpolated_norm(reader_fn) -> bool:
    """Check the reader's `interpolated_norm2(t, z_dim)`, E|z_t|^2 on the segment between two
    random codes, against the exact value; then show Monte Carlo measurements beside it."""
    named = [Case((0.0, 64), "an end point, z_dim 64", NORM_NAMES),
             Case((0.5, 64), "the midpoint, z_dim 64", NORM_NAMES),
             Case((1.0, 1), "the other end, z_dim 1", NORM_NAMES)]
    random = cases(floats(0, 1, name="t"), ints(1, 256, name="z_dim"), n=15, seed=12)
    passed = check_function(reader_fn, interpolated_norm2, named + random,
                            name="E|z_t|^2 between two random codes", atol=1e-9, rtol=1e-9)
    for t in (0.0, 0.25, 0.5):
        beside(f"t = {t}, z_dim = 64", reader_fn, (t, 64), interpolated_norm2(t, 64),
               f"measured over 20,000 pairs {measured_norm2(t, 64):.4g}")
    return passed


def raw_error_at_code(raw: torch.Tensor) -> torch.Tensor:
    """(B,): mean |clamp(G(z*), -1, 1) - G(z*)| per image, for G's raw output (B, C, S, S)."""
    return (raw.clamp(-1, 1) - raw).abs().flatten(1).mean(1)


def check_raw_error_at_code(reader_fn, raw: torch.Tensor | None = None) -> bool:
    """Check the reader's `raw_error_at_code(raw)`: the paper's unclamped e_r = mean |x - G(z)| at
    z = z*, when x is the image G draws there (its output clamped). With `raw` (a G's outputs),
    also print the mean over those images beside the true one."""
    shapes = [(1, 1, 4, 4), (3, 1, 4, 4), (2, 3, 5, 5)]
    tests = [c for i, shape in enumerate(shapes)
             for c in cases(tensors(*shape, low=-3, high=3, name="raw"), n=4, seed=20 + i)]
    passed = check_function(reader_fn, raw_error_at_code, tests,
                            name="unclamped e_r at G's own code", atol=1e-6, rtol=1e-5)
    if raw is not None:
        raw = raw.detach()
        beside("mean over the given images", lambda r: reader_fn(r).mean(), (raw,),
               raw_error_at_code(raw).mean(),
               f"pixels outside [-1, 1]: {(raw.abs() > 1).float().mean().item():.1%}")
    return passed
