"""Checkers for chapter 8: the encoder's parameter count as a formula, a predicted FLOPs ratio."""
import torch

from began_lite.architecture import flops_per_image
from began_lite.exercises.checker import Case, check_function
from began_lite.nets import Encoder, build_began, count_parameters

NAMES = ("image_size", "channels", "n", "h", "repeat")
# A configuration chapter 8 never prints: the reader's formula meets it for the first time here.
UNSEEN = (256, 3, 96, 128, 3)


def encoder_parameters_reference(image_size, channels, n, h, repeat) -> int:
    """Trainable parameters of began_lite.nets.Encoder, counted on the meta device (no memory)."""
    with torch.device("meta"):
        return count_parameters(Encoder(image_size, channels, n, h, repeat))


def _encoder_cases() -> list:
    """One scale only (8 px), one repeat, grey and RGB, odd widths, up to 256 px."""
    configs = [((8, 1, 4, 4, 1), "8 px: a single scale, no stride-2 conv"),
               ((8, 3, 5, 7, 3), "8 px, three repeats"),
               ((16, 1, 8, 16, 1), "two scales, one conv each"),
               ((32, 3, 64, 64, 2), "the cifar10 preset's encoder"),
               ((64, 1, 7, 3, 4), "odd widths, four repeats"),
               ((128, 3, 128, 64, 2), "the paper's 128 px model"),
               ((256, 3, 16, 32, 1), "256 px, six scales")]
    return [Case(args, label, NAMES) for args, label in configs]


def _line(mark: str, what: str, yours, true) -> None:
    """One line with the reader's value beside the true one."""
    print(f"{mark} {what}: yours {yours}, true {true}")


def check_encoder_parameters(reader_fn) -> bool:
    """Check the reader's `encoder_parameters(image_size, channels, n, h, repeat)` -> int on
    several configurations, then show it beside the true count for one the chapter never printed."""
    passed = check_function(reader_fn, encoder_parameters_reference, _encoder_cases(),
                            name="encoder parameter count", atol=0.5, rtol=0.0)
    true = encoder_parameters_reference(*UNSEEN)
    try:
        yours = reader_fn(*UNSEEN)
    except Exception as err:  # the reader's code may fail in any way; say so plainly
        yours = f"an error ({type(err).__name__}: {err})"
    same = isinstance(yours, (int, float)) and abs(yours - true) < 0.5
    where = "256 px, C=3, n=96, h=128, repeat=3 (never printed in the chapter)"
    _line("✓" if same else "✗", where, f"{yours:,}" if same else yours, f"{true:,}")
    return passed and same


def discriminator_flops(image_size: int, n: int = 64, h: int = 64, repeat: int = 2) -> int:
    """Forward FLOPs per RGB image of BEGAN's discriminator (the autoencoder), meta device."""
    with torch.device("meta"):
        _, discriminator = build_began(image_size, 3, n, h, h, repeat)
    return flops_per_image(discriminator, (3, image_size, image_size))


def check_flops_ratio(ratio, *, rtol=0.01) -> bool:
    """Check a predicted ratio FLOPs(D at 128 px) / FLOPs(D at 64 px), n=h=64, repeat 2, RGB."""
    true = discriminator_flops(128) / discriminator_flops(64)
    try:
        value = float(ratio)
    except (TypeError, ValueError):
        _line("✗", "FLOPs ratio 128 px / 64 px", repr(ratio), f"{true:.4f} (give a number)")
        return False
    ok = abs(value - true) <= rtol * true
    _line("✓" if ok else "✗", f"FLOPs ratio 128 px / 64 px (within {rtol:.0%})",
          f"{value:.4f}", f"{true:.4f}")
    return ok
