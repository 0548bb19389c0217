"""Checkers for chapter 11: an images/s ratio predicted from FLOPs, and the steps the paper's
reported GPU time buys at an assumed utilisation."""
from began_lite.train.config import load_config
from began_lite.train.estimate import GPUS, step_flops

# The model chapter 11 benches on the CPU at 32 and 64 px (the celeba128 preset, made small).
BENCH_MODEL = {"n": 8, "h": 16, "z_dim": 16}
# Section 4.1 of the paper: "about 2.5 days on four P100 GPUs" for the 128 px model.
PAPER_DAYS, PAPER_GPUS = 2.5, 4
EXERCISE_UTILISATION = 0.4  # the fraction of P100's fp32 peak exercise 2 assumes


def bench_config(image_size: int, batch_size: int = 16):
    """The celeba128 preset with the bench model's widths at `image_size`."""
    return load_config("celeba128", {**BENCH_MODEL, "image_size": image_size,
                                     "batch_size": batch_size})


def _line(mark: str, what: str, yours, true) -> None:
    """One line with the reader's value beside the true one."""
    print(f"{mark} {what}: yours {yours}, true {true}")


def true_speed_ratio() -> float:
    """images/s at 64 px / images/s at 32 px for the bench model, if only FLOPs counted."""
    return step_flops(bench_config(32)) / step_flops(bench_config(64))


def _as_number(value, what: str, true: float):
    """float(value), or None after printing a ✗ line saying a number is wanted."""
    try:
        return float(value)
    except (TypeError, ValueError):
        _line("✗", what, repr(value), f"{true:.4g} (give a number)")
        return None


def check_speed_ratio(predicted, measured=None, *, rtol=0.005) -> bool:
    """Check a predicted (images/s at 64 px) / (images/s at 32 px) from step FLOPs; show the
    ratio measured on this machine beside it when given."""
    true = true_speed_ratio()
    value = _as_number(predicted, "images/s ratio 64 px / 32 px", true)
    if value is None:
        return False
    ok = abs(value - true) <= rtol * true
    _line("✓" if ok else "✗", f"images/s ratio 64 px / 32 px from FLOPs (within {rtol:.1%})",
          f"{value:.4f}", f"{true:.4f}")
    if measured is not None:
        print(f"  measured on this machine: {float(measured):.4f} "
              f"({float(measured) / true:.2f} x the FLOPs prediction)")
    return ok


def paper_steps_reference(utilisation: float = EXERCISE_UTILISATION) -> float:
    """Steps of the celeba128 preset (batch 16) that 2.5 days on four P100s compute at
    `utilisation` of P100's fp32 peak."""
    seconds = PAPER_DAYS * 24 * 3600
    flops = seconds * PAPER_GPUS * utilisation * GPUS["P100"].fp32 * 1e12
    return flops / step_flops(load_config("celeba128"))


def check_paper_steps(steps, *, rtol=0.01) -> bool:
    """Check the steps of batch 16 that the paper's 2.5 days on four P100s buy at 40 % of the
    P100's fp32 peak (9.3 TFLOP/s), against the preset's own schedule."""
    true = paper_steps_reference()
    value = _as_number(steps, "steps in 2.5 days on four P100s", true)
    if value is None:
        return False
    ok = abs(value - true) <= rtol * true
    _line("✓" if ok else "✗", f"steps in 2.5 days on four P100s (within {rtol:.0%})",
          f"{value:,.0f}", f"{true:,.0f}")
    print(f"  the celeba128 preset schedules {load_config('celeba128').steps:,} steps")
    return ok
