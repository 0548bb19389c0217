"""Distributions of per-image autoencoder losses L(v) (chapters 4-5): train, measure, normality.

Layer: just after `began` (imports data, nets, began only), before `alpha_gan`.
"""
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import torch

from began_lite.began import ADAM_BETAS, StepResult, began_step, reconstruction_loss, sample_z
from began_lite.errors import UserError
from began_lite.nets import AutoEncoder, build_began


def _device_of(module: torch.nn.Module) -> torch.device:
    """The device a module's parameters live on."""
    return next(module.parameters()).device


def _batch(images: torch.Tensor, batch_size: int, generator=None) -> torch.Tensor:
    """A random batch (batch_size, C, H, W) drawn with replacement from `images` (N, C, H, W)."""
    index = torch.randint(len(images), (batch_size,), generator=generator)
    return images[index]


def per_image_losses(autoencoder, images: torch.Tensor, *, eta=1, batch_size=256) -> torch.Tensor:
    """L(v) = mean over pixels of |v - D(v)|^eta for each image (N, C, H, W): (N,), on the CPU."""
    device, chunks = _device_of(autoencoder), []
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            v = images[start:start + batch_size].to(device)
            chunks.append(reconstruction_loss(v, autoencoder(v), eta=eta, per_image=True).cpu())
    return torch.cat(chunks)


def uniform_noise(count: int, image_size: int, channels=1, generator=None) -> torch.Tensor:
    """`count` images of independent uniform noise in [-1, 1]: (count, C, H, W)."""
    return torch.rand(count, channels, image_size, image_size, generator=generator) * 2 - 1


def train_autoencoder(images, *, n, h, steps, batch_size=16, lr=1e-4, eta=1, repeat=2,
                      generator=None, device="cpu"):
    """Train an AutoEncoder with Adam to reconstruct `images` (N, C, H, W); return it, L by step."""
    if steps < 1 or batch_size < 1:
        raise UserError(f"steps={steps} and batch_size={batch_size} must both be at least 1")
    autoencoder = AutoEncoder(images.shape[-1], images.shape[1], n, h, repeat=repeat).to(device)
    optimizer = torch.optim.Adam(autoencoder.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        v = _batch(images, batch_size, generator).to(device)
        loss = reconstruction_loss(v, autoencoder(v), eta=eta)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return autoencoder, losses


@dataclass
class BeganRun:
    """A BEGAN generator and autoencoder discriminator with their optimisers, k_t and step log."""

    generator: torch.nn.Module
    discriminator: torch.nn.Module
    opt_g: torch.optim.Optimizer
    opt_d: torch.optim.Optimizer
    z_dim: int
    k: float = 0.0
    history: list[StepResult] = field(default_factory=list)


def make_began(image_size, channels, *, n, h, z_dim, lr=1e-4, repeat=2, device="cpu") -> BeganRun:
    """A fresh BEGAN (k_0 = 0) with one Adam optimiser per network (betas: began.ADAM_BETAS)."""
    generator, discriminator = build_began(image_size, channels, n, h, z_dim, repeat=repeat)
    generator, discriminator = generator.to(device), discriminator.to(device)
    return BeganRun(generator, discriminator,
                    torch.optim.Adam(generator.parameters(), lr=lr, betas=ADAM_BETAS),
                    torch.optim.Adam(discriminator.parameters(), lr=lr, betas=ADAM_BETAS), z_dim)


def train_began(run: BeganRun, images, *, steps, batch_size=16, gamma=0.5, lambda_k=0.001,
                eta=1, generator=None) -> BeganRun:
    """Take `steps` BEGAN steps on batches of `images` (N, C, H, W); update run.k, run.history."""
    if steps < 0 or batch_size < 1:
        raise UserError(f"steps={steps} must be >= 0 and batch_size={batch_size} at least 1")
    device = _device_of(run.generator)
    for _ in range(steps):
        real = _batch(images, batch_size, generator).to(device)
        result = began_step(run.generator, run.discriminator, run.opt_g, run.opt_d, real, run.k,
                            gamma=gamma, lambda_k=lambda_k, z_dim=run.z_dim, eta=eta,
                            rng=generator)
        run.k = result.k
        run.history.append(result)
    return run


def generate(generator_net, count: int, z_dim: int, *, batch_size=256, generator=None):
    """`count` images G(z), z ~ U[-1, 1]^z_dim: (count, C, H, W) on CPU, without gradients."""
    device, chunks = _device_of(generator_net), []
    with torch.no_grad():
        for start in range(0, count, batch_size):
            z = sample_z(min(batch_size, count - start), z_dim, generator).to(device)
            chunks.append(generator_net(z).cpu())
    return torch.cat(chunks)


def _standardised(losses) -> np.ndarray:
    """Losses as float64, centred and scaled to unit (population) variance."""
    if isinstance(losses, torch.Tensor):
        losses = losses.detach().cpu().double().numpy()
    x = np.asarray(losses, dtype=np.float64)
    if x.ndim != 1 or x.size < 3 or np.std(x) == 0:
        raise UserError(f"need at least 3 distinct losses in a 1-D array, got shape {x.shape}")
    return (x - x.mean()) / x.std()


def normality_summary(losses) -> dict:
    """Skewness, excess kurtosis and the Jarque-Bera test of normality for 1-D `losses`.

    JB = n/6 (S^2 + K^2/4) is chi-square with 2 degrees of freedom under normality, whose tail is
    exactly exp(-JB/2), so the p-value needs no statistics library.
    """
    z = _standardised(losses)
    skewness, excess_kurtosis = float(np.mean(z**3)), float(np.mean(z**4) - 3)
    jarque_bera = z.size / 6 * (skewness**2 + excess_kurtosis**2 / 4)
    return {"n": int(z.size), "skewness": skewness, "excess_kurtosis": excess_kurtosis,
            "jarque_bera": jarque_bera, "p_value": float(np.exp(-jarque_bera / 2))}


def normal_qq(losses) -> tuple[np.ndarray, np.ndarray]:
    """Normal QQ points: standard normal quantiles at (i - 1/2)/n, sorted standardised losses."""
    z = np.sort(_standardised(losses))
    levels = (np.arange(1, z.size + 1) - 0.5) / z.size
    return np.array([NormalDist().inv_cdf(p) for p in levels]), z
