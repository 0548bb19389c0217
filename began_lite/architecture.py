"""Measuring BEGAN's networks (section 3.5): FLOPs per image, receptive fields, parameter counts
under other readings of the paper's text.

Layer: after `nets`; imports only errors, nets and torch.
"""
import copy
import math

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from began_lite.errors import UserError
from began_lite.nets import _check_size


def flops_per_image(module: nn.Module, input_shape: tuple) -> int:
    """Forward FLOPs of `module` on one input of `input_shape` (no batch axis), as counted by
    FlopCounterMode: 2 per multiply-add of convs and linear maps; biases, ELU and up-sampling are
    not counted. A module built under `torch.device("meta")` is counted without any arithmetic."""
    first = next(module.parameters(), None)
    device = first.device if first is not None else torch.device("cpu")
    x = torch.zeros((1, *input_shape), device=device)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        module(x)
    return counter.get_total_flops()


def receptive_field(convs: nn.Module) -> int:
    """Side, in input pixels, of the window one output unit of a chain of convs sees.

    `convs` is applied as its nn.Conv2d appear in `modules()` (a plain chain, as Encoder.convs):
    each conv widens the window by (kernel - 1) times the product of the strides before it."""
    size, jump = 1, 1
    layers = [m for m in convs.modules() if isinstance(m, nn.Conv2d)]
    if not layers:
        raise UserError("receptive_field needs a module holding nn.Conv2d layers")
    for conv in layers:
        size += (conv.kernel_size[0] - 1) * conv.dilation[0] * jump
        jump *= conv.stride[0]
    return size


def input_support(convs: nn.Module, image: torch.Tensor, row: int, col: int) -> tuple[int, int]:
    """(height, width) of the input region where the gradient of the output unit at (row, col),
    summed over channels, is non-zero; `image` is (1, C, S, S). Measured in float64."""
    chain = _float64_copy(convs)
    x = image.detach().double().clone().requires_grad_(True)
    out = chain(x)
    if not (0 <= row < out.shape[2] and 0 <= col < out.shape[3]):
        raise UserError(f"unit ({row}, {col}) is outside the {out.shape[2]}x{out.shape[3]} map")
    out[0, :, row, col].sum().backward()
    nonzero = x.grad[0].abs().sum(0) > 0
    rows, cols = nonzero.any(1).nonzero(), nonzero.any(0).nonzero()
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def _float64_copy(module: nn.Module) -> nn.Module:
    """A float64 copy, so no gradient entry is zero by float32 round-off."""
    return copy.deepcopy(module).double()


# Readings of section 3.5 (the nets.py module docstring explains each): where the stride-2 conv
# sits in the encoder, whether the 8x8 scale repeats its conv, the decoder's widths, skips.
READINGS = {
    "this package": {},
    "separate stride-2 conv, same width (public TF code)": {"down": "separate"},
    "separate stride-2 conv that raises the width": {"down": "separate_wide"},
    "last conv of a scale strided, raises the width": {"down": "last"},
    "decoder widths 5n, 4n, ..., n": {"decoder": "decreasing"},
    "this package with skip connections": {"skip": True},
    "no repeats at 8x8": {"repeat_at_8": False},
}
DOWNS = ("first", "separate", "separate_wide", "last")


def encoder_convs(scales: int, channels: int, n: int, repeat: int, down: str = "first",
                  repeat_at_8: bool = True) -> list[tuple[int, int]]:
    """(in, out) widths of the encoder's 3x3 convs, in order, for one reading of section 3.5.

    down: "first" (this package: a scale's first conv strides and widens), "separate" (a stride-2
    conv of the same width after a scale's convs), "separate_wide" (the same, widening), "last"
    (a scale's last conv strides and widens). repeat_at_8=False: the 8x8 scale has one conv."""
    if down not in DOWNS:
        raise UserError(f"down must be one of {', '.join(DOWNS)}, got {down!r}")
    convs, width = [(channels, n)], n
    for i in range(scales):
        target, last = n * (i + 1), i == scales - 1
        count = 1 if last and i > 0 and not repeat_at_8 else repeat
        for r in range(count):
            widen = down == "last" and r == count - 1 and not last
            convs.append((width, n * (i + 2) if widen else target))
            width = convs[-1][1]
        if down in ("separate", "separate_wide") and not last:
            convs.append((width, n * (i + 2) if down == "separate_wide" else width))
            width = convs[-1][1]
    return convs


def decoder_convs(scales: int, channels: int, n: int, repeat: int, decoder: str = "constant",
                  skip: bool = False) -> list[tuple[int, int]]:
    """(in, out) widths of the decoder's 3x3 convs, the output conv last.

    h0 is 8x8xn (the paper's words) in both readings. decoder: "constant" (width n throughout,
    this package) or "decreasing" (scales * n at 8x8 down to n). skip: after each up-sampling h0
    is concatenated to the input, adding n input channels."""
    if decoder not in ("constant", "decreasing"):
        raise UserError(f"decoder must be constant or decreasing, got {decoder!r}")
    widths = [n if decoder == "constant" else n * (scales - i) for i in range(scales)]
    convs, width = [], n
    for i, target in enumerate(widths):
        for r in range(repeat):
            extra = n if skip and i > 0 and r == 0 else 0
            convs.append((width + extra, target))
            width = target
    return convs + [(width, channels)]


def _conv_count(convs: list[tuple[int, int]]) -> int:
    """Weights and biases of 3x3 convs with these (in, out) widths."""
    return sum(9 * c_in * c_out + c_out for c_in, c_out in convs)


def reading_parameters(image_size: int, channels: int, n: int, h: int, z_dim: int,
                       repeat: int = 2, down: str = "first", repeat_at_8: bool = True,
                       decoder: str = "constant", skip: bool = False) -> dict:
    """Parameter counts {"encoder", "decoder", "generator", "total"} of G + D for one reading."""
    scales = _check_size(image_size, 8) + 1
    enc = encoder_convs(scales, channels, n, repeat, down, repeat_at_8)
    dec = decoder_convs(scales, channels, n, repeat, decoder, skip)
    h0 = 64 * n  # the 8x8xn tensor the fc layer maps h (or z) to
    encoder = _conv_count(enc) + 64 * enc[-1][1] * h + h  # the fc layer at the 8x8 boundary
    decoder_count = _conv_count(dec) + h * h0 + h0
    generator = _conv_count(dec) + z_dim * h0 + h0
    return {"encoder": encoder, "decoder": decoder_count, "generator": generator,
            "total": encoder + decoder_count + generator}
