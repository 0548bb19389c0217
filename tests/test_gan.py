"""The two players' losses and one step of Algorithm 1 (Goodfellow et al. 2014)."""
import math

import pytest
import torch
from torch import nn

from began_lite.errors import UserError
from began_lite.gan import (algorithm1_step, discriminator_loss, generator_loss_nonsaturating,
                            generator_loss_saturating)


def naive(logits, fn):
    """The loss written with probabilities, as in the paper (fine for moderate logits)."""
    return fn(torch.sigmoid(logits)).mean()


def test_losses_match_the_paper_formulas_for_moderate_logits():
    real, fake = torch.tensor([0.3, -1.2, 2.0]), torch.tensor([-0.5, 1.5, 0.1])
    expected_d = -(naive(real, torch.log) + naive(fake, lambda d: torch.log(1 - d)))
    torch.testing.assert_close(discriminator_loss(real, fake), expected_d)
    torch.testing.assert_close(generator_loss_saturating(fake),
                               naive(fake, lambda d: torch.log(1 - d)))
    torch.testing.assert_close(generator_loss_nonsaturating(fake), -naive(fake, torch.log))


def test_losses_stay_finite_for_extreme_logits():
    extreme = torch.tensor([-200.0, 200.0])
    for loss in (discriminator_loss(extreme, extreme), generator_loss_saturating(extreme),
                 generator_loss_nonsaturating(extreme)):
        assert torch.isfinite(loss)
    assert generator_loss_nonsaturating(torch.tensor([-200.0])).item() == pytest.approx(200.0)


def test_value_at_d_equal_half_is_minus_log4():
    zeros = torch.zeros(5)
    assert discriminator_loss(zeros, zeros).item() == pytest.approx(math.log(4))


def test_saturating_gradient_vanishes_where_nonsaturating_does_not():
    a = torch.tensor([math.log(0.01 / 0.99)], requires_grad=True)  # D(G(z)) = 0.01
    (g_sat,) = torch.autograd.grad(generator_loss_saturating(a), a)
    (g_non,) = torch.autograd.grad(generator_loss_nonsaturating(a), a)
    assert g_sat.item() == pytest.approx(-0.01)
    assert g_non.item() == pytest.approx(-0.99)


class CountingSGD(torch.optim.SGD):
    """SGD that counts its steps."""

    def __init__(self, params, lr):
        super().__init__(params, lr=lr)
        self.steps = 0

    def step(self, closure=None):
        self.steps += 1
        return super().step(closure)


def make_players(seed=0):
    torch.manual_seed(seed)
    G, D = nn.Linear(2, 1), nn.Linear(1, 1)
    return G, D, CountingSGD(G.parameters(), 0.1), CountingSGD(D.parameters(), 0.1)


def sample_real(m):
    return torch.randn(m, 1) + 3.0


@pytest.mark.parametrize("k", [1, 3])
def test_algorithm1_step_takes_k_d_steps_then_one_g_step(k):
    G, D, opt_g, opt_d = make_players()
    before = [p.detach().clone() for p in (*G.parameters(), *D.parameters())]
    out = algorithm1_step(G, D, opt_g, opt_d, sample_real, 2, 8, k=k,
                          generator=torch.Generator().manual_seed(1))
    after = list((*G.parameters(), *D.parameters()))
    assert all(not torch.equal(b, a) for b, a in zip(before, after))
    assert (opt_d.steps, opt_g.steps, out["d_steps"]) == (k, 1, k)
    assert out["value"] == pytest.approx(-out["loss_d"])
    assert 0 < out["d_real"] < 1 and 0 < out["d_fake"] < 1


def test_algorithm1_step_is_repeatable_and_uses_the_chosen_generator_loss():
    runs = []
    for nonsaturating in (True, True, False):
        G, D, opt_g, opt_d = make_players()
        torch.manual_seed(5)  # sample_real uses the global generator
        runs.append(algorithm1_step(G, D, opt_g, opt_d, sample_real, 2, 8,
                                    nonsaturating=nonsaturating,
                                    generator=torch.Generator().manual_seed(1)))
    assert runs[0] == runs[1]
    assert runs[0]["loss_d"] == runs[2]["loss_d"]
    assert runs[0]["loss_g"] > 0 > runs[2]["loss_g"]  # -log D > 0 and log(1 - D) < 0


def test_algorithm1_step_d_step_leaves_g_alone():
    G, D, opt_g, _ = make_players()
    opt_g_frozen = torch.optim.SGD(G.parameters(), lr=0.0)
    g_before = [p.detach().clone() for p in G.parameters()]
    algorithm1_step(G, D, opt_g_frozen, torch.optim.SGD(D.parameters(), lr=0.1), sample_real, 2,
                    8, k=2)
    assert all(torch.equal(b, a) for b, a in zip(g_before, G.parameters()))


def test_algorithm1_step_rejects_bad_k():
    G, D, opt_g, opt_d = make_players()
    with pytest.raises(UserError, match="k >= 1"):
        algorithm1_step(G, D, opt_g, opt_d, sample_real, 2, 8, k=0)
