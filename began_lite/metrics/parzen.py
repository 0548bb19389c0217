"""The Gaussian Parzen-window log-likelihood of Goodfellow et al. 2014, section 5 and Table 1.

Fit isotropic Gaussians of width sigma on a model's samples s_1..s_N and score test points:
log p(x) = logsumexp_i(-|x - s_i|^2 / (2 sigma^2)) - log N - (d / 2) log(2 pi sigma^2),
with log-sum-exp so that no exp underflows in high dimension. sigma is chosen on validation data.
"""
import math

import numpy as np
import torch

from began_lite.errors import UserError


def _flat(points, name) -> torch.Tensor:
    """Points (N, ...) as a float64 (N, d) tensor; at least one point."""
    points = torch.as_tensor(points)
    if points.ndim == 0 or len(points) == 0:
        raise UserError(f"{name} is empty; pass at least one point, shape (N, ...)")
    return points.detach().to("cpu", torch.float64).reshape(len(points), -1)


def _log_densities(samples, x, sigmas, batch_size) -> torch.Tensor:
    """log p(x) for each sigma in `sigmas`, (len(sigmas), n); distances computed once."""
    samples, x = _flat(samples, "samples"), _flat(x, "x")
    if samples.shape[1] != x.shape[1]:
        raise UserError(f"samples have {samples.shape[1]} values each but x has {x.shape[1]}; "
                        "flatten both the same way (same image size and channels)")
    if not all(s > 0 for s in sigmas):
        raise UserError(f"sigma must be positive, got {list(sigmas)}")
    s_sq, out = samples.pow(2).sum(1), []
    for chunk in x.split(batch_size):  # (batch, N) distances at a time bounds the memory
        sq = (chunk.pow(2).sum(1, keepdim=True) - 2 * chunk @ samples.T + s_sq).clamp_min(0)
        out.append(torch.stack([torch.logsumexp(-sq / (2 * s**2), dim=1) for s in sigmas]))
    variances = torch.as_tensor(sigmas, dtype=torch.float64)[:, None] ** 2
    log_norm = math.log(len(samples)) + samples.shape[1] / 2 * torch.log(2 * math.pi * variances)
    return torch.cat(out, dim=1) - log_norm


def parzen_log_density(samples, x, sigma, batch_size=256) -> torch.Tensor:
    """log p(x) under the Parzen window on `samples` (N, ...), for each x in `x` (n, ...): (n,)."""
    return _log_densities(samples, x, [sigma], batch_size)[0]


def parzen_log_likelihood(samples, test, sigma, batch_size=256) -> tuple[float, float]:
    """Mean Parzen log-likelihood of `test` (n, ...) and its standard error std / sqrt(n)."""
    ll = parzen_log_density(samples, test, sigma, batch_size)
    if len(ll) < 2:
        raise UserError("the standard error needs at least 2 test points")
    return ll.mean().item(), (ll.std() / math.sqrt(len(ll))).item()


def select_parzen_sigma(samples, validation, sigmas, batch_size=256) -> tuple[float, list]:
    """The sigma with the highest mean log-likelihood on `validation`, and each sigma's mean."""
    if len(sigmas) == 0:
        raise UserError("pass at least one candidate sigma, e.g. numpy.logspace(-1, 0, 10)")
    scores = _log_densities(samples, validation, list(sigmas), batch_size).mean(dim=1).tolist()
    return float(sigmas[int(np.argmax(scores))]), scores
