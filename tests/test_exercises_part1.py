"""The Part I checkers pass correct answers and fail common mistakes."""
import math

import numpy as np
import torch
import torch.nn.functional as F

from began_lite.exercises.part1 import check_jsd, check_nonsaturating_loss, check_parzen


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
