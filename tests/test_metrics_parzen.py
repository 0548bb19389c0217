"""Parzen-window log-likelihood against a brute-force computation (Goodfellow et al. 2014, 5)."""
import math

import numpy as np
import pytest
import torch

from began_lite.errors import UserError
from began_lite.metrics import parzen_log_density, parzen_log_likelihood, select_parzen_sigma


def brute_force(samples, x, sigma):
    """log of the mean of Gaussian densities, written naively with products of 1-D densities."""
    out = []
    for point in x:
        total = 0.0
        for s in samples:
            total += np.prod(np.exp(-(point - s) ** 2 / (2 * sigma**2)) /
                             math.sqrt(2 * math.pi * sigma**2))
        out.append(math.log(total / len(samples)))
    return np.array(out)


def test_matches_brute_force_in_small_dimensions():
    rng = np.random.default_rng(0)
    samples, x = rng.normal(size=(7, 3)), rng.normal(size=(5, 3))
    for sigma in (0.3, 1.0, 2.5):
        got = parzen_log_density(samples, x, sigma, batch_size=2).numpy()
        np.testing.assert_allclose(got, brute_force(samples, x, sigma), rtol=1e-10)


def test_one_sample_gives_the_gaussian_log_density():
    x = torch.tensor([[0.5, -1.0]])
    expected = -0.5 * (0.25 + 1.0) / 0.49 - math.log(2 * math.pi * 0.49)
    assert parzen_log_density(torch.zeros(1, 2), x, 0.7).item() == pytest.approx(expected)


def test_log_sum_exp_survives_where_naive_exp_underflows():
    samples = torch.zeros(3, 1024)
    test = torch.full((4, 1024), 0.5)  # squared distance 256, over 2 sigma^2 = 0.02: exp(-12800)
    ll = parzen_log_density(samples, test, 0.1)
    expected = -12800 - 512 * math.log(2 * math.pi * 0.01)
    assert torch.isfinite(ll).all()
    assert ll[0].item() == pytest.approx(expected, rel=1e-9)


def test_mean_and_standard_error():
    rng = np.random.default_rng(1)
    samples, test = rng.normal(size=(20, 2)), rng.normal(size=(9, 2))
    per_point = brute_force(samples, test, 0.8)
    mean, se = parzen_log_likelihood(samples, test, 0.8, batch_size=4)
    assert mean == pytest.approx(per_point.mean())
    assert se == pytest.approx(per_point.std(ddof=1) / 3.0)


def test_images_are_flattened_and_sigma_selection_picks_the_best():
    gen = torch.Generator().manual_seed(0)
    samples = torch.rand(50, 1, 4, 4, generator=gen)
    validation = torch.rand(30, 1, 4, 4, generator=gen)
    sigmas = [0.01, 0.1, 0.3, 3.0]
    best, scores = select_parzen_sigma(samples, validation, sigmas)
    assert len(scores) == 4 and scores[sigmas.index(best)] == max(scores)
    assert best not in (0.01, 3.0)  # both extremes fit uniform pixels badly
    assert scores[0] == pytest.approx(parzen_log_density(samples.flatten(1), validation.flatten(1),
                                                         0.01).mean().item())


def test_bad_inputs():
    with pytest.raises(UserError, match="flatten"):
        parzen_log_density(torch.zeros(3, 4), torch.zeros(2, 5), 1.0)
    with pytest.raises(UserError, match="sigma"):
        parzen_log_density(torch.zeros(3, 4), torch.zeros(2, 4), 0.0)
    with pytest.raises(UserError, match="empty"):
        parzen_log_likelihood(torch.zeros(0, 4), torch.zeros(2, 4), 1.0)
    with pytest.raises(UserError, match="at least 2"):
        parzen_log_likelihood(torch.zeros(3, 4), torch.zeros(1, 4), 1.0)
