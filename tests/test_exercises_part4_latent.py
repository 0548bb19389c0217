"""Chapter 12 checkers: right answers pass, typical wrong ones fail, the measurements are right."""
import pytest
import torch

from began_lite.exercises.part4_latent import (check_interpolated_norm, check_raw_error_at_code,
                                               interpolated_norm2, measured_norm2,
                                               raw_error_at_code)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_norm_formula_by_hand_and_by_sampling():
    assert interpolated_norm2(0.0, 3) == 1.0       # E z^2 = 1/3 per coordinate
    assert interpolated_norm2(0.5, 3) == 0.5       # the midpoint: half as long, squared
    for t in (0.0, 0.3, 0.5):
        assert measured_norm2(t, 64) == pytest.approx(interpolated_norm2(t, 64), rel=0.01)


def test_norm_checker_passes_the_formula(capsys):
    assert check_interpolated_norm(lambda t, d: d / 3 * ((1 - t) ** 2 + t ** 2))
    out = capsys.readouterr().out
    assert "✓ E|z_t|^2" in out and "t = 0.5, z_dim = 64: yours 10.6667, true 10.6667" in out


@pytest.mark.parametrize("wrong", [
    lambda t, d: d / 3,                                  # the length never changes
    lambda t, d: d / 3 * ((1 - t) + t),                  # forgot to square the weights
    lambda t, d: d / 3 * ((1 - t) ** 2 + t ** 2 + 2 * t * (1 - t)),  # treats z_a, z_b as equal
    lambda t, d: d * ((1 - t) ** 2 + t ** 2),            # E z^2 = 1 (a normal prior)
])
def test_norm_checker_fails_wrong_formulas(wrong, capsys):
    assert not check_interpolated_norm(wrong)
    assert "✗" in capsys.readouterr().out


def test_raw_error_by_hand():
    raw = torch.tensor([[[[-1.5, 0.0], [2.0, 1.0]]]])  # overshoots of 0.5 and 1.0 over 4 pixels
    assert torch.allclose(raw_error_at_code(raw), torch.tensor([0.375]))


def test_raw_error_checker_passes_the_answer(capsys):
    raw = torch.tensor([[[[-1.5, 0.0], [2.0, 1.0]]]])
    assert check_raw_error_at_code(lambda r: (r.abs() - 1).clamp(min=0).flatten(1).mean(1), raw)
    out = capsys.readouterr().out
    assert "✓ unclamped e_r" in out and "yours 0.375, true 0.375" in out and "50.0%" in out


@pytest.mark.parametrize("wrong", [
    lambda r: torch.zeros(len(r)),                              # "G's own code: zero error"
    lambda r: (r.abs() - 1).clamp(min=0).flatten(1).sum(1),     # summed, not averaged
    lambda r: (r.abs() - 1).flatten(1).mean(1),                 # pixels inside counted too
    lambda r: (r.abs() - 1).clamp(min=0).mean(),                # one number for the batch
])
def test_raw_error_checker_fails_wrong_answers(wrong, capsys):
    assert not check_raw_error_at_code(wrong)
    assert "✗" in capsys.readouterr().out
