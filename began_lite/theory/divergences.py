"""Goodfellow et al. 2014, section 4.1 on a grid: D*_G, V(D, G), C(G), KL and JSD.

Densities are arrays of values on a grid (pass the grid spacing `dx` to integrate) or discrete
probabilities (leave `dx=None` to sum). NumPy arrays give Python floats; if any input is a torch
tensor the result is a 0-d tensor, so gradients flow (e.g. d JSD / d shift of p_g).
"""
import numpy as np
import torch

from began_lite.errors import UserError


def _as_arrays(*arrays):
    """The inputs as float64 NumPy arrays, or as tensors if any input is a tensor; checked."""
    tensors = [a for a in arrays if isinstance(a, torch.Tensor)]
    if tensors:
        dtype = tensors[0].dtype if tensors[0].is_floating_point() else torch.float64
        out = [torch.as_tensor(a, dtype=dtype, device=tensors[0].device) for a in arrays]
    else:
        out = [np.asarray(a, dtype=np.float64) for a in arrays]
    if any(a.shape != out[0].shape for a in out):
        raise UserError(f"densities have different shapes {[tuple(a.shape) for a in out]}; "
                        "evaluate them on the same grid")
    if any(bool((a < 0).any()) for a in out):
        raise UserError("a density has negative values; pass densities or probabilities (>= 0)")
    return out


def _xlogy(x, y):
    """x log y with 0 log y = 0, also where y = 0 (and a finite gradient there in torch)."""
    if isinstance(x, torch.Tensor):
        return torch.xlogy(x, torch.where(x > 0, y, torch.ones_like(y)))
    with np.errstate(divide="ignore"):
        return x * np.log(np.where(x > 0, y, 1.0))


def _integrate(values, dx):
    """Sum over every grid point, times the cell size dx (a plain sum when dx is None)."""
    if dx is not None and not dx > 0:
        raise UserError(f"dx={dx} must be the positive grid spacing (or None for a plain sum)")
    total = values.sum()
    total = total * dx if dx is not None else total
    return total if isinstance(total, torch.Tensor) else float(total)


def optimal_discriminator(p_data, p_g, where_both_zero=0.5):
    """D*_G(x) = p_data / (p_data + p_g) (Eq. 2); `where_both_zero` where both densities vanish.

    Where p_data = p_g = 0 every D is optimal (V does not depend on it there); the default 1/2
    keeps D* = 1/2 everywhere when p_g = p_data. Pass float("nan") to mark those points instead.
    """
    p_data, p_g = _as_arrays(p_data, p_g)
    total = p_data + p_g
    if isinstance(total, torch.Tensor):
        safe = torch.where(total > 0, total, torch.ones_like(total))
        return torch.where(total > 0, p_data / safe, torch.full_like(total, where_both_zero))
    return np.where(total > 0, p_data / np.where(total > 0, total, 1.0), where_both_zero)


def value_function(p_data, p_g, d, dx=None):
    """V(D, G) = integral of p_data log D + p_g log(1 - D) (Eq. 1 written over x)."""
    p_data, p_g, d = _as_arrays(p_data, p_g, d)
    return _integrate(_xlogy(p_data, d) + _xlogy(p_g, 1 - d), dx)


def virtual_training_criterion(p_data, p_g, dx=None):
    """C(G) = max_D V(D, G) = V(D*_G, G), computed from V with D* (not from the JSD formula)."""
    p_data, p_g = _as_arrays(p_data, p_g)
    # 1 - D* as p_g / (p_data + p_g): 1 - D* would round to 0 where p_g << p_data
    d, one_minus_d = optimal_discriminator(p_data, p_g), optimal_discriminator(p_g, p_data)
    return _integrate(_xlogy(p_data, d) + _xlogy(p_g, one_minus_d), dx)


def kl(p, q, dx=None):
    """KL(p || q) = sum (or integral) of p log(p / q); 0 log 0 = 0, inf where p > 0 and q = 0."""
    p, q = _as_arrays(p, q)
    return _integrate(_xlogy(p, p) - _xlogy(p, q), dx)


def jsd(p, q, dx=None):
    """JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2; at most log 2."""
    p, q = _as_arrays(p, q)
    m = (p + q) / 2
    return kl(p, m, dx) / 2 + kl(q, m, dx) / 2
