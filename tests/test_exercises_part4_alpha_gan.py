"""Chapter 14 checkers: right answers pass, typical wrong ones fail, the references are right."""
import math

import numpy as np
import pytest

from began_lite.exercises.part4_alpha_gan import (check_losses_at, check_optimal_d,
                                                  measured_losses, optimal_d_reference)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def logit(p):
    return math.log(p / (1 - p))


def losses_at(d, c):
    """The chapter's solution: Algorithm 1's losses with perfect reconstructions."""
    return (-logit(c), -2 * logit(d), -math.log(d) - 2 * math.log(1 - d),
            -math.log(c) - math.log(1 - c))


def test_optimal_d_reference_by_hand():
    # One real against two fake sets of the same density: D* = 1 / (1 + 2) = 1/3.
    same = np.full(4, 0.25)
    np.testing.assert_allclose(optimal_d_reference(same, same, same), 1 / 3, atol=1e-12)
    # Where only real images fall D* = 1, where only fakes fall D* = 0.
    np.testing.assert_allclose(optimal_d_reference([1, 0], [0, 0.5], [0, 0.5]), [1, 0],
                               atol=1e-12)
    # p_data 0.3 against fakes 0.1 + 0.2: D* = 0.3 / 0.6.
    assert optimal_d_reference([0.3], [0.1], [0.2])[0] == pytest.approx(0.5)


def test_optimal_d_checker_passes_the_solution(capsys):
    assert check_optimal_d(lambda p, r, g: p / (p + r + g))
    out = capsys.readouterr().out
    assert "✓ D* of alpha-GAN's image discriminator" in out
    assert "yours 0.333333, true 0.333333" in out


@pytest.mark.parametrize("wrong", [
    lambda p, r, g: p / (p + (r + g) / 2),   # the two fake sets taken as one mixture
    lambda p, r, g: p / (p + r),             # samples forgotten
    lambda p, r, g: (r + g) / (p + r + g),   # real and fake swapped
    lambda p, r, g: float(np.mean(p / (p + r + g))),  # one number instead of one per point
])
def test_optimal_d_checker_fails_wrong_answers(wrong, capsys):
    assert not check_optimal_d(wrong)
    assert "✗" in capsys.readouterr().out


def test_measured_losses_by_hand():
    # D says 1/2 and C says 1/2 for everything: the -logit terms vanish, the cross-entropies
    # are 3 log 2 (D: three sets) and 2 log 2 (C: two sets).
    loss_e, loss_g, loss_d, loss_c = measured_losses(0.5, 0.5)
    assert (loss_e, loss_g) == (pytest.approx(0, abs=1e-7), pytest.approx(0, abs=1e-7))
    assert loss_d == pytest.approx(3 * math.log(2)) and loss_c == pytest.approx(2 * math.log(2))
    assert measured_losses(1 / 3, 0.5)[1] == pytest.approx(2 * math.log(2))


def test_losses_checker_passes_the_solution(capsys):
    assert check_losses_at(losses_at)
    assert "✓ Algorithm 1's losses at fixed D and C" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    lambda d, c: (logit(c), *losses_at(d, c)[1:]),                        # E's sign flipped
    lambda d, c: (losses_at(d, c)[0], -logit(d), *losses_at(d, c)[2:]),   # one G term only
    lambda d, c: (*losses_at(d, c)[:2], -math.log(d) - math.log(1 - d), losses_at(d, c)[3]),
    lambda d, c: (*losses_at(d, c)[:3], -math.log(1 - c) - math.log(c) + 1),
])
def test_losses_checker_fails_wrong_answers(wrong, capsys):
    assert not check_losses_at(wrong)
    assert "✗" in capsys.readouterr().out
