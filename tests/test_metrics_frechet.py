"""Fréchet distance against closed forms for Gaussians."""
import numpy as np
import pytest
import torch

from began_lite.errors import UserError
from began_lite.metrics.frechet import frechet_distance, gaussian_frechet_distance


def _random_covariance(rng, d):
    """A random symmetric positive definite (d, d) matrix."""
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.1 * np.eye(d)


def test_diagonal_closed_form():
    mu_a, mu_b = np.array([0.0, 1.0, -2.0]), np.array([1.0, 1.0, 0.5])
    std_a, std_b = np.array([1.0, 2.0, 0.5]), np.array([3.0, 0.5, 0.5])
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((std_a - std_b) ** 2)
    got = gaussian_frechet_distance(mu_a, np.diag(std_a**2), mu_b, np.diag(std_b**2))
    assert got == pytest.approx(expected, rel=1e-12)


def test_general_covariances_match_eigenvalues_of_product():
    # tr sqrt(A B) = sum of square roots of the (real, non-negative) eigenvalues of A B
    rng = np.random.default_rng(0)
    sigma_a, sigma_b = _random_covariance(rng, 6), _random_covariance(rng, 6)
    mu_a, mu_b = rng.normal(size=6), rng.normal(size=6)
    cross = np.sqrt(np.linalg.eigvals(sigma_a @ sigma_b).real).sum()
    expected = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a + sigma_b) - 2 * cross
    got = gaussian_frechet_distance(mu_a, sigma_a, mu_b, sigma_b)
    assert got == pytest.approx(expected, rel=1e-9)
    assert gaussian_frechet_distance(mu_b, sigma_b, mu_a, sigma_a) == pytest.approx(got, rel=1e-9)


def test_samples_approach_the_closed_form():
    rng = np.random.default_rng(1)
    std_a, std_b = np.array([1.0, 0.5]), np.array([2.0, 0.5])
    a = rng.normal(size=(200_000, 2)) * std_a
    b = rng.normal(size=(200_000, 2)) * std_b + np.array([1.0, 0.0])
    expected = 1.0 + np.sum((std_a - std_b) ** 2)
    assert frechet_distance(a, b) == pytest.approx(expected, abs=0.02)


def test_identical_sets_are_zero_and_shifts_add_their_squared_length():
    features = torch.randn(500, 16, generator=torch.Generator().manual_seed(2))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)
    shift = torch.arange(16, dtype=torch.float32) / 16
    assert frechet_distance(features, features + shift) == pytest.approx(
        float((shift.double() ** 2).sum()), abs=1e-6)


def test_singular_covariances_stay_exact():
    # features with many constant (dead) columns, as a ReLU feature layer gives; square roots of
    # round-off eigenvalues in the dead directions would cost about 1e-8 of relative error here;
    # this way stays under 5e-9 (2.0e-9 measured on an AMD EPYC, under 1e-9 on an Intel Xeon)
    rng = np.random.default_rng(3)
    features = np.zeros((500, 64))
    features[:, :28] = rng.gamma(2.0, 1.0, size=(500, 28)) @ rng.normal(size=(28, 28)) * 10
    shift = np.linspace(0.0, 0.1, 64)
    assert frechet_distance(features, features + shift) == pytest.approx(np.sum(shift**2),
                                                                       rel=5e-9)
    sigma = np.cov(features, rowvar=False)
    expected = np.sum((0.1 * features.mean(0)) ** 2) + 0.01 * np.trace(sigma)
    assert frechet_distance(features, 1.1 * features) == pytest.approx(expected, rel=1e-9)


def test_one_feature_column():
    a, b = np.array([[0.0], [2.0]]), np.array([[1.0], [5.0]])
    # means 1 and 3, standard deviations sqrt(2) and sqrt(8) with N - 1 in the denominator
    assert frechet_distance(a, b) == pytest.approx(4.0 + (np.sqrt(2) - np.sqrt(8)) ** 2)


@pytest.mark.parametrize("a, b", [
    (np.zeros((10, 3)), np.zeros((10, 4))),
    (np.zeros(10), np.zeros((10, 1))),
    (np.zeros((1, 3)), np.zeros((10, 3))),
    (np.full((10, 3), np.nan), np.zeros((10, 3))),
])
def test_bad_input_is_a_user_error(a, b):
    with pytest.raises(UserError):
        frechet_distance(a, b)
