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
