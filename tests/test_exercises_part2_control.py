"""The chapter 6-7 checkers pass correct answers and fail the usual mistakes."""
import torch

from began_lite.began import convergence_measure, kt_update
from began_lite.exercises.part2_control import (_kt_cases, check_convergence_measure,
                                                check_kt_update)


def reader_kt(k, loss_real, loss_fake, gamma, lambda_k):
    return min(max(k + lambda_k * (gamma * float(loss_real) - float(loss_fake)), 0.0), 1.0)


def test_kt_checker_accepts_a_right_answer_and_the_reference(capsys):
    assert check_kt_update(reader_kt)
    assert check_kt_update(kt_update)
    assert "✓ k_t update" in capsys.readouterr().out


def test_kt_checker_catches_missing_clips_and_swapped_signs(capsys):
    assert not check_kt_update(lambda k, lr, lf, g, lam: k + lam * (g * float(lr) - float(lf)))
    assert not check_kt_update(lambda k, lr, lf, g, lam: max(k + lam * (g * lr - lf), 0.0))
    assert not check_kt_update(lambda k, lr, lf, g, lam: min(k + lam * (g * lr - lf), 1.0))
    assert not check_kt_update(lambda k, lr, lf, g, lam: reader_kt(k, lf, lr, g, lam))
    assert not check_kt_update(lambda k, lr, lf, g, lam: reader_kt(k, lr, lf, 1.0, lam))
    assert "✗ k_t update" in capsys.readouterr().out


def test_kt_cases_really_leave_the_unit_interval():
    raw = [k + lam * (g * float(lr) - float(lf)) for k, lr, lf, g, lam in _kt_cases()]
    assert min(raw) < 0.0 and max(raw) > 1.0


def test_measure_checker(capsys):
    assert check_convergence_measure(lambda lr, lf, g: lr + abs(g * lr - lf))
    assert check_convergence_measure(convergence_measure)
    assert not check_convergence_measure(lambda lr, lf, g: lr + (g * lr - lf))  # no abs
    assert not check_convergence_measure(lambda lr, lf, g: abs(g * lr - lf))  # no L(x)
    assert not check_convergence_measure(lambda lr, lf, g: lf + abs(g * lf - lr))  # swapped
    assert "✗ convergence measure" in capsys.readouterr().out


def test_float32_tensor_arithmetic_passes():
    def tensor_kt(k, loss_real, loss_fake, gamma, lambda_k):
        loss_real, loss_fake = torch.as_tensor(loss_real), torch.as_tensor(loss_fake)
        return torch.clamp(k + lambda_k * (gamma * loss_real - loss_fake), 0.0, 1.0)

    def tensor_measure(loss_real, loss_fake, gamma):
        loss_real, loss_fake = torch.as_tensor(loss_real), torch.as_tensor(loss_fake)
        return loss_real + (gamma * loss_real - loss_fake).abs()

    assert check_kt_update(tensor_kt) and check_convergence_measure(tensor_measure)
