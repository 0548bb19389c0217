"""Chapter 9 checkers: right answers pass, typical wrong ones fail, the measurements are right."""
import pytest

from began_lite.exercises.part3_training import (check_forwards, check_k_after,
                                                 k_after_reference, measured_forwards)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_measured_forwards_by_hand():
    # D: one call on [real, G(z_D)] (2B images), one on G(z_G) (B); G: z_D and z_G (B each).
    assert measured_forwards(4) == (12, 8)
    assert measured_forwards(5, calls=True) == (15, 10, 2, 2)


def test_forwards_checker_passes_the_count(capsys):
    assert check_forwards(lambda batch: (3 * batch, 2 * batch))
    out = capsys.readouterr().out
    assert "✓ images through D and G" in out
    assert "D 2 calls with 48 images, G 2 calls with 32 images" in out


@pytest.mark.parametrize("wrong", [
    lambda b: (2 * b, b),          # one z for both players, as BEGAN-tensorflow does
    lambda b: (2 * b, 2 * b),      # G(z_G) forgotten on its way through D
    lambda b: (3 * b, 2 * b - 1),  # off by one
    lambda b: 3 * b,               # one number only
])
def test_forwards_checker_fails_wrong_counts(wrong, capsys):
    assert not check_forwards(wrong)
    assert "✗" in capsys.readouterr().out


def closed_form(k, loss_real, loss_fake, gamma, lambda_k, steps):
    """The chapter's solution: constant losses move k in a straight line until it hits 0 or 1."""
    return min(1.0, max(0.0, k + steps * lambda_k * (gamma * loss_real - loss_fake)))


def test_k_after_reference_by_hand():
    assert k_after_reference(0.0, 0.1, 0.04, 0.5, 0.001, 1000) == pytest.approx(0.01)
    assert k_after_reference(0.5, 0.2, 0.05, 1.0, 0.01, 3000) == 1.0
    assert k_after_reference(0.4, 0.1, 0.02, 0.5, 0.01, 0) == 0.4


def test_k_after_checker_passes_the_closed_form(capsys):
    assert check_k_after(closed_form)
    assert "✓ k after many steps" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    lambda k, lx, lg, g, lam, n: k + n * lam * (g * lx - lg),                    # never clipped
    lambda k, lx, lg, g, lam, n: closed_form(k, lx, lg, g, lam, n - 1),          # one step short
    lambda k, lx, lg, g, lam, n: closed_form(k, lx, lg, 1.0, lam, n),            # gamma forgotten
    lambda k, lx, lg, g, lam, n: min(1.0, max(0.0, k + lam * (g * lx - lg))),    # one step only
])
def test_k_after_checker_fails_wrong_formulas(wrong, capsys):
    assert not check_k_after(wrong)
    assert "✗" in capsys.readouterr().out
