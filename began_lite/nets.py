"""Networks: MLPs for toy GANs, a small DCGAN-like pair, and BEGAN's autoencoder (section 3.5).

Shapes: vectors are (B, D); images are (B, C, S, S) float tensors in [-1, 1].
"""

import math
from typing import Callable

import torch
from torch import nn

from began_lite.errors import UserError

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "relu": nn.ReLU,
    "elu": nn.ELU,
    "tanh": nn.Tanh,
}


def _activation(name: str) -> nn.Module:
    """A fresh activation module by name (one of ACTIVATIONS)."""
    if name not in ACTIVATIONS:
        raise UserError(f"unknown activation {name!r}; use one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


class MLP(nn.Sequential):
    """`depth` hidden layers of width `hidden`, each Linear + activation; a linear output.

    Maps (B, in_dim) -> (B, out_dim). The default LeakyReLU(0.2) keeps gradients alive for
    negative inputs, which helps the small toy GANs of Part I; the output is linear so the
    caller picks the head (a logit for D, raw coordinates for G).
    """

    def __init__(self, in_dim: int, hidden: int, out_dim: int, depth: int = 2,
                 activation: str = "leaky_relu"):
        if depth < 0 or min(in_dim, hidden, out_dim) < 1:
            raise UserError("MLP needs positive in_dim, hidden, out_dim and depth >= 0")
        layers: list[nn.Module] = []
        width = in_dim
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), _activation(activation)]
            width = hidden
        layers.append(nn.Linear(width, out_dim))
        super().__init__(*layers)


def _check_size(image_size: int, smallest: int) -> int:
    """log2(image_size / smallest), or UserError unless image_size is a power of two in range."""
    if image_size < smallest or image_size > 256 or image_size & (image_size - 1):
        raise UserError(f"image_size must be a power of two from {smallest} to 256, "
                        f"got {image_size}")
    return int(math.log2(image_size // smallest))


class ConvGenerator(nn.Module):
    """DCGAN-like generator: (B, z_dim) -> (B, C, S, S) in [-1, 1] (tanh output).

    A linear map to a 4x4 grid of width n * 2^(ups-1), then transposed convs that double the
    size and halve the width, with BatchNorm + ReLU (as in DCGAN), and a tanh at the end.
    """

    def __init__(self, z_dim: int, channels: int = 1, image_size: int = 32, n: int = 32):
        super().__init__()
        ups = _check_size(image_size, 8) + 1
        width = n * 2 ** (ups - 1)
        self.fc = nn.Sequential(nn.Linear(z_dim, width * 16), nn.BatchNorm1d(width * 16),
                                nn.ReLU())
        self.width = width
        layers: list[nn.Module] = []
        for i in range(ups):
            out = channels if i == ups - 1 else width // 2
            layers.append(nn.ConvTranspose2d(width, out, 4, stride=2, padding=1))
            layers += [nn.Tanh()] if i == ups - 1 else [nn.BatchNorm2d(out), nn.ReLU()]
            width = out
        self.convs = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, z_dim) -> (B, C, S, S)."""
        return self.convs(self.fc(z).reshape(z.shape[0], self.width, 4, 4))


class ConvDiscriminator(nn.Module):
    """DCGAN-like discriminator: (B, C, S, S) -> logits (B,).

    Stride-2 convs with LeakyReLU(0.2) halve the size down to 4x4 and double the width, then a
    linear map to one logit. No BatchNorm: the GAN step feeds real and fake batches separately,
    and batch statistics would let D tell them apart by the batch, not by the image.
    """

    def __init__(self, channels: int = 1, image_size: int = 32, n: int = 32):
        super().__init__()
        downs = _check_size(image_size, 8) + 1
        layers: list[nn.Module] = []
        width_in, width = channels, n
        for _ in range(downs):
            layers += [nn.Conv2d(width_in, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            width_in, width = width, width * 2
        self.convs = nn.Sequential(*layers)
        self.fc = nn.Linear(width_in * 16, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> (B,) logits."""
        return self.fc(self.convs(x).flatten(1)).squeeze(1)


def count_parameters(module: nn.Module) -> int:
    """Number of trainable parameters of `module`."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
