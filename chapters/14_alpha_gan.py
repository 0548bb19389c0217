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
# # 14. alpha-GAN: an autoencoder and a GAN in one model
#
# **After this chapter you will be able to**
# - say what each of alpha-GAN's four networks does, and write Algorithm 1's four losses from
#   the two density-ratio estimates they rest on;
# - build those losses and one step of Algorithm 1 from scratch, and show that they compute what
#   `began_lite.alpha_gan` computes;
# - train an alpha-GAN with the book's trainer (`python -m began_lite train --preset
#   alpha-mnist`) and read its log;
# - judge it with `evaluate`: its samples and its reconstructions of held-out digits, beside the
#   real digits and beside BEGAN's reference model.
#
# **Paper:** Rosca, Lakshminarayanan, Warde-Farley, Mohamed 2017, "Variational Approaches for
# Auto-Encoding Generative Adversarial Networks" (arXiv 1706.04987): the objective built from a
# synthetic likelihood and an implicit posterior, and its Algorithm 1.
#
# BEGAN's discriminator is an autoencoder, but its generator never sees a real image: nothing
# ties $G$ to every digit of the data set, and every BEGAN recipe the book tried on MNIST drifted
# towards drawing 1s unless an extra term was added against it (the `mnist` preset's header has
# the table). alpha-GAN adds an encoder $E$ that maps each real image $x$ to a code
# $\hat z = E(x)$ and asks $G$ to *reconstruct* $x$ from it. Every training image then pulls on
# $G$; that is the paper's argument against mode collapse. Two discriminators keep the rest
# honest: $D$ judges images, $C$ judges codes.

# %%
import copy
import json
import math
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.alpha_gan import (NETWORKS, alpha_gan_losses, alpha_gan_step, build_alpha_gan,
                                  sample_prior)
from began_lite.began import ADAM_BETAS
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.exercises.part4_alpha_gan import check_losses_at, check_optimal_d
from began_lite.metrics.evaluate import draw_samples, evaluate_alpha_gan, summary_line, table
from began_lite.seeding import seed_everything
from began_lite.train import load_config, read_metrics, train
from began_lite.train.checkpoint import load_models
from began_lite.train.reference import load_reference_models, reference_dir
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch14")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
print({key: B[key] for key in sorted(B) if key != "train"})

# %% [markdown]
# ## 14.1 The idea: a variational autoencoder with two ratios learned by classifiers
#
# A variational autoencoder maximises a lower bound on $\log p_\theta(x)$ with an encoder
# $q_\eta(z|x)$ and a prior $p(z)$:
#
# $$\log p_\theta(x) \;\ge\; \mathbb{E}_{q_\eta(z|x)}\big[\log p_\theta(x|z)\big]
#   \;-\; \mathrm{KL}\big[q_\eta(z|x)\,\|\,p(z)\big].$$
#
# Both terms need densities that a GAN does not have. alpha-GAN replaces each by something a
# network can learn.
#
# - **The likelihood** $\log p_\theta(x|z)$. $G$ is a deterministic map, so it has no density.
#   The paper keeps two stand-ins: an explicit reconstruction term $-\lambda\,\|x - G(z)\|_1$ (the
#   log-density of a Laplace distribution around $G(z)$, up to a constant), and a *synthetic
#   likelihood* from a classifier. Chapter 2 showed that the optimal classifier of real against
#   generated images is $D^* = p^*/(p^* + p_\theta)$, so
#   $$\frac{D^*(x)}{1 - D^*(x)} = \frac{p^*(x)}{p_\theta(x)}:$$
#   $D$'s odds estimate how much more likely an image is under the data than under the model,
#   and $G$ is rewarded by $\log \frac{D}{1-D}$, which is simply $D$'s logit.
# - **The KL term.** $E$ is an implicit distribution (here a plain map, $q_\eta(z|x)$ a point
#   mass at $E(x)$), so $\mathrm{KL}[q\,\|\,p]$ has no closed form either. The same trick
#   estimates the ratio of the two code densities: a *code discriminator* $C$ is trained to call
#   prior codes $z \sim p(z) = \mathcal{N}(0, I)$ real and encoded codes $\hat z = E(x)$ fake,
#   so at its optimum $\frac{1 - C(\hat z)}{C(\hat z)} = \frac{q(\hat z)}{p(\hat z)}$, and $E$ is
#   rewarded by $\log \frac{C(\hat z)}{1 - C(\hat z)}$: codes that $C$ mistakes for prior codes.
#
# Put together, with $\hat z_i = E(x_i)$ and $z_i \sim p(z)$ for a batch of $N$ images, the
# paper's Algorithm 1 updates four networks in turn, each on its own loss:
#
# $$\begin{aligned}
# \mathcal{L}_E &= \tfrac1N \textstyle\sum_i \lambda\|x_i - G(\hat z_i)\|_1
#   - \log\frac{C(\hat z_i)}{1 - C(\hat z_i)}, \\
# \mathcal{L}_G &= \tfrac1N \textstyle\sum_i \lambda\|x_i - G(\hat z_i)\|_1
#   - \log\frac{D(G(\hat z_i))}{1 - D(G(\hat z_i))} - \log\frac{D(G(z_i))}{1 - D(G(z_i))}, \\
# \mathcal{L}_D &= \tfrac1N \textstyle\sum_i -\log D(x_i) - \log\big(1 - D(G(\hat z_i))\big)
#   - \log\big(1 - D(G(z_i))\big), \\
# \mathcal{L}_C &= \tfrac1N \textstyle\sum_i -\log C(z_i) - \log\big(1 - C(\hat z_i)\big).
# \end{aligned}$$
#
# $D$ sees *two* kinds of fake: reconstructions $G(\hat z)$ and samples $G(z)$. The ratio terms
# in $\mathcal{L}_G$ and $\mathcal{L}_E$ are $-\log D + \log(1 - D)$: the non-saturating GAN loss
# of chapter 1 plus the original saturating one. Where the paper is silent the package makes a
# choice and says why (`began_lite/alpha_gan.py`'s docstring): $C$ calls *prior* codes real (the
# first arXiv version of Algorithm 1 prints the two terms of $\mathcal{L}_C$ swapped, which
# would let $E$ and $C$ pull the same way); $E$ is deterministic; $\|\cdot\|_1$ sums over the
# pixels of an image; and all four losses of an iteration are measured with the weights the
# iteration started from, as the listing draws $x$, $\hat z$ and $z$ once, before the updates.
#
# The networks: $E$ is BEGAN's encoder with $h = $ `z_dim` (chapter 8), $G$ is BEGAN's
# generator, $D$ is the small convolutional classifier of chapter 3, and $C$ is an MLP.

# %%
S, n, z_dim = B["check_size"], B["check_n"], B["check_z_dim"]
torch.manual_seed(B["seed"])
networks = build_alpha_gan(S, 1, n, z_dim, repeat=1, code_hidden=B["check_code_hidden"])
for name, network in networks.items():
    print(f"{name:<19} {sum(p.numel() for p in network.parameters()):>7,} weights")

# %% [markdown]
# ## 14.2 The four losses from scratch
#
# Read off the equations with probabilities, as written: $D(v)$ and $C(z)$ are the sigmoids of
# the networks' logits, and every term is a log of a probability or of odds. The package works
# with logits instead (the odds' log *is* the logit, and its cross-entropies use softplus, as in
# chapter 1, so they stay finite where a probability rounds to 0 or 1), and it sends the three
# image sets through $D$ in one call. Same numbers?

# %%
def my_alpha_gan_losses(E, G, D, C, x, z, lam):
    """Algorithm 1's losses for real images x (B, C, H, W) and prior codes z (B, z_dim)."""
    z_hat = E(x)
    x_rec, x_gen = G(z_hat), G(z)
    d = lambda v: torch.sigmoid(D(v))          # D(v): probability that v is a real image
    c = lambda code: torch.sigmoid(C(code))    # C(z): probability that z came from the prior
    odds = lambda p: torch.log(p / (1 - p))
    rec = lam * (x - x_rec).abs().sum(dim=(1, 2, 3)).mean()       # lambda * mean ||x - G(E(x))||_1
    return {"rec": rec,
            "adv_rec": -odds(d(x_rec)).mean(),
            "adv_gen": -odds(d(x_gen)).mean(),
            "code_adv": -odds(c(z_hat)).mean(),
            "loss_e": rec - odds(c(z_hat)).mean(),
            "loss_g": rec - odds(d(x_rec)).mean() - odds(d(x_gen)).mean(),
            "loss_d": (-torch.log(d(x)) - torch.log(1 - d(x_rec)) - torch.log(1 - d(x_gen))).mean(),
            "loss_c": (-torch.log(c(z)) - torch.log(1 - c(z_hat))).mean()}


def within(difference, tolerance=1e-6):
    """A difference as "< 1e-06" when it is float32 rounding (its digits differ by processor)."""
    return f"< {tolerance:.0e}" if difference < tolerance else f"{difference:.1e}"


reals = load_mnist("train", S, root=DATA).images
x = reals[:B["check_batch"]]
z = sample_prior(len(x), z_dim, torch.Generator().manual_seed(B["seed"]))
mine = my_alpha_gan_losses(*networks.values(), x, z, B["check_lambda_rec"])
theirs = alpha_gan_losses(*networks.values(), x, z, B["check_lambda_rec"])
differences = {key: abs(value.item() - getattr(theirs, key).item()) for key, value in mine.items()}
for key, value in mine.items():
    print(f"{key:<9} from scratch {value.item():>9.5f}   began_lite {getattr(theirs, key).item():>9.5f}"
          f"   |difference| {within(differences[key])}")

# %%
worst = max(differences.values())
print(f"largest difference {'below' if worst < 1e-5 else 'ABOVE'} 1e-5")

# %% [markdown]
# ## 14.3 One step of Algorithm 1 from scratch
#
# Each network steps on the gradient of its own loss and of nothing else: $\mathcal{L}_G$ passes
# through $D$, but $D$ must not learn from it, and $\mathcal{L}_E$ passes through $G$, but $G$
# must not learn from $E$'s code term. `torch.autograd.grad(loss, weights)` gives exactly one
# network's gradient. All four gradients are taken before any weight moves, then the four
# optimisers step in the listing's order, $E, G, D, C$. `alpha_gan_step` draws $z$ first from
# its random generator, so the version below does the same; two copies of the networks, each
# with its own Adam optimisers, take a few steps on the same real batches.

# %%
def my_alpha_gan_step(nets, optimizers, x, z_dim, lam, rng):
    """One iteration of Algorithm 1: E, G, D and C each step on its own loss."""
    z = torch.randn(len(x), z_dim, generator=rng)
    losses = my_alpha_gan_losses(*nets, x, z, lam)
    own = [losses["loss_e"], losses["loss_g"], losses["loss_d"], losses["loss_c"]]
    grads = [torch.autograd.grad(loss, list(net.parameters()), retain_graph=True)
             for loss, net in zip(own, nets)]
    for net, optimizer, grad in zip(nets, optimizers, grads):      # E, G, D, C
        for weight, g in zip(net.parameters(), grad):
            weight.grad = g
        optimizer.step()
    return {key: value.item() for key, value in losses.items()}


mine_nets, theirs_nets = list(copy.deepcopy(networks).values()), list(networks.values())
adam = lambda nets: [torch.optim.Adam(net.parameters(), B["check_lr"], betas=ADAM_BETAS)
                     for net in nets]
mine_opt, theirs_opt = adam(mine_nets), adam(theirs_nets)
mine_rng, theirs_rng = (torch.Generator().manual_seed(B["seed"]) for _ in range(2))
batches = reals[:B["check_batch"] * B["check_steps"]].split(B["check_batch"])
for t, batch in enumerate(batches):
    numbers = my_alpha_gan_step(mine_nets, mine_opt, batch, z_dim, B["check_lambda_rec"], mine_rng)
    result = alpha_gan_step(*theirs_nets, *theirs_opt, batch, lambda_rec=B["check_lambda_rec"],
                            z_dim=z_dim, rng=theirs_rng)
    losses = max(abs(numbers[key] - getattr(result, key)) for key in numbers)
    weights = {name: max((a - b).abs().max().item() for a, b in zip(m.parameters(), o.parameters()))
               for name, m, o in zip(NETWORKS, mine_nets, theirs_nets)}
    print(f"step {t + 1}: L_D {result.loss_d:.4f}, L_C {result.loss_c:.4f}; largest |loss "
          f"difference| {within(losses)}; |weight difference| "
          + ", ".join(f"{name} {within(value)}" for name, value in weights.items()))

# %% [markdown]
# The two versions agree to float32 rounding (below $10^{-6}$; the rounding's own digits differ
# from one processor to another, so they are not printed) in every loss and in every weight of
# the four networks after each step, so the few lines above are what the trainer runs.
#
# ## 14.4 Training with the book's trainer
#
# The trainer that trains BEGAN trains alpha-GAN too: the preset says `model = "alpha-gan"`,
# and the same loop keeps the run folder, the log, the sample grids, the checkpoints, exact
# resume and the NaN guard; only the step and the numbers it logs differ. The quick profile
# trains a small 16 px model for a few hundred steps; the full profile trains the
# `alpha-mnist` preset at 32 px.

# %%
# NBVAL_IGNORE_OUTPUT
config = load_config(B["preset"], {**B["train"], "data_root": str(DATA)})
print({key: getattr(config, key) for key in ("model", "image_size", "n", "z_dim", "repeat",
                                              "code_hidden", "lambda_rec", "lr", "batch_size",
                                              "steps")})
start = time.perf_counter()
run_dir = train(config, tempfile.mkdtemp(prefix="ch14_"), device=B["device"], progress=False)
print(f"{config.steps} steps in {time.perf_counter() - start:.1f} s on this machine")
rows = read_metrics(run_dir)
steps = np.array([row["step"] for row in rows])
log = {key: np.array([row[key] for row in rows])
       for key in ("rec", "adv_rec", "adv_gen", "code_adv", "loss_d", "loss_c")}
pixels = config.channels * config.image_size ** 2
log["l1"] = log["rec"] / (config.lambda_rec * pixels)  # mean |x - G(E(x))| per pixel
print(f"{len(rows)} log lines, one per {config.log_every} steps")

# %% [markdown]
# Two numbers from the exercises below help to read the discriminators' curves. If $D$ cannot
# tell anything apart it says $\tfrac12$ everywhere and $\mathcal{L}_D = 3\log 2 \approx 2.08$;
# the optimum $D^*$ for a *perfect* model, whose reconstructions and samples both follow the
# data, is $\tfrac13$ (exercise 1), where $\mathcal{L}_D = 3\log 3 - 2\log 2 \approx 1.91$. A code
# discriminator that cannot tell prior codes from encoded ones has
# $\mathcal{L}_C = 2\log 2 \approx 1.39$. Below these lines the discriminator is winning.

# %%
# NBVAL_IGNORE_OUTPUT
fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
axes[0, 0].plot(steps, log["l1"], color="C0")
axes[0, 0].set(ylabel="mean |x - G(E(x))| per pixel", title="reconstruction error",
               ylim=(0, log["l1"].max() * 1.1))
axes[0, 1].plot(steps, log["loss_d"], color="C3", label="L_D")
axes[0, 1].axhline(3 * math.log(3) - 2 * math.log(2), color="C3", ls=":", lw=1,
                   label="L_D at D* = 1/3 (perfect model)")
axes[0, 1].plot(steps, log["loss_c"], color="C2", label="L_C")
axes[0, 1].axhline(2 * math.log(2), color="C2", ls=":", lw=1, label="L_C at chance")
axes[0, 1].set(ylabel="loss", title="the two discriminators",
               ylim=(0, max(log["loss_d"].max(), log["loss_c"].max(), 2.2) * 1.05))
axes[0, 1].legend(fontsize=8)
for key, label in (("adv_rec", "G's term on G(E(x))"), ("adv_gen", "G's term on G(z)"),
                   ("code_adv", "E's term on E(x)")):
    axes[1, 0].plot(steps, log[key], label=label)
low = min(log[k].min() for k in ("adv_rec", "adv_gen", "code_adv"))
high = max(log[k].max() for k in ("adv_rec", "adv_gen", "code_adv"))
axes[1, 0].set(xlabel="step", ylabel="minus a logit", title="adversarial terms",
               ylim=(low - 0.1 * abs(low) - 0.1, high + 0.1 * abs(high) + 0.1))
axes[1, 0].legend(fontsize=8)
axes[1, 1].plot(steps, 1 / (1 + np.exp(log["adv_gen"])), label="on samples G(z)")
axes[1, 1].plot(steps, 1 / (1 + np.exp(log["adv_rec"])), label="on reconstructions")
axes[1, 1].set(xlabel="step", ylabel="sigmoid(mean logit)", ylim=(0, 1),
               title="what D says about the fakes")
axes[1, 1].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
for key, label in (("l1", "reconstruction error per pixel"), ("loss_d", "L_D"),
                   ("loss_c", "L_C"), ("adv_gen", "G's term on samples")):
    print(f"{label}: {log[key][0]:.4f} in the first window, {log[key][-1]:.4f} in the last")

# %% [markdown]
# Read the printed windows against those lines. The reconstruction error per pixel falls from
# 0.5876 to 0.1191: $E$ and $G$ learn to autoencode first. $\mathcal{L}_D$ starts at 2.0176, near
# the $3\log 2 \approx 2.08$ of a discriminator that cannot tell anything apart; it dips well
# below the 1.91 of the perfect-model optimum early on and ends at 1.6528, still below it: $D$ is
# winning, as it does early in a GAN's training. $\mathcal{L}_C$ falls from 1.3939 to 0.7234,
# far below $2\log 2 \approx 1.39$: $C$ tells encoded codes from prior ones better and better.
# $G$'s term on samples, minus $D$'s logit on $G(z)$, goes from 0.0393 to 1.1206, so $D$'s logit
# on samples ends near $-1.1$: $D$ calls them fake. Four hundred steps are a beginning, not an
# equilibrium.
#
# ## 14.5 Reconstructions beside samples
#
# An alpha-GAN can be judged twice: by its samples $G(z)$, as any GAN, and by its
# reconstructions $G(E(x))$ of digits it never trained on (the validation split). A figure of
# both, beside the digits themselves:

# %%
def three_rows(encoder, generator, config, count):
    """(real val digits, their reconstructions, samples from evaluate's fixed z), in [-1, 1]."""
    real = load_mnist("val", config.image_size, root=DATA).images[:count]
    with torch.no_grad():
        rebuilt = generator(encoder(real)).clamp(-1, 1)
    samples = draw_samples(generator, config.z_dim, count, prior=sample_prior)
    return real, rebuilt, samples


def show_rows(rows, title):
    fig, axes = plt.subplots(3, 1, figsize=(9, 3.6))
    for ax, images, label in zip(axes, rows, ("real digits x", "reconstructions G(E(x))",
                                              "samples G(z)")):
        ax.imshow(make_grid(images, nrow=len(images))[:, :, 0], cmap="gray", vmin=0, vmax=255)
        ax.set_title(label, fontsize=9)
        ax.axis("off")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    plt.show()


networks_run, run_config, run_step = load_models(run_dir / "checkpoints" / "last.pt")
show_rows(three_rows(networks_run["encoder"], networks_run["generator"], run_config,
                     B["samples"]), f"quick run, step {run_step}")

# %% [markdown]
# `evaluate` turns the pictures into numbers. For an alpha-GAN it has no $\mathcal{L}$ and no
# $\mathcal{M}$ (those are BEGAN's); in their place it prints the mean per-pixel L1 error of the
# reconstructions, and judges the reconstructions as a third set of images:

# %%
# NBVAL_IGNORE_OUTPUT
quick = evaluate_alpha_gan(networks_run["encoder"], networks_run["generator"], run_config,
                           count=B["eval_count"])
print(summary_line(quick))
print(table(quick))

# %% [markdown]
# At 16 px the classifier sees shrunken digits: real digits themselves get a confident label
# only 0.42 of the time and an FD of 515.79 against the test digits, so read the model's rows
# against the real row above them, not against the 32 px numbers of 14.6. The quick run's
# samples cover 8 of 10 classes, the largest (2s) at 0.26, but the classifier is confident on
# only 0.09 of them (0.22 of the real digits' share), at an FD of 531.49. Its reconstructions
# are blurred digits: 0.57 of them are labelled 1 (the classifier's answer for blurred digits),
# their diversity is 0.310 against 0.467 for the digits they reconstruct and their FD 889.26. A run this short is too short to judge alpha-GAN by; the
# reference model below trained the preset for 2,000 steps at 32 px.
#
# ## 14.6 What the preset reaches: the reference model
#
# `data/reference/alpha-mnist32/` holds an `alpha-mnist` run's weights (no optimizer state), its
# config and its `evaluate` numbers; `make reference-alpha-mnist32` rebuilds it.

# %%
ref_nets, ref_config, ref_numbers = load_reference_models(B["reference"], root=DATA)
print({key: getattr(ref_config, key) for key in ("model", "image_size", "n", "z_dim",
                                                  "lambda_rec", "lr", "batch_size", "steps")})
show_rows(three_rows(ref_nets["encoder"], ref_nets["generator"], ref_config, B["samples"]),
          f"reference model, step {ref_numbers['step']}")

# %%
print(summary_line(ref_numbers))
print(table(ref_numbers))

# %% [markdown]
# Beside BEGAN's reference model (`data/reference/mnist32`, chapter 9), judged the same way on
# the same validation digits and the same number of samples:

# %%
began_numbers = json.loads((reference_dir("mnist32", root=DATA) / "evaluate.json").read_text())
print(f"{'model':<20}{'classes':>8}{'largest':>9}{'confident':>10}{'FD':>8}{'diversity':>10}")
for name, result in (("real digits", {"model": ref_numbers["real"]}),
                     ("BEGAN reference", began_numbers), ("alpha-GAN reference", ref_numbers),
                     ("alpha-GAN G(E(x))", {"model": ref_numbers["reconstructed"]})):
    row = result["model"]
    print(f"{name:<20}{row['classes_covered']:>6}/10{row['largest_share']:>9.2f}"
          f"{row['confident_share']:>10.2f}{row['frechet_distance']:>8.1f}{row['diversity']:>10.3f}")

# %% [markdown]
# The alpha-GAN reference, 2,000 steps of the preset at 32 px, covers 8 of 10 classes with none
# above 0.22, at a Fréchet distance of 75.2 against 227.8 for BEGAN's reference, and the
# classifier is confident on 0.34 of its samples against 0.28 of BEGAN's. Both are still far from
# the real digits (4.0 and 0.81); in the figure above, most samples are broken strokes. Its
# reconstructions of held-out digits are another matter: all 10 classes, none above 0.12,
# recognised with confidence 0.73 of the time, FD 23.5, and in the figure they are hard to tell
# from the digits they reconstruct. $G$'s reconstruction term gives it a signal from the pixels
# of every training image, which BEGAN's $G$ never gets (chapter 15 trains the three models side
# by side). Each row is one run from one seed: the table shows where two recipes ended, not how
# much a change of seed would move them.
#
# ## 14.7 Do the codes follow the prior?
#
# $C$'s job is to make $E$'s codes look like $\mathcal{N}(0, I)$, so that $G$, which only ever
# sees prior codes when it samples, meets the same codes it learned to reconstruct from. Two
# measurements on the reference model: the spread of its codes for the validation digits,
# dimension by dimension, and what its code discriminator says about them.

# %%
val = load_mnist("val", ref_config.image_size, root=DATA).images
with torch.no_grad():
    codes = ref_nets["encoder"](val)
    prior_codes = sample_prior(len(val), ref_config.z_dim, torch.Generator().manual_seed(0))
    says_prior = torch.sigmoid(ref_nets["code_discriminator"](prior_codes)).mean().item()
    says_codes = torch.sigmoid(ref_nets["code_discriminator"](codes)).mean().item()
means, stds = codes.mean(0), codes.std(0)
print(f"{len(val)} validation digits, {ref_config.z_dim} code dimensions")
print(f"per-dimension mean of E(x): from {means.min():.3f} to {means.max():.3f} (prior: 0)")
print(f"per-dimension std of E(x): from {stds.min():.3f} to {stds.max():.3f} (prior: 1)")
print(f"share of code entries within +-1.96: {(codes.abs() < 1.96).float().mean():.3f} "
      f"(prior: 0.950)")
print(f"C's mean probability 'from the prior': {says_prior:.3f} on prior codes, "
      f"{says_codes:.3f} on E(x)")

# %%
fig, ax = plt.subplots(figsize=(7, 3.4))
grid = np.linspace(-4, 4, 200)
ax.hist(codes.flatten().numpy(), bins=60, range=(-4, 4), density=True, alpha=0.6,
        label="entries of E(x), all dimensions")
ax.plot(grid, np.exp(-grid ** 2 / 2) / math.sqrt(2 * math.pi), "k", lw=1.5, label="N(0, 1)")
ax.set(xlabel="code value", ylabel="density", xlim=(-4, 4),
       title="the reference encoder's codes against the prior")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Pooled over all dimensions, the codes look like the prior: 0.946 of all code entries lie
# within $\pm 1.96$, as 0.950 of prior draws do, and the histogram follows the normal density.
# Dimension by dimension they are less regular: the means run from -0.215 to 0.175 where the
# prior's are 0, and the standard deviations from 0.658 to 1.300 against 1. $C$ still tells the
# two apart: its mean probability "from the prior" is 0.624 on prior codes and 0.384 on $E(x)$
# (0.5 and 0.5 would mean it cannot). So $G$, sampling from the prior, meets codes unlike the
# ones it learned to reconstruct from, one reason its samples are recognised with confidence
# less often than its reconstructions (0.34 against 0.73 in 14.6).
#
# ## Summary
#
# - alpha-GAN joins an autoencoder ($E$ and $G$ with a $\lambda$-weighted L1 reconstruction) and
#   a GAN ($D$ on reconstructions and samples, $C$ on codes), each network with its own loss from
#   Algorithm 1. Written from scratch, three steps match `alpha_gan_step` to float32 rounding in
#   every loss and every weight.
# - The book's trainer trains it with BEGAN's loop (`model = "alpha-gan"` in the preset), and
#   `evaluate` judges its samples and its reconstructions of held-out digits.
# - On these digits the shipped reference reaches a Fréchet distance of 75.2 against BEGAN's
#   227.8, with 8 of 10 classes covered and a confident share of 0.34 against BEGAN's 0.28 (real
#   digits: 0.81). Its reconstructions of held-out digits are far better than its samples.
# - $C$ pulls $E$'s codes towards $\mathcal{N}(0, I)$: pooled, the reference's codes follow the
#   prior, but $C$ still tells them apart (0.624 against 0.384), and samples drawn from the prior
#   fall short of the reconstructions.
#
# ## Exercises
#
# 1. **(checked)** $D$ is trained against *two* fake sets. On a data space of a few points with
#    densities $p^*$ (data), $p_{rec}$ (reconstructions) and $p_{gen}$ (samples), derive the
#    $D$ that minimises $\mathcal{L}_D$ at every point: `optimal_d(p_data, p_rec, p_gen)`. The
#    checker minimises $\mathcal{L}_D$ numerically and prints your $D^*$ where the model is
#    perfect. Is $D^*/(1 - D^*)$ then the ratio $p^*/p_\theta$ of 14.1, and if not, what does
#    $G$'s term $-\log\frac{D}{1-D}$ equal at that optimum?
# 2. **(checked)** Suppose reconstruction is perfect and $D$ says $d$ for every image, $C$ says
#    $c$ for every code. Write `losses_at(d, c)` returning
#    $(\mathcal{L}_E, \mathcal{L}_G, \mathcal{L}_D, \mathcal{L}_C)$. The checker measures them
#    with `alpha_gan_losses` on networks built to do exactly that, and prints your values at
#    $d = \tfrac13$, $c = \tfrac12$ beside the true ones: the numbers 14.4 reads the curves
#    against.
# 3. Train the quick run of 14.4 again with `lambda_rec = 0` in `B["train"]`: no reconstruction
#    term, so $G$ is a GAN's generator and $E$ only fools $C$. Compare `evaluate`'s numbers
#    (classes covered, largest class, confident share, FD) with the run above.
# 4. Replace $G$'s terms $-\log\frac{D}{1-D}$ by the non-saturating $-\log D$ alone in
#    `my_alpha_gan_losses`, train a few hundred steps with `my_alpha_gan_step`, and compare the
#    adversarial terms' curves. Which of the two losses grows without bound when $D$ is sure?

# %% tags=["nbval-ignore-output"]
def optimal_d(p_data, p_rec, p_gen):
    """The image discriminator minimising L_D at each point of the data space."""
    ### BEGIN SOLUTION
    # Pointwise, L_D is -p_data log D - (p_rec + p_gen) log(1 - D); its derivative vanishes at
    # D = p_data / (p_data + p_rec + p_gen). A perfect model gives D* = 1/3, not 1/2: the odds
    # D*/(1 - D*) are p_data / (p_rec + p_gen) = 1/2, so G's term -log D/(1-D) equals log 2 there.
    return p_data / (p_data + p_rec + p_gen)
    ### END SOLUTION


passed = check_optimal_d(optimal_d)

# %% tags=["nbval-ignore-output"]
def losses_at(d, c):
    """(L_E, L_G, L_D, L_C) with perfect reconstructions, D saying d and C saying c everywhere."""
    ### BEGIN SOLUTION
    odds = lambda p: math.log(p / (1 - p))
    return (-odds(c), -2 * odds(d), -math.log(d) - 2 * math.log(1 - d),
            -math.log(c) - math.log(1 - c))
    ### END SOLUTION


passed = check_losses_at(losses_at)
