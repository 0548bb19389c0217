"""Chapter 8 checkers: right answers pass, typical wrong ones fail, the references are right."""
import math

import pytest

from began_lite.exercises.part3_architecture import (UNSEEN, check_encoder_parameters,
                                                     check_flops_ratio, discriminator_flops,
                                                     encoder_parameters_reference)


def closed_form(image_size, channels, n, h, repeat):
    """The encoder count as the chapter's solution writes it: closed-form sums over the scales."""
    L = int(math.log2(image_size // 8)) + 1
    sum_i_i1 = (L - 1) * L * (L + 1) // 3            # sum_{i=1}^{L-1} i (i + 1)
    sum_sq = L * (L + 1) * (2 * L + 1) // 6 - 1      # sum_{i=1}^{L-1} (i + 1)^2
    sum_lin = L * (L + 1) // 2 - 1                   # sum_{i=1}^{L-1} (i + 1)
    return (9 * channels * n + n + repeat * (9 * n * n + n)
            + 9 * n * n * (sum_i_i1 + (repeat - 1) * sum_sq) + repeat * n * sum_lin
            + 64 * L * n * h + h)


def test_reference_by_hand():
    # 8 px, C=1, n=2, h=3, repeat=1: stem 9*1*2+2, one conv 9*2*2+2, fc 64*2*3+3
    assert encoder_parameters_reference(8, 1, 2, 3, 1) == 20 + 38 + 387


def test_encoder_checker_passes_a_closed_form(capsys):
    assert check_encoder_parameters(closed_form)
    out = capsys.readouterr().out
    assert "✓ encoder parameter count" in out
    assert f"true {encoder_parameters_reference(*UNSEEN):,}" in out


@pytest.mark.parametrize("wrong", [
    lambda S, C, n, h, r: closed_form(S, C, n, h, r) - h,                    # fc without bias
    lambda S, C, n, h, r: closed_form(S, C, n, h, r) - (9 * C * n + n),      # forgets the stem
    lambda S, C, n, h, r: closed_form(S, 3, n, h, r),                        # RGB always
    lambda S, C, n, h, r: closed_form(2 * S, C, n, h, r),                    # one scale too many
])
def test_encoder_checker_fails_wrong_formulas(wrong, capsys):
    assert not check_encoder_parameters(wrong)
    assert "✗" in capsys.readouterr().out


def test_encoder_checker_survives_a_crash(capsys):
    assert not check_encoder_parameters(lambda *args: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


def analytic_d_flops(S, n=64, h=64, C=3, repeat=2):
    """The chapter's solution: 2 * 9 * c_in * c_out * s^2 per conv, 2 * in * out per fc."""
    L = int(math.log2(S // 8)) + 1
    conv = lambda c_in, c_out, s: 2 * 9 * c_in * c_out * s * s  # noqa: E731
    total, width = conv(C, n, S), n
    for i in range(L):
        for _ in range(repeat):
            total += conv(width, (i + 1) * n, S >> i)
            width = (i + 1) * n
    total += 2 * 64 * width * h + 2 * h * 64 * n
    total += sum(repeat * conv(n, n, 8 << i) for i in range(L)) + conv(n, C, S)
    return total


def test_flops_checker(capsys):
    assert analytic_d_flops(64) == discriminator_flops(64)
    assert check_flops_ratio(analytic_d_flops(128) / analytic_d_flops(64))
    assert "✓ FLOPs ratio" in capsys.readouterr().out
    assert not check_flops_ratio(4.0)  # the "four times the pixels" guess is 2% off
    assert not check_flops_ratio("about four")
    out = capsys.readouterr().out
    assert out.count("✗") == 2 and "true 4.0930" in out
