"""Chapter 4-5 checkers: right answers pass, typical wrong ones fail, the references are right."""
import numpy as np
import pytest
import torch

from began_lite.exercises.part2_bound import (check_pixel_loss, check_wasserstein1,
                                              pixel_loss_reference)


def test_pixel_loss_reference_by_hand():
    images = torch.zeros(2, 1, 2, 2)
    reconstructions = torch.tensor([[[[1.0, -1.0], [0.5, 0.0]]], [[[2.0, 2.0], [2.0, 2.0]]]])
    assert torch.allclose(pixel_loss_reference(images, reconstructions, 1),
                          torch.tensor([2.5 / 4, 2.0]))
    assert torch.allclose(pixel_loss_reference(images, reconstructions, 2),
                          torch.tensor([2.25 / 4, 4.0]))


def test_pixel_loss_checker_passes_a_right_answer(capsys):
    def pixel_loss(images, reconstructions, eta):
        return (images - reconstructions).abs().pow(eta).mean(dim=(1, 2, 3))

    assert check_pixel_loss(pixel_loss)
    assert "✓" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    lambda v, r, eta: (v - r).abs().mean(dim=(1, 2, 3)),                 # ignores eta
    lambda v, r, eta: (v - r).abs().pow(eta).sum(dim=(1, 2, 3)),         # sums the pixels
    lambda v, r, eta: (v - r).abs().pow(eta).mean(),                     # one number per batch
    lambda v, r, eta: (v - r).pow(eta).mean(dim=(1, 2, 3)),              # forgets the |.|
])
def test_pixel_loss_checker_fails_wrong_answers(wrong, capsys):
    assert not check_pixel_loss(wrong)
    assert "✗" in capsys.readouterr().out


def _w1_sorted(a, b):
    return np.mean(np.abs(np.sort(a) - np.sort(b)))


def _w1_cdf(a, b):
    """W1 as the integral of |F_a - F_b| over the pooled sorted values."""
    pooled = np.sort(np.concatenate([a, b]))
    f_a = np.searchsorted(np.sort(a), pooled[:-1], side="right") / len(a)
    f_b = np.searchsorted(np.sort(b), pooled[:-1], side="right") / len(b)
    return np.sum(np.abs(f_a - f_b) * np.diff(pooled))


def test_w1_checker_passes_right_answers(capsys):
    assert check_wasserstein1(_w1_sorted)
    assert check_wasserstein1(_w1_cdf, unequal_lengths=True)
    assert capsys.readouterr().out.count("✓") == 2


@pytest.mark.parametrize("wrong", [
    lambda a, b: np.mean(np.abs(a - b)),                    # pairs unsorted samples
    lambda a, b: abs(np.mean(a) - np.mean(b)),              # the lower bound, not W1
    lambda a, b: np.mean((np.sort(a) - np.sort(b)) ** 2),   # a squared cost
])
def test_w1_checker_fails_wrong_answers(wrong, capsys):
    assert not check_wasserstein1(wrong)
    assert "✗" in capsys.readouterr().out


def test_equal_lengths_answer_fails_the_unequal_checker(capsys):
    assert not check_wasserstein1(_w1_sorted, unequal_lengths=True)
    assert "✗" in capsys.readouterr().out


def test_summed_loss_gain_checker(capsys):
    from began_lite.exercises.part2_bound import check_lambda_k_for_summed_loss
    assert check_lambda_k_for_summed_loss(lambda lam, c, size: lam / (c * size * size))
    assert not check_lambda_k_for_summed_loss(lambda lam, c, size: lam / (size * size))  # no C
    assert not check_lambda_k_for_summed_loss(lambda lam, c, size: lam * c * size * size)
    out = capsys.readouterr().out
    assert "yours 3.90625e-06, true 3.90625e-06" in out and "✗ lambda_k" in out


def test_summed_loss_gain_moves_k_as_the_mean_does():
    import numpy as np

    from began_lite.exercises.part2_bound import k_after_losses, lambda_k_for_summed_loss
    rng = np.random.default_rng(0)
    real, fake = 0.1 + 0.01 * rng.standard_normal(500), 0.02 + 0.01 * rng.standard_normal(500)
    gain = lambda_k_for_summed_loss(0.001, 1, 16)
    mean_k = k_after_losses(0.001, 0.5, real, fake)
    assert mean_k > 0.01
    assert abs(k_after_losses(gain, 0.5, 256 * real, 256 * fake) - mean_k) < 1e-12


def test_loose_shifts_checker(capsys):
    from began_lite.exercises.part2_bound import bound_ratio_uniforms, check_loose_shifts
    assert check_loose_shifts(lambda a: (min(0.0, 1 - a), max(0.0, 1 - a)))
    assert not check_loose_shifts(lambda a: (0.0, 1 - a))  # wrong order when a > 1
    assert not check_loose_shifts(lambda a: (0.0, abs(1 - a)))
    assert "✗ shifts" in capsys.readouterr().out
    # the formula matches a measurement: tight at the ends, loose inside
    assert abs(bound_ratio_uniforms(0.5, 0.5) - 1) < 1e-9
    assert bound_ratio_uniforms(0.25, 0.5) < 0.5
    assert abs(bound_ratio_uniforms(-2.1, 3.0) - 1) < 1e-9 and bound_ratio_uniforms(-1, 3.0) < 1
