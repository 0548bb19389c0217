"""Networks: MLPs for toy GANs, a small DCGAN-like pair, and BEGAN's autoencoder (section 3.5).

Shapes: vectors are (B, D); images are (B, C, S, S) float tensors in [-1, 1].

BEGAN (Berthelot et al. 2017, section 3.5), as read here:
- Encoder: a 3x3 conv C -> n, then one scale per size S, S/2, ..., 8 with filters n, 2n, 3n, ...
  (linear growth "with each down-sampling"). Each scale has `repeat` 3x3 conv + ELU layers; at
  every scale after the first, the first of them is the down-sampling ("sub-sampling with
  stride 2") conv that also raises the width. The 8x8 map is flattened and mapped to h by a
  fully connected layer with no nonlinearity.
- Decoder / generator: a fully connected map h -> 8x8xn (no nonlinearity) gives h0; each scale
  has `repeat` 3x3 conv + ELU layers of constant width n, nearest-neighbour up-sampling x2
  between scales, and a final 3x3 conv to C. Skip connections (3.5.1): after each up-sampling,
  h0 up-sampled to the same size is concatenated, so that scale's first conv sees 2n channels.
- Vanishing residuals (3.5.1): every conv whose input and output have the same shape computes
  carry * in + (1 - carry) * out; carry = 0 is the plain network.

Parameter count of the paper's 128 px model (n=128, h=z_dim=64, repeat=2, RGB), G + D, with
`count_parameters`: 20,808,262 here, against the paper's 17.3M. Other readings of section 3.5,
counted the same way (G + D, no skip connections):
| reading | G + D |
| --- | --- |
| this one: the stride-2 conv is the first of a scale's `repeat` convs | 20.81M |
| a separate stride-2 conv after the `repeat` convs, same width (public TF code) | 25.23M |
| a separate stride-2 conv after the `repeat` convs that raises the width | 28.77M |
| the last of a scale's `repeat` convs is strided and raises the width | 24.35M |
| this one with decoder widths 5n, 4n, ..., n instead of constant n | 47.36M |
| this one with skip connections | 21.99M |
| this one without repeats at 8x8 (only the stride-2 conv reaches 5n) | 17.12M |
Most of the weight sits at 8x8: with 5n = 640 filters the stride-2 conv, the 640 -> 640 conv and
the 40960 -> 64 map hold 9.26M of the encoder's 16.78M. The text does not pin down the 8x8
scale; the 17.12M reading (closest to 17.3M) drops a conv the text asks for, so it is not used.
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


def _check_widths(**widths: int) -> None:
    """UserError unless every named width is a positive int."""
    for name, value in widths.items():
        if not isinstance(value, int) or value < 1:
            raise UserError(f"{name} must be a positive integer, got {value!r}")


class ConvELU(nn.Module):
    """3x3 conv + ELU; a vanishing residual when input and output have the same shape.

    `carry` is a plain float, not a parameter or a buffer, so checkpoints never hold it:
    out = carry * x + (1 - carry) * elu(conv(x)), and carry = 0 runs the plain layer exactly.
    Under torch.compile each new carry value is a new constant (a recompile); set it coarsely.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1,
                 residual: bool = True):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1)
        self.act = nn.ELU()
        self.residual = residual and stride == 1 and in_channels == out_channels
        self.carry = 0.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in, S, S) -> (B, out, S / stride, S / stride)."""
        out = self.act(self.conv(x))
        if self.residual and self.carry > 0.0:
            return self.carry * x + (1.0 - self.carry) * out
        return out


def set_carry(module: nn.Module, carry: float) -> None:
    """Set the vanishing-residual carry on every ConvELU block inside `module`."""
    if not 0.0 <= carry <= 1.0:
        raise UserError(f"carry must lie in [0, 1], got {carry}")
    for block in module.modules():
        if isinstance(block, ConvELU):
            block.carry = float(carry)


def carry_at(step: int, residual_steps: int) -> float:
    """Carry at `step`: 1 -> 0 linearly over `residual_steps` (paper: 16k); 0 when that is 0."""
    if residual_steps <= 0:
        return 0.0
    return max(0.0, 1.0 - step / residual_steps)


def init_like_tensorflow(module: nn.Module) -> None:
    """Xavier-uniform weights and zero biases for every conv and linear layer in `module`.

    These are the defaults of the TF layers BEGAN-tensorflow builds its networks from. torch's
    own defaults draw weights sqrt(3) times smaller and non-zero biases: after the ten or so layers
    of G the biases dominate and every z gives nearly the same image, so G starts collapsed
    (measured: pixel distance between samples 0.11 with torch's init against 0.30 with this one,
    for the mnist preset's G; see the recipe table in train/presets/mnist.toml).
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)


class Encoder(nn.Module):
    """BEGAN encoder: (B, C, S, S) -> (B, h); widths n, 2n, 3n, ... down to 8x8, then a linear map."""

    def __init__(self, image_size: int, channels: int, n: int, h: int, repeat: int = 2):
        super().__init__()
        _check_widths(channels=channels, n=n, h=h, repeat=repeat)
        scales = _check_size(image_size, 8) + 1
        blocks: list[nn.Module] = [ConvELU(channels, n, residual=False)]
        width = n
        for i in range(scales):
            for r in range(repeat):
                down = i > 0 and r == 0  # the first conv of each smaller scale sub-samples
                blocks.append(ConvELU(width, n * (i + 1), stride=2 if down else 1))
                width = n * (i + 1)
        self.convs = nn.Sequential(*blocks)
        self.fc = nn.Linear(width * 8 * 8, h)  # no nonlinearity at the boundary (paper)
        init_like_tensorflow(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> (B, h)."""
        return self.fc(self.convs(x).flatten(1))


class Decoder(nn.Module):
    """BEGAN decoder: (B, h) -> (B, C, S, S); width n throughout, nearest up-sampling x2.

    The output is linear, as in the paper's public code: a tanh would flatten the gradient of the
    pixel loss near -1 and 1, where much of an image (background, hair) sits, and the reconstruction
    target already lies in [-1, 1]. Callers clamp samples to [-1, 1] for display.
    """

    def __init__(self, image_size: int, channels: int, n: int, h: int, repeat: int = 2,
                 skip: bool = False):
        super().__init__()
        _check_widths(channels=channels, n=n, h=h, repeat=repeat)
        self.n, self.skip = n, skip
        self.fc = nn.Linear(h, n * 8 * 8)  # h0, no nonlinearity (paper)
        self.scales = nn.ModuleList()
        for i in range(_check_size(image_size, 8) + 1):
            first_in = 2 * n if skip and i > 0 else n  # h0 concatenated after each up-sampling
            self.scales.append(nn.Sequential(
                *[ConvELU(first_in if r == 0 else n, n) for r in range(repeat)]))
        self.out = nn.Conv2d(n, channels, 3, padding=1)
        init_like_tensorflow(self)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """(B, h) -> (B, C, S, S), linear output."""
        h0 = self.fc(h).reshape(h.shape[0], self.n, 8, 8)
        x = h0
        for i, scale in enumerate(self.scales):
            if i > 0:
                x = nn.functional.interpolate(x, scale_factor=2, mode="nearest")
                if self.skip:
                    up = nn.functional.interpolate(h0, scale_factor=2 ** i, mode="nearest")
                    x = torch.cat([x, up], dim=1)
            x = scale(x)
        # The image leaves autocast as float32: a bf16 output would round every pixel to ~0.004
        # before the pixel loss sees it. Outside autocast this is the plain fp32 conv.
        if x.device.type not in ("cpu", "cuda") or not torch.is_autocast_enabled(x.device.type):
            return self.out(x)  # no autocast here (meta tensors, for FLOP counts, have none)
        with torch.autocast(x.device.type, enabled=False):
            return self.out(x.float())


class AutoEncoder(nn.Module):
    """BEGAN discriminator: encoder then decoder, (B, C, S, S) -> reconstruction (B, C, S, S)."""

    def __init__(self, image_size: int, channels: int, n: int, h: int, repeat: int = 2,
                 skip: bool = False):
        super().__init__()
        self.encoder = Encoder(image_size, channels, n, h, repeat)
        self.decoder = Decoder(image_size, channels, n, h, repeat, skip)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> (B, h) embedding."""
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, S, S) -> (B, C, S, S) reconstruction."""
        return self.decoder(self.encoder(x))


class Generator(Decoder):
    """BEGAN generator: the decoder's shape with h = z_dim, (B, z_dim) -> (B, C, S, S)."""

    def __init__(self, image_size: int, channels: int, n: int, z_dim: int, repeat: int = 2,
                 skip: bool = False):
        super().__init__(image_size, channels, n, z_dim, repeat, skip)


def build_began(image_size: int, channels: int, n: int, h: int, z_dim: int, repeat: int = 2,
                skip: bool = False, generator_n: int = 0,
                generator_repeat: int = 0) -> tuple[Generator, AutoEncoder]:
    """The BEGAN pair (generator, discriminator); n and repeat are D's, and G's too unless
    generator_n / generator_repeat (0: the same as D's) unbalance the pair (paper, section 4.5)."""
    generator = Generator(image_size, channels, generator_n or n, z_dim,
                          generator_repeat or repeat, skip)
    return generator, AutoEncoder(image_size, channels, n, h, repeat, skip)
