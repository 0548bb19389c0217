"""alpha-GAN: the losses against hand-computed numbers, the shapes of the four networks, and one
Algorithm 1 step (every network moves, each by the gradient of its own loss only, in order)."""
import ast
import copy
import math
from pathlib import Path

import pytest
import torch
from torch import nn

from began_lite import alpha_gan
from began_lite.alpha_gan import (NETWORKS, AlphaLosses, alpha_gan_losses, alpha_gan_step,
                                  build_alpha_gan, sample_prior)
from began_lite.nets import count_parameters

pytestmark = pytest.mark.usefixtures("one_torch_thread")
# DESIGN.md's layers: alpha_gan comes after began and may import only the modules before it.
ALLOWED = {"errors", "seeding", "files", "data", "nets", "theory", "gan", "began"}

X = [[0.2, -0.4], [0.6, 0.8]]      # two "images" of 1 x 1 x 2 pixels
Z = [0.5, -1.5]                    # two prior codes of one dimension
W_E, B_E = [0.5, -1.0], 0.1        # E: z^ = W_E . x + B_E
W_G, B_G = [1.0, 2.0], [0.0, -0.5]  # G: pixel j = W_G[j] z + B_G[j]
W_D, B_D = [0.3, -0.2], 0.05       # D: logit = W_D . v + B_D
W_C, B_C = 0.7, -0.1               # C: logit = W_C z + B_C
LAMBDA = 0.5


def linear(weight, bias):
    layer = nn.Linear(len(weight[0]), len(weight))
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        layer.bias.copy_(torch.tensor(bias))
    return layer


def tiny_networks():
    """E, G, D, C as single linear maps with the weights above."""
    encoder = nn.Sequential(nn.Flatten(), linear([W_E], [B_E]))
    generator = nn.Sequential(linear([[w] for w in W_G], B_G), nn.Unflatten(1, (1, 1, 2)))
    discriminator = nn.Sequential(nn.Flatten(), linear([W_D], [B_D]), nn.Flatten(0))
    code = nn.Sequential(linear([[W_C]], [B_C]), nn.Flatten(0))
    return encoder, generator, discriminator, code


def by_hand():
    """Algorithm 1's losses from its formulas, in plain Python floats."""
    def sigmoid(a):
        return 1 / (1 + math.exp(-a))

    def D(v):  # noqa: N802  (the paper's name)
        return sigmoid(W_D[0] * v[0] + W_D[1] * v[1] + B_D)

    def C(z):  # noqa: N802
        return sigmoid(W_C * z + B_C)

    def G(z):  # noqa: N802
        return [W_G[0] * z + B_G[0], W_G[1] * z + B_G[1]]

    z_hat = [W_E[0] * x[0] + W_E[1] * x[1] + B_E for x in X]
    rec_images, gen_images = [G(z) for z in z_hat], [G(z) for z in Z]
    l1 = [abs(x[0] - r[0]) + abs(x[1] - r[1]) for x, r in zip(X, rec_images)]
    rec = LAMBDA * sum(l1) / 2
    adv_rec = sum(-math.log(D(v) / (1 - D(v))) for v in rec_images) / 2
    adv_gen = sum(-math.log(D(v) / (1 - D(v))) for v in gen_images) / 2
    code_adv = sum(-math.log(C(z) / (1 - C(z))) for z in z_hat) / 2
    loss_d = sum(-math.log(D(x)) - math.log(1 - D(r)) - math.log(1 - D(g))
                 for x, r, g in zip(X, rec_images, gen_images)) / 2
    loss_c = sum(-math.log(C(z)) - math.log(1 - C(zh)) for z, zh in zip(Z, z_hat)) / 2
    return {"rec": rec, "adv_rec": adv_rec, "adv_gen": adv_gen, "code_adv": code_adv,
            "loss_e": rec + code_adv, "loss_g": rec + adv_rec + adv_gen,
            "loss_d": loss_d, "loss_c": loss_c}


def test_losses_match_the_formulas_by_hand():
    real = torch.tensor(X).reshape(2, 1, 1, 2)
    z = torch.tensor(Z).reshape(2, 1)
    losses = alpha_gan_losses(*tiny_networks(), real, z, LAMBDA)
    expected = by_hand()
    assert isinstance(losses, AlphaLosses)
    for name, value in expected.items():
        assert getattr(losses, name).item() == pytest.approx(value, abs=1e-6), name
    # One number checked against arithmetic done on paper, so the helper above is right too:
    # z^ = (0.1 + 0.4 + 0.1, 0.3 - 0.8 + 0.1) = (0.6, -0.4); G(0.6) = (0.6, 0.7), G(-0.4) =
    # (-0.4, -1.3); L1 = |0.2 - 0.6| + |-0.4 - 0.7| = 1.5 and |0.6 + 0.4| + |0.8 + 1.3| = 3.1.
    assert losses.rec.item() == pytest.approx(0.5 * (1.5 + 3.1) / 2)


def test_code_discriminator_calls_prior_codes_real():
    # C's logit grows with z: prior codes far above the encoded ones (0.6 and -0.4) are already
    # called real, so C's loss is far smaller than when the prior codes lie far below.
    encoder, generator, discriminator, code = tiny_networks()
    real = torch.tensor(X).reshape(2, 1, 1, 2)
    high, low = torch.full((2, 1), 10.0), torch.full((2, 1), -10.0)
    right = alpha_gan_losses(encoder, generator, discriminator, code, real, high, LAMBDA)
    wrong = alpha_gan_losses(encoder, generator, discriminator, code, real, low, LAMBDA)
    assert right.loss_c < 1 < 7 < wrong.loss_c
    assert right.code_adv == wrong.code_adv  # E's term does not look at the prior codes


def test_networks_shapes_and_prior():
    nets = build_alpha_gan(16, 1, 4, 3, repeat=1, code_hidden=5)
    assert tuple(nets) == NETWORKS
    x = torch.rand(6, 1, 16, 16) * 2 - 1
    z_hat = nets["encoder"](x)
    assert z_hat.shape == (6, 3)
    assert nets["generator"](z_hat).shape == (6, 1, 16, 16)
    assert nets["discriminator"](x).shape == (6,)
    assert nets["code_discriminator"](z_hat).shape == (6,)
    assert count_parameters(nets["code_discriminator"]) == 3 * 5 + 5 + 5 * 5 + 5 + 5 + 1
    z = sample_prior(4000, 3, torch.Generator().manual_seed(0))
    assert torch.equal(z, sample_prior(4000, 3, torch.Generator().manual_seed(0)))
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05  # N(0, I), not BEGAN's U[-1, 1]
    assert z.abs().max() > 1


def small_setup(optimizer=torch.optim.Adam, lr=1e-3):
    torch.manual_seed(0)
    nets = build_alpha_gan(8, 1, 2, 2, repeat=1, code_hidden=4)
    opts = [optimizer(net.parameters(), lr=lr) for net in nets.values()]
    real = torch.rand(4, 1, 8, 8) * 2 - 1
    return list(nets.values()), opts, real


def test_step_moves_every_network_and_returns_finite_losses():
    nets, opts, real = small_setup()
    before = [copy.deepcopy(net.state_dict()) for net in nets]
    result = alpha_gan_step(*nets, *opts, real, lambda_rec=0.1, z_dim=2,
                            rng=torch.Generator().manual_seed(1))
    for name, net, old in zip(NETWORKS, nets, before):
        moved = [not torch.equal(p, old[key]) for key, p in net.state_dict().items()]
        assert all(moved), f"{name}: some weights did not move"
    numbers = [result.rec, result.adv_rec, result.adv_gen, result.code_adv, result.loss_e,
               result.loss_g, result.loss_d, result.loss_c]
    assert all(math.isfinite(v) for v in numbers)
    assert result.loss_e == pytest.approx(result.rec + result.code_adv)
    assert result.loss_g == pytest.approx(result.rec + result.adv_rec + result.adv_gen)
    assert result.flags == ()


def test_step_uses_each_networks_own_loss_and_steps_in_algorithm_order():
    # With SGD, the step must equal w - lr * d(own loss)/dw for each network, all gradients
    # taken at the starting weights: D must not learn from G's loss, nor G from D's.
    nets, opts, real = small_setup(torch.optim.SGD, lr=0.1)
    copies = copy.deepcopy(nets)
    z = sample_prior(4, 2, torch.Generator().manual_seed(3))
    losses = alpha_gan_losses(*copies, real, z, 0.1)
    own = [losses.loss_e, losses.loss_g, losses.loss_d, losses.loss_c]
    expected = []
    for loss, net in zip(own, copies):
        grads = torch.autograd.grad(loss, list(net.parameters()), retain_graph=True)
        expected.append([p.detach() - 0.1 * g for p, g in zip(net.parameters(), grads)])
    order = []
    for name, opt in zip(NETWORKS, opts):
        original = opt.step
        opt.step = lambda *a, _name=name, _step=original, **k: (order.append(_name), _step(*a, **k))
    alpha_gan_step(*nets, *opts, real, lambda_rec=0.1, z_dim=2,
                   rng=torch.Generator().manual_seed(3))
    assert order == list(NETWORKS)
    for name, net, weights in zip(NETWORKS, nets, expected):
        for p, w in zip(net.parameters(), weights):
            torch.testing.assert_close(p.detach(), w, rtol=1e-5, atol=1e-6, msg=name)


def test_step_passes_the_stop_flags_through():
    nets, opts, real = small_setup()
    result = alpha_gan_step(*nets, *opts, real, lambda_rec=0.1, z_dim=2,
                            flags=lambda: torch.tensor([True, False]))
    assert result.flags == (True, False)


def test_alpha_gan_imports_only_lower_layers():
    tree = ast.parse(Path(alpha_gan.__file__).read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    inside = {m.split(".")[1] for m in modules if m.startswith("began_lite.")}
    assert inside and inside <= ALLOWED
