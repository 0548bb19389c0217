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


def test_oscillation_threshold_checker(capsys):
    from began_lite.exercises.part2_control import check_oscillation_threshold, toy_eigenvalues
    assert check_oscillation_threshold(lambda r, s, loss: r / (4 * s * loss))
    assert not check_oscillation_threshold(lambda r, s, loss: r**2 / (4 * s * loss))
    assert not check_oscillation_threshold(lambda r, s, loss: r / (s * loss))
    assert "✗ oscillation threshold" in capsys.readouterr().out
    assert abs(toy_eigenvalues(0.99 * 0.00125, 0.005, 10, 0.1)[0].imag) == 0
    assert abs(toy_eigenvalues(1.01 * 0.00125, 0.005, 10, 0.1)[0].imag) > 0


def test_k_star_checker(capsys):
    from began_lite.exercises.part2_control import check_k_star
    assert check_k_star(lambda g, rho, s: min(max((g - rho) / s, 0.0), 1.0))
    assert not check_k_star(lambda g, rho, s: (g - rho) / s)  # unclipped
    assert not check_k_star(lambda g, rho, s: g / s)
    out = capsys.readouterr().out
    assert "true 0.02, measured: mean k over the last fifth of 10,000 toy steps 0.0200" in out


def test_loss_fake_at_checker(capsys):
    from began_lite.exercises.part2_control import check_loss_fake_at, loss_fake_at
    assert check_loss_fake_at(lambda M, loss, g: (g * loss - (M - loss), g * loss + (M - loss)))
    assert not check_loss_fake_at(lambda M, loss, g: (g * loss + (M - loss), g * loss - (M - loss)))
    assert not check_loss_fake_at(lambda M, loss, g: (g * M - loss, g * M + loss))
    assert "✗ L(G(z))" in capsys.readouterr().out
    lower, upper = loss_fake_at(0.2, 0.1, 0.5)
    assert abs(convergence_measure(0.1, lower, 0.5) - 0.2) < 1e-12
    assert abs(convergence_measure(0.1, upper, 0.5) - 0.2) < 1e-12
