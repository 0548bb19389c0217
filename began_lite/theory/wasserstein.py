"""The 1-D Wasserstein-1 distance from samples, and BEGAN's lower bound |m1 - m2| <= W1."""
import numpy as np
import torch

from began_lite.errors import UserError


def _as_samples(values, name: str) -> np.ndarray:
    """A sorted float64 copy of a non-empty, finite 1-D sample (list, NumPy array or tensor)."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().double().numpy()
    samples = np.asarray(values, dtype=np.float64)
    if samples.ndim != 1 or samples.size == 0:
        raise UserError(f"{name} must be a non-empty 1-D sample, got shape {samples.shape}; "
                        "flatten it or pass one value per sample")
    if not np.all(np.isfinite(samples)):
        raise UserError(f"{name} holds NaN or infinite values; drop them before measuring W1")
    return np.sort(samples)


def wasserstein1(a, b) -> float:
    """W1 between the empirical distributions of 1-D samples `a` (n,) and `b` (m,).

    W1 = integral over t in (0, 1) of |F_a^{-1}(t) - F_b^{-1}(t)|: both quantile functions are
    steps, constant between the breakpoints i/n and j/m, so the integral is a finite sum.
    """
    a, b = _as_samples(a, "a"), _as_samples(b, "b")
    n, m = a.size, b.size
    # Breakpoints in integer units of 1/(n m), so equal fractions such as 1/2 and 2/4 coincide.
    ends = np.union1d(np.arange(1, n + 1) * m, np.arange(1, m + 1) * n)
    starts = np.concatenate(([0], ends[:-1]))
    # On (start, end] the quantile of `a` is its (start // m)-th order statistic, of `b` start // n.
    gaps = np.abs(a[starts // m] - b[starts // n])
    return float(np.sum(gaps * (ends - starts)) / (n * m))


def mean_lower_bound(a, b) -> float:
    """|mean(a) - mean(b)|, which Jensen's inequality puts below W1(a, b)."""
    a, b = _as_samples(a, "a"), _as_samples(b, "b")
    return float(abs(a.mean() - b.mean()))
