"""Tests for began_lite.began: L, the k_t controller, M_global, sample_z and one BEGAN step."""

import copy

import pytest
import torch

from began_lite import began, nets
from began_lite.errors import UserError


pytestmark = pytest.mark.usefixtures("one_torch_thread")

V = torch.tensor([[1.0, -1.0], [0.5, 0.0]]).reshape(2, 1, 1, 2)
DV = torch.tensor([[0.0, 0.0], [0.0, 1.0]]).reshape(2, 1, 1, 2)


def test_reconstruction_loss_by_hand():
    # |v - D(v)| = [[1, 1], [0.5, 1]]
    assert torch.allclose(began.reconstruction_loss(V, DV, 1, per_image=True),
                          torch.tensor([1.0, 0.75]))
    assert began.reconstruction_loss(V, DV, 1).item() == pytest.approx(0.875)
    assert torch.allclose(began.reconstruction_loss(V, DV, 2, per_image=True),
                          torch.tensor([1.0, 0.625]))
    assert began.reconstruction_loss(V, DV, 2).item() == pytest.approx(0.8125)
    assert began.reconstruction_loss(V, DV).shape == ()


def test_reconstruction_loss_float32_and_bad_eta():
    loss = began.reconstruction_loss(V.bfloat16(), DV.bfloat16())
    assert loss.dtype == torch.float32
    with pytest.raises(UserError, match="eta"):
        began.reconstruction_loss(V, DV, eta=3)


def test_kt_update_value_and_clipping():
    assert began.kt_update(0.5, 0.2, 0.05, gamma=0.5, lambda_k=0.1) == pytest.approx(0.505)
    assert began.kt_update(0.5, 0.2, 0.3, gamma=0.5, lambda_k=0.1) == pytest.approx(0.48)
    assert began.kt_update(0.999, 1.0, 0.0, gamma=1.0, lambda_k=0.1) == 1.0
    assert began.kt_update(0.001, 0.0, 1.0, gamma=1.0, lambda_k=0.1) == 0.0
    k = began.kt_update(torch.tensor(0.5), torch.tensor(0.2), torch.tensor(0.05), 0.5, 0.1)
    assert isinstance(k, float) and k == pytest.approx(0.505)


def test_convergence_measure():
    assert began.convergence_measure(0.2, 0.3, gamma=0.5) == pytest.approx(0.4)
    assert began.convergence_measure(0.2, 0.05, gamma=0.5) == pytest.approx(0.25)
    m = began.convergence_measure(torch.tensor(0.2), torch.tensor(0.1), 0.5)
    assert isinstance(m, float) and m == pytest.approx(0.2)


def test_sample_z_range_and_determinism():
    z = began.sample_z(4000, 8, torch.Generator().manual_seed(3))
    assert z.shape == (4000, 8) and z.dtype == torch.float32
    assert z.min() >= -1 and z.max() <= 1
    assert z.min() < -0.99 and z.max() > 0.99 and abs(z.mean()) < 0.02
    again = began.sample_z(4000, 8, torch.Generator().manual_seed(3), device="cpu")
    other = began.sample_z(4000, 8, torch.Generator().manual_seed(4))
    assert torch.equal(z, again) and not torch.equal(z, other)


def _setup(seed=0, size=8, z_dim=4):
    torch.manual_seed(seed)
    g, d = nets.build_began(size, channels=1, n=4, h=4, z_dim=z_dim, repeat=1)
    opt_g = torch.optim.Adam(g.parameters(), lr=1e-3)
    opt_d = torch.optim.Adam(d.parameters(), lr=1e-3)
    real = torch.rand(4, 1, size, size) * 2 - 1
    return g, d, opt_g, opt_d, real


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def _same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_step_updates_both_and_returns_new_k():
    g, d, opt_g, opt_d, real = _setup()
    g0, d0 = _params(g), _params(d)
    r = began.began_step(g, d, opt_g, opt_d, real, 0.3, gamma=0.5, lambda_k=0.01, z_dim=4,
                         rng=torch.Generator().manual_seed(1))
    values = [r.loss_real, r.loss_fake, r.loss_d, r.loss_g, r.k, r.M]
    assert all(isinstance(v, float) and torch.isfinite(torch.tensor(v)) for v in values)
    assert r.k == began.kt_update(0.3, r.loss_real, r.loss_fake, 0.5, 0.01)
    assert r.M == began.convergence_measure(r.loss_real, r.loss_fake, 0.5)
    assert r.loss_g == r.loss_fake
    assert not _same(g0, _params(g)) and not _same(d0, _params(d))


@pytest.mark.parametrize("gamma, k, up", [(100.0, 0.0, True), (0.0, 0.5, False)])
def test_k_moves_toward_equilibrium(gamma, k, up):
    # gamma L(x) far above L(G(z)) pushes k up; gamma = 0 leaves only -L(G(z)), so k drops.
    g, d, opt_g, opt_d, real = _setup()
    r = began.began_step(g, d, opt_g, opt_d, real, k, gamma=gamma, lambda_k=0.001, z_dim=4)
    assert (r.k > k) if up else (r.k < k)


def test_d_step_loss_with_k_zero_is_loss_real():
    g, d, opt_g, opt_d, real = _setup()
    r = began.began_step(g, d, opt_g, opt_d, real, 0.0, gamma=0.5, lambda_k=0.001, z_dim=4)
    assert r.loss_d == pytest.approx(r.loss_real, rel=1e-6)


def test_both_networks_step_from_the_same_d():
    # Simultaneous update: when D's optimizer steps, G's gradients already exist (G's loss was
    # measured by the D of before the step), G has not moved, and D holds no gradient from L_G.
    g, d, opt_g, opt_d, real = _setup()
    g0, d0 = _params(g), _params(d)
    seen = {}
    d_step = opt_d.step

    def spy_step(*args, **kwargs):
        seen["d_before"] = _params(d)
        seen["g_at_d_step"] = _params(g)
        seen["g_grads"] = [p.grad is not None for p in g.parameters()]
        return d_step(*args, **kwargs)

    opt_d.step = spy_step
    began.began_step(g, d, opt_g, opt_d, real, 0.5, gamma=0.5, lambda_k=0.001, z_dim=4)
    assert _same(seen["d_before"], d0)  # D's weights were untouched until D's own step
    assert _same(seen["g_at_d_step"], g0)
    assert all(seen["g_grads"])
    assert not _same(g0, _params(g)) and not _same(d0, _params(d))


def _pull_away_by_hand(e):
    """EBGAN's f_PT written as its double sum over distinct pairs."""
    count, total = len(e), 0.0
    for i in range(count):
        for j in range(count):
            if i != j:
                total = total + (e[i] @ e[j] / (e[i].norm() * e[j].norm())) ** 2
    return total / (count * (count - 1))


def test_pull_away_by_hand():
    e = torch.tensor([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    # cos^2 pairs: (1,2) 0, (1,3) 1/2, (2,3) 1/2, each counted twice, over 3 * 2 ordered pairs
    assert began.pull_away(e).item() == pytest.approx(2 * (0.5 + 0.5) / 6)
    assert began.pull_away(torch.ones(4, 3)).item() == pytest.approx(1.0)
    e = torch.randn(5, 7)
    assert began.pull_away(e).item() == pytest.approx(_pull_away_by_hand(e).item(), rel=1e-5)


def _reference_step(g, d, opt_g, opt_d, real, k, gamma, lambda_k, z_dim, rng, pull_away=0.0,
                    shared_z=False):
    """The paper's eq. 4 written out plainly: both losses from the same D_t, separate D calls,
    separate z_D and z_G (one z if shared_z), then both updates; D's gradient only from L_D,
    G's only from L_G."""
    z_d = torch.rand(len(real), z_dim, generator=rng) * 2 - 1
    z_g = z_d if shared_z else torch.rand(len(real), z_dim, generator=rng) * 2 - 1
    loss_real = (real - d(real)).abs().mean()
    fake_d = g(z_d).detach()
    loss_d = loss_real - k * (fake_d - d(fake_d)).abs().mean()
    fake_g = g(z_g)
    loss_g = (fake_g - d(fake_g)).abs().mean()
    objective_g = loss_g + pull_away * _pull_away_by_hand(d.encode(fake_g))
    d_grads = torch.autograd.grad(loss_d, list(d.parameters()))
    g_grads = torch.autograd.grad(objective_g, list(g.parameters()))
    for params, grads in ((d.parameters(), d_grads), (g.parameters(), g_grads)):
        for p, grad in zip(params, grads):
            p.grad = grad
    opt_d.step()
    opt_g.step()
    return k + lambda_k * (gamma * loss_real.item() - loss_g.item())


@pytest.mark.parametrize("shared_z", [False, True])
@pytest.mark.parametrize("pull_away", [0.0, 0.5])
def test_step_matches_reference_and_draws_its_z(pull_away, shared_z):
    # shared_z: BEGAN-tensorflow's one z, computed in one D pass and one backward pass.
    g, d, opt_g, opt_d, real = _setup()
    g2, d2 = copy.deepcopy(g), copy.deepcopy(d)
    opt_g2 = torch.optim.Adam(g2.parameters(), lr=1e-3)
    opt_d2 = torch.optim.Adam(d2.parameters(), lr=1e-3)
    rng, rng2 = torch.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    for k in (0.2, 0.4):  # two steps: the second sees weights both versions updated
        r = began.began_step(g, d, opt_g, opt_d, real, k, gamma=0.7, lambda_k=0.05, z_dim=4,
                             rng=rng, pull_away_weight=pull_away, shared_z=shared_z)
        k2 = _reference_step(g2, d2, opt_g2, opt_d2, real, k, 0.7, 0.05, 4, rng2, pull_away,
                             shared_z)
        assert r.k == pytest.approx(k2, abs=1e-6)
    for a, b in zip(list(g.parameters()) + list(d.parameters()),
                    list(g2.parameters()) + list(d2.parameters())):
        assert torch.allclose(a, b, atol=1e-6)
    assert torch.equal(rng.get_state(), rng2.get_state())


def test_step_differs_from_alternating_update():
    # Stepping G against the already-updated D (the alternating order) gives other weights:
    # the test above would notice a step that quietly went back to it.
    g, d, opt_g, opt_d, real = _setup()
    g2, d2 = copy.deepcopy(g), copy.deepcopy(d)
    opt_g2 = torch.optim.Adam(g2.parameters(), lr=1e-3)
    opt_d2 = torch.optim.Adam(d2.parameters(), lr=1e-3)
    began.began_step(g, d, opt_g, opt_d, real, 0.2, gamma=0.7, lambda_k=0.05, z_dim=4,
                     rng=torch.Generator().manual_seed(7))
    rng = torch.Generator().manual_seed(7)
    z_d = torch.rand(len(real), 4, generator=rng) * 2 - 1
    z_g = torch.rand(len(real), 4, generator=rng) * 2 - 1
    fake = g2(z_d).detach()
    loss_d = (real - d2(real)).abs().mean() - 0.2 * (fake - d2(fake)).abs().mean()
    opt_d2.zero_grad(), loss_d.backward(), opt_d2.step()
    fake = g2(z_g)
    opt_g2.zero_grad(), (fake - d2(fake)).abs().mean().backward(), opt_g2.step()
    assert all(torch.allclose(a, b) for a, b in zip(d.parameters(), d2.parameters()))
    assert not all(torch.allclose(a, b, atol=1e-7) for a, b in zip(g.parameters(), g2.parameters()))


def test_reduce_mean_is_applied_before_k_and_m():
    g, d, opt_g, opt_d, real = _setup()
    calls = []

    def reduce_mean(t):
        calls.append(t)
        return t + 1.0

    r = began.began_step(g, d, opt_g, opt_d, real, 0.5, gamma=0.5, lambda_k=0.1, z_dim=4,
                         reduce_mean=reduce_mean)
    assert len(calls) == 2 and all(t.dim() == 0 for t in calls)
    assert r.loss_real == pytest.approx(calls[0].item() + 1.0)
    assert r.loss_fake == pytest.approx(calls[1].item() + 1.0)
    assert r.loss_g == pytest.approx(calls[1].item())
    assert r.k == began.kt_update(0.5, r.loss_real, r.loss_fake, 0.5, 0.1)
    assert r.M == began.convergence_measure(r.loss_real, r.loss_fake, 0.5)


def test_bf16_autocast_on_cpu():
    g, d, opt_g, opt_d, real = _setup(size=16)
    g0 = _params(g)
    r = began.began_step(g, d, opt_g, opt_d, real, 0.0, gamma=0.5, lambda_k=0.001, z_dim=4,
                         autocast_dtype=torch.bfloat16, eta=2)
    assert all(torch.isfinite(torch.tensor(v)) for v in (r.loss_real, r.loss_fake, r.M))
    assert all(p.dtype == torch.float32 for p in g.parameters())
    assert not _same(g0, _params(g))
