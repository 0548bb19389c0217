"""BEGAN's objective (Berthelot et al. 2017, sections 3.2-3.4): the pixel loss L, the k_t
controller, the convergence measure M_global, and one training step.

L(v) = mean |v - D(v)|^eta;  L_D = L(x) - k_t L(G(z_D));  L_G = L(G(z_G));
k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1);  M = L(x) + |gamma L(x) - L(G(z_G))|.
"""

import contextlib
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from began_lite.errors import UserError


def reconstruction_loss(images: torch.Tensor, reconstructions: torch.Tensor, eta: int = 1,
                        per_image: bool = False) -> torch.Tensor:
    """L(v): mean over pixels of |v - D(v)|^eta, in float32; (B,) if per_image else a scalar."""
    if eta not in (1, 2):
        raise UserError(f"eta must be 1 or 2 (the paper's L1 or L2 pixel loss), got {eta}")
    diff = (images.float() - reconstructions.float()).abs()
    if eta == 2:
        diff = diff.square()
    return diff.flatten(1).mean(1) if per_image else diff.mean()


def kt_update(k: float, loss_real, loss_fake, gamma: float, lambda_k: float) -> float:
    """k_{t+1} = clip(k + lambda_k (gamma L(x) - L(G(z_G))), 0, 1); floats or 0-d tensors."""
    k_next = float(k) + lambda_k * (gamma * float(loss_real) - float(loss_fake))
    return min(1.0, max(0.0, k_next))


def convergence_measure(loss_real, loss_fake, gamma: float) -> float:
    """M_global = L(x) + |gamma L(x) - L(G(z_G))|."""
    return float(loss_real) + abs(gamma * float(loss_real) - float(loss_fake))


def sample_z(batch: int, z_dim: int, generator: torch.Generator | None = None,
             device: torch.device | str = "cpu") -> torch.Tensor:
    """(batch, z_dim) uniform in [-1, 1], drawn on the CPU so every device sees the same z."""
    z = torch.rand(batch, z_dim, generator=generator) * 2 - 1
    return z.to(device)


@dataclass
class StepResult:
    """Numbers from one BEGAN step; k is the updated k_{t+1}."""

    loss_real: float
    loss_fake: float
    loss_d: float
    loss_g: float
    k: float
    M: float


def _autocast(device: torch.device, dtype: torch.dtype | None):
    """torch.autocast on `device` for `dtype`, or a no-op when dtype is None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def _discriminator_step(generator, discriminator, opt_d, real, k, z_dim, eta, rng, dtype):
    """One D update on L(x) - k L(G(z_D)); returns (loss_real, loss_d) as tensors."""
    z_d = sample_z(real.shape[0], z_dim, rng, real.device)
    with torch.no_grad(), _autocast(real.device, dtype):
        fake = generator(z_d)
    # One D call on real and fake together: a DDP-wrapped D allows one forward per backward.
    both = torch.cat([real, fake.to(real.dtype)])
    with _autocast(real.device, dtype):
        recon = discriminator(both)
    per_image = reconstruction_loss(both, recon, eta, per_image=True)
    loss_real, loss_fake = per_image[: len(real)].mean(), per_image[len(real):].mean()
    loss_d = loss_real - k * loss_fake
    opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    opt_d.step()
    return loss_real.detach(), loss_d.detach()


def _generator_step(generator, discriminator, opt_g, batch, device, z_dim, eta, rng, dtype):
    """One G update on L(G(z_G)); returns loss_fake as a tensor.

    The backward pass also fills D's .grad, but only opt_g steps, and the next D step zeroes
    D's gradients first, so D's weights never move here.
    """
    z_g = sample_z(batch, z_dim, rng, device)
    with _autocast(device, dtype):
        fake = generator(z_g)
        recon = discriminator(fake)
    loss_fake = reconstruction_loss(fake, recon, eta)
    opt_g.zero_grad(set_to_none=True)
    loss_fake.backward()
    opt_g.step()
    return loss_fake.detach()


def began_step(generator: nn.Module, discriminator: nn.Module, opt_g: torch.optim.Optimizer,
               opt_d: torch.optim.Optimizer, real: torch.Tensor, k: float, *, gamma: float,
               lambda_k: float, z_dim: int, eta: int = 1, rng: torch.Generator | None = None,
               autocast_dtype: torch.dtype | None = None,
               reduce_mean: Callable[[torch.Tensor], torch.Tensor] | None = None) -> StepResult:
    """One BEGAN step on real (B, C, H, W): a D update, a G update, then k_{t+1} and M.

    reduce_mean (identity by default) is applied to loss_real and loss_fake before k and M, so a
    DDP trainer can all-reduce them and every rank holds the same k.
    """
    loss_real, loss_d = _discriminator_step(generator, discriminator, opt_d, real, k, z_dim,
                                            eta, rng, autocast_dtype)
    loss_fake = _generator_step(generator, discriminator, opt_g, real.shape[0], real.device,
                                z_dim, eta, rng, autocast_dtype)
    loss_g = float(loss_fake)
    if reduce_mean is not None:
        loss_real, loss_fake = reduce_mean(loss_real), reduce_mean(loss_fake)
    loss_real, loss_fake = float(loss_real), float(loss_fake)
    return StepResult(loss_real=loss_real, loss_fake=loss_fake, loss_d=float(loss_d),
                      loss_g=loss_g, k=kt_update(k, loss_real, loss_fake, gamma, lambda_k),
                      M=convergence_measure(loss_real, loss_fake, gamma))
