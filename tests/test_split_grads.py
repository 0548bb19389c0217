"""weight_grad_scales: one backward pass gives D the L_D gradient and G the L_G gradient."""
import copy

import pytest
import torch
from torch import nn

from began_lite import nets
from began_lite.began import reconstruction_loss
from began_lite.split_grads import weight_grad_scales

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _two_pass_grads(generator, discriminator, real, z, k):
    """D's gradient of L(x) - k L(G(z)) and G's of L(G(z)), each from its own backward pass."""
    fake = generator(z)
    loss_d = (reconstruction_loss(real, discriminator(real))
              - k * reconstruction_loss(fake.detach(), discriminator(fake.detach())))
    grads_d = torch.autograd.grad(loss_d, list(discriminator.parameters()))
    grads_g = torch.autograd.grad(reconstruction_loss(fake, discriminator(fake)),
                                  list(generator.parameters()))
    return grads_d, grads_g


def _one_pass_grads(generator, discriminator, real, z, k):
    """The same two gradients from one pass of L(x) + L(G(z)) inside weight_grad_scales."""
    batch = real.shape[0]
    fake = generator(z)
    both = torch.cat([real, fake])
    with weight_grad_scales(torch.cat([torch.ones(batch), torch.full((batch,), -k)])):
        per_image = reconstruction_loss(both, discriminator(both), per_image=True)
    objective = per_image[:batch].mean() + per_image[batch:].mean()
    grads = torch.autograd.grad(objective, [*discriminator.parameters(), *generator.parameters()])
    count = len(list(discriminator.parameters()))
    return grads[:count], grads[count:]


@pytest.mark.parametrize("k", [0.0, 0.37, 1.0])
def test_one_pass_equals_two_passes(k):
    torch.manual_seed(0)
    generator, discriminator = nets.build_began(16, 3, n=4, h=8, z_dim=8, repeat=2, skip=True)
    real, z = torch.rand(3, 3, 16, 16) * 2 - 1, torch.rand(3, 8) * 2 - 1
    expected = _two_pass_grads(generator, discriminator, real, z, k)
    got = _one_pass_grads(copy.deepcopy(generator), copy.deepcopy(discriminator), real, z, k)
    for want_list, got_list in zip(expected, got):
        for want, have in zip(want_list, got_list):
            assert torch.allclose(want, have, atol=1e-6, rtol=1e-5)
    # The scale reaches D's weights only: with k = 0 the fake half adds nothing to them.
    if k == 0.0:
        lone = torch.autograd.grad(reconstruction_loss(real, discriminator(real)),
                                   list(discriminator.parameters()))
        assert all(torch.allclose(a, b, atol=1e-7) for a, b in zip(lone, got[0]))


def test_under_bf16_autocast_it_matches_the_two_passes_in_bf16():
    # bf16 itself moves these gradients by 9-19% (norm) from fp32; the one pass adds no error of
    # its own to that, and hands back fp32 gradients for the fp32 weights.
    torch.manual_seed(1)
    generator, discriminator = nets.build_began(8, 1, n=4, h=4, z_dim=4, repeat=1)
    real, z = torch.rand(2, 1, 8, 8) * 2 - 1, torch.rand(2, 4) * 2 - 1
    with torch.autocast("cpu", dtype=torch.bfloat16):
        two = _two_pass_grads(generator, discriminator, real, z, 0.5)
        one = _one_pass_grads(generator, discriminator, real, z, 0.5)
    for want_list, got_list in zip(two, one):
        want = torch.cat([g.flatten() for g in want_list])
        got = torch.cat([g.flatten() for g in got_list])
        assert got.dtype == torch.float32
        assert (want - got).norm() < 0.01 * want.norm()


def test_a_call_on_another_batch_size_is_refused():
    layer = nn.Linear(3, 2)
    with weight_grad_scales(torch.ones(4)), pytest.raises(ValueError, match="2 rows"):
        layer(torch.zeros(2, 3))
