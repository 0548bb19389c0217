"""The minimax game of Goodfellow et al. 2014: V(D, G), the two players' losses, Algorithm 1.

D outputs logits a, with D(x) = sigmoid(a); every loss is written with softplus so it stays
finite for any logit: log D = -softplus(-a) and log(1 - D) = -softplus(a).
"""
import torch
import torch.nn.functional as F

from began_lite.errors import UserError


def discriminator_loss(logits_real, logits_fake):
    """-(mean log D(x) + mean log(1 - D(G(z)))): minus the minibatch V that D ascends."""
    return F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()


def generator_loss_saturating(logits_fake):
    """mean log(1 - D(G(z))), which G descends (Eq. 1); flat where D rejects G(z) confidently."""
    return -F.softplus(logits_fake).mean()


def generator_loss_nonsaturating(logits_fake):
    """-mean log D(G(z)): same fixed point, strong gradients early in training (section 3)."""
    return F.softplus(-logits_fake).mean()


def _noise(m, z_dim, generator, device):
    """A minibatch z ~ N(0, I), (m, z_dim), drawn on the CPU so a seeded generator repeats it."""
    return torch.randn(m, z_dim, generator=generator).to(device)


def _step(loss, optimizer):
    """One gradient step of `optimizer` on `loss`."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def algorithm1_step(G, D, opt_g, opt_d, sample_real, z_dim, batch_size, *, k=1,
                    nonsaturating=True, generator=None) -> dict:
    """One iteration of Algorithm 1: k steps on D, then one step on G.

    `sample_real(m)` returns m real examples (m, ...); z ~ N(0, I) comes from `generator`.
    Returns floats: loss_d and value (V on D's last minibatch, = -loss_d), loss_g, d_real
    (mean D(x)), d_fake (mean D(G(z)) before G's step) and d_steps (= k).
    """
    if k < 1 or batch_size < 1:
        raise UserError(f"Algorithm 1 needs k >= 1 and batch_size >= 1, got k={k}, "
                        f"batch_size={batch_size}")
    device = next(G.parameters()).device
    for _ in range(k):
        x = sample_real(batch_size).to(device)
        with torch.no_grad():  # D's step must not move G
            fake = G(_noise(batch_size, z_dim, generator, device))
        logits_real, logits_fake = D(x), D(fake)
        loss_d = discriminator_loss(logits_real, logits_fake)
        _step(loss_d, opt_d)
    logits_fake = D(G(_noise(batch_size, z_dim, generator, device)))
    g_loss = generator_loss_nonsaturating if nonsaturating else generator_loss_saturating
    loss_g = g_loss(logits_fake)
    _step(loss_g, opt_g)
    return {"loss_d": loss_d.item(), "value": -loss_d.item(), "loss_g": loss_g.item(),
            "d_real": torch.sigmoid(logits_real).mean().item(),
            "d_fake": torch.sigmoid(logits_fake).mean().item(), "d_steps": k}
