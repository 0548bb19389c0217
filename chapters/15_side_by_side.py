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
# # 15. GAN, BEGAN and alpha-GAN side by side
#
# **After this chapter you will be able to**
# - say what each of the book's three models optimises and what each network learns from, side
#   by side;
# - train all three on the same digits for the same time, from the same seeds, with the package
#   (`began_lite.train.compare`: the book's trainer for BEGAN and alpha-GAN, Algorithm 1 for the
#   GAN), with each model's steps matched to one budget of seconds;
# - judge them with the same numbers (classes covered, the Fréchet distance, diversity, and
#   chapter 3's Parzen window with its caveats), recompute those numbers by hand, and read a
#   table over seeds with its spread;
# - (full profile) measure BEGAN's Inception Score on CIFAR-10 beside the paper's, offline.
#
# **Papers:** Goodfellow et al. 2014 (Algorithm 1; section 5, the Parzen window); Berthelot,
# Schumm, Metz 2017, BEGAN (sections 3-4, and 4.6 for CIFAR-10); Rosca, Lakshminarayanan et al.
# 2017, alpha-GAN (Algorithm 1).
#
# Each paper judges its model in its own setting: its own data, networks, training time and
# numbers. This chapter puts the three models of this book on one footing: the bundled MNIST
# digits at 32 px, the same seconds of training on one CPU core, the same seeds, the same judge.
# BEGAN and alpha-GAN keep the settings of their presets (`mnist`, `alpha-mnist`), read from the
# package; only the number of steps, the seed, the thread count and how often the trainer logs,
# samples and saves are changed. The minimax GAN is chapter 3's DCGAN-like conv net.

# %%
import math
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.book import book_root, budget
from began_lite.data import load_mnist, open_dataset
from began_lite.errors import UserError
from began_lite.exercises.part4_compare import check_collapsed_parzen, check_separation
from began_lite.metrics import select_parzen_sigma
from began_lite.metrics.inception import PAPER_INCEPTION_SCORE, inception_scores
from began_lite.metrics.inception import missing_requirements
from began_lite.nets import count_parameters
from began_lite.seeding import seed_everything
from began_lite.train import compare, load_config
from began_lite.train.distributed import resolve_device
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch15")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
device = resolve_device(B["device"])
print({key: B[key] for key in sorted(B) if key not in ("steps", "gan")})
print("GAN settings:", B["gan"])

# %% [markdown]
# ## 15.1 Three objectives side by side
#
# All three train a generator $G$ that maps a code $z$ to an image, against a discriminator
# $D$. What $D$ is, and what $G$ is told, differ.
#
# **The minimax GAN** (chapter 1). $D$ is a classifier with $D(x) = \sigma(a(x))$, and $G$
# takes the non-saturating loss:
#
# $$\mathcal{L}_D = -\mathbb{E}_x \log D(x) - \mathbb{E}_z \log\big(1 - D(G(z))\big), \qquad
#   \mathcal{L}_G = -\mathbb{E}_z \log D(G(z)), \qquad z \sim \mathcal{N}(0, I).$$
#
# **BEGAN** (chapters 4-9). $D$ is an autoencoder with the pixel loss
# $\mathcal{L}(v) = |v - D(v)|^\eta$; it learns to reconstruct real images and not $G$'s, with
# the weight $k_t$ set by a proportional controller:
#
# $$\mathcal{L}_D = \mathcal{L}(x) - k_t\, \mathcal{L}(G(z_D)), \qquad
#   \mathcal{L}_G = \mathcal{L}(G(z_G)), \qquad
#   k_{t+1} = k_t + \lambda_k\big(\gamma\, \mathcal{L}(x) - \mathcal{L}(G(z_G))\big),
#   \qquad z \sim U[-1, 1].$$
#
# **alpha-GAN** (chapter 14). An encoder $E$ and a code discriminator $C$ join $G$ and a
# classifier $D$. With $\hat z = E(x)$ and $z \sim \mathcal{N}(0, I)$, and $a_D$, $a_C$ the
# logits of $D$ and $C$:
#
# $$\begin{aligned}
# \mathcal{L}_G &= \lambda \lVert x - G(\hat z)\rVert_1 - a_D(G(\hat z)) - a_D(G(z)), &
# \mathcal{L}_E &= \lambda \lVert x - G(\hat z)\rVert_1 - a_C(\hat z), \\
# \mathcal{L}_D &= -\log D(x) - \log\big(1 - D(G(\hat z))\big) - \log\big(1 - D(G(z))\big), &
# \mathcal{L}_C &= -\log C(z) - \log\big(1 - C(\hat z)\big).
# \end{aligned}$$
#
# | | GAN | BEGAN | alpha-GAN |
# | --- | --- | --- | --- |
# | $D$ is | a classifier: real or not | an autoencoder: its loss is the judgement | a classifier, and $C$ a classifier of codes |
# | $G$ learns from | $D$'s gradient on $G(z)$ | $D$'s gradient on $G(z)$ | $D$'s gradient, and the pixels of every training image it reconstructs |
# | balance kept by | the learning rates | $k_t$ and $\gamma$ | the learning rates and $\lambda$ |
# | a number to watch | none built in | $\mathcal{M}_{global}$ (chapter 7) | the reconstruction error |
#
# The second row is alpha-GAN's argument against mode collapse: a $G$ that must reconstruct
# every training digit through $E$ cannot drop a class without paying for it in
# $\lVert x - G(\hat z)\rVert_1$. BEGAN's $\gamma$ is its own answer to the same worry (chapter
# 10). Whether either shows up in samples, and after how much training, is what the numbers below
# can test; the quick profile's few seconds cannot settle it (15.5 prints how far every model
# still is from the real digits).
#
# The three contenders, built from the presets and from the GAN settings in `book.toml`:

# %%
contenders = compare.contenders(B["began_preset"], B["alpha_preset"], B["gan"],
                                {"num_threads": B["threads"], "precision": "fp32"}, DATA)
presets = {"BEGAN": B["began_preset"], "alpha-GAN": B["alpha_preset"]}
for contender in contenders:
    sizes = ", ".join(f"{name} {count_parameters(net):,}"
                      for name, net in compare.build_networks(contender).items())
    if contender.gan is not None:
        s = contender.gan
        recipe = f"n {s.n}, z_dim {s.z_dim}, lr {s.lr}, k {s.k}"
    else:
        c = contender.config
        recipe = f"preset {presets[contender.name]}: n {c.n}, z_dim {c.z_dim}, lr {c.lr}"
    print(f"{contender.name:>9}: batch {contender.batch_size}, {recipe}; parameters: {sizes}")

# %% [markdown]
# ## 15.2 One budget, in steps
#
# The three models' steps cost different amounts of time: the GAN's $D$ and $G$ are small
# DCGAN-like nets; BEGAN's $D$ is a whole autoencoder and its step passes real and generated
# images through it; alpha-GAN runs four networks. Equal *steps* would favour the expensive model,
# so we give each model the same *seconds* and let each take as many steps as fit in them.
#
# `compare.step_seconds` measures the cost of a step: it runs the model's whole training call
# (data, networks, the steps and, for the trainer, the run folder's last files) for `probe[0]`
# and for `probe[1]` steps and divides the difference in time by the difference in steps, so the
# set-up cancels. With one thread it reads the process's CPU time, which is what the wall clock
# of an idle core would show even when other jobs share the machine. `compare.matched_steps`
# turns the budget into steps. Wall-clock timing would make the quick profile's outputs change from
# run to run, so the quick profile trains the fixed steps in `book.toml`: the book's author ran
# `step_seconds` three times per model (`probe` = [2, 12], CPU clock) and took the median, and the
# comment in `book.toml` keeps those medians. The full profile (`match = "measure"`) measures on
# your machine. The images each model sees in its budget:

# %%
if B["match"] == "measure":
    per_step = {c.name: compare.step_seconds(c, tuple(B["probe"]), B["clock"], device)
                for c in contenders}
    steps = compare.matched_steps(per_step, B["budget_seconds"])
    print("measured seconds per step:", {name: round(s, 4) for name, s in per_step.items()})
else:
    steps = {c.name: B["steps"][c.name] for c in contenders}
print(f"budget {B['budget_seconds']} s per run; steps: {steps}")
for contender in contenders:
    per_step = contender.batch_size * (contender.gan.k if contender.gan else 1)
    print(f"{contender.name:>9}: {steps[contender.name]:>5} steps x {per_step:>2} real images = "
          f"{steps[contender.name] * per_step:>6,} real images seen")
print("a full run of each preset: " + ", ".join(f"{c.name} {c.config.steps:,} steps"
                                                 for c in contenders if c.config is not None))

# %% [markdown]
# Read the last lines before the results. A cheap step buys more steps, and a larger batch more
# images per step: in a budget of seconds, the model with the cheapest step sees the most data.
# That favours small models whenever the budget is short, as it is here: a few seconds of one
# core buy the steps printed above, a small fraction of a full run of either preset (the last
# line). The quick profile's table says how the three start, not where they end; the full
# profile gives each model a longer budget on two cores.
#
# ## 15.3 Training, seed by seed
#
# For each seed in the budget, each model trains from that seed: the same seed sets the initial
# weights, the order of the training digits (the trainer's `StepBatches`, which `compare` also
# feeds to the GAN) and the stream of codes. The seconds each run took, on the wall clock and in
# CPU time, are recorded beside it.

# %%
# NBVAL_IGNORE_OUTPUT
runs = {}
for seed in B["seeds"]:
    for contender in contenders:
        trained = compare.train_contender(contender, steps[contender.name], seed, device=device)
        runs[contender.name, seed] = trained
        print(f"seed {seed} {contender.name:>9}: {trained.steps:>5} steps, "
              f"CPU {trained.cpu_seconds:6.1f} s, wall clock {trained.seconds:6.1f} s")

# %% [markdown]
# Compare each run's CPU time above with the budget. The steps were matched in earlier runs, and
# step times vary from run to run, and the training call does more than its steps:
# it opens the data and builds the networks, the trainer writes a sample grid, its curves and a
# checkpoint at the end (`step_seconds` cancels all of that), and the process's first run pays
# for setting up torch's kernels. The wall clock is larger when other jobs share the machine.
#
# What the runs reach depends on the processor too. Its float kernels differ from another
# processor's in the last bits of a sum, and every training step carries those bits on into the
# weights, so on another machine the tables below come out somewhat different, as they would
# with another seed: between a 2-core AMD EPYC and the 2-core Intel Xeon whose outputs are stored
# here, the same quick runs differed by up to 0.02 in the largest share and by up to 7 in the
# Fréchet distance.
#
# ## 15.4 The judge, by hand
#
# `compare.Judge` computes, for every model, the numbers `python -m began_lite evaluate` gives
# (chapter 9): from `eval_count` samples drawn from one fixed seed of codes (each model through
# its own prior), the book's digit classifier labels every sample, and
#
# - **classes covered**: the digits that hold at least 3% of the samples (10 is all of them);
# - **largest share**: the share of the most frequent digit (0.1 for a perfect model);
# - **confident share**: the share the classifier labels with probability above 0.9;
# - **Fréchet distance** between Gaussians fitted to the classifier's features of the samples
#   and of the 500 test digits (chapter 7);
# - **diversity**: the mean RMS pixel distance between two different samples.
#
# From scratch, for every run, and the largest difference from the judge's numbers:

# %%
def my_judge(classifier, images, reference):
    """Classes >= 3%, largest share, confident share, Frechet distance to `reference` features
    (M, d) and diversity of images (N, 1, 32, 32) in [-1, 1]."""
    with torch.no_grad():
        probs = classifier(images).softmax(1)
        features = classifier.features(images).double().numpy()
    share = torch.bincount(probs.argmax(1), minlength=10).double() / len(images)
    mu_a, mu_b = features.mean(0), reference.mean(0)
    cov_a, cov_b = np.cov(features, rowvar=False), np.cov(reference, rowvar=False)
    # tr sqrt(cov_a cov_b): the eigenvalues of a product of two covariances are real and >= 0
    root = np.sqrt(np.clip(np.linalg.eigvals(cov_a @ cov_b).real, 0, None)).sum()
    flat = images.flatten(1).double()
    rms = torch.cdist(flat, flat) / math.sqrt(flat.shape[1])  # its diagonal is 0
    return {"classes_covered": int((share >= 0.03).sum()), "largest_share": share.max().item(),
            "confident_share": (probs.max(1).values > 0.9).double().mean().item(),
            "frechet_distance": float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b)
                                      - 2 * root),
            "diversity": (rms.sum() / (len(flat) * (len(flat) - 1))).item()}


config = contenders[1].config  # the data every model trains on: MNIST at 32 px
judge = compare.Judge(config, B["eval_count"])
images = {key: compare.samples(trained, B["eval_count"], device) for key, trained in runs.items()}
rows = {key: judge(batch) for key, batch in images.items()}
largest = {}
for key, batch in images.items():
    mine = my_judge(judge.classifier, batch, judge.reference)
    for name, value in mine.items():
        difference = abs(value - rows[key][name]) / max(1.0, abs(rows[key][name]))
        largest[name] = max(largest.get(name, 0.0), difference)
print(f"{len(images)} runs, {B['eval_count']} samples each; largest difference, relative to the "
      f"value where it exceeds 1:")
print("  " + ", ".join(f"{name} {value:.1e}" for name, value in largest.items()))

# %% [markdown]
# The class numbers and the diversity agree exactly, the Fréchet distance to float rounding
# (the package takes $\operatorname{tr}\sqrt{\Sigma_a\Sigma_b}$ from a singular value
# decomposition, the cell above from eigenvalues). Every number in the tables below is therefore
# one you can recompute from the samples with the dozen lines above.
#
# ## 15.5 The table, over seeds
#
# One row per model and seed, then the held-out real digits judged the same way:

# %%
# NBVAL_IGNORE_OUTPUT
# (trained models' numbers move with the processor's float kernels: see 15.3)
METRICS = {"classes_covered": ("classes", "{:.0f}"), "largest_share": ("largest", "{:.2f}"),
           "confident_share": ("confident", "{:.2f}"), "frechet_distance": ("FD", "{:.1f}"),
           "diversity": ("diversity", "{:.3f}")}
header = f"{'model':>9} {'seed':>5} {'steps':>6}" + "".join(f"{t:>11}" for t, _ in METRICS.values())
print(header)
for (name, seed), row in rows.items():
    print(f"{name:>9} {seed:>5} {runs[name, seed].steps:>6}"
          + "".join(f"{form.format(row[key]):>11}" for key, (_, form) in METRICS.items()))
print(f"{'real':>9} {'':>5} {'':>6}"
      + "".join(f"{form.format(judge.real[key]):>11}" for key, (_, form) in METRICS.items())
      + f"   ({judge.real['count']} {judge.real_kind} digits)")

# %% [markdown]
# Then each number as its mean over the seeds $\pm$ its sample standard deviation
# ($n - 1$ in the denominator), which is what a reader who reruns with another seed should expect
# to move:

# %%
# NBVAL_IGNORE_OUTPUT
# (trained models' numbers move with the processor's float kernels: see 15.3)
names = [c.name for c in contenders]
per_model = {name: {key: [rows[name, seed][key] for seed in B["seeds"]] for key in METRICS}
             for name in names}
print(f"{'model':>9}" + "".join(f"{t:>17}" for t, _ in METRICS.values())
      + f"   (mean ± sd over {len(B['seeds'])} seeds)")
for name in names:
    cells = []
    for key, (_, form) in METRICS.items():
        mean, sd = compare.spread(per_model[name][key])
        cells.append(f"{form.format(mean)} ± {form.format(sd)}")
    print(f"{name:>9}" + "".join(f"{cell:>17}" for cell in cells))
best = {key: (min if key in ("largest_share", "frechet_distance") else max)(
            names, key=lambda n: compare.spread(per_model[n][key])[0]) for key in METRICS}
print("best mean: " + ", ".join(f"{METRICS[key][0]} {name}" for key, name in best.items()))

# %% [markdown]
# The last line names, for each number, the model with the best mean (fewest in the largest share
# and the Fréchet distance, most in the others). A best mean is not yet a better model: compare
# the gap between two means with the standard deviations beside them. Two seeds give a rough
# standard deviation; exercise 1 turns the comparison into one number, and the full profile runs
# three seeds.
#
# The same numbers as a figure, one point per seed, with the real digits' value as a dashed line:

# %%
fig, axes = plt.subplots(1, len(METRICS), figsize=(15, 3.2), constrained_layout=True)
positions = np.arange(len(names))
for ax, (key, (title, _)) in zip(axes, METRICS.items()):
    for i, name in enumerate(names):
        values = per_model[name][key]
        ax.scatter(np.full(len(values), i), values, color=f"C{i}", zorder=3)
        ax.hlines(np.mean(values), i - 0.25, i + 0.25, color=f"C{i}")
    ax.axhline(judge.real[key], color="k", ls="--", lw=1, label="real digits")
    everything = [v for name in names for v in per_model[name][key]] + [judge.real[key]]
    pad = 0.1 * (max(everything) - min(everything) or 1.0)
    ax.set(xticks=positions, xticklabels=names, xlim=(-0.5, len(names) - 0.5),
           ylim=(min(everything) - pad, max(everything) + pad), xlabel="model", ylabel=title,
           title=title)
axes[0].legend(fontsize=8, loc="lower right")
fig.suptitle(f"{B['budget_seconds']} s of training per run: points are seeds, bars their mean")
plt.show()

# %% [markdown]
# ## 15.6 Samples side by side
#
# The first `grid_samples` samples of every run, from the same fixed codes the judge used: one row
# per model, one column per seed, and held-out real digits at the top right for comparison.

# %%
count = B["grid_samples"]
nrow = int(math.sqrt(count))
fig, axes = plt.subplots(len(names), len(B["seeds"]) + 1,
                         figsize=(2.4 * (len(B["seeds"]) + 1), 2.4 * len(names)),
                         constrained_layout=True, squeeze=False)
real_digits = load_mnist("val", 32, root=DATA).images[:count]
for r, name in enumerate(names):
    for c, seed in enumerate(B["seeds"]):
        axes[r, c].imshow(make_grid(images[name, seed][:count], nrow=nrow)[:, :, 0], cmap="gray",
                          vmin=0, vmax=255)
        axes[r, c].set_xlabel(f"seed {seed}, {runs[name, seed].steps} steps")
    axes[r, 0].set_ylabel(name, fontsize=12)
    axes[r, -1].axis("off")
axes[0, -1].axis("on")
axes[0, -1].imshow(make_grid(real_digits, nrow=nrow)[:, :, 0], cmap="gray", vmin=0, vmax=255)
axes[0, -1].set_xlabel("held-out real digits")
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"samples after {B['budget_seconds']} s of training (rows: models; columns: seeds)")
plt.show()

# %% [markdown]
# Set the grids beside the table: the confident share says in a number how many of these samples
# the classifier would bet on, and the diversity how different they are from one another. The
# classifier names a digit for every image, even a blob; "classes covered" is only as good as the
# samples are recognisable, so read it together with the confident share.
#
# ## 15.7 The Parzen window, with its caveats
#
# Chapter 3 scored a GAN the way its paper's Table 1 does: a Gaussian Parzen window on the
# samples, its width $\sigma$ chosen on the validation digits, the mean log-likelihood of the test
# digits (28x28 pixels in [0, 1]) with its standard error. The same for every run here, with the
# training digits themselves as a "model" that memorised its data:

# %%
# NBVAL_IGNORE_OUTPUT
# (trained models' numbers move with the processor's float kernels: see 15.3)
val, test = (load_mnist(split, 32, root=DATA).images for split in ("val", "test"))
train_digits = load_mnist("train", 32, root=DATA).images
parzen = {key: compare.parzen_score(batch, val, test) for key, batch in images.items()}
parzen["training digits", None] = compare.parzen_score(train_digits[:B["eval_count"]], val, test)
print(f"{'model':>16} {'seed':>5} {'sigma':>6} {'test log-likelihood':>22}")
for (name, seed), score in parzen.items():
    print(f"{name:>16} {'' if seed is None else seed:>5} {score['sigma']:>6.3f} "
          f"{score['log_likelihood']:>14.1f} ± {score['standard_error']:.1f}")
parzen_means = {name: compare.spread([parzen[name, s]["log_likelihood"] for s in B["seeds"]])[0]
                for name in names}
print("mean over seeds: " + ", ".join(f"{n} {v:.1f}" for n, v in parzen_means.items()))
fd_means = {name: compare.spread(per_model[name]["frechet_distance"])[0] for name in names}
print("best to worst by Parzen:", " > ".join(sorted(names, key=lambda n: -parzen_means[n])),
      "| by Frechet distance:", " > ".join(sorted(names, key=lambda n: fd_means[n])))

# %% [markdown]
# Chapter 3's caveats hold here in full:
#
# - **The number depends on how many samples the window gets.** Every row uses the same
#   `eval_count` samples, so the rows compare with each other, but not with the paper's 225 for
#   its GAN (10,000 samples, 10,000 test digits) nor with chapter 3's rows.
# - **Memorising wins.** The training digits, a copy machine, set the bar no generalising model
#   is expected to beat by much.
# - **Blur is rewarded.** The window rewards samples close to test digits in squared distance;
#   a blurry average digit is close to many digits at once. Exercise 2 computes, in closed
#   form, what a model that draws *one* image, the mean training digit, scores.
#
# The last printed line sets the Parzen ranking beside the Fréchet distance's. Where they agree,
# the Parzen window adds nothing the classifier's numbers did not say; where they disagree, the
# caveats above say which to trust. The Parzen numbers are here because the GAN paper reports
# them.
#
# ## 15.8 CIFAR-10 and the Inception Score (full profile)
#
# BEGAN's section 4.6 trains on CIFAR-10 and reports an Inception Score of 5.62. The full profile
# repeats that with the `cifar10` preset on a GPU: CIFAR-10 from a local copy in torchvision's
# layout (`data/cifar10/cifar-10-batches-py`, see `data/README.md`), then the Inception Score of
# `cifar_samples` samples and their FID to the CIFAR-10 test images, both from `torch-fidelity`
# (`began_lite.metrics.inception`). Nothing is downloaded: torch-fidelity is optional (`pip
# install torch-fidelity==0.4.0` adds it without changing the pinned packages), and its
# InceptionV3 weights are read from a local file. When anything is missing, one line says what
# and where. In the quick profile the cell only says whether this machine is ready.

# %%
# NBVAL_IGNORE_OUTPUT
def cifar_readiness(root):
    """Why the CIFAR-10 experiment cannot run here (one line each); empty when it can."""
    problems = [f"needs {what}" for what in missing_requirements(root)]
    try:
        open_dataset("cifar10", 32, "test", root)
    except UserError as err:
        problems.insert(0, str(err))
    return problems


if not B["cifar"]:
    problems = cifar_readiness(DATA)
    print("CIFAR-10 runs in the full profile only. This machine: "
          + ("ready" if not problems else "not ready"))
    for problem in problems:
        print(" -", problem)
else:
    cifar_device = resolve_device(B["cifar_device"])
    cifar = load_config(B["cifar_preset"], {"data_root": str(DATA),
                                            "num_threads": B["threads"]})
    start = time.perf_counter()
    model = compare.train_contender(compare.Contender("BEGAN", config=cifar), B["cifar_steps"],
                                    B["seed"], device=cifar_device)
    fakes = compare.samples(model, B["cifar_samples"], cifar_device)
    cifar_test = open_dataset("cifar10", 32, "test", DATA)
    real = torch.stack([cifar_test[i] for i in range(B["cifar_real"])])
    scores = inception_scores(fakes, real, root=DATA, device=cifar_device)
    print(f"BEGAN, cifar10 preset, {model.steps} steps ({time.perf_counter() - start:.0f} s): "
          f"Inception Score {scores['inception_score']:.2f} ± {scores['inception_score_std']:.2f}"
          f" over {scores['samples']} samples (the paper: {PAPER_INCEPTION_SCORE}); FID to "
          f"{scores['real']} test images {scores['fid']:.1f}")

# %% [markdown]
# The Inception Score rewards samples that an ImageNet classifier labels confidently and that
# spread over many ImageNet classes; the FID, the same Fréchet distance as above in InceptionV3's
# features, compares samples with real images. Both depend on the weights and on the resizing
# to 299 px: torch-fidelity's InceptionV3 is a port of the TensorFlow network the scores were
# defined with, so its numbers are the ones papers report (torchvision's own InceptionV3 gives
# other numbers).
#
# ## Summary
#
# - The minimax GAN, BEGAN and alpha-GAN differ in what $D$ is (a classifier, an autoencoder, a
#   classifier plus a code classifier) and in what $G$ learns from: only $D$'s gradient, or also
#   every training image it must reconstruct (alpha-GAN).
# - A fair comparison fixes the data, the seeds, the judge and the *time*: `compare.step_seconds`
#   measures each model's step, `matched_steps` turns one budget of seconds into steps, and the
#   quick profile trains fixed steps matched that way. In a short budget the cheapest step sees
#   the most data.
# - One judge for all: classes covered, largest and confident share, the Fréchet distance in a
#   classifier's features and diversity, recomputed by hand in 15.4. A table over seeds with the
#   standard deviation says which differences are larger than a change of seed.
# - The Parzen window compares the rows only at equal sample counts, and rewards memorising and
#   blur; the classifier's numbers say more.
# - On CIFAR-10 (full profile) the Inception Score and FID come from torch-fidelity with local
#   weights; the paper's BEGAN scored 5.62.
#
# ## Exercises
#
# 1. **(checked)** A difference between two models' means is worth something only next to the
#    spread over seeds. Derive the variance of the difference of two independent means, each over
#    $n_a$ and $n_b$ seeds with sample variances $s_a^2$ and $s_b^2$, and write
#    `separation(a, b)`, the difference of the means in units of its standard error (Welch's
#    $t$). The checker tests it, then prints yours beside the true value for the Fréchet
#    distances of every pair of models in 15.5. With two seeds each, how large would you want
#    $|t|$ to be before you call one model better?
# 2. **(checked)** A model that draws one single image $s$, whatever $z$: its Parzen window is one
#    Gaussian. For test points $x_i$ with squared distances $D_i = \lVert x_i - s\rVert^2$ in
#    $d$ dimensions, derive the $\sigma$ that maximises the mean log-likelihood and that maximum,
#    and write `collapsed_parzen(sq_distances, d)` returning both. The checker tests it, then
#    prints your value for the mean training digit on the test digits beside a fine-grid search
#    and beside the models' Parzen means from 15.7. What does that say about the Parzen window?
# 3. Predict, before you run it, which model covers the most classes after ten minutes on two
#    cores, and which has the lowest Fréchet distance. Then run the full profile
#    (`BOOK_PROFILE=full python -m began_lite book execute 15`) and check.
# 4. Give all three models the same number of *steps* instead of the same time (BEGAN's, say).
#    Which numbers change most, and whose?
# 5. The Fréchet distance is biased upwards at small sample counts. Judge one run with 100, 300
#    and 500 samples, and the real validation digits against the test digits at the same counts:
#    how much of the quick profile's distance is that bias?
# 6. With CIFAR-10 in `data/cifar10` and the InceptionV3 weights in `data/inception`, run 15.8 for
#    a few thousand steps on a GPU. How far below 5.62 are you, and how many steps did the paper's
#    run likely take?

# %%
# NBVAL_IGNORE_OUTPUT
def separation(a, b):
    """Welch's t: the difference of the means of a and b in units of its standard error."""
    ### BEGIN SOLUTION
    # Var(mean a - mean b) = Var(a) / n_a + Var(b) / n_b for independent seeds; estimate each
    # variance with the sample variance (n - 1 in the denominator).
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    ### END SOLUTION


fd = {name: per_model[name]["frechet_distance"] for name in names}
passed = check_separation(separation, fd, "Frechet distance")

# %%
# NBVAL_IGNORE_OUTPUT
def collapsed_parzen(sq_distances, d):
    """(sigma, mean log-likelihood) of a Parzen window on one image, at its best sigma."""
    ### BEGIN SOLUTION
    # log p(x_i) = -D_i / (2 sigma^2) - d/2 log(2 pi sigma^2); the mean over i is largest where its
    # derivative in sigma^2 vanishes: mean(D) / (2 sigma^4) = d / (2 sigma^2), so
    # sigma^2 = mean(D) / d, and there the mean is -d/2 - d/2 log(2 pi mean(D) / d).
    variance = np.mean(sq_distances) / d
    return math.sqrt(variance), -d / 2 * (1 + math.log(2 * math.pi * variance))
    ### END SOLUTION


mean_digit = compare.paper_scale(train_digits).mean(0)
test_flat = compare.paper_scale(test)
sq_distances = ((test_flat - mean_digit) ** 2).sum(1).numpy()
sigmas = np.logspace(-1.5, 0, 400)
grid_best = max(select_parzen_sigma(mean_digit[None], test_flat, sigmas)[1])
passed = check_collapsed_parzen(collapsed_parzen, sq_distances, test_flat.shape[1], grid_best,
                                {f"{name} (15.7, mean over seeds)": value
                                 for name, value in parzen_means.items()})
