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
# # 13. Unbalanced networks
#
# **After this chapter you will be able to**
# - build a BEGAN pair in which the discriminator and the generator differ in width $n$, depth
#   (convolutions per scale) and code size ($h$ for $D$'s embedding, $z_\text{dim}$ for $G$'s
#   input), by hand from `began_lite.nets`, count their parameters, and check that the trainer's
#   config keys `generator_n` / `generator_repeat` build the same networks;
# - train several pairings that differ in their networks alone and read from $k_t$, the ratio
#   $\mathcal{L}(G(z))/\mathcal{L}(x)$ and $\mathcal{M}_{global}$ whether the $k_t$ controller
#   still finds its equilibrium, and where it cannot;
# - judge each pairing with `evaluate`'s numbers, and say what a few hundred steps on a CPU do and
#   do not show about the paper's claim.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), section 4.5 (equilibrium for
# unbalanced networks) and Figure 6.
#
# A GAN is a contest, and a contest between unequal players is easy to lose. If $D$ is much
# stronger than $G$, it separates real from fake images at once and $G$'s gradient says little;
# if $G$ is much stronger, $D$'s verdict means nothing. The vanilla GAN leaves the balance to the
# practitioner: how many $D$ steps per $G$ step (Algorithm 1's $k$, chapter 1), learning rates,
# the sizes of the two networks. BEGAN claims to keep the balance itself, with the proportional
# controller of chapter 6. Section 4.5 tests that claim by giving $D$ the advantage over $G$, and
# then the reverse, and reports that the model stayed stable and converged to meaningful results.
# This chapter runs the same test, small enough for a CPU.

# %%
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.began import sample_z
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.exercises.part4_unbalanced import (check_generator_parameters,
                                                   check_smallest_window_M)
from began_lite.metrics.evaluate import draw_samples
from began_lite.nets import Decoder, Encoder, Generator, count_parameters
from began_lite.seeding import seed_everything
from began_lite.train.config import make_config
from began_lite.train.distributed import resolve_device
from began_lite.train.kinds import build_models
from began_lite.train.pairings import pairing_config, run_pairings, shapes, window_ratios
from began_lite.train.sweep import tail_ratio
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch13")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
device = resolve_device(B["device"])
print({key: B[key] for key in sorted(B) if key not in ("train", "pairings")})

# %% [markdown]
# ## 13.1 The idea: the controller decides how hard $D$ pushes, not how strong it is
#
# BEGAN's discriminator is an autoencoder and $\mathcal{L}(v) = |v - D(v)|^\eta$ is how badly it
# reconstructs $v$. The three equations of section 3.4 are
#
# $$\mathcal{L}_D = \mathcal{L}(x) - k_t\,\mathcal{L}(G(z_D)), \qquad
# \mathcal{L}_G = \mathcal{L}(G(z_G)), \qquad
# k_{t+1} = \operatorname{clip}_{[0, 1]}\!\big(k_t + \lambda_k(\gamma\,\mathcal{L}(x)
# - \mathcal{L}(G(z_G)))\big).$$
#
# $k_t$ is the weight $D$ gives to its second job, reconstructing fakes *badly*. When $G$ gets
# ahead ($\mathcal{L}(G(z)) < \gamma\,\mathcal{L}(x)$: $D$ reconstructs the fakes too well), $k$
# rises and $D$ pushes back harder; when $D$ gets ahead, $k$ falls and $D$ spends its effort on
# reconstructing real images. On average $k$ stops moving only where
#
# $$\mathbb{E}[\mathcal{L}(G(z))] = \gamma\,\mathbb{E}[\mathcal{L}(x)],$$
#
# and nothing in that condition mentions the networks. That is the claim section 4.5 tests: the
# sizes of $D$ and $G$ should change *where* the equilibrium sits (how small $\mathcal{L}(x)$ can
# get, which $k$ holds the ratio, and so
# $\mathcal{M}_{global} = \mathcal{L}(x) + |\gamma\,\mathcal{L}(x) - \mathcal{L}(G(z))|$), but not
# *whether* the controller finds it.
#
# The controller has one hard limit: $k$ lives in $[0, 1]$. If $\mathcal{L}(G(z))$ stays below
# $\gamma\,\mathcal{L}(x)$ even at $k = 1$ ($D$ pushes the fakes away as hard as it pulls real
# images in, and still reconstructs the fakes too well), or stays above it even at $k = 0$, then
# $k$ sits at a clip, and the equilibrium, if it holds at all, is held by the networks, not by
# $k$. So "finds the equilibrium" has three parts we can read off a training log: over the end of
# the run the ratio $\sum\mathcal{L}(G(z))/\sum\mathcal{L}(x)$ is near $\gamma$; $k$ is clear of
# the clips there; and $k$ has stopped drifting. (While $k$ is clear of the clips, the last two
# say the same thing: chapter 10's exercise 2 turns $k$'s drift into the ratio.)
#
# Each network has three knobs. $D$: its width $n$ (filters per convolution, growing $n, 2n, 3n,
# \dots$ in the encoder), its depth (`repeat`: $3\times3$ convolutions per scale) and its
# embedding size $h$, the bottleneck every image must pass through to be reconstructed. $G$: its
# width, its depth and $z_\text{dim}$, the size of its input code. Section 4.5 reports two things
# beyond stability: a small $h$ hurt image quality "due to the reduced capacity of the
# discriminator", and, to the authors' surprise, a small $z$ had relatively little effect on
# diversity or quality. Figure 6 shows samples; the paper gives no measurements for it.
#
# ## 13.2 An unbalanced pair by hand
#
# The pair is three modules from `began_lite.nets`: $D$'s `Encoder` and `Decoder` (together the
# autoencoder) and the `Generator`, which has the decoder's shape with $z$ in place of $h$. Nothing
# ties their sizes together, so an unbalanced pair is just three constructor calls with different
# numbers. The trainer does the same when its config sets `generator_n` / `generator_repeat`
# (0 means "as $D$'s `n` / `repeat`"); $h$ and `z_dim` are separate keys anyway.
# `began_lite.train.pairings.pairing_config` writes a pairing's shapes into a config and always
# writes $G$'s width and depth out, so that widening $D$ never widens $G$ with it.
#
# By hand, in the trainer's order (seed, then $G$, then $D$'s encoder and decoder), so that the
# same seed gives the same weights:

# %%
def my_pair(image_size, channels, D, G, skip, seed):
    """(G, D's encoder, D's decoder) for D = {n, h, repeat} and G = {n, z_dim, repeat}."""
    seed_everything(seed)  # the trainer seeds, then builds G first, then D
    generator = Generator(image_size, channels, G["n"], G["z_dim"], G["repeat"], skip)
    encoder = Encoder(image_size, channels, D["n"], D["h"], D["repeat"])
    decoder = Decoder(image_size, channels, D["n"], D["h"], D["repeat"], skip)
    return generator, encoder, decoder


# %% [markdown]
# The check, for every pairing of this profile: the networks the trainer builds from the
# pairing's config (`began_lite.train.kinds.build_models`, what `train` calls) beside the ones
# above, compared in parameter count and in what they compute on a few validation digits and
# codes.

# %%
base = make_config({**B["train"], "data_root": str(DATA)})
val = load_mnist("val", base.image_size, root=DATA)
x = val.images[:B["check_batch"]]
print(f"{'pairing':<20}{'D: n  h rep':>12}{'G: n  z rep':>12}{'D params':>10}{'G params':>10}"
      f"{'D/G':>6}{'D in fc':>8}{'max|dG(z)|':>12}{'max|dD(x)|':>12}")
for pairing in B["pairings"]:
    config = pairing_config(base, pairing.get("D"), pairing.get("G"))
    d, g = shapes(config)["D"], shapes(config)["G"]
    mine_g, encoder, decoder = my_pair(config.image_size, config.channels, d, g, config.skip,
                                       config.seed)
    seed_everything(config.seed)
    theirs = build_models(config)
    z = sample_z(len(x), g["z_dim"], torch.Generator().manual_seed(B["seed"]))
    with torch.no_grad():
        gap_g = (mine_g(z) - theirs["generator"](z)).abs().max().item()
        gap_d = (decoder(encoder(x)) - theirs["discriminator"](x)).abs().max().item()
    mine_d = count_parameters(encoder) + count_parameters(decoder)
    in_fc = (count_parameters(encoder.fc) + count_parameters(decoder.fc)) / mine_d
    assert mine_d == count_parameters(theirs["discriminator"])
    assert count_parameters(mine_g) == count_parameters(theirs["generator"])
    print(f"{pairing['name']:<20}{d['n']:>6}{d['h']:>3}{d['repeat']:>3}{g['n']:>7}{g['z_dim']:>3}"
          f"{g['repeat']:>3}{mine_d:>10,}{count_parameters(mine_g):>10,}"
          f"{mine_d / count_parameters(mine_g):>6.1f}{in_fc:>8.0%}{gap_g:>12.1e}{gap_d:>12.1e}")

# %% [markdown]
# The counts agree (the asserts would have stopped the cell otherwise), and the largest
# differences in the outputs are zero: the trainer's networks are these three modules with these
# weights. The counts also say how unequal the pairs are, and where $D$'s capacity sits. In the
# balanced pair $D$ has 2.7 times $G$'s parameters: an autoencoder is an encoder *and* a decoder.
# At this small size most of them sit in $D$'s two linear maps at the $8 \times 8$ boundary (the
# "D in fc" column), from the $8 \times 8 \times 2n$ block down to $h$ and from $h$ back up, and
# both grow with $h$. So $h = 4$ brings $D$ down to $G$'s size (D/G 1.0), while a $D$ twice as wide
# with two convolutions per scale has 7.7 times $G$'s parameters. Counts are not everything: the
# bottleneck $h$ limits what $D$ can reconstruct whatever the rest of $D$ holds, since every image
# must pass through $h$ numbers. Exercise 1 asks for $G$'s count as a formula.
#
# ## 13.3 The runs
#
# One run per pairing, every other setting and the seed shared, so the runs differ in their
# networks alone: `began_lite.train.pairings.run_pairings` trains each with the package's trainer
# and judges its last checkpoint with `evaluate` on the same fixed $z$. The quick profile trains
# chapter 10's small 16 px networks for a few hundred steps, with $\gamma = 0.7$ and a gain
# $\lambda_k$ a hundred times the paper's, so that $k$ can reach its set point in that time
# (chapter 6 says why a short run needs a large gain). Its four pairings: the balanced pair; $D$
# ahead, twice as wide with two convolutions per scale; $G$ ahead the same way; and $D$ behind
# through its bottleneck, $h = 4$ (the first of section 4.5's two experiments). The full profile
# trains seven pairings at 32 px for 10,000 steps each, one knob at a time and the paper's small
# $z$ among them, on a GPU.

# %%
# NBVAL_IGNORE_OUTPUT
print({key: getattr(base, key) for key in (
    "image_size", "skip", "gamma", "eta", "lambda_k", "lr", "batch_size", "steps", "log_every")})
runs = run_pairings(base, B["pairings"], tempfile.mkdtemp(prefix="ch13_"), B["eval_count"],
                    device)
for run in runs:
    print(f"{run['name']:<20} {run['step']} steps in {run['seconds']:.1f} s on this machine")
print(f"all pairings: {sum(run['seconds'] for run in runs):.1f} s of training")

# %% [markdown]
# ## 13.4 $k$, the ratio and $\mathcal{M}_{global}$ over training
#
# Each line of the trainer's log is a mean over `log_every` steps; $k$ is its value at the end of
# the window. The middle panel is each window's $\mathcal{L}(G(z))/\mathcal{L}(x)$, the number the
# controller steers to $\gamma$ (dotted; the grey band is the tolerance used in 13.5).

# %%
# NBVAL_IGNORE_OUTPUT
gamma = base.gamma
logs = {run["name"]: {key: np.array([row[key] for row in run["rows"]])
                      for key in ("step", "k", "M", "loss_real", "loss_fake")} for run in runs}
for run in runs:
    logs[run["name"]]["ratio"] = window_ratios(run["rows"])

fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), sharex=True)
for name, log in logs.items():
    axes[0].plot(log["step"], log["k"], label=name)
    axes[1].plot(log["step"], log["ratio"], label=name)
    axes[2].plot(log["step"], log["M"], label=name)
axes[1].axhline(gamma, color="k", ls=":", lw=1, label=f"gamma = {gamma}")
axes[1].axhspan(gamma * (1 - B["tolerance"]), gamma * (1 + B["tolerance"]), color="0.85", zorder=0)
top = {key: max(log[key].max() for log in logs.values()) for key in ("k", "ratio", "M")}
axes[0].set(ylabel="k", title="k_t", ylim=(0, max(1.0, top["k"]) * 1.05))
axes[1].set(ylabel="L(G(z)) / L(x), per log line", title="the ratio k steers to gamma",
            ylim=(0, max(top["ratio"], gamma * (1 + B["tolerance"])) * 1.05))
axes[2].set(ylabel="M_global", title="convergence measure (each pairing's own D)",
            ylim=(0, top["M"] * 1.05))
for ax in axes:
    ax.set(xlabel="step", xlim=(0, base.steps))
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The curves in numbers:

# %%
# NBVAL_IGNORE_OUTPUT
for name, log in logs.items():
    top_k, low_m = int(np.argmax(log["k"])), int(np.argmin(log["M"]))
    print(f"{name}: L(x) {log['loss_real'][0]:.4f} -> {log['loss_real'][-1]:.4f}; M "
          f"{log['M'][0]:.4f} -> {log['M'][-1]:.4f} (lowest {log['M'][low_m]:.4f} at step "
          f"{log['step'][low_m]}); k highest {log['k'][top_k]:.3f} at step {log['step'][top_k]}, "
          f"{log['k'][-1]:.3f} at the end; per-line ratio {log['ratio'].min():.2f} to "
          f"{log['ratio'].max():.2f}")

# %% [markdown]
# $\mathcal{L}(x)$ ends far below where it started in every run, as $D$ learns to autoencode digits,
# and so does $\mathcal{M}$. The per-line ratio swings widely from one log line to the next (its
# range is printed): ten steps of 16 images are a noisy measurement, which is why 13.5 judges the
# ratio of sums over the last quarter of the run, not single lines. Where the $k$ curves end differs
# from pairing to pairing: that is the "at its own $k$" of 13.1.
#
# ## 13.5 Did $k$ find the equilibrium?
#
# The three parts of 13.1, read off the last quarter of each log (`tail` in the budget): the ratio
# of sums over those lines (`began_lite.train.sweep.tail_ratio`, as in chapter 10), the share of
# those lines in which $k$ sits at a clip (within `clip` of 0 or 1), and how far $k$ moved across
# them. A ratio within `tolerance` (a share of $\gamma$) counts as held. The verdict comes from
# these numbers in code, so it cannot say more than they do.

# %%
# NBVAL_IGNORE_OUTPUT
def judge(rows, gamma, tail, tolerance, clip):
    """The controller over the last `tail` of a log: ratio, share of lines at a clip, k's drift,
    and a verdict in words."""
    first = len(rows) - max(1, round(tail * len(rows)))
    k = np.array([row["k"] for row in rows[first:]])
    at_zero, at_one = np.mean(k <= clip), np.mean(k >= 1 - clip)
    ratio = tail_ratio(rows, tail)
    drift = k[-1] - rows[first - 1]["k"] if first > 0 else k[-1]
    held = abs(ratio - gamma) <= tolerance * gamma
    if at_zero + at_one >= 0.5:
        where = "k at 0" if at_zero >= at_one else "k at 1"
        words = (f"held, but with {where}: the networks hold it, not k" if held else
                 f"not held, {where}: the controller has run out of range")
    else:
        words = "held by k" if held else "not held: k is still moving"
    return {"ratio": ratio, "at_clip": at_zero + at_one, "drift": drift, "held": held,
            "words": words}


verdicts = {run["name"]: judge(run["rows"], gamma, B["tail"], B["tolerance"], B["clip"])
            for run in runs}
print(f"gamma = {gamma}; held means within {B['tolerance']:.0%} of gamma, i.e. "
      f"{gamma * (1 - B['tolerance']):.2f}-{gamma * (1 + B['tolerance']):.2f}")
print(f"{'pairing':<20}{'ratio':>7}{'k end':>7}{'k drift':>9}{'at clip':>9}  verdict")
for run in runs:
    v = verdicts[run["name"]]
    print(f"{run['name']:<20}{v['ratio']:>7.2f}{run['rows'][-1]['k']:>7.3f}{v['drift']:>+9.3f}"
          f"{v['at_clip']:>9.0%}  {v['words']}")
print(f"held in {sum(v['held'] for v in verdicts.values())} of {len(runs)} pairings")

# %% [markdown]
# ## 13.6 What each pairing draws: `evaluate`
#
# `evaluate` judged each pairing's last checkpoint: `eval_count` samples from one fixed $z$ beside
# as many validation digits (the split has 500; `python -m began_lite evaluate` prints the same
# numbers for a checkpoint file). "classes" counts the digits holding at least 3% of the samples,
# "largest" is the biggest class share, "confident" the share the book's classifier labels with
# probability above 0.9, "FD" the Fréchet distance to the test digits in the classifier's features,
# "diversity" the mean RMS pixel distance between two samples. $\mathcal{L}(x)$, $\mathcal{L}(G(z))$
# and $\mathcal{M}$ are measured with each pairing's *own* $D$, so they are on a different ruler for
# every pairing: a $D$ that reconstructs badly has a large $\mathcal{L}(x)$ whatever $G$ does. The
# last column sets `evaluate`'s ratio, one snapshot of the final networks, beside the ratio over the
# tail of training from 13.5.

# %%
# NBVAL_IGNORE_OUTPUT
real = runs[0]["result"]["real"]
print(f"{'pairing':<20}{'classes':>8}{'largest':>8}{'confident':>10}{'FD':>8}{'diversity':>10}"
      f"{'L(x)':>8}{'L(G(z))':>8}{'M':>8}{'ratio: eval / tail':>20}")
for run in runs:
    result, model = run["result"], run["result"]["model"]
    print(f"{run['name']:<20}{model['classes_covered']:>6}/10{model['largest_share']:>8.2f}"
          f"{model['confident_share']:>10.2f}{model['frechet_distance']:>8.1f}"
          f"{model['diversity']:>10.3f}{result['loss_real']:>8.4f}{result['loss_fake']:>8.4f}"
          f"{result['M']:>8.4f}{result['loss_fake'] / result['loss_real']:>12.2f} / "
          f"{verdicts[run['name']]['ratio']:.2f}")
print(f"{'real digits':<20}{real['classes_covered']:>6}/10{real['largest_share']:>8.2f}"
      f"{real['confident_share']:>10.2f}{real['frechet_distance']:>8.1f}{real['diversity']:>10.3f}")
for run in runs:
    print(f"{run['name']:<20} histogram (digits 0-9):",
          " ".join(map(str, run["result"]["model"]["histogram"])))

# %% [markdown]
# The same numbers as bars, with the real digits' value dotted:

# %%
# NBVAL_IGNORE_OUTPUT
names = [run["name"] for run in runs]
panels = [("classes_covered", "classes covered (of 10)"), ("largest_share", "largest class share"),
          ("confident_share", "confident share"), ("frechet_distance", "Frechet distance"),
          ("diversity", "pixel diversity (RMS)")]
fig, axes = plt.subplots(1, 6, figsize=(18, 4))
for ax, (key, label) in zip(axes, panels):
    values = [run["result"]["model"][key] for run in runs]
    ax.bar(range(len(runs)), values, color=[f"C{i}" for i in range(len(runs))])
    ax.axhline(real[key], color="k", ls=":", lw=1, label="real digits")
    ax.set(ylabel=label, ylim=(0, max(max(values), real[key]) * 1.1))
losses = [run["result"]["loss_real"] for run in runs]
axes[5].bar(range(len(runs)), losses, color=[f"C{i}" for i in range(len(runs))])
axes[5].set(ylabel="L(x), held-out digits (own D)", ylim=(0, max(losses) * 1.1))
for ax in axes:
    ax.set_xticks(range(len(runs)), names, rotation=60, ha="right", fontsize=8)
axes[0].legend(fontsize=8)
fig.suptitle("evaluate's numbers per pairing (last checkpoint, fixed z)")
fig.tight_layout()
plt.show()

# %% [markdown]
# And the samples, each grid from the fixed codes `evaluate` used. A pairing with a smaller
# $z_\text{dim}$ draws its codes from the same seed but with fewer coordinates, so its codes are
# not those of the other grids.

# %%
# NBVAL_IGNORE_OUTPUT
fig, axes = plt.subplots(1, len(runs), figsize=(2.8 * len(runs), 3.2))
for ax, run in zip(axes, runs):
    images = draw_samples(run["generator"], run["config"].z_dim, B["samples"])
    ax.imshow(make_grid(images, nrow=int(B["samples"] ** 0.5))[:, :, 0], cmap="gray", vmin=0,
              vmax=255)
    ax.set_title(run["name"], fontsize=10)
    ax.axis("off")
fig.suptitle("samples per pairing")
plt.show()

# %% [markdown]
# ## 13.7 What these runs show, and what they do not
#
# First the comparisons section 4.5 makes, printed from the numbers above: each unbalanced
# pairing beside the balanced one.

# %%
# NBVAL_IGNORE_OUTPUT
balanced = runs[0]
for run in runs[1:]:
    a, b = run["result"], balanced["result"]
    print(f"{run['name']:<20} vs balanced: L(x) {a['loss_real']:.4f} vs {b['loss_real']:.4f}, "
          f"classes {a['model']['classes_covered']} vs {b['model']['classes_covered']}, "
          f"FD {a['model']['frechet_distance']:.0f} vs {b['model']['frechet_distance']:.0f}, "
          f"diversity {a['model']['diversity']:.3f} vs {b['model']['diversity']:.3f}, "
          f"tail ratio {verdicts[run['name']]['ratio']:.2f} vs "
          f"{verdicts[balanced['name']]['ratio']:.2f}")
collapsed = [run["name"] for run in runs if run["result"]["model"]["largest_share"] > 0.5]
print(f"pairings with more than half their samples in one class: {len(collapsed)} of {len(runs)}"
      + (f" ({', '.join(collapsed)})" if collapsed else ""))

# %% [markdown]
# How to read all of this.
#
# **The controller.** 13.5 is the mechanical half of section 4.5's claim and the one these runs
# can test: for each pairing it says whether $\mathcal{L}(G(z))/\mathcal{L}(x)$ ended near
# $\gamma$ and whether $k$ was what held it there. Where a pairing's ratio is held with $k$ clear
# of the clips, the controller found an equilibrium for that pair of networks, at its own $k$.
# Where $k$ is still moving, the run ended before the controller did; where $k$ sits at a clip
# (the "at clip" column says whether any run got there), the controller has run out of range,
# which no gain $\lambda_k$ can fix. In this execution the directions follow 13.1. $D$ ahead
# (wider and deeper) ends with a lower $k$ than the balanced pair, its ratio above $\gamma$ and
# $k$ still falling: a stronger autoencoder pushes the fakes away with less weight on them. $D$
# behind through $h = 4$ is the pairing the controller could not balance in these steps: its $D$
# reconstructs the held-out digits worst of the four (its $\mathcal{L}(x)$ in 13.6) and $G$'s
# samples best (its $\mathcal{L}(G(z))$), so the fakes sit far below the set point, and $k$ rose
# to its highest value of all four runs, fell back, and was climbing again at the end (13.4's
# numbers). One reading, not tested here: four numbers are room for one simple shape, not for ten
# digits; $G$ draws that shape, which $D$ reconstructs well whatever weight $k$ puts on doing it
# badly.
#
# **$\mathcal{M}_{global}$.** It ended far below where it started in every run (13.4), but its
# value is not a score to compare across pairings: its $\mathcal{L}(x)$ part is measured by each
# pairing's own $D$. The widest, deepest $D$ shows the lowest $\mathcal{L}(x)$ and $\mathcal{M}$
# in 13.6 simply because it reconstructs digits best. $\mathcal{M}$ compares checkpoints of *one*
# run (chapter 7), not different networks. Exercise 2 shows a second reason to read it with care:
# even at the equilibrium it stays above $\mathcal{L}(x)$.
#
# **The samples.** `evaluate`'s numbers are where short runs say least. The book's BEGAN on MNIST
# tends to drift towards one class as it trains (chapters 9 and 10, and the table in
# `began_lite/train/presets/mnist.toml`), and the last line above counts the pairings with more than
# half their samples in one class: here, every one of them. Differences in classes, FD or diversity
# between collapsed generators say little about the paper's observations. A confident share above
# the real digits' is a sign of that collapse, not of quality (chapter 10): the classifier is sure
# of many copies of one shape. $D$'s small $h$ has the lowest pixel diversity and the largest FD of
# the four, which points the same way as section 4.5's remark that a small $h$ hurt image quality;
# with every pairing collapsed and one seed each, that is a hint, not evidence (exercise 4 asks how
# large the difference between two seeds is). The evaluation ratio beside the tail ratio in 13.6
# shows one more caveat: the controller holds a *time average*, and one snapshot of the final
# networks can sit far from it, as the range of the per-line ratios in 13.4 shows.
#
# A better test of the paper's claims is the full profile: seven pairings, one knob at a time (the
# paper's small $z$ among them), 10,000 steps each at 32 px on a GPU, with a gain ten times the
# paper's rather than a hundred, sized so that $k$ has time to settle. It has not been run for this
# text; this chapter gives the tools to run it and read it.
#
# ## Summary
#
# - BEGAN's $k_t$ controller balances $D$ and $G$ by changing how hard $D$ pushes the fakes away,
#   not how capable $D$ is: its set point $\mathbb{E}[\mathcal{L}(G(z))] =
#   \gamma\,\mathbb{E}[\mathcal{L}(x)]$ does not mention the networks, so section 4.5 expects it
#   to hold for unbalanced pairs too, at a different $k$ and a different $\mathcal{L}(x)$.
# - An unbalanced pair is three modules with different sizes; the trainer builds it from
#   `n`, `h`, `repeat` (for $D$) and `generator_n`, `z_dim`, `generator_repeat` (for $G$), and
#   13.2 checks that it builds exactly the networks written by hand.
# - "Finds the equilibrium" can be read off a log: the ratio over the end of the run near
#   $\gamma$, $k$ clear of 0 and 1, and $k$ no longer drifting. $k \in [0, 1]$ is the
#   controller's hard limit: a $D$ that reconstructs the fakes too well even at $k = 1$ leaves
#   the equilibrium out of its reach. In the quick runs a $D$ with $h = 4$ was the pairing the
#   controller did not balance, with $k$ still moving at the end.
# - $\mathcal{M}_{global}$ and $\mathcal{L}$ are measured by each pairing's own $D$: compare them
#   within a run, not across networks. Short CPU runs test the controller; the image-quality half
#   of section 4.5 needs the full profile.
#
# ## Exercises
#
# 1. **(checked)** Derive the parameter count of BEGAN's generator as a formula:
#    `generator_parameters(image_size, channels, n, z_dim, repeat, skip)`. $G$ is a linear map
#    from $z$ to an $8 \times 8 \times n$ block, then at each scale (8 px, 16 px, ... up to
#    `image_size`) `repeat` $3 \times 3$ convolutions of width $n$, then one $3 \times 3$
#    convolution to `channels`; with skip connections the first convolution of every scale after
#    the first also reads the up-sampled $h_0$ ($n$ more input channels). Every layer has biases.
#    The checker tries it on several generators and on one this chapter never printed. Then: which
#    knob adds the most parameters per unit, and how many does a small $z$ save?
# 2. **(checked)** A log line's $\mathcal{M}$ is the mean over its steps of
#    $\mathcal{M}_t = \mathcal{L}_t(x) + |\gamma\,\mathcal{L}_t(x) - \mathcal{L}_t(G(z))|$, while
#    its losses are means too. Derive the smallest $\mathcal{M}$ a line can show given only its
#    two mean losses: `smallest_window_M(mean_loss_real, mean_loss_fake, gamma)`. When is it
#    reached? The checker tests it on simulated windows, then prints by how much this chapter's
#    runs logged more. What does that excess say about an equilibrium held "on average"?
# 3. Set `gamma = 0.5` (the paper's value for most of its figures) in the budget's `[train]`
#    table and run the pairings again. Which pairings put $k$ at a clip now, and why does a lower
#    $\gamma$ make that more or less likely?
# 4. Run the balanced pairing and one unbalanced pairing with two more seeds each. Is the spread
#    between seeds of one pairing smaller than the difference between the pairings, in the tail
#    ratio, $k$ at the end and the FD? Only then does 13.6 compare networks rather than seeds.
# 5. The paper found a small $z$ harmless and a small $h$ harmful; the quick profile tests only
#    $h$. Add `{ name = "G's z small", G = { z_dim = 4 } }` to the budget's `pairings` and run
#    them again: does the controller hold the ratio, and at which $k$? Then give $G$
#    $z_\text{dim} = 1$: can a generator whose codes lie on a line still cover ten digits?

# %%
# NBVAL_IGNORE_OUTPUT
def generator_parameters(image_size, channels, n, z_dim, repeat, skip):
    """Trainable parameters of BEGAN's generator (began_lite.nets.Generator)."""
    ### BEGIN SOLUTION
    scales = (image_size // 8).bit_length()  # 8 px -> 1 scale, 16 px -> 2, 32 px -> 3, ...
    linear = (z_dim + 1) * 64 * n             # z -> 8 x 8 x n, with a bias per output
    convs = scales * repeat * (9 * n * n + n)  # 3x3, n -> n, biases
    skips = (scales - 1) * 9 * n * n if skip else 0  # h0's n channels into later scales
    out = 9 * n * channels + channels         # 3x3, n -> channels
    # Per unit: n enters squared (9 n^2 per conv), z_dim only linearly (64 n per code number):
    # at n = 8, z_dim 16 -> 4 saves 64 * 8 * 12 = 6,144 of the balanced G's 10,521.
    return linear + convs + skips + out
    ### END SOLUTION


passed = check_generator_parameters(generator_parameters)

# %%
# NBVAL_IGNORE_OUTPUT
def smallest_window_M(mean_loss_real, mean_loss_fake, gamma):
    """The least mean of M_t over a window whose per-step losses have these means."""
    ### BEGIN SOLUTION
    # mean_t |gamma L_t(x) - L_t(G(z))| >= |mean_t (gamma L_t(x) - L_t(G(z)))| (the triangle
    # inequality), with equality when no step's error has the other sign. At the equilibrium the
    # mean error is 0, yet M stays above L(x) by the mean size of the step-to-step errors.
    return mean_loss_real + abs(gamma * mean_loss_real - mean_loss_fake)
    ### END SOLUTION


passed = check_smallest_window_M(smallest_window_M,
                                 {run["name"]: (run["rows"], gamma) for run in runs})
