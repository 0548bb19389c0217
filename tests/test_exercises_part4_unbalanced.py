"""Chapter 13 checkers: right answers pass, typical wrong ones fail, the simulations are right."""
import pytest

from began_lite.exercises.part4_unbalanced import (check_generator_parameters,
                                                   check_smallest_window_M,
                                                   generator_parameters_reference,
                                                   simulated_window, smallest_window_M)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def generator_parameters(image_size, channels, n, z_dim, repeat, skip):
    """The chapter's solution: the linear map, repeat convs per scale (the first of each smaller
    scale reads 2n channels with skip), and the output conv; every layer has biases."""
    scales = (image_size // 8).bit_length()
    fc = (z_dim + 1) * n * 64
    convs = scales * repeat * (9 * n * n + n) + (scales - 1) * (9 * n * n if skip else 0)
    return fc + convs + 9 * n * channels + channels


def test_generator_count_by_hand():
    # 8 px, n=2, z=1, repeat 1, grey: fc 2*128 = 256, one conv 9*4+2 = 38, out 9*2+1 = 19
    assert generator_parameters_reference(8, 1, 2, 1, 1, False) == 313
    assert generator_parameters(8, 1, 2, 1, 1, False) == 313


def test_generator_checker_passes_the_formula(capsys):
    assert check_generator_parameters(generator_parameters)
    out = capsys.readouterr().out
    assert "✓ generator parameter count" in out and "✓ 128 px" in out


@pytest.mark.parametrize("wrong", [
    lambda s, c, n, z, r, skip: generator_parameters(s, c, n, z, r, False),      # skip ignored
    lambda s, c, n, z, r, skip: generator_parameters(s, c, n, z, r, skip) - 64 * n,  # no fc bias
    lambda s, c, n, z, r, skip: generator_parameters(s, c, n, z, r, skip) - 9 * n * c - c,  # no out
    lambda s, c, n, z, r, skip: generator_parameters(s, c, n, z, r, skip) - 9 * n * n - n,  # a conv
])
def test_generator_checker_fails_wrong_formulas(wrong, capsys):
    assert not check_generator_parameters(wrong)
    assert "✗" in capsys.readouterr().out


def test_simulated_windows_keep_or_change_sign():
    for seed in range(6):
        case, logged = simulated_window(seed)
        bound = smallest_window_M(*case)
        if seed % 2 == 0:
            assert logged == pytest.approx(bound, rel=1e-12)  # one sign: the bound is reached
        else:
            assert logged > bound * 1.01                        # signs change: strictly above


def test_smallest_m_checker_passes_and_reports_runs(capsys):
    rows = [{"loss_real": 0.1, "loss_fake": 0.07, "M": 0.13}, {"loss_real": 0.1,
                                                               "loss_fake": 0.05, "M": 0.12}]
    assert check_smallest_window_M(lambda x, g, gamma: x + abs(gamma * x - g),
                                   {"a run": (rows, 0.7)})
    out = capsys.readouterr().out
    assert "✓ smallest M" in out and "logged M" in out
    # bounds 0.1 and 0.12: M above them by 0.03 and 0.0, so 0.015 on average; never below
    assert "a run: logged M above the bound by 0.0150" in out and "in 0 of 2 log lines" in out


@pytest.mark.parametrize("wrong", [
    lambda x, g, gamma: x,                          # "at the equilibrium M = L(x)"
    lambda x, g, gamma: x + (gamma * x - g),        # the absolute value dropped
    lambda x, g, gamma: x + abs(x - g),             # gamma left out
    lambda x, g, gamma: x + abs(gamma * x - g) / 2,  # half the error
])
def test_smallest_m_checker_fails_wrong_answers(wrong, capsys):
    assert not check_smallest_window_M(wrong)
    assert "✗" in capsys.readouterr().out
