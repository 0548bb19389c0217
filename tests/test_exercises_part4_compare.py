"""Chapter 15 checkers: right answers pass, typical wrong ones fail, the reference values are right."""
import math

import numpy as np
import pytest

from began_lite.exercises.part4_compare import (check_collapsed_parzen, check_separation,
                                                collapsed_parzen, separation)
from began_lite.metrics import parzen_log_likelihood, select_parzen_sigma


def welch(a, b):
    """The chapter's solution."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))


def test_separation_by_hand():
    # means 2 and 0; sample variances 2 and 2; standard error sqrt(2/2 + 2/2) = sqrt(2)
    assert separation([1.0, 3.0], [-1.0, 1.0]) == pytest.approx(2 / math.sqrt(2))
    assert separation([5.0, 6.0, 7.0], [5.0, 6.0, 7.0]) == 0.0


def test_separation_checker_passes_the_solution(capsys):
    measured = {"GAN": [850.0, 830.0], "BEGAN": [1120.0, 1130.0], "alpha-GAN": [790.0, 760.0]}
    assert check_separation(welch, measured, "FD")
    out = capsys.readouterr().out
    assert "✓ Welch's t over seeds" in out
    assert out.count("yours") == 3 and "FD GAN vs BEGAN" in out and "2 and 2 seeds" in out


@pytest.mark.parametrize("wrong", [
    lambda a, b: np.mean(a) - np.mean(b),                                       # no noise scale
    lambda a, b: (np.mean(a) - np.mean(b)) / math.sqrt(np.var(a) / len(a) + np.var(b) / len(b)),
    lambda a, b: (np.mean(a) - np.mean(b)) / math.sqrt(np.var(a, ddof=1) + np.var(b, ddof=1)),
    lambda a, b: (np.mean(a) - np.mean(b)) / (np.std(a, ddof=1) + np.std(b, ddof=1)),
    lambda a, b: (np.mean(b) - np.mean(a)) / math.sqrt(np.var(a, ddof=1) / len(a)
                                                       + np.var(b, ddof=1) / len(b)),
])
def test_separation_checker_fails_wrong_answers(wrong, capsys):
    assert not check_separation(wrong)
    assert "✗" in capsys.readouterr().out


def test_collapsed_parzen_is_the_best_of_a_fine_grid():
    rng = np.random.default_rng(0)
    sample, points = rng.uniform(0, 1, (1, 50)), rng.uniform(0, 1, (40, 50))
    sq = ((points - sample) ** 2).sum(1)
    sigma, best = collapsed_parzen(sq, 50)
    assert parzen_log_likelihood(sample, points, sigma)[0] == pytest.approx(best, rel=1e-9)
    grid = np.linspace(sigma * 0.5, sigma * 1.5, 201)
    found, scores = select_parzen_sigma(sample, points, grid)
    assert found == pytest.approx(sigma, rel=0.01) and max(scores) <= best + 1e-9


def test_collapsed_parzen_checker_passes_the_solution(capsys):
    def solution(sq_distances, d):
        variance = np.mean(sq_distances) / d
        return math.sqrt(variance), -d / 2 * (1 + math.log(2 * math.pi * variance))

    assert check_collapsed_parzen(solution, np.array([40.0, 60.0]), 784, -100.0, {"GAN": -355.4})
    out = capsys.readouterr().out
    assert "✓ Parzen window on one image" in out and "a fine grid of sigma finds -100.0" in out
    assert "GAN: -355.4" in out


@pytest.mark.parametrize("wrong", [
    lambda sq, d: (math.sqrt(np.mean(sq)), -np.mean(sq) / 2),                  # d forgotten
    lambda sq, d: (math.sqrt(np.mean(sq) / d), -d / 2 * math.log(2 * math.pi * np.mean(sq) / d)),
    lambda sq, d: (np.mean(sq) / d, -d / 2 * (1 + math.log(2 * math.pi * np.mean(sq) / d))),
    lambda sq, d: (math.sqrt(np.median(sq) / d),
                   -d / 2 * (1 + math.log(2 * math.pi * np.median(sq) / d))),
])
def test_collapsed_parzen_checker_fails_wrong_answers(wrong, capsys):
    assert not check_collapsed_parzen(wrong)
    assert "✗" in capsys.readouterr().out
