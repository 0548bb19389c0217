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
# # 2. The optimal discriminator and the Jensen-Shannon divergence
#
# **After this chapter you will be able to**
# - derive the best discriminator $D^*_G$ for a fixed generator, and check that a trained
#   discriminator gets close to it;
# - compute the virtual training criterion $C(G)$ on a grid, and check Theorem 1:
#   $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g)$, smallest exactly when $p_g = p_{data}$;
# - explain why this criterion gives the generator no gradient at all when $p_g$ and $p_{data}$
#   do not overlap, which is the problem chapter 5 starts from.
#
# **Paper:** Goodfellow et al. 2014, "Generative Adversarial Nets", section 4.1 (Proposition 1,
# Theorem 1).

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import display

from began_lite.book import budget
from began_lite.data import Gaussian1D, Mixture1D
from began_lite.exercises.part1 import check_c_of_g_uniform, check_jsd
from began_lite.gan import discriminator_loss
from began_lite.nets import MLP
from began_lite.seeding import seed_everything
from began_lite.theory import (jsd, optimal_discriminator, value_function,
                               virtual_training_criterion)
from began_lite.viz import optimal_discriminator_widget, plot_optimal_discriminator

B = budget("ch02")
if B["threads"]:  # 0 keeps the default; quick uses one thread: faster for tiny nets, repeatable
    torch.set_num_threads(B["threads"])
gen = seed_everything(B["seed"])
print(B)

# %% [markdown]
# ## The best discriminator for a fixed generator
#
# Fix $G$, so $p_g$ is fixed. Writing the expectation over $z$ as one over $x = G(z)$, the value
# of the game is an integral over $x$:
#
# $$V(G, D) = \int_x p_{data}(x) \log D(x) + p_g(x) \log\big(1 - D(x)\big)\, dx .$$
#
# $D$ may choose each $D(x)$ separately, so it maximises the integrand point by point. For
# $a, b \ge 0$, not both zero, $y \mapsto a \log y + b \log(1 - y)$ has derivative
# $a / y - b / (1 - y)$, which vanishes at $y = a / (a + b)$, and it is concave, so that is the
# maximum. With $a = p_{data}(x)$ and $b = p_g(x)$ (Proposition 1):
#
# $$D^*_G(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)} .$$
#
# Where both densities vanish, $V$ does not depend on $D(x)$ at all, so $D^*$ is not defined
# there; `began_lite` returns $1/2$ (pass `where_both_zero=float("nan")` to mark such points).
# First, the one-dimensional maximisation by brute force:

# %%
a, b = 0.3, 0.7
y = np.linspace(0.001, 0.999, 999)
integrand = a * np.log(y) + b * np.log(1 - y)
print(f"argmax of a log y + b log(1 - y) on the grid: {y[integrand.argmax()]:.3f}")
print(f"a / (a + b):                                  {a / (a + b):.3f}")
print(f"D* where p_data = p_g = 0: {optimal_discriminator([0.0], [0.0])[0]}")

# %% [markdown]
# ## From scratch, on a grid
#
# Densities become arrays over a grid of spacing $dx$, and integrals become sums times $dx$. We
# normalise each density so it sums to exactly 1 on the grid; then the identities below hold to
# rounding error. $p_{data}$ is $\mathcal{N}(0, 1)$ and $p_g$ a two-component mixture.
# Substituting $D^*$ into $V$ gives the *virtual training criterion*
#
# $$C(G) = \max_D V(G, D)
#        = \mathbb{E}_{x \sim p_{data}}\Big[\log \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}\Big]
#        + \mathbb{E}_{x \sim p_g}\Big[\log \frac{p_g(x)}{p_{data}(x) + p_g(x)}\Big].$$

# %%
x = np.linspace(-6, 6, 2401)
dx = x[1] - x[0]


def on_grid(dist, x=x):
    """A began_lite toy's density on the grid, normalised to sum to 1 times dx."""
    p = dist.density(torch.as_tensor(x)[:, None]).numpy()
    return p / (p.sum() * (x[1] - x[0]))


def d_star_scratch(p_data, p_g):
    return p_data / (p_data + p_g)


def c_of_g_scratch(p_data, p_g, dx):
    d = d_star_scratch(p_data, p_g)
    return np.sum(p_data * np.log(d) + p_g * np.log(1 - d)) * dx


data, model = Gaussian1D(0.0, 1.0), Mixture1D([-2.0, 1.5], [0.5, 0.7], [0.3, 0.7])
p_data, p_g = on_grid(data), on_grid(model)
d_gap = np.abs(d_star_scratch(p_data, p_g) - optimal_discriminator(p_data, p_g)).max()
c_gap = abs(c_of_g_scratch(p_data, p_g, dx) - virtual_training_criterion(p_data, p_g, dx))
print(f"C(G): from scratch {c_of_g_scratch(p_data, p_g, dx):.6f}, "
      f"began_lite {virtual_training_criterion(p_data, p_g, dx):.6f}")
print(f"largest |D* difference| below 1e-12: {d_gap < 1e-12}; |C(G) difference| below 1e-12: "
      f"{c_gap < 1e-12}")

# %% [markdown]
# One detail the package handles and the three-line version does not: far in a tail where
# $p_g \ll p_{data}$, $D^*$ rounds to exactly 1, $\log(1 - D^*) = -\infty$, and the sum becomes
# $-\infty$ even though the true integrand is tiny. `began_lite` computes $1 - D^*$ as
# $p_g / (p_{data} + p_g)$ instead. On a wider grid:

# %%
wide = np.linspace(-9, 9, 3601)
p_data_w, p_g_w = on_grid(data, wide), on_grid(model, wide)
with np.errstate(divide="ignore", invalid="ignore"):
    naive = c_of_g_scratch(p_data_w, p_g_w, wide[1] - wide[0])
print(f"on [-9, 9]: from scratch {naive:.6f}, "
      f"began_lite {virtual_training_criterion(p_data_w, p_g_w, wide[1] - wide[0]):.6f}")

# %% [markdown]
# ## A trained discriminator approaches $D^*$
#
# Proposition 1 says what the best $D$ *is*; does gradient ascent on $V$ find it? Keep $p_g$
# fixed, draw fresh samples from $p_{data}$ and from $p_g$ at every step, and train a small MLP
# $D$ (logit output) on the discriminator loss $-V$ until it stops improving. Then compare
# $\sigma(\text{logit})$ with the closed form on the grid, where the two densities carry mass
# (elsewhere no sample ever reaches $D$, so nothing pins it down).

# %%
# NBVAL_IGNORE_OUTPUT
D = MLP(1, B["hidden"], 1, activation="tanh")
opt = torch.optim.Adam(D.parameters(), lr=3e-3)
schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, B["d_steps"])
for step in range(B["d_steps"]):
    real, fake = data.sample(B["d_batch"], generator=gen), model.sample(B["d_batch"], generator=gen)
    loss = discriminator_loss(D(real), D(fake))
    opt.zero_grad()
    loss.backward()
    opt.step()
    schedule.step()

with torch.no_grad():
    logits = D(torch.as_tensor(x, dtype=torch.float32)[:, None]).squeeze(1)
d_trained = torch.sigmoid(logits).double().numpy()
d_closed = optimal_discriminator(p_data, p_g)
mass = (p_data + p_g) > 0.05
gap = np.abs(d_trained - d_closed)[mass].max()
v_trained = value_function(p_data, p_g, d_trained, dx)
c = virtual_training_criterion(p_data, p_g, dx)
print(f"{B['d_steps']} steps; where p_data + p_g > 0.05: [{x[mass][0]:.2f}, {x[mass][-1]:.2f}]")
print(f"largest |D - D*| there: {gap:.3f}")
print(f"V(trained D) = {v_trained:.4f}   C(G) = V(D*) = {c:.4f}")

# %%
print(f"largest |D - D*| below 0.05 where the densities carry mass: {gap < 0.05}")
print(f"V(trained D) <= C(G) (D* is the maximum): {v_trained <= c}")
print(f"C(G) - V(trained D) below 0.01: {c - v_trained < 0.01}")

# %%
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.plot(x, p_data, "k:", lw=2, label=r"$p_{data}$")
ax.plot(x, p_g, "g-", label=r"$p_g$ (fixed)")
ax.plot(x, d_closed, "b--", label=r"$D^*_G$ (closed form)")
ax.plot(x, d_trained, "r-", alpha=0.6, label="trained D")
ax.fill_between(x, 0, 1.05, where=~mass, color="0.9", label="little mass: D unconstrained")
ax.set(xlabel="x", ylabel="density / D(x)", ylim=(0, 1.05),
       title="A discriminator trained for a fixed generator")
ax.legend(loc="upper left", fontsize=8)
plt.show()

# %% [markdown]
# ## Theorem 1: $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g)$
#
# Add and subtract $\log 2$ inside both expectations of $C(G)$. With
# $m = (p_{data} + p_g) / 2$,
#
# $$C(G) = -\log 4 + \mathrm{KL}\big(p_{data} \,\|\, m\big) + \mathrm{KL}\big(p_g \,\|\, m\big)
#        = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g),$$
#
# and since $\mathrm{JSD} \ge 0$ with equality only when the two distributions are equal, the
# global minimum of $C(G)$ is $-\log 4$, reached only at $p_g = p_{data}$. Below, the left side is
# computed from $V$ with $D^*$ (`virtual_training_criterion`), the right side from KL
# divergences (`jsd`): two different computations that must agree.

# %%
candidates = {
    "N(0, 1) = p_data": Gaussian1D(0.0, 1.0),
    "N(0.5, 1)": Gaussian1D(0.5, 1.0),
    "N(2, 1)": Gaussian1D(2.0, 1.0),
    "N(0, 0.5)": Gaussian1D(0.0, 0.5),
    "N(0, 2)": Gaussian1D(0.0, 2.0),
    "mixture": model,
    "N(4, 0.3)": Gaussian1D(4.0, 0.3),
}
print(f"{'p_g':<18}{'C(G) from V':>14}{'-log4 + 2 JSD':>16}{'|diff| < 1e-9':>15}")
differences = []
for name, dist in candidates.items():
    q = on_grid(dist)
    left = virtual_training_criterion(p_data, q, dx)
    right = -math.log(4) + 2 * jsd(p_data, q, dx)
    differences.append(abs(left - right))
    print(f"{name:<18}{left:>14.6f}{right:>16.6f}{str(abs(left - right) < 1e-9):>15}")
print(f"\n-log 4 = {-math.log(4):.6f}; all pairs agree to 1e-6: {max(differences) < 1e-6}")

# %% [markdown]
# Now sweep $p_g = \mathcal{N}(\mu, s^2)$ over a grid of means and widths: the smallest $C(G)$
# found is $-\log 4$, at $p_g = p_{data}$, and every other $p_g$ scores higher.

# %%
means, stds = np.round(np.linspace(-3, 3, 61), 2), [0.5, 0.75, 1.0, 1.5, 2.0]
sweep = np.array([[virtual_training_criterion(p_data, on_grid(Gaussian1D(m, s)), dx)
                   for m in means] for s in stds])
i, j = np.unravel_index(sweep.argmin(), sweep.shape)
print(f"smallest C(G) in the sweep: {sweep.min():.6f} at mean {means[j]:.2f}, std {stds[i]:.2f}")
print(f"second smallest: {np.sort(sweep.ravel())[1]:.6f}")

fig, ax = plt.subplots(figsize=(7, 3.5))
for s, row in zip(stds, sweep):
    ax.plot(means, row, label=f"std {s}")
ax.axhline(-math.log(4), color="k", ls=":", label="-log 4")
ax.set(xlabel=r"mean of $p_g$", ylabel="C(G)",
       title=r"C(G) for $p_g = N(\mu, s^2)$, $p_{data} = N(0, 1)$")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## Play with it
#
# The sliders move $p_g$'s mean and width and redraw $D^*_G$; the title shows $C(G)$ and
# $-\log 4 + 2\,\mathrm{JSD}$. The sliders need a live kernel: in a saved notebook or the HTML
# book they show only as a line of text, `interactive(children=...)`. The static figure right
# below them draws the same function at three fixed settings, the widget's own start
# ($\mu = 1.5$, $s = 1$) among them.

# %%
# NBVAL_IGNORE_OUTPUT
display(optimal_discriminator_widget(x, p_data, mean=1.5, std=1.0))

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 3.5))
for ax, (m, s) in zip(axes, [(0.0, 1.0), (1.5, 1.0), (4.0, 0.5)]):
    q = on_grid(Gaussian1D(m, s))
    plot_optimal_discriminator(ax, x, p_data, q)
    d_at_0 = optimal_discriminator(p_data, q)[x.size // 2]
    print(f"p_g = N({m}, {s}^2): C(G) = {virtual_training_criterion(p_data, q, dx):.4f}, "
          f"D*(0) = {d_at_0:.4f}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## When the supports do not overlap, the gradient vanishes
#
# Gaussians overlap everywhere, if only in their tails. Real data often does not: natural images
# lie near a thin set in pixel space, and early in training $G$'s samples lie near another. Take
# a smooth bump with support $[-1, 1]$ as $p_{data}$ and the same bump shifted by $s$ as $p_g$.
# For $s \ge 2$ the supports are disjoint: $D^*$ is 1 on one and 0 on the other, the JSD is
# $\log 2$ whatever $s$ is, and so $C(G) = 0$. Torch autograd gives $d\,\mathrm{JSD}/ds$
# through `began_lite.theory.jsd`. For comparison, the 1-D Wasserstein distance
# $W_1 = \int |F_{data} - F_g|\,dx$ (from the two cumulative distributions) keeps growing with $s$.

# %%
grid = torch.linspace(-4, 9, 2601, dtype=torch.float64)
dg = float(grid[1] - grid[0])


def bump(shift):
    """(1 + cos(pi (x - shift))) / 2 on [shift - 1, shift + 1], zero elsewhere: integral 1."""
    shift = torch.as_tensor(shift, dtype=torch.float64)
    inside = (grid - shift).abs() < 1
    return torch.where(inside, (1 + torch.cos(math.pi * (grid - shift))) / 2, 0.0)


def jsd_and_slope(shift):
    s = torch.tensor(shift, dtype=torch.float64, requires_grad=True)
    value = jsd(bump(0.0), bump(s), dg)
    (slope,) = torch.autograd.grad(value, s)
    return value.item(), slope.item()


def w1(shift):
    return ((bump(0.0) - bump(shift)).cumsum(0) * dg).abs().sum().item() * dg


print(f"{'shift s':>8}{'JSD':>10}{'dJSD/ds':>10}{'C(G)':>10}{'W1':>8}")
for shift in [0.0, 0.5, 1.0, 1.5, 1.9, 2.0, 3.0, 5.0]:
    value, slope = jsd_and_slope(shift)
    c_shift = virtual_training_criterion(bump(0.0), bump(shift), dg).item()
    print(f"{shift:>8.1f}{value:>10.4f}{slope:>10.4f}{c_shift:>10.4f}{w1(shift):>8.3f}")
print(f"log 2 = {math.log(2):.4f}")

# %%
shifts = np.linspace(0, 5, 101)
values, slopes = zip(*(jsd_and_slope(float(s)) for s in shifts))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.5))
left.plot(shifts, values, label="JSD")
left.plot(shifts, [w1(float(s)) for s in shifts], label=r"$W_1$")
left.axhline(math.log(2), color="k", ls=":", label="log 2")
left.axvline(2, color="0.6", lw=0.8)
left.set(xlabel=r"shift $s$ of $p_g$", ylabel="distance",
         title=r"JSD saturates, $W_1$ keeps growing")
left.legend()
right.plot(shifts, slopes)
right.axvline(2, color="0.6", lw=0.8)
right.set(xlabel=r"shift $s$ of $p_g$", ylabel=r"$d\,\mathrm{JSD} / ds$",
          title="No gradient once the supports are disjoint")
plt.tight_layout()
plt.show()

# %% [markdown]
# The slope is 0 at $s = 0$ because that is the minimum, and 0 again for every $s \ge 2$ because
# the JSD is flat there: a generator trained on $C(G)$ with a perfect discriminator gets no
# signal telling it which way to move. In practice $D$ is not perfect and the non-saturating
# loss of chapter 1 helps, but the flat JSD is the root of the instability. Chapter 5 replaces
# it with a Wasserstein distance, which, as the table shows, still grows with the shift.
#
# ## Summary
#
# - For a fixed $G$, the best discriminator is $D^*_G = p_{data} / (p_{data} + p_g)$; a small
#   MLP trained on samples gets close to it where the densities carry mass (printed above).
# - Plugging $D^*$ into $V$ gives $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data} \,\|\, p_g)$; on
#   grids both sides agree to rounding, and the minimum $-\log 4$ is reached only at
#   $p_g = p_{data}$.
# - With disjoint supports the JSD is stuck at $\log 2$ and its gradient is exactly zero.
#
# ## Exercises
#
# 1. **(checked, warm-up)** Write `my_jsd(p, q)` for two discrete distributions (NumPy arrays
#    that sum to 1), in nats, with $0 \log 0 = 0$, and run the cell until the checker prints ✓.
#    The checker tries distributions with zeros and with disjoint supports.
# 2. **(checked)** Slide one uniform past another: $p_{data} = U[0, 1]$ and
#    $p_g = U[s, s + 1]$. Derive $C(G)$ as a function of the shift $s$ (of either sign), without
#    a grid, and write it as `c_of_g_uniform(s)`. Unlike the smooth bumps above, the JSD's slope
#    does not fade before the supports part: what is $dC/ds$ for $0 < s < 1$, and for $s > 1$?
#    The checker prints your $C(G)$ beside one measured on a grid.
# 3. Show that $\mathrm{JSD}(p \,\|\, q) \le \log 2$, with equality exactly when the supports are
#    disjoint. (Hint: $p \log \frac{2p}{p + q} \le p \log 2$.)
# 4. Repeat the disjoint-support table with Gaussians of standard deviation 0.3 instead of bumps.
#    Is the slope ever exactly zero? How small is it at $s = 5$, and what would a generator
#    trained with a learning rate of $10^{-3}$ make of it?
# 5. With the sliders, find two different $p_g$ with the same $C(G)$. What does that say about
#    using $C(G)$ (or a trained $D$'s loss) to compare two generators?

# %% tags=["nbval-ignore-output"]
def my_jsd(p, q):
    """Your JSD(p || q) in nats for two discrete distributions."""
    ### BEGIN SOLUTION
    m = (p + q) / 2

    def kl_to_m(a):
        """KL(a || m) with 0 log 0 = 0: entries where a = 0 add nothing (and m > 0 where a > 0)."""
        inside = a > 0
        return float(np.sum(a[inside] * np.log(a[inside] / m[inside])))

    return (kl_to_m(p) + kl_to_m(q)) / 2
    ### END SOLUTION


passed = check_jsd(my_jsd)

# %% tags=["nbval-ignore-output"]
def c_of_g_uniform(s):
    """Your C(G) for p_data = U[0, 1] and p_g = U[s, s + 1]."""
    ### BEGIN SOLUTION
    # Where both densities are 1, D* = 1/2 and the two KL terms of the JSD get log 1 = 0. On the
    # part of p_data's support that p_g misses (length min(|s|, 1)), m = 1/2, so KL(p_data || m)
    # gets min(|s|, 1) log 2; the same holds for p_g. JSD = min(|s|, 1) log 2, so
    # C(G) = -log 4 + 2 min(|s|, 1) log 2: a straight line of slope log 4 up to s = 1, where the
    # supports part, and flat (C = 0, no gradient) after. The gradient does not fade as p_g
    # moves away; it stops dead at the moment the supports separate.
    return -math.log(4) + 2 * min(abs(s), 1.0) * math.log(2)
    ### END SOLUTION


passed = check_c_of_g_uniform(c_of_g_uniform)

# %% tags=["nbval-ignore-output"]
### BEGIN SOLUTION
# Exercise 3. p log(2p / (p + q)) <= p log(2p / p) = p log 2 wherever p > 0, because q >= 0;
# summing, KL(p || m) <= log 2, and the same for q, so JSD <= log 2. Equality needs q = 0
# wherever p > 0 and p = 0 wherever q > 0: disjoint supports. The table of the bumps showed it:
print(f"JSD of the bumps at s = 3: {jsd_and_slope(3.0)[0]:.6f}, log 2 = {math.log(2):.6f}")


# Exercise 4. Normal densities of standard deviation 0.3 instead of the bumps:
def normal_on_grid(shift, std=0.3):
    """N(shift, std^2) on the torch grid, as a differentiable function of the shift."""
    return torch.exp(-0.5 * ((grid - shift) / std) ** 2) / (std * math.sqrt(2 * math.pi))


print(f"{'shift s':>8}{'JSD':>10}{'dJSD/ds':>12}")
for shift in [0.5, 1.0, 2.0, 3.0, 5.0]:
    s_t = torch.tensor(shift, dtype=torch.float64, requires_grad=True)
    value = jsd(normal_on_grid(0.0), normal_on_grid(s_t), dg)
    (slope,) = torch.autograd.grad(value, s_t)
    print(f"{shift:>8.1f}{value.item():>10.4f}{slope.item():>12.3e}")
# The slope is never exactly zero, since normal densities overlap everywhere, but by s = 5 it is
# of the order of the float64 rounding of the grid sums: a step of lr times that slope moves p_g
# by nothing a computer can represent. In practice that is no gradient at all.

# Exercise 5. C(G) depends on p_g only through how far it is from p_data. Two different
# generators, N(0, 0.5^2) and a wider N(0, s^2) found by bisection, score the same C(G):
target = virtual_training_criterion(p_data, on_grid(Gaussian1D(0.0, 0.5)), dx)
low, high = 1.0, 3.0  # C(G) rises with s on [1, 3]
for _ in range(50):
    middle = (low + high) / 2
    if virtual_training_criterion(p_data, on_grid(Gaussian1D(0.0, middle)), dx) < target:
        low = middle
    else:
        high = middle
print(f"C(G) of N(0, 0.5^2) = {target:.6f}; of N(0, {low:.4f}^2) = "
      f"{virtual_training_criterion(p_data, on_grid(Gaussian1D(0.0, low)), dx):.6f}")
# One generator is too narrow, the other too wide; one number cannot say which failure a
# generator has, so a D's loss alone cannot rank two generators by what matters to a reader.
### END SOLUTION
