"""Chapter 11 checkers: right answers pass, typical wrong ones fail, the references are right."""
import pytest

from began_lite.exercises.part3_gpu import (bench_config, check_paper_steps, check_speed_ratio,
                                            paper_steps_reference, true_speed_ratio)
from began_lite.train import load_config
from began_lite.train.estimate import forward_flops, step_flops


def conv(c_in, c_out, side):
    return 2 * 9 * c_in * c_out * side ** 2


def analytic_step_flops(size, n=8, h=16, z=16, channels=3, repeat=2):
    """4 G_f + 8 D_f from the conv and linear formulas alone, as the chapter's solution does."""
    scales = size.bit_length() - 3

    def decoder(code):
        return (2 * code * 64 * n + sum(repeat * conv(n, n, 8 << i) for i in range(scales))
                + conv(n, channels, size))

    encoder, width = conv(channels, n, size), n
    for i in range(scales):
        for _ in range(repeat):
            encoder += conv(width, (i + 1) * n, size >> i)
            width = (i + 1) * n
    d_f = encoder + 2 * 64 * width * h + decoder(h)
    return 4 * decoder(z) + 8 * d_f


def test_forward_flops_equal_the_formulas():
    for size in (32, 64):
        g_f, d_f = forward_flops(bench_config(size))
        assert 4 * g_f + 8 * d_f == analytic_step_flops(size)


def test_speed_ratio_checker(capsys):
    right = analytic_step_flops(32) / analytic_step_flops(64)
    assert right == pytest.approx(true_speed_ratio(), rel=1e-12)
    assert check_speed_ratio(right, measured=0.5)
    out = capsys.readouterr().out
    assert "✓" in out and "measured on this machine: 0.5000" in out
    for wrong in (1 / right,                                   # upside down
                  0.25,                                       # four times the pixels, no more
                  analytic_step_flops(32, repeat=1) / analytic_step_flops(64, repeat=1),
                  "fast"):
        assert not check_speed_ratio(wrong)
        assert "✗" in capsys.readouterr().out


def test_paper_steps_checker(capsys):
    flops = 2.5 * 24 * 3600 * 4 * 0.4 * 9.3e12
    right = flops / step_flops(load_config("celeba128"))
    assert right == pytest.approx(paper_steps_reference())
    assert 1e5 < right < 1e7
    assert check_paper_steps(right)
    assert "300,000 steps" in capsys.readouterr().out
    for wrong in (right * 16,        # images, not steps
                  right / 4,         # one GPU instead of four
                  right / 0.4,       # at the full peak
                  None):
        assert not check_paper_steps(wrong)
        assert "✗" in capsys.readouterr().out
