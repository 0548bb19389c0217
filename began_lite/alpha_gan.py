"""alpha-GAN (Rosca, Lakshminarayanan, Warde-Farley, Mohamed 2017, "Variational Approaches for
Auto-Encoding Generative Adversarial Networks"): four networks, their losses, Algorithm 1.

E: image -> z (the implicit posterior q(z|x)), G: z -> image, D: image -> logit (real against
reconstructed or generated: the synthetic likelihood), C: z -> logit (prior codes against
encoded ones: the code discriminator). With D(v) = sigmoid(D's logit) and C(z) likewise:

L_E = mean_i  lambda ||x_i - G(z^_i)||_1 - log C(z^_i) / (1 - C(z^_i))
L_G = mean_i  lambda ||x_i - G(z^_i)||_1 - log D(G(z^_i)) / (1 - D(G(z^_i)))
                                         - log D(G(z_i)) / (1 - D(G(z_i)))
L_D = mean_i -log D(x_i) - log(1 - D(G(z^_i))) - log(1 - D(G(z_i)))
L_C = mean_i -log C(z_i) - log(1 - C(z^_i))
where z^_i = E(x_i) and z_i ~ p(z). Since log s / (1 - s) of s = sigmoid(a) is a, the three
ratio terms are minus a logit; D's and C's cross-entropies are written with softplus, as in
began_lite.gan, so they stay finite for any logit.

Choices where the paper is silent, and why:
- C's loss: a public reimplementation (victor-shepardson/alpha-GAN) notes that the first arXiv
  version of Algorithm 1 prints the prior and posterior terms of L_C swapped. L_C here labels
  prior codes z as real (C -> 1) and encoded codes z^ as fake, the only sign that agrees with
  L_E: E lowers -log C(z^) / (1 - C(z^)) by making its codes look like prior codes. (The
  swapped sign would have E and C pushing C(z^) the same way.)
- E is deterministic, q(z|x) a point mass at E(x): Algorithm 1 only needs samples z^ ~ q(z|x),
  and a plain map is the simplest implicit distribution. p(z) = N(0, I).
- ||.||_1 is the L1 norm of each image (a sum over its pixels), averaged over the batch, as the
  listing writes it: lambda therefore scales with the number of pixels.
- When the updates happen: the listing draws the batch, z^ and z once, at the top of the
  iteration, then updates E, G, D and C in that order, each with the gradient of its own loss
  and nothing else. Every loss is measured here with the weights the iteration started from,
  all four gradients are taken, then the four optimizers step in that order; no loss is
  re-measured after an earlier network moved, since the listing draws nothing new in between.
"""
from dataclasses import dataclass, fields
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from began_lite.nets import MLP, ConvDiscriminator, Encoder, Generator

# The networks in the order Algorithm 1 updates them; also their names in a checkpoint.
NETWORKS = ("encoder", "generator", "discriminator", "code_discriminator")


def sample_prior(batch: int, z_dim: int, generator: torch.Generator | None = None,
                 device: torch.device | str = "cpu") -> torch.Tensor:
    """(batch, z_dim) codes z ~ N(0, I), drawn on the CPU so every device sees the same z."""
    return torch.randn(batch, z_dim, generator=generator).to(device)


class CodeDiscriminator(nn.Module):
    """C: (B, z_dim) -> logits (B,), an MLP with two hidden layers of `hidden` units.

    No normalisation layers: C sees prior and encoded codes in one batch, and batch statistics
    would let it tell them apart by the batch rather than by the code.
    """

    def __init__(self, z_dim: int, hidden: int):
        super().__init__()
        self.mlp = MLP(z_dim, hidden, 1, depth=2)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(B, z_dim) -> (B,) logits."""
        return self.mlp(z).squeeze(1)


def build_alpha_gan(image_size: int, channels: int, n: int, z_dim: int, repeat: int = 2,
                    skip: bool = False, code_hidden: int = 64) -> dict[str, nn.Module]:
    """{name: network} in NETWORKS order: BEGAN's encoder (h = z_dim) as E, BEGAN's generator as
    G, the small DCGAN-like conv net as D, an MLP as C."""
    return {"encoder": Encoder(image_size, channels, n, z_dim, repeat),
            "generator": Generator(image_size, channels, n, z_dim, repeat, skip),
            "discriminator": ConvDiscriminator(channels, image_size, n),
            "code_discriminator": CodeDiscriminator(z_dim, code_hidden)}


@dataclass
class AlphaLosses:
    """Algorithm 1's losses for one batch (0-d tensors; loss_e = rec + code_adv,
    loss_g = rec + adv_rec + adv_gen)."""

    rec: torch.Tensor       # lambda * mean_i ||x_i - G(E(x_i))||_1
    adv_rec: torch.Tensor   # mean -log D(G(z^)) / (1 - D(G(z^))), G's term on reconstructions
    adv_gen: torch.Tensor   # mean -log D(G(z)) / (1 - D(G(z))), G's term on samples
    code_adv: torch.Tensor  # mean -log C(z^) / (1 - C(z^)), E's term
    loss_e: torch.Tensor
    loss_g: torch.Tensor
    loss_d: torch.Tensor    # D's cross-entropy: x real, reconstructions and samples fake
    loss_c: torch.Tensor    # C's cross-entropy: prior codes real, encoded codes fake


def l1_per_image(real: torch.Tensor, reconstructions: torch.Tensor) -> torch.Tensor:
    """||x - G(E(x))||_1 of each image, (B, C, H, W) twice -> (B,), in float32."""
    return (real.float() - reconstructions.float()).abs().flatten(1).sum(1)


def alpha_gan_losses(encoder: nn.Module, generator: nn.Module, discriminator: nn.Module,
                     code_discriminator: nn.Module, real: torch.Tensor, z: torch.Tensor,
                     lambda_rec: float) -> AlphaLosses:
    """The losses of Algorithm 1 for real images (B, C, H, W) and prior codes z (B, z_dim).

    G sees z^ and z in one call, D sees x, G(z^) and G(z) in one call, C sees z and z^ in one:
    none of the networks normalises over the batch, so this equals separate calls.
    """
    batch = real.shape[0]
    z_hat = encoder(real)
    images = generator(torch.cat([z_hat, z.to(z_hat.dtype)]))
    reconstructions, samples = images[:batch], images[batch:]
    logits = discriminator(torch.cat([real, images.to(real.dtype)])).float()
    d_real, d_rec, d_gen = logits[:batch], logits[batch:2 * batch], logits[2 * batch:]
    code_logits = code_discriminator(torch.cat([z.to(z_hat.dtype), z_hat])).float()
    c_prior, c_post = code_logits[:batch], code_logits[batch:]
    rec = lambda_rec * l1_per_image(real, reconstructions).mean()
    adv_rec, adv_gen, code_adv = -d_rec.mean(), -d_gen.mean(), -c_post.mean()
    loss_d = F.softplus(-d_real).mean() + F.softplus(d_rec).mean() + F.softplus(d_gen).mean()
    loss_c = F.softplus(-c_prior).mean() + F.softplus(c_post).mean()
    return AlphaLosses(rec=rec, adv_rec=adv_rec, adv_gen=adv_gen, code_adv=code_adv,
                       loss_e=rec + code_adv, loss_g=rec + adv_rec + adv_gen,
                       loss_d=loss_d, loss_c=loss_c)


@dataclass
class AlphaStepResult:
    """Numbers from one alpha_gan_step (floats, the losses before the update) and the caller's
    stop flags after it."""

    rec: float
    adv_rec: float
    adv_gen: float
    code_adv: float
    loss_e: float
    loss_g: float
    loss_d: float
    loss_c: float
    flags: tuple = ()


LOSS_NAMES = tuple(f.name for f in fields(AlphaLosses))


def alpha_gan_step(encoder: nn.Module, generator: nn.Module, discriminator: nn.Module,
                   code_discriminator: nn.Module, opt_e: torch.optim.Optimizer,
                   opt_g: torch.optim.Optimizer, opt_d: torch.optim.Optimizer,
                   opt_c: torch.optim.Optimizer, real: torch.Tensor, *, lambda_rec: float,
                   z_dim: int, rng: torch.Generator | None = None,
                   autocast_dtype: torch.dtype | None = None,
                   flags: Callable[[], torch.Tensor] | None = None) -> AlphaStepResult:
    """One iteration of Algorithm 1 on real images (B, C, H, W): E, G, D, C each take one step
    on its own loss, in that order, all losses measured before any step (module docstring).

    z ~ N(0, I) comes from `rng`; autocast_dtype (bf16 or None) runs the forward passes under
    torch.autocast; flags() (called after the update) returns the caller's stop flags, which
    reach the host in the same transfer as the losses.
    """
    z = sample_prior(real.shape[0], z_dim, rng, real.device)
    enabled = autocast_dtype is not None
    with torch.autocast(real.device.type, dtype=autocast_dtype, enabled=enabled):
        losses = alpha_gan_losses(encoder, generator, discriminator, code_discriminator, real, z,
                                  lambda_rec)
    players = ((losses.loss_e, encoder, opt_e), (losses.loss_g, generator, opt_g),
               (losses.loss_d, discriminator, opt_d), (losses.loss_c, code_discriminator, opt_c))
    for i, (loss, network, optimizer) in enumerate(players):
        optimizer.zero_grad(set_to_none=True)
        # Only this network's weights: G's loss passes through D but must not train D.
        loss.backward(inputs=list(network.parameters()), retain_graph=i < len(players) - 1)
    for _, _, optimizer in players:
        optimizer.step()
    numbers = torch.stack([getattr(losses, name).detach().float() for name in LOSS_NAMES])
    stop = torch.zeros(0, device=numbers.device) if flags is None else flags()
    values = torch.cat([numbers, stop.to(numbers.device, torch.float32).flatten()]).tolist()
    count = len(LOSS_NAMES)
    return AlphaStepResult(*values[:count], flags=tuple(bool(v > 0) for v in values[count:]))
