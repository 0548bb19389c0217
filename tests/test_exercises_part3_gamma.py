"""Chapter 10 checkers: right answers pass, typical wrong ones fail, the simulations are right."""
import pytest

from began_lite.exercises.part3_gamma import (PAPER_SIGNS, check_ratio_from_k, check_trend_signs,
                                              simulated_run)


def ratio_from_k(k_start, k_end, mean_loss_real, gamma, lambda_k, steps):
    """The chapter's solution: k_end - k_start = lambda_k * steps * (gamma mean L(x) - mean L(G(z)))."""
    return gamma - (k_end - k_start) / (lambda_k * steps * mean_loss_real)


def test_trend_signs_right_answer_passes(capsys):
    assert check_trend_signs({"diversity": 1, "quality": -1}, {"diversity": 0.4, "quality": -1.0})
    out = capsys.readouterr().out
    assert out.count("✓") == 2 and "rank correlation +0.40" in out and "-1.00" in out


@pytest.mark.parametrize("wrong", [{"diversity": -1, "quality": 1}, {"diversity": 1, "quality": 1},
                                   {"diversity": 1}, {"diversity": 1.0, "quality": 0},
                                   (1, -1), None])
def test_trend_signs_wrong_answers_fail(wrong, capsys):
    assert not check_trend_signs(wrong)
    assert "✗" in capsys.readouterr().out


def test_paper_signs():
    assert PAPER_SIGNS == {"diversity": 1, "quality": -1}


def test_simulated_runs_stay_clear_and_vary():
    ratios = []
    for seed in range(6):
        case, ratio = simulated_run(seed)
        k_start, k_end, mean_real, gamma, lambda_k, steps = case
        assert 0 < k_end < 1 and steps >= 20
        ratios.append(ratio / gamma)
    assert max(ratios) - min(ratios) > 0.1  # not all at equilibrium: k's drift carries the answer


def test_ratio_from_k_solution_passes(capsys):
    assert check_ratio_from_k(ratio_from_k)
    assert "✓ L(G(z)) / L(x)" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [
    lambda k0, k1, x, gamma, lam, n: gamma,                              # assumes equilibrium
    lambda k0, k1, x, gamma, lam, n: gamma + (k1 - k0) / (lam * n * x),  # sign of the drift flipped
    lambda k0, k1, x, gamma, lam, n: gamma - (k1 - k0) / (lam * n),      # forgot to divide by L(x)
    lambda k0, k1, x, gamma, lam, n: 1 - (k1 - k0) / (lam * n * x),      # gamma left out
])
def test_ratio_from_k_wrong_answers_fail(wrong, capsys):
    assert not check_ratio_from_k(wrong)
    assert "✗" in capsys.readouterr().out
