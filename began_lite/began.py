"""BEGAN's objective (Berthelot et al. 2017, sections 3.2-3.4): the pixel loss L, the k_t
controller, the convergence measure M_global, and one training step.

L(v) = mean |v - D(v)|^eta;  L_D = L(x) - k_t L(G(z_D));  L_G = L(G(z_G));  (z_D = z_G = z in
BEGAN-tensorflow, the authors' code: began_step(shared_z=True), one D pass for both players)
k_{t+1} = clip(k_t + lambda_k (gamma L(x) - L(G(z_G))), 0, 1);  M = L(x) + |gamma L(x) - L(G(z_G))|.
"""

import contextlib
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from began_lite.errors import UserError
from began_lite.split_grads import weight_grad_scales

# Adam's (beta1, beta2) for both players everywhere in the book. The paper (section 3.4) names
# only Adam and its learning rate; BEGAN-tensorflow, the authors' reference code, sets
# beta1 = 0.5, beta2 = 0.999, as DCGAN did: less momentum, less overshoot between two players.
ADAM_BETAS = (0.5, 0.999)


def reconstruction_loss(images: torch.Tensor, reconstructions: torch.Tensor, eta: int = 1,
                        per_image: bool = False) -> torch.Tensor:
    """L(v): mean over pixels of |v - D(v)|^eta, in float32; (B,) if per_image else a scalar."""
    if eta not in (1, 2):
        raise UserError(f"eta must be 1 or 2 (the paper's L1 or L2 pixel loss), got {eta}")
    diff = (images.float() - reconstructions.float()).abs()
    if eta == 2:
        diff = diff.square()
    return diff.flatten(1).mean(1) if per_image else diff.mean()


def kt_update(k: float, loss_real, loss_fake, gamma: float, lambda_k: float) -> float:
    """k_{t+1} = clip(k + lambda_k (gamma L(x) - L(G(z_G))), 0, 1); floats or 0-d tensors."""
    k_next = float(k) + lambda_k * (gamma * float(loss_real) - float(loss_fake))
    return min(1.0, max(0.0, k_next))


def convergence_measure(loss_real, loss_fake, gamma: float) -> float:
    """M_global = L(x) + |gamma L(x) - L(G(z_G))|."""
    return float(loss_real) + abs(gamma * float(loss_real) - float(loss_fake))


def sample_z(batch: int, z_dim: int, generator: torch.Generator | None = None,
             device: torch.device | str = "cpu") -> torch.Tensor:
    """(batch, z_dim) uniform in [-1, 1], drawn on the CPU so every device sees the same z."""
    z = torch.rand(batch, z_dim, generator=generator) * 2 - 1
    return z.to(device)


@dataclass
class StepResult:
    """Numbers from one BEGAN step; k is the updated k_{t+1}."""

    loss_real: float
    loss_fake: float
    loss_d: float
    loss_g: float
    k: float
    M: float
    flags: tuple = ()  # the caller's stop flags after the step, OR-ed over ranks (began_step)


def _autocast(device: torch.device, dtype: torch.dtype | None):
    """torch.autocast on `device` for `dtype`, or a no-op when dtype is None."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def _plain(module: nn.Module) -> nn.Module:
    """The module inside a DistributedDataParallel wrapper, or `module` itself."""
    return getattr(module, "module", module)


def _frozen_call(module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """module(x) with its weights detached: the backward pass reaches x but no weight gradient.

    G's loss goes through D this way, so G's update computes no D weight gradients even when D
    is compiled (a compiled backward computes every gradient its graph was traced with).
    """
    plain = _plain(module)
    weights = {name: p.detach() for name, p in plain.named_parameters()}
    return torch.func.functional_call(plain, weights, (x,))


def pull_away(embeddings: torch.Tensor) -> torch.Tensor:
    """EBGAN's pull-away term (Zhao et al. 2016): mean squared cosine between distinct rows.

    0 when the batch's embeddings are orthogonal, 1 when they all point the same way.
    """
    unit = nn.functional.normalize(embeddings.float(), dim=1)
    cosine = unit @ unit.T
    count = embeddings.shape[0]
    return (cosine.square().sum() - count) / (count * (count - 1))


def _losses(generator, discriminator, real, z_dim, eta, rng, dtype, pull_away_weight=0.0):
    """(L(x), L(G(z_D)), L(G(z_G)), pull-away) as tensors, all measured by the same D_t.

    D is called once on real and G(z_D) together (DDP allows one forward per backward). G(z_G)
    goes through the plain D module with detached weights, so G's backward never reaches the
    DDP wrapper of D and computes no D weight gradients.
    """
    batch, device = real.shape[0], real.device
    z_d = sample_z(batch, z_dim, rng, device)
    z_g = sample_z(batch, z_dim, rng, device)
    with torch.no_grad(), _autocast(device, dtype):
        fake_d = _plain(generator)(z_d)
    both = torch.cat([real, fake_d.to(real.dtype)])
    with _autocast(device, dtype):
        recon = discriminator(both)
        fake_g = generator(z_g)
        if pull_away_weight:  # the embedding is needed too: D's two halves, one after the other
            embedding_g = _frozen_call(_plain(discriminator).encoder, fake_g)
            recon_g = _frozen_call(_plain(discriminator).decoder, embedding_g)
        else:
            recon_g = _frozen_call(discriminator, fake_g)
    per_image = reconstruction_loss(both, recon, eta, per_image=True)
    loss_fake_g = reconstruction_loss(fake_g, recon_g, eta)
    spread = pull_away(embedding_g) if pull_away_weight else loss_fake_g.new_zeros(())
    return per_image[:batch].mean(), per_image[batch:].mean(), loss_fake_g, spread


def _update(generator, discriminator, opt_g, opt_d, loss_d, loss_g) -> None:
    """Both networks step from the same D_t (eq. 4): both backward passes, then both steps.

    Each backward asks only for its own network's weights, so G's update computes no D weight
    gradients; D's weights must not move before G's backward has passed through them.
    """
    opt_d.zero_grad(set_to_none=True)
    opt_g.zero_grad(set_to_none=True)
    loss_d.backward(inputs=list(_plain(discriminator).parameters()), retain_graph=True)
    loss_g.backward(inputs=list(_plain(generator).parameters()))
    opt_d.step()
    opt_g.step()


def _shared_z_losses(generator, discriminator, real, k, z_dim, eta, rng, dtype,
                     pull_away_weight=0.0):
    """(L(x), L(G(z)), objective) for the one-z step; objective.backward() fills both players'
    gradients: D's of L_D = L(x) - k L(G(z)), G's of L_G (+ the pull-away term).

    D sees cat([x, G(z)]) once, inside weight_grad_scales([1] * B + [-k] * B): the fake half's
    gradient reaches G unscaled and D's weights scaled by -k (began_lite.split_grads).
    """
    batch, device = real.shape[0], real.device
    z = sample_z(batch, z_dim, rng, device)
    with _autocast(device, dtype):
        fake = generator(z)
    both = torch.cat([real, fake.to(real.dtype)])
    scale = torch.cat([real.new_ones(batch), real.new_full((batch,), -float(k))])
    with _autocast(device, dtype), weight_grad_scales(scale):
        recon = discriminator(both)
    per_image = reconstruction_loss(both, recon, eta, per_image=True)
    loss_real, loss_fake = per_image[:batch].mean(), per_image[batch:].mean()
    objective = loss_real + loss_fake
    if pull_away_weight:  # G's term alone: D's weights must get none of it, so a frozen pass
        with _autocast(device, dtype):
            embedding = _frozen_call(_plain(discriminator).encoder, fake)
        objective = objective + pull_away_weight * pull_away(embedding)
    return loss_real, loss_fake, objective


def _update_once(opt_g, opt_d, objective) -> None:
    """Both networks step from the same D_t after one backward pass of `objective`."""
    opt_d.zero_grad(set_to_none=True)
    opt_g.zero_grad(set_to_none=True)
    objective.backward()
    opt_d.step()
    opt_g.step()


def _host_numbers(loss_real, loss_fake, loss_d, loss_g, flags, reduce_mean, reduce_sum):
    """(loss_real, loss_fake, loss_d, loss_g, flags) as floats and bools, with one host sync.

    With reduce_sum (DDP), the four losses and the flags travel in one tensor through one
    all-reduce: losses become means over ranks (a NaN on any rank reaches every rank), a flag is
    True when it is set on any rank. reduce_mean is the older, per-loss form.
    """
    if reduce_mean is not None:
        loss_real, loss_fake = reduce_mean(loss_real), reduce_mean(loss_fake)
    losses = torch.stack([loss_real, loss_fake, loss_d, loss_g]).float()
    flags = torch.zeros(0, device=losses.device) if flags is None else flags()
    stats = torch.cat([losses, flags.to(losses.device, torch.float32).flatten()])
    if reduce_sum is not None:
        stats = reduce_sum(stats)
        stats = torch.cat([stats[:4] / reduce_sum.world_size, stats[4:]])
    values = stats.tolist()  # the step's one transfer to the host
    return (*values[:4], tuple(bool(v > 0) for v in values[4:]))


def began_step(generator: nn.Module, discriminator: nn.Module, opt_g: torch.optim.Optimizer,
               opt_d: torch.optim.Optimizer, real: torch.Tensor, k: float, *, gamma: float,
               lambda_k: float, z_dim: int, eta: int = 1, rng: torch.Generator | None = None,
               autocast_dtype: torch.dtype | None = None,
               reduce_mean: Callable[[torch.Tensor], torch.Tensor] | None = None,
               reduce_sum: Callable[[torch.Tensor], torch.Tensor] | None = None,
               flags: Callable[[], torch.Tensor] | None = None,
               pull_away_weight: float = 0.0, shared_z: bool = False) -> StepResult:
    """One BEGAN step on real (B, C, H, W), the paper's simultaneous update (section 3.4, eq. 4).

    L_D = L(x) - k_t L(G(z_D)) and L_G = L(G(z_G)) are both measured by the same D_t, with
    separate z_D and z_G; theta_D and theta_G then step together, as in BEGAN-tensorflow. (An
    alternating step, D first and then G against the updated D, is not offered: see the
    recipe table in presets/mnist.toml.) Then k_{t+1} and M from L(x) and L(G(z_G)).
    reduce_mean (identity by default) is applied to L(x) and L(G(z_G)) before k and M, so a DDP
    trainer can all-reduce them and every rank holds the same k.
    reduce_sum (a function summing a 1-D tensor over ranks, with a `world_size` attribute) does
    the same for all four losses in one all-reduce; flags() (called after the update) returns
    the caller's stop flags, which travel in that same tensor, so a step syncs with the host
    once. result.flags holds them, each True if set on any rank.
    pull_away_weight w > 0 makes G's objective L(G(z_G)) + w pull_away(Enc(G(z_G))), the mnist
    recipe's diversity term (not the paper's); result.loss_g stays L(G(z_G)) alone.
    shared_z=True is BEGAN-tensorflow's form: one z, z_D = z_G, so D runs once on cat([x, G(z)])
    and one backward pass serves both players (_shared_z_losses): the faster step.
    """
    if shared_z:
        loss_real, loss_fake, objective = _shared_z_losses(
            generator, discriminator, real, k, z_dim, eta, rng, autocast_dtype, pull_away_weight)
        loss_d = loss_real - k * loss_fake
        _update_once(opt_g, opt_d, objective)
    else:
        loss_real, loss_fake_d, loss_fake, spread = _losses(
            generator, discriminator, real, z_dim, eta, rng, autocast_dtype, pull_away_weight)
        loss_d = loss_real - k * loss_fake_d
        _update(generator, discriminator, opt_g, opt_d, loss_d,
                loss_fake + pull_away_weight * spread)
    loss_g = loss_fake.detach().clone()  # an in-place reduce_mean must not reach L_G
    loss_real, loss_fake, loss_d, loss_g, flags = _host_numbers(
        loss_real.detach(), loss_fake.detach(), loss_d.detach(), loss_g, flags, reduce_mean,
        reduce_sum)
    return StepResult(loss_real=loss_real, loss_fake=loss_fake, loss_d=loss_d,
                      loss_g=loss_g, k=kt_update(k, loss_real, loss_fake, gamma, lambda_k),
                      M=convergence_measure(loss_real, loss_fake, gamma), flags=flags)
