# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: kernelspec,jupytext,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. The minimax game
#
# **After this chapter you will be able to**
# - write the value function $V(D, G)$ of a generative adversarial net and estimate it on a
#   minibatch, in a numerically stable way from the discriminator's logits;
# - implement Algorithm 1 ($k$ discriminator steps, then one generator step) from scratch, and
#   check it against `began_lite.gan`;
# - say, with a number, why the generator maximises $\log D(G(z))$ instead of minimising
#   $\log(1 - D(G(z)))$;
# - train small GANs on a 1-D Gaussian and on a ring of 8 Gaussians, and read plots in the style
#   of the paper's Figure 1.
#
# **Paper:** Goodfellow et al. 2014, "Generative Adversarial Nets", section 3, Algorithm 1 and
# Figure 1.

# %%
import copy
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from began_lite.book import budget
from began_lite.data import Gaussian1D, Ring8
from began_lite.exercises.part1 import check_nonsaturating_divergence, check_nonsaturating_loss
from began_lite.gan import (algorithm1_step, discriminator_loss, generator_loss_nonsaturating,
                            generator_loss_saturating)
from began_lite.metrics import mode_coverage
from began_lite.nets import MLP
from began_lite.seeding import seed_everything
from began_lite.theory import jsd, kl, optimal_discriminator
from began_lite.viz import figure1_panel, model_curves_1d, plot_samples_2d

B = budget("ch01")
if B["threads"]:  # 0 keeps the default; quick uses one thread: faster for tiny nets, repeatable
    torch.set_num_threads(B["threads"])
print(B)

# %% [markdown]
# ## Two players, one value
#
# A generator $G$ maps noise $z \sim p_z$ to samples $G(z)$; their distribution is $p_g$. A
# discriminator $D$ maps a sample $x$ to $D(x) \in (0, 1)$, the probability that $x$ came from
# the data rather than from $G$. They play the two-player minimax game
#
# $$\min_G \max_D V(D, G) = \mathbb{E}_{x \sim p_{data}}\big[\log D(x)\big]
#   + \mathbb{E}_{z \sim p_z}\big[\log\big(1 - D(G(z))\big)\big]. \tag{1}$$
#
# $D$ is a binary classifier trained with the log loss: real examples labelled 1, generated ones
# 0. Our networks output a *logit* $a$ and $D = \sigma(a) = 1 / (1 + e^{-a})$. Then
# $\log D = -\mathrm{softplus}(-a)$ and $\log(1 - D) = -\mathrm{softplus}(a)$, which stay finite
# for every logit, where $\log(\sigma(a))$ computed in two steps returns $-\infty$ as soon as
# $\sigma(a)$ rounds to 0.

# %%
a = torch.tensor([-120.0, -5.0, 0.0, 5.0])
print("log D, two steps:   ", [f"{v:.4f}" for v in torch.log(torch.sigmoid(a)).tolist()])
print("log D, -softplus(-a):", [f"{v:.4f}" for v in (-F.softplus(-a)).tolist()])
print(f"V at D = 1/2 everywhere: {-discriminator_loss(torch.zeros(4), torch.zeros(4)).item():.4f}"
      f" = -log 4 = {-np.log(4):.4f}")

# %% [markdown]
# ## Algorithm 1, from scratch
#
# The paper trains both players by minibatch stochastic gradient steps. For each training
# iteration: $k$ times, draw $m$ noise vectors and $m$ examples and *ascend* $D$'s gradient of
#
# $$\frac{1}{m} \sum_{i=1}^{m} \Big[\log D\big(x^{(i)}\big)
#   + \log\Big(1 - D\big(G(z^{(i)})\big)\Big)\Big];$$
#
# then draw $m$ fresh noise vectors and step $G$. The paper used $k = 1$. Below, the generator
# maximises $\log D(G(z))$ (the next section says why). Here is the whole algorithm, written
# with `F.logsigmoid` ($\log \sigma(a)$, also stable), independently of the package:

# %%
def algorithm1_scratch(G, D, opt_g, opt_d, sample_real, z_dim, m, k=1, generator=None):
    """k steps ascending V on D, then one step on G maximising log D(G(z))."""
    for _ in range(k):
        x = sample_real(m)
        z = torch.randn(m, z_dim, generator=generator)
        v = (F.logsigmoid(D(x)) + F.logsigmoid(-D(G(z).detach()))).mean()
        opt_d.zero_grad()
        (-v).backward()  # optimisers descend, so descend -V to ascend V
        opt_d.step()
    z = torch.randn(m, z_dim, generator=generator)
    loss_g = -F.logsigmoid(D(G(z))).mean()
    opt_g.zero_grad()
    loss_g.backward()
    opt_g.step()
    return v.item(), loss_g.item()


# %% [markdown]
# Now run it and `began_lite.gan.algorithm1_step` side by side: the same initial networks, the
# same optimiser settings, the same seeded random numbers, $k = 2$.

# %%
def make_gan(seed, dim, z_dim=B["z_dim"], hidden=B["hidden"], lr=B["lr"]):
    """An MLP generator and discriminator with Adam optimisers, initialised from `seed`."""
    torch.manual_seed(seed)
    G, D = MLP(z_dim, hidden, dim), MLP(dim, hidden, 1)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    return G, D, opt_g, opt_d


data_1d = Gaussian1D(4.0, 0.5)
players = {name: make_gan(B["seed"], 1) for name in ("scratch", "began_lite")}
gens = {name: torch.Generator().manual_seed(B["seed"]) for name in players}
for step in range(B["compare_steps"]):
    g = gens["scratch"]
    v, loss_g = algorithm1_scratch(*players["scratch"], lambda m: data_1d.sample(m, generator=g),
                                   B["z_dim"], B["batch_size"], k=2, generator=g)
    g = gens["began_lite"]
    out = algorithm1_step(*players["began_lite"], lambda m: data_1d.sample(m, generator=g),
                          B["z_dim"], B["batch_size"], k=2, generator=g)
params = [torch.cat([p.flatten() for net in players[name][:2] for p in net.parameters()])
          for name in players]
print(f"after {B['compare_steps']} iterations: V {v:.4f} vs {out['value']:.4f}, "
      f"G loss {loss_g:.4f} vs {out['loss_g']:.4f}")
print(f"largest parameter difference below 1e-5: {(params[0] - params[1]).abs().max() < 1e-5}")

# %% [markdown]
# ## Why $G$ maximises $\log D(G(z))$
#
# Early in training $G$ is poor, $D$ rejects its samples with confidence, and $D(G(z))$ is close
# to 0. There, the term $G$ is asked to minimise, $\log(1 - D(G(z)))$, is flat: it *saturates*.
# With $D = \sigma(a)$, the derivatives with respect to the logit $a$ are
#
# $$\frac{\partial}{\partial a} \log\big(1 - \sigma(a)\big) = -\sigma(a) = -D, \qquad
#   \frac{\partial}{\partial a} \big(-\log \sigma(a)\big) = -\big(1 - \sigma(a)\big) = -(1 - D).$$
#
# Both losses push $a$ up, but the saturating one does so with a force $D$, which vanishes
# exactly when $G$ most needs to learn. Maximising $\log D(G(z))$ has the same fixed point and a
# force $1 - D$. Autograd through the package's two losses confirms it:

# %%
def logit_gradient(loss_fn, d):
    """d loss / d logit for one sample with D(G(z)) = d."""
    a = torch.logit(torch.tensor([d], dtype=torch.float64)).requires_grad_()
    (grad,) = torch.autograd.grad(loss_fn(a), a)
    return grad.item()


d = 0.01
sat = logit_gradient(generator_loss_saturating, d)
nonsat = logit_gradient(generator_loss_nonsaturating, d)
print(f"at D(G(z)) = {d}: d/da log(1 - D) = {sat:.4f}, d/da -log D = {nonsat:.4f}, "
      f"ratio {nonsat / sat:.1f}")

ds = np.linspace(0.001, 0.999, 400)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(ds, [abs(logit_gradient(generator_loss_saturating, v)) for v in ds],
        label=r"minimise $\log(1 - D(G(z)))$ (saturating)")
ax.plot(ds, [abs(logit_gradient(generator_loss_nonsaturating, v)) for v in ds],
        label=r"minimise $-\log D(G(z))$ (non-saturating)")
ax.axvline(d, color="0.6", lw=0.8)
ax.set(xlabel="D(G(z))", ylabel="|d loss / d logit|", title="Gradient reaching D's logit")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The logit gradient is what flows back into $G$'s parameters. Make $D$ confident against a
# fresh $G$ (200 discriminator steps on the 1-D task below) and compare the gradient norms on
# $G$'s parameters under the two losses:

# %%
G0, D0, _, opt_d0 = make_gan(B["seed"], 1)
g0 = torch.Generator().manual_seed(B["seed"])
for _ in range(200):
    z = torch.randn(B["batch_size"], B["z_dim"], generator=g0)
    real = data_1d.sample(B["batch_size"], generator=g0)
    loss = discriminator_loss(D0(real), D0(G0(z).detach()))
    opt_d0.zero_grad()
    loss.backward()
    opt_d0.step()
z = torch.randn(1000, B["z_dim"], generator=g0)
norms = {}
for name, loss_fn in [("saturating", generator_loss_saturating),
                      ("non-saturating", generator_loss_nonsaturating)]:
    grads = torch.autograd.grad(loss_fn(D0(G0(z))), list(G0.parameters()))
    norms[name] = torch.cat([g.flatten() for g in grads]).norm().item()
mean_d_fake = torch.sigmoid(D0(G0(z))).mean().item()

# %%
print(f"mean D(G(z)) after 200 D steps below 0.05: {mean_d_fake < 0.05}")
print(f"non-saturating / saturating gradient norm on G above 10: "
      f"{norms['non-saturating'] / norms['saturating'] > 10}")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"mean D(G(z)) = {mean_d_fake:.4f}; gradient norms on G: "
      f"saturating {norms['saturating']:.2e}, non-saturating {norms['non-saturating']:.2e}")

# %% [markdown]
# ## Training on a 1-D Gaussian: Figure 1
#
# The paper's Figure 1 shows $p_{data}$ (black, dotted), $p_g$ (green, solid) and $D$ (blue,
# dashed) as training proceeds: $D$ learns to tell the two apart, $G$ follows $D$'s slope towards
# the data, and at the end $p_g = p_{data}$ and $D = 1/2$. We train on
# $p_{data} = \mathcal{N}(4, 0.5^2)$ with Algorithm 1 ($k = 1$, non-saturating loss) and take
# four snapshots: (a) at the start $D$ knows nothing and outputs about $1/2$; (b) $D$ has learned
# that larger $x$ means "data"; (c) $G$ has moved up that slope; (d) $p_g$ covers $p_{data}$ and
# $D$ is flat near $1/2$. $p_g$ is a kernel density estimate of 4000 samples of $G$; the grey
# dashed line is $D^*_G$ for that $p_g$ (chapter 2), drawn where the densities carry mass. Early
# on, $G$'s samples are packed tightly and $p_g$ peaks far above 1, so each panel gets its own
# vertical scale (the peaks are printed under the figure).

# %%
# NBVAL_IGNORE_OUTPUT
gen = seed_everything(B["seed"])
G, D, opt_g, opt_d = make_gan(B["seed"], 1)
x = np.linspace(-2, 7, 451)
p_data = data_1d.density(torch.as_tensor(x)[:, None]).numpy()
snapshot_at = [0, max(1, B["steps_1d"] // 40), B["steps_1d"] // 8, B["steps_1d"]]
snapshots = {}
for step in range(B["steps_1d"] + 1):
    if step in snapshot_at:
        snapshots[step] = model_curves_1d(G, D, x, B["z_dim"], generator=gen)
    if step < B["steps_1d"]:
        out = algorithm1_step(G, D, opt_g, opt_d, lambda m: data_1d.sample(m, generator=gen),
                              B["z_dim"], B["batch_size"], generator=gen)
with torch.no_grad():
    final = G(torch.randn(4000, B["z_dim"], generator=gen)).squeeze(1)
print(f"after {B['steps_1d']} iterations: G's samples have mean {final.mean():.3f} and std "
      f"{final.std():.3f} (data: 4.0 and 0.5); D(x) = {out['d_real']:.3f}, "
      f"D(G(z)) = {out['d_fake']:.3f}")

# %%
fig, axes = plt.subplots(1, 4, figsize=(16, 3.2))
for ax, label, (step, (p_g, d_x)) in zip(axes, "abcd", snapshots.items()):
    figure1_panel(ax, x, p_data, p_g, d_x, title=f"({label}) step {step}")
    d_star = np.where(p_data + p_g > 0.01, optimal_discriminator(p_data, p_g), np.nan)
    ax.plot(x, d_star, color="0.5", ls="--", lw=0.8, label=r"$D^*_G$")
    ax.set_ylim(0, 1.05 * max(1.0, p_g.max(), p_data.max()))  # the whole of p_g in view
axes[0].legend(loc="upper right", fontsize=8)
plt.tight_layout()
plt.show()
print("peak of p_g in panels (a)-(d): "
      + ", ".join(f"{p_g.max():.2f}" for p_g, _ in snapshots.values()))
d_end = snapshots[B["steps_1d"]][1][(x > 3) & (x < 5)]
print(f"at the end: |mean of G - 4| < 0.3: {abs(final.mean().item() - 4) < 0.3}; "
      f"D within 0.35..0.65 on [3, 5]: {bool(((d_end > 0.35) & (d_end < 0.65)).all())}")

# %% [markdown]
# ## Training on a ring of 8 Gaussians
#
# Multi-modal data is harder: here $p_{data}$ is an equal mixture of 8 narrow 2-D Gaussians
# (standard deviation 0.02) on a circle of radius 2. The background shows $D(x)$; red crosses
# mark the 8 modes. A mode counts as *covered* when at least one of 2000 samples lies within 3
# standard deviations of it (chapter 3 studies this measure and what goes wrong).

# %%
# NBVAL_IGNORE_OUTPUT
ring = Ring8()
gen = seed_everything(B["seed"])
G, D, opt_g, opt_d = make_gan(B["seed"], 2)
ring_at = [0, B["steps_ring"] // 10, B["steps_ring"] // 3, B["steps_ring"]]
ring_snaps = {}
for step in range(B["steps_ring"] + 1):
    if step in ring_at:
        with torch.no_grad():
            samples = G(torch.randn(2000, B["z_dim"], generator=gen))
        # a copy of D, to draw it later on a plane that holds every sample
        ring_snaps[step] = (samples, copy.deepcopy(D), mode_coverage(samples, ring.modes, ring.std))
    if step < B["steps_ring"]:
        algorithm1_step(G, D, opt_g, opt_d, lambda m: ring.sample(m, generator=gen), B["z_dim"],
                        B["batch_size"], generator=gen)
for step, (_, _, cover) in ring_snaps.items():
    print(f"step {step:>6}: modes covered {cover['modes_covered']}/8, "
          f"high-quality share {cover['high_quality_fraction']:.3f}")

# %%
limit = max(3.0, 1.05 * max(s.abs().max().item() for s, _, _ in ring_snaps.values()))
xx, yy = np.meshgrid(np.linspace(-limit, limit, 121), np.linspace(-limit, limit, 121))
plane = torch.as_tensor(np.stack([xx.ravel(), yy.ravel()], 1), dtype=torch.float32)
fig, axes = plt.subplots(1, 4, figsize=(17, 4), constrained_layout=True)
for ax, (step, (samples, D_then, cover)) in zip(axes, ring_snaps.items()):
    with torch.no_grad():
        d_plane = torch.sigmoid(D_then(plane)).reshape(xx.shape).numpy()
    image = ax.contourf(xx, yy, d_plane, levels=np.linspace(0, 1, 11), cmap="Blues", alpha=0.6)
    plot_samples_2d(ax, samples, ring.modes, title=f"step {step}: "
                    f"{cover['modes_covered']}/8 modes", limit=limit)
fig.colorbar(image, ax=axes, label="D(x)", shrink=0.8)
plt.show()
print(f"axes span [-{limit:.2f}, {limit:.2f}]: every sample of every panel is inside")
radius = ring_snaps[B["steps_ring"]][0].norm(dim=1)
print(f"at the end, the median sample radius is within 0.2 of 2: "
      f"{abs(radius.median().item() - 2) < 0.2}")

# %% [markdown]
# ## Summary
#
# - $V(D, G)$ is the log loss of a classifier telling data from samples; $D$ ascends it, $G$
#   descends it. With logits, $\log D = -\mathrm{softplus}(-a)$ keeps it finite.
# - Algorithm 1 alternates $k$ steps on $D$ with one on $G$; the from-scratch version and
#   `began_lite.gan.algorithm1_step` give the same parameters from the same seed.
# - Minimising $\log(1 - D(G(z)))$ gives $G$ a gradient proportional to $D(G(z))$, which
#   vanishes when $D$ is confident; $-\log D(G(z))$ gives one proportional to $1 - D(G(z))$.
#   With a confident $D$, the gradient norms on $G$ differ by more than a factor of 10.
# - On a 1-D Gaussian the game behaves as in Figure 1 and ends with $D \approx 1/2$; on the
#   ring, $G$ must spread over 8 separated modes, and whether it does is the subject of
#   chapter 3.
#
# ## Exercises
#
# 1. **(checked, warm-up)** Write `my_nonsaturating_loss(logits_fake)`:
#    $-\frac{1}{m}\sum_i \log D(G(z^{(i)}))$ from $D$'s logits, finite even for a logit of
#    $-150$. Run the cell until the checker prints ✓.
# 2. **(checked)** Which divergence does the non-saturating loss minimise? Suppose $D$ is the
#    best discriminator, $D^*(x) = p_{data}(x) / (p_{data}(x) + p_g(x))$ (chapter 2 derives
#    it), held fixed while $G$ takes a step. Then $G$ follows the gradient of
#    $\mathbb{E}_{x \sim p_g}[-\log D^*(x)]$. Find the divergence between $p_g$ and $p_{data}$
#    with the same gradient, and write it as `ns_divergence(p_data, p_g, dx)` for densities on
#    a grid of spacing `dx` (`kl` and `jsd` from `began_lite.theory` are imported; only
#    differences matter, so any constant may be added). Hints: $-\log D^* = \log(p_g / p_{data})
#    - \log(1 - D^*)$; with $D^*$ frozen, $\mathbb{E}_{p_g}[\log(1 - D^*)]$ has the gradient
#    of $C(G) = -\log 4 + 2\,\mathrm{JSD}$ (chapter 2), because $D^*$ maximises $V$. The
#    checker prints the slope of your divergence beside the slope of the loss itself.
# 3. Re-run the 1-D experiment with `nonsaturating=False`. Does it still converge? Then start
#    from the confident $D$ of the gradient-norm experiment and compare how far $G$'s mean moves
#    in 50 iterations under each loss, with SGD instead of Adam. Why does Adam hide much of the
#    difference?
# 4. Set $k = 5$ for the ring. Which changes: the time per iteration, the modes covered, the
#    value of $D(G(z))$?
# 5. At the equilibrium of Theorem 1, $p_g = p_{data}$ and $D = 1/2$ everywhere. What gradient
#    does each of the two generator losses give $G$ there, and why does that make the
#    equilibrium a fixed point of both?

# %% tags=["nbval-ignore-output"]
def my_nonsaturating_loss(logits_fake):
    """Your -mean log D(G(z)), computed from D's logits."""
    ### BEGIN SOLUTION
    return F.softplus(-logits_fake).mean()  # -log sigmoid(a) = softplus(-a), finite for any a
    ### END SOLUTION


passed = check_nonsaturating_loss(my_nonsaturating_loss)

# %% tags=["nbval-ignore-output"]
def ns_divergence(p_data, p_g, dx):
    """Your divergence whose gradient the non-saturating loss follows against a frozen D*."""
    ### BEGIN SOLUTION
    # -log D* = log(p_g / p_data) - log(1 - D*). With D* (and so p_g inside it) frozen at the
    # current G, E_pg[log(p_g_now / p_data)] has the gradient of KL(p_g || p_data), since
    # E_pg[log(p_g / p_g_now)] = KL(p_g || p_g_now) is flat at its minimum p_g = p_g_now; and
    # E_pg[log(1 - D*)] has the gradient of C(G) = -log 4 + 2 JSD. So G follows
    # KL(p_g || p_data) - 2 JSD(p_data || p_g) (Arjovsky and Bottou 2017, Theorem 2.5): the
    # reverse KL punishes p_g for mass where there is no data but barely for missing a mode of
    # the data, and the -2 JSD term even pushes p_g away from p_data: one root of mode dropping.
    return kl(p_g, p_data, dx) - 2 * jsd(p_data, p_g, dx)
    ### END SOLUTION


passed = check_nonsaturating_divergence(ns_divergence)

# %% tags=["nbval-ignore-output"]
### BEGIN SOLUTION
# Exercise 3. The saturating loss on the 1-D task, from the same start, for the quick budget:
G_s, D_s, opt_g_s, opt_d_s = make_gan(B["seed"], 1)
gen_s = torch.Generator().manual_seed(B["seed"])
for _ in range(B["steps_1d"]):
    out_s = algorithm1_step(G_s, D_s, opt_g_s, opt_d_s,
                            lambda m: data_1d.sample(m, generator=gen_s), B["z_dim"],
                            B["batch_size"], nonsaturating=False, generator=gen_s)
with torch.no_grad():
    final_s = G_s(torch.randn(4000, B["z_dim"], generator=gen_s))
print(f"saturating loss, {B['steps_1d']} iterations: G's mean {final_s.mean():.3f}, std "
      f"{final_s.std():.3f}; D(G(z)) = {out_s['d_fake']:.3f}")


def mean_shift_with_sgd(loss_fn, steps=50, lr=0.01):
    """How far G's mean moves in `steps` SGD steps against the confident, frozen D0 above."""
    G_copy = copy.deepcopy(G0)
    opt = torch.optim.SGD(G_copy.parameters(), lr=lr)
    z_fixed = torch.randn(1000, B["z_dim"], generator=torch.Generator().manual_seed(1))
    start = G_copy(z_fixed).mean().item()
    for _ in range(steps):
        loss = loss_fn(D0(G_copy(z_fixed)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return G_copy(z_fixed).mean().item() - start


for name, loss_fn in [("saturating", generator_loss_saturating),
                      ("non-saturating", generator_loss_nonsaturating)]:
    print(f"50 SGD steps against the confident D, {name}: G's mean moves "
          f"{mean_shift_with_sgd(loss_fn):+.4f}")
# With Adam, as above, the saturating run still ends near the data (printed first). With SGD the
# step is proportional to the gradient, so the saturating loss barely moves G. Adam divides each step by a running root-mean-square of the gradient, so a gradient 100 times
# smaller gives nearly the same step: the size of the gradient matters little to it, only its
# direction (until it is as small as Adam's epsilon).

# Exercise 4. k = 5 on the ring, for a tenth of the budget, beside k = 1:
for k in (1, 5):
    G_k, D_k, opt_g_k, opt_d_k = make_gan(B["seed"], 2)
    gen_k = torch.Generator().manual_seed(B["seed"])
    start = time.perf_counter()
    for _ in range(B["steps_ring"] // 10):
        out_k = algorithm1_step(G_k, D_k, opt_g_k, opt_d_k,
                                lambda m: ring.sample(m, generator=gen_k), B["z_dim"],
                                B["batch_size"], k=k, generator=gen_k)
    seconds = (time.perf_counter() - start) / (B["steps_ring"] // 10)
    with torch.no_grad():
        cover_k = mode_coverage(G_k(torch.randn(2000, B["z_dim"], generator=gen_k)), ring.modes,
                                ring.std)
    print(f"k = {k}: {1000 * seconds:.1f} ms per iteration, {cover_k['modes_covered']}/8 modes, "
          f"D(G(z)) = {out_k['d_fake']:.3f}")
# An iteration does k D steps and one G step, so k = 5 is slower (printed; less than 3 times
# here, because a D step on these tiny MLPs costs less than the G step, which back-propagates
# through both networks). D, trained harder, rejects G's samples more (a lower D(G(z))). The
# modes covered after this short run are printed too; one short run per k is too little to say
# that more D steps cure or cause mode dropping.

# Exercise 5. At p_g = p_data, D = 1/2 everywhere, so both losses give the logit the gradient
# -1/2 (printed below). But G's gradient is that times dD/dx times dG/dtheta, and D is constant,
# so dD/dx = 0: neither loss moves G, and the equilibrium is a fixed point of both.
print(f"at D(G(z)) = 0.5: saturating {logit_gradient(generator_loss_saturating, 0.5):.2f}, "
      f"non-saturating {logit_gradient(generator_loss_nonsaturating, 0.5):.2f}")
### END SOLUTION
