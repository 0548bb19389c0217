"""The Part I checkers pass correct answers and fail common mistakes."""
import math

import numpy as np
import torch
import torch.nn.functional as F

from began_lite.exercises.part1 import (check_c_of_g_uniform, check_clip_catch_probability,
                                        check_jsd, check_nonsaturating_divergence,
                                        check_nonsaturating_loss, check_parzen, check_parzen_bias,
                                        clip_catch_probability, frozen_d_star_gradients,
                                        measure_clip_catch, measure_parzen_bias,
                                        nonsaturating_divergence, parzen_bias,
                                        uniform_c_of_g_on_grid)
from began_lite.theory import jsd, kl


def test_nonsaturating_checker_wants_a_stable_loss(capsys):
    assert check_nonsaturating_loss(lambda logits: F.softplus(-logits).mean())
    assert not check_nonsaturating_loss(lambda logits: -torch.log(torch.sigmoid(logits)).mean())
    assert not check_nonsaturating_loss(lambda logits: -F.softplus(logits).mean())  # saturating
    assert "✗" in capsys.readouterr().out


def reader_jsd(p, q):
    m = (p + q) / 2
    kl = lambda a, b: sum(x * math.log(x / y) for x, y in zip(a, b) if x > 0)  # noqa: E731
    return kl(p, m) / 2 + kl(q, m) / 2


def test_jsd_checker():
    assert check_jsd(reader_jsd)
    assert not check_jsd(lambda p, q: reader_jsd(p, q) / math.log(2))  # bits, not nats
    with np.errstate(all="ignore"):
        assert not check_jsd(lambda p, q: float(np.sum(p * np.log(p / q))))  # KL, not JSD


def reader_parzen(samples, x, sigma, stable=True):
    sq = ((x[:, None, :] - samples[None]) ** 2).sum(-1) / (2 * sigma**2)
    log_norm = -math.log(len(samples)) - x.shape[1] / 2 * math.log(2 * math.pi * sigma**2)
    if stable:
        return torch.logsumexp(-sq, dim=1) + log_norm
    return torch.log(torch.exp(-sq).sum(1)) + log_norm


def test_parzen_checker_wants_log_sum_exp():
    assert check_parzen(reader_parzen)
    assert not check_parzen(lambda s, x, sigma: reader_parzen(s, x, sigma, stable=False))


def test_clip_catch_formula_matches_a_simulation():
    share, error = measure_clip_catch(0.2, 0.4, draws=100_000, seed=1)
    assert abs(share - clip_catch_probability(0.2, 0.4)) < 4 * error


def test_clip_catch_checker(capsys):
    assert check_clip_catch_probability(
        lambda lambda_k, loss_max: lambda_k * loss_max * (0.973 / 6.3 - 0.325 + 0.5))
    out = capsys.readouterr().out
    assert "yours 6.58889e-05, true 6.58889e-05" in out and "45,465 random cases" in out
    assert "yours 0.0164722, true 0.0164722, measured in 200,000 random cases" in out
    assert not check_clip_catch_probability(lambda lambda_k, loss_max: lambda_k * loss_max / 2)
    assert not check_clip_catch_probability(lambda lambda_k, loss_max: 1 / 0)
    assert "raised ZeroDivisionError" in capsys.readouterr().out


def test_nonsaturating_divergence_is_what_the_frozen_d_star_gradient_follows():
    x = np.linspace(-10, 10, 2001)
    dx, h = x[1] - x[0], 1e-4
    p_data = np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)
    ends = [np.exp(-(x - 1 - s * h) ** 2 / (2 * 1.3**2)) / (1.3 * np.sqrt(2 * np.pi))
            for s in (1, -1)]
    slope = (nonsaturating_divergence(p_data, ends[0], dx)
             - nonsaturating_divergence(p_data, ends[1], dx)) / (2 * h)
    nonsat, sat = frozen_d_star_gradients(x)
    assert abs(slope - nonsat) < 1e-5
    assert abs(2 * (jsd(p_data, ends[0], dx) - jsd(p_data, ends[1], dx)) / (2 * h) - sat) < 1e-5


def test_nonsaturating_divergence_checker(capsys):
    assert check_nonsaturating_divergence(lambda p, q, dx: kl(q, p, dx) - 2 * jsd(p, q, dx) + 1.5)
    assert "yours 0.701483, true 0.701483" in capsys.readouterr().out
    assert not check_nonsaturating_divergence(lambda p, q, dx: kl(q, p, dx))  # the KL alone
    assert not check_nonsaturating_divergence(lambda p, q, dx: 2 * jsd(p, q, dx))  # saturating


def test_uniform_c_of_g_checker(capsys):
    right = lambda s: (min(abs(s), 1) - 1) * math.log(4)  # noqa: E731
    assert check_c_of_g_uniform(right)
    assert "measured on a grid of spacing 1e-4: -1.03972" in capsys.readouterr().out
    assert not check_c_of_g_uniform(lambda s: (min(s, 1) - 1) * math.log(4))  # forgets s < 0
    assert not check_c_of_g_uniform(lambda s: (abs(s) - 1) * math.log(4))  # never saturates
    assert abs(uniform_c_of_g_on_grid(0.25) - right(0.25)) < 1e-3


def test_parzen_bias_checker(capsys, one_torch_thread):
    def right(sigma, d):
        return d / 2 * (sigma**2 / (1 + sigma**2) - math.log1p(sigma**2))

    assert check_parzen_bias(right)
    out = capsys.readouterr().out
    assert "sigma = 2, d = 2: yours -0.809438, true -0.809438, measured with 4,000 samples" in out
    assert not check_parzen_bias(lambda sigma, d: -d / 2 * math.log1p(sigma**2))  # no spread term
    assert not check_parzen_bias(lambda sigma, d: right(sigma, 1))  # per dimension, not in d


def test_parzen_bias_matches_a_simulation(one_torch_thread):
    mean, error = measure_parzen_bias(2.0, 2)
    assert abs(mean - parzen_bias(2.0, 2)) < 3 * error
