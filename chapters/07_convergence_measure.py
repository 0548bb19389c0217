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
# # 7. Measuring convergence
#
# **After this chapter you will be able to**
# - compute BEGAN's convergence measure $\mathcal{M}_{global}$ from a training log and say what
#   each of its two terms measures;
# - build an independent quality number for MNIST: the Fréchet distance between real and
#   generated digits in the feature space of a small classifier;
# - compare the two along a run with a rank correlation, with a bootstrap interval and with
#   training time held fixed, and find where they disagree;
# - explain the paper's learning-rate rule, halving when $\mathcal{M}_{global}$ stalls, and read it
#   in a log.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), sections 3.4.1 and 4.4, and
# the learning-rate decay of section 4.1.

# %%
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.began import convergence_measure, sample_z
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.data.images import resize
from began_lite.exercises.part2_control import check_convergence_measure, check_loss_fake_at
from began_lite.metrics import (classifier_features, frechet_distance, mnist_classifier)
from began_lite.metrics.evaluate import draw_samples, summary_line, table as evaluate_table
from began_lite.seeding import seed_everything
from began_lite.train import load_config, load_generator, read_metrics, train
from began_lite.train.reference import load_reference
from began_lite.train.schedule import StallHalving
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch07")
seed_everything(B["seed"])
print({key: B[key] for key in sorted(B) if key != "train"})

# %% [markdown]
# ## 7.1 A global measure of convergence
#
# In the minimax game of chapters 1-3 the two losses pull against each other: when $D$'s loss
# goes down, $G$'s goes up. Neither loss says whether training is done, so GAN papers judge by
# the number of epochs and by looking at samples. BEGAN's equilibrium gives it a number. Training
# has converged when (i) $D$ reconstructs real images well, a small $\mathcal{L}(x)$, and (ii)
# the control loop of chapter 6 is at its set point, a small
# $|\gamma\,\mathcal{L}(x) - \mathcal{L}(G(z_G))|$. Section 3.4.1 adds the two:
#
# $$\mathcal{M}_{global} = \mathcal{L}(x) + \big|\gamma\, \mathcal{L}(x) - \mathcal{L}(G(z_G))\big|.$$
#
# Both terms are computed at every step anyway, so $\mathcal{M}_{global}$ costs nothing. Section
# 3.4.1 proposes it to tell when a network has reached its final state or has collapsed; section
# 4.4 (Figure 5) shows that it falls quickly and that it correlates with image fidelity. In a few
# lines:

# %%
def my_convergence_measure(loss_real, loss_fake, gamma):
    """M_global = L(x) + |gamma L(x) - L(G(z_G))|."""
    return float(loss_real) + abs(gamma * float(loss_real) - float(loss_fake))


rng = np.random.default_rng(B["seed"])
pairs = rng.uniform(0, 0.5, size=(1000, 2))
diffs = [abs(my_convergence_measure(a, b, 0.5) - convergence_measure(a, b, 0.5)) for a, b in pairs]
print(f"largest difference from began_lite.began.convergence_measure: {max(diffs):.1e}")
print(f"on target (L(G(z)) = gamma L(x)): M = {convergence_measure(0.2, 0.1, 0.5):.4f} = L(x)")
print(f"G too good  (L(G(z)) = 0.02):     M = {convergence_measure(0.2, 0.02, 0.5):.4f}")
print(f"D too good  (L(G(z)) = 0.18):     M = {convergence_measure(0.2, 0.18, 0.5):.4f}")

# %% [markdown]
# ## 7.2 A BEGAN run, with checkpoints along the way
#
# The trainer logs the mean of $\mathcal{L}(x)$, $\mathcal{L}(G(z))$ and $\mathcal{M}_{global}$
# over every `log_every` steps, and keeps a checkpoint every `checkpoint_every` steps, so we can
# look back at the generator at several points along the curve. The quick profile trains small
# 16 px networks on the MNIST digits for a few hundred steps, with $\gamma$, learning rate and
# $\lambda_k$ chosen so that something happens in that time (printed below); the full profile
# trains far longer.

# %%
# NBVAL_IGNORE_OUTPUT
config = load_config(B["preset"], {**B["train"], "data_root": str(DATA)})
print({key: getattr(config, key) for key in ("image_size", "n", "h", "z_dim", "batch_size",
                                              "steps", "lr", "lr_patience", "gamma", "lambda_k")})
run_dir = train(config, tempfile.mkdtemp(prefix="ch07_"), device=B["device"], progress=False)
rows = read_metrics(run_dir)
checkpoints = sorted((run_dir / "checkpoints").glob("step_*.pt"))
print(f"{len(rows)} log lines, checkpoints at steps "
      f"{[int(path.stem.split('_')[1]) for path in checkpoints]}")

# %% [markdown]
# First a check that the log holds what the paper defines. The logged `M` is the mean of the
# per-step values; recomputing it from the mean losses of the same window gives a number that
# can only be smaller or equal, because the absolute value is convex (Jensen again, as in
# chapter 5): the two agree exactly when the error keeps one sign through the window.

# %%
# NBVAL_IGNORE_OUTPUT
steps = np.array([row["step"] for row in rows])
M = np.array([row["M"] for row in rows])
loss_real = np.array([row["loss_real"] for row in rows])
loss_fake = np.array([row["loss_fake"] for row in rows])
M_of_means = loss_real + np.abs(config.gamma * loss_real - loss_fake)
gap = M - M_of_means
print(f"logged M minus M of the window means: from {gap.min():.2e} to {gap.max():.2e}")
print(f"never negative (Jensen): {bool(gap.min() > -1e-9)}")

# %%
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(8, 3.6))
ax.plot(steps, M, label="M_global (logged)")
ax.plot(steps, loss_real, label="L(x)", lw=1)
ax.plot(steps, np.abs(config.gamma * loss_real - loss_fake), label="|gamma L(x) - L(G(z))|", lw=1)
for path in checkpoints:
    ax.axvline(int(path.stem.split("_")[1]), color="grey", lw=0.5, ls=":")
ax.set(xlabel="step", ylabel="loss", title="M_global and its two terms (dotted: checkpoints)")
ax.legend()
plt.show()

# %% [markdown]
# The samples of each kept generator, from the same fixed $z$, next to the curve:

# %%
# NBVAL_IGNORE_OUTPUT
def step_of(path):
    """The training step of a checkpoint file step_NNNNNNN.pt."""
    return int(path.stem.split("_")[1])


def generate(path, count):
    """`count` images (count, 1, S, S) from the generator saved at `path`, fixed seed."""
    generator, _ = load_generator(path)
    codes = sample_z(count, config.z_dim, torch.Generator().manual_seed(B["seed"]))
    with torch.no_grad():
        return generator(codes).clamp(-1, 1)


shown = checkpoints[B["show_every"] - 1::B["show_every"]]  # a few of the many checkpoints
fig, axes = plt.subplots(1, len(shown), figsize=(2.2 * len(shown), 2.6))
for ax, path in zip(np.atleast_1d(axes), shown):
    grid = make_grid(generate(path, B["samples"]), nrow=int(B["samples"] ** 0.5))
    ax.imshow(grid[:, :, 0], cmap="gray")
    ax.set_title(f"step {step_of(path)}", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# A few hundred steps of networks this small do not draw digits. What a longer run draws is shown
# by the book's reference model, a longer run of the `mnist` recipe on a CPU (BEGAN plus a
# diversity term on $G$'s loss, chapter 9.6; `make reference`), with the
# numbers `python -m began_lite evaluate` gives it (its own Fréchet distance, at 32 px and with
# its own sample sizes, so not on the same scale as the distances of 7.4):

# %%
# NBVAL_IGNORE_OUTPUT
# the reference model is replaced when a better one is trained
ref_generator, _, ref_config, ref_numbers = load_reference("mnist32")
print(f"reference: {ref_config.steps} steps at {ref_config.image_size} px, "
      f"D n = {ref_config.n}, G n = {ref_config.generator_n or ref_config.n}, "
      f"gamma = {ref_config.gamma}, eta = {ref_config.eta}")
print(evaluate_table(ref_numbers))
plt.figure(figsize=(7, 2.2))
plt.imshow(make_grid(draw_samples(ref_generator, ref_config.z_dim, 16), nrow=16)[:, :, 0],
           cmap="gray")
plt.title(f"the reference model's samples ({ref_config.image_size} px, {ref_config.steps} steps)")
plt.axis("off")
plt.show()

# %% [markdown]
# "Looks better" is not a
# number, and $\mathcal{M}_{global}$ is computed from $D$'s own losses, so it cannot be its own
# judge. We need a quality measure that knows nothing about $D$.
#
# ## 7.3 An independent judge: Fréchet distance in a classifier's feature space
#
# The idea of the Fréchet Inception Distance, scaled down to MNIST: pass real and generated images
# through a network trained for another task, here a small digit classifier, fit a Gaussian to
# each set of features, and measure the distance between the two Gaussians. For Gaussians
# $\mathcal{N}(\mu_1, \Sigma_1)$ and $\mathcal{N}(\mu_2, \Sigma_2)$ the Fréchet (2-Wasserstein)
# distance has a closed form,
#
# $$d^2 = \lVert \mu_1 - \mu_2 \rVert^2 + \operatorname{tr}\Big(\Sigma_1 + \Sigma_2 -
#   2\big(\Sigma_1 \Sigma_2\big)^{1/2}\Big).$$
#
# It falls when generated digits look like real ones *and* when they are as varied as real ones:
# a generator that draws one perfect digit has the right kind of features but the wrong
# covariance. `began_lite.metrics.mnist_classifier()` trains the classifier once on MNIST's
# training split (the 4,000 bundled digits, or a full copy in `data/mnist`): three conv layers and
# a 64-unit feature layer, under ten seconds on one CPU core, with a fixed seed. It caches the
# weights under `.cache/` in the book's folder, and later calls load them. A seeded training run
# still ends with slightly different weights on another processor, so for the bundled digits the
# book ships the classifier it was written with (`data/classifier/`), and every machine judges
# with those weights; the line below says whether they came from the cache, the shipped copy or a
# fresh training run.

# %%
# NBVAL_IGNORE_OUTPUT
classifier = mnist_classifier(root=DATA, progress=False)
print(f"classifier ({classifier.source}): val accuracy {classifier.accuracy['val']:.3f}, "
      f"test accuracy {classifier.accuracy['test']:.3f}")

# %%
print(f"classifier accuracy above 0.9 on the held-out splits: "
      f"{min(classifier.accuracy.values()) > 0.9}")

# %% [markdown]
# The Fréchet distance from scratch. $\Sigma_1 \Sigma_2$ is not symmetric, but it is similar to
# the symmetric $\Sigma_1^{1/2} \Sigma_2 \Sigma_1^{1/2}$, so its eigenvalues are real and
# non-negative and $\operatorname{tr}(\Sigma_1\Sigma_2)^{1/2}$ is the sum of their square roots.
# (`began_lite` sums the singular values of $\Sigma_1^{1/2}\Sigma_2^{1/2}$ instead, the same
# number; it avoids taking square roots of the round-off eigenvalues that the classifier's many
# dead ReLU units leave in both covariances.) The generator works at the training resolution, so
# the real reference digits are brought to that resolution too, and both sets are resized to the
# classifier's 32 px.

# %%
def features_at(images):
    """Classifier features (N, 64) of images at any size, resized to 32 px."""
    return classifier_features(classifier, resize(images, 32))


def my_frechet(a, b):
    """Frechet distance between Gaussians fitted to feature sets a (N, d) and b (M, d)."""
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    roots = np.sqrt(np.linalg.eigvals(cov_a @ cov_b).real.clip(0))
    return np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(cov_a + cov_b) - 2 * roots.sum()


real = features_at(load_mnist("val", config.image_size, root=DATA).images[:B["fd_count"]])
held_out = features_at(load_mnist("test", config.image_size, root=DATA).images[:B["fd_count"]])
size = (B["fd_count"], 1, config.image_size, config.image_size)
noise = features_at(torch.rand(size, generator=torch.Generator().manual_seed(B["seed"])) * 2 - 1)
floor = frechet_distance(real, held_out)
print(f"real val vs real test: {floor:.1f}; from scratch and began_lite agree: "
      f"{abs(my_frechet(real, held_out) - floor) < 1e-6 * max(1.0, floor)}")
print(f"real val vs uniform noise: {frechet_distance(real, noise):.0f}")
print(f"feature units that are 0 for every real val digit: {int(np.sum(real.max(0) == 0))} "
      f"of {real.shape[1]}")

# %% [markdown]
# Two different sets of real digits are not at distance zero: with a finite number of images each
# Gaussian is estimated with error, so the real-versus-real distance printed above is the floor
# any generator can hope for with this many images. Uniform noise gives a sense of the ceiling.
#
# ## 7.4 Do $\mathcal{M}_{global}$ and the Fréchet distance agree?
#
# For each checkpoint: $\mathcal{M}_{global}$ averaged over the log lines of the last
# `M_window` steps before it, and the Fréchet distance of `fd_count` generated digits to the real
# ones.

# %%
# NBVAL_IGNORE_OUTPUT
table = []
for path in checkpoints:
    step = step_of(path)
    recent = (steps > step - B["M_window"]) & (steps <= step)
    fd = frechet_distance(real, features_at(generate(path, B["fd_count"])))
    table.append((step, M[recent].mean(), fd))
print(f"{'step':>6} {'M_global':>9} {'Frechet':>8}")
for step, m, fd in table:
    print(f"{step:>6} {m:>9.4f} {fd:>8.1f}")

# %% [markdown]
# A rank correlation asks only whether the two numbers put the checkpoints in the same *order*,
# which is all we want from a convergence measure; their scales are unrelated. Spearman's
# $\rho$ is the ordinary correlation of the ranks (tied values share their mean rank):

# %%
def ranks(values):
    """Ranks 1..N of `values`; ties get the mean of the ranks they span."""
    values = np.asarray(values, dtype=float)
    order = np.empty(len(values))
    order[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return np.array([order[values == v].mean() for v in values])


def spearman(a, b):
    """Spearman's rank correlation of two equally long sequences."""
    return np.corrcoef(ranks(a), ranks(b))[0, 1]


print(f"ranks of [0.3, 0.1, 0.3, 0.2]: {ranks([0.3, 0.1, 0.3, 0.2])}")
print(f"a perfectly monotone pair: rho = {spearman([1, 2, 3, 4], [10, 20, 25, 90]):.4f}")
try:
    from scipy.stats import spearmanr
    a, b = rng.normal(size=50), rng.normal(size=50)
    print(f"agrees with SciPy's spearmanr: {abs(spearman(a, b) - spearmanr(a, b)[0]) < 1e-12}")
except ImportError:
    print("SciPy is not installed; the chapter does not need it")

# %%
# NBVAL_IGNORE_OUTPUT
ckpt_steps, ckpt_M, ckpt_fd = (np.array(column) for column in zip(*table))
rho = spearman(ckpt_M, ckpt_fd)
print(f"Spearman rank correlation of M_global and Frechet distance over {len(table)} "
      f"checkpoints: {rho:+.2f}")
disagree = [(int(ckpt_steps[i]), int(ckpt_steps[i + 1])) for i in range(len(table) - 1)
            if np.sign(ckpt_M[i + 1] - ckpt_M[i]) != np.sign(ckpt_fd[i + 1] - ckpt_fd[i])]
print(f"consecutive checkpoints where one falls and the other rises: {disagree}")
print(f"M_global falls at every checkpoint: {bool(np.all(np.diff(ckpt_M) < 0))}; "
      f"the Frechet distance does: {bool(np.all(np.diff(ckpt_fd) < 0))}")


def partial_spearman(a, b, control):
    """Spearman's rho of a and b with the ranks of `control` partialled out."""
    r_ab, r_ac, r_bc = spearman(a, b), spearman(a, control), spearman(b, control)
    return (r_ab - r_ac * r_bc) / np.sqrt((1 - r_ac**2) * (1 - r_bc**2))


def bootstrap_interval(statistic, draws, seed):
    """95% percentile interval of statistic(index) over `draws` resamples of the checkpoints."""
    boot = np.random.default_rng(seed)
    values = [statistic(boot.integers(0, len(table), len(table))) for _ in range(draws)]
    return np.nanpercentile(values, [2.5, 97.5])


with np.errstate(invalid="ignore", divide="ignore"):  # a resample may repeat one checkpoint
    low, high = bootstrap_interval(lambda i: spearman(ckpt_M[i], ckpt_fd[i]), B["bootstrap"],
                                   B["seed"])
    partial = partial_spearman(ckpt_M, ckpt_fd, ckpt_steps)
    p_low, p_high = bootstrap_interval(
        lambda i: partial_spearman(ckpt_M[i], ckpt_fd[i], ckpt_steps[i]), B["bootstrap"], B["seed"])
print(f"rho 95% bootstrap interval over checkpoints: [{low:+.2f}, {high:+.2f}]; "
      f"excludes 0: {bool(low > 0 or high < 0)}")
print(f"with training time held fixed (partial rho given the step): {partial:+.2f}, "
      f"interval [{p_low:+.2f}, {p_high:+.2f}]; excludes 0: {bool(p_low > 0 or p_high < 0)}")
raw_shown, partial_shown = bool(low > 0 or high < 0), bool(p_low > 0 or p_high < 0)
print("so this run shows: " + {
    (True, True): "an association that survives holding training time fixed",
    (True, False): "that both numbers change with training time, but not that a checkpoint "
                   "with a lower M_global than its step predicts has better samples",
    (False, True): "no clear association overall, but one at a fixed training time",
    (False, False): "no association that this many checkpoints can distinguish from none"}[
    (raw_shown, partial_shown)])

fig, ax_m = plt.subplots(figsize=(7, 3.4))
ax_fd = ax_m.twinx()
ax_m.plot(ckpt_steps, ckpt_M, "o-", color="C0", label="M_global")
ax_fd.plot(ckpt_steps, ckpt_fd, "s--", color="C3", label="Frechet distance")
ax_m.set(xlabel="step", ylabel="M_global (mean before checkpoint)")
ax_fd.set_ylabel("Frechet distance to real digits", color="C3")
ax_m.set_title(f"M_global and sample quality, Spearman rho = {rho:+.2f}")
fig.legend(loc="upper right", bbox_to_anchor=(0.88, 0.88))
plt.show()

# %% [markdown]
# How to read these numbers. A rank correlation over a handful of checkpoints is noisy, so the
# bootstrap interval (resampling the checkpoints) says how far it could move; an interval that
# includes 0 means this run does not show an association at all. And a correlation along one run
# is partly just time: both numbers tend to fall as training goes on, whatever the link between
# them. The partial correlation removes the part that the step number explains; what is left is
# whether a checkpoint with a lower $\mathcal{M}_{global}$ *than its training time predicts*
# also has a lower Fréchet distance. The last printed line says which of these this run shows.
# The paper's claim (section 4.4) is a correlation along training; one short run of small
# networks on 16 px digits is a weak test of it either way. The pairs of consecutive checkpoints
# listed above are where one number improves while the other gets worse. Much of the fall of
# $\mathcal{M}_{global}$ is the fall of $\mathcal{L}(x)$ (the plot of its two terms), that is,
# $D$ learning to auto-encode real digits, which by itself says nothing about $G$'s samples.

# %% [markdown]
# Where they disagree, and why they must sometimes: $\mathcal{M}_{global}$ sees only two *mean*
# losses. It cannot tell a varied generator from one that draws the same digit every time, as long
# as that digit is reconstructed as well as the varied samples are on average. The Fréchet
# distance sees the spread of the features. A controlled test with the last checkpoint's $D$:
# the best generator imaginable, one that outputs the held-out real test digits, against a
# perfectly collapsed one that outputs copies of a single test digit, the one whose loss is
# closest to the mean, so that both have nearly the same $\mathcal{L}(G(z))$.
#
# This test holds $D$ *frozen*, so it can only show what $\mathcal{M}_{global}$ sees in one
# step. The paper's claim (section 3.4.1) is about training, with a live $D$: after a collapse
# $D$ keeps learning, and it can learn to reconstruct the one repeated image very well, which
# moves $\mathcal{L}(G(z))$ and so $\mathcal{M}_{global}$. Nothing here tests that; it shows only
# that the *formula* cannot tell the two generators apart when their mean losses agree.

# %%
# NBVAL_IGNORE_OUTPUT
from began_lite.began import reconstruction_loss
from began_lite.train.checkpoint import build_networks, load_checkpoint

_, discriminator = build_networks(config)
discriminator.load_state_dict(load_checkpoint(checkpoints[-1])["discriminator"])
discriminator.eval()
real_images = load_mnist("val", config.image_size, root=DATA).images[:B["fd_count"]]
ideal = load_mnist("test", config.image_size, root=DATA).images[:B["fd_count"]]
with torch.no_grad():
    loss_real_now = reconstruction_loss(real_images, discriminator(real_images))
    per_image = reconstruction_loss(ideal, discriminator(ideal), per_image=True)
collapsed = ideal[[int((per_image - per_image.mean()).abs().argmin())]].expand_as(ideal)
results = {}
for name, fake in (("test digits", ideal), ("one test digit", collapsed)):
    with torch.no_grad():
        loss_fake_now = reconstruction_loss(fake, discriminator(fake))
    M_now = convergence_measure(loss_real_now, loss_fake_now, config.gamma)
    print(f"{name:>14}: M_global {M_now:.4f}, "
          f"Frechet distance {frechet_distance(real, features_at(fake)):.1f}")
    results[name] = M_now
print(f"|difference in M_global|: {abs(results['test digits'] - results['one test digit']):.1e}")

# %% [markdown]
# The printed difference in $\mathcal{M}_{global}$ is small beside the gap between the two
# Fréchet distances, one near the real-versus-real floor and one far above it. This is why the paper offers $\mathcal{M}_{global}$
# as a sign of convergence and of collapse *together with* looking at the samples, and why
# $\gamma$ (the diversity knob of chapter 6) matters: nothing in $\mathcal{M}_{global}$ rewards
# diversity directly.
#
# ## 7.5 Halving the learning rate when $\mathcal{M}_{global}$ stalls
#
# Section 4.1: Adam starts at $10^{-4}$ and the learning rate is "decayed by a factor of 2 when
# the measure of convergence stalls". `began_lite.train` makes "stalls" precise: after each log
# window it compares the window's mean $\mathcal{M}$ with the lowest seen so far; if no new lowest
# value has come for `lr_patience` steps, it halves the learning rate (never below `lr_min`) and
# gives the new rate a full `lr_patience` steps before judging it. On a made-up sequence, one
# value per step, with a patience of 3 steps:

# %%
schedule = StallHalving(lr=1e-4, lr_min=1e-6, patience=3)
made_up = [0.30, 0.25, 0.22, 0.21, 0.215, 0.212, 0.211, 0.205, 0.207, 0.206, 0.208, 0.209, 0.21]
for step, value in enumerate(made_up, start=1):
    before = schedule.lr
    after = schedule.update(step, value)
    note = "  <- halved: no new lowest M for 3 steps" if after < before else ""
    print(f"step {step:>2}: M = {value:.3f}, lowest so far {schedule.best_M:.3f}, "
          f"lr {after:.2e}{note}")

# %% [markdown]
# The same rule replayed on this chapter's logged $\mathcal{M}_{global}$ with a few patiences,
# and the learning rate the trainer itself used (its `lr` column; the run's own `lr_patience` is
# printed with the config above, 0 meaning the rule was off):

# %%
# NBVAL_IGNORE_OUTPUT
def replay_halvings(rows, patience):
    """(step, new lr) wherever the trainer's rule with this patience would halve lr."""
    schedule, halved = StallHalving(config.lr, config.lr_min, patience), []
    for row in rows:
        before = schedule.lr
        if schedule.update(row["step"], row["M"]) < before:
            halved.append((row["step"], schedule.lr))
    return halved


for patience in B["replay_patience"]:
    print(f"patience {patience:>4} steps: halvings (step, new lr) "
          f"{replay_halvings(rows, patience)}")
changes = [(row["step"], row["lr"]) for i, row in enumerate(rows)
           if i == 0 or row["lr"] != rows[i - 1]["lr"]]
print(f"the trainer's lr column, (step, lr) wherever it changed: {changes}")

# %% [markdown]
# Where $\mathcal{M}_{global}$ falls steadily, new lows keep coming and no patience halves;
# where it flattens or bumps up, the noise of the window means decides whether a window sets a
# new low, and the shorter the patience, the more halvings (the printed lists). In a run this
# short the longest patience printed never fires. The full profile's longer run has the rule switched on,
# and its `lr` column above shows where it fired.
#
# ## Summary
#
# - $\mathcal{M}_{global} = \mathcal{L}(x) + |\gamma\mathcal{L}(x) - \mathcal{L}(G(z_G))|$ adds
#   how well $D$ reconstructs real images to how far the control loop is from its set point. It
#   is free to compute and, unlike the minimax losses, it should fall as training converges.
# - The Fréchet distance in a classifier's feature space is an independent judge; on MNIST a small
#   cached classifier suffices. Its floor is the real-versus-real distance at the same sample
#   size.
# - Along a run the two can be compared by rank (Spearman's $\rho$), with a bootstrap interval
#   and with training time held fixed; a short run's few checkpoints say little. They need not
#   agree: with $D$ frozen, $\mathcal{M}_{global}$ sees mean losses only, so it cannot see
#   collapse or diversity, as the collapsed-generator test shows; what a live $D$ does after a
#   collapse is not tested here.
# - The paper's schedule halves the learning rate when $\mathcal{M}_{global}$ stops reaching new
#   lows; the patience decides how much noise it tolerates.
#
# ## Exercises
#
# Solutions sit between `### BEGIN SOLUTION` and `### END SOLUTION`; the student set
# (`python -m began_lite book assignments`) replaces them with a stub for you to fill in.
#
# 1. **(checked, warm-up)** Write `convergence_measure(loss_real, loss_fake, gamma)` yourself and
#    run the checker. It tries both signs of the control error and losses given as 0-d tensors.
# 2. **(checked)** A log line says $\mathcal{M}_{global}$ = `M` and $\mathcal{L}(x)$ =
#    `loss_real`. Which values of $\mathcal{L}(G(z))$ could it have seen? Write
#    `loss_fake_at(M, loss_real, gamma)` returning both, lower first. Which one means that $G$ is
#    ahead, which that $D$ is? The checker prints yours beside the true values and
#    $\mathcal{M}_{global}$ recomputed at them.
# 3. The logged $\mathcal{M}$ is a mean of per-step values. Show that it is never smaller than
#    $\mathcal{M}$ computed from the mean losses of the same window, and say when they are equal.
# 4. Compute the Fréchet distance of the last checkpoint with 100, 200 and 500 generated and real
#    images. How does the real-versus-real floor change with the number of images, and what does
#    that mean for comparing numbers computed with different sample sizes?
# 5. Train with `lr_patience` set in `B["train"]` (say 100 steps) and compare the lr column and the
#    final Fréchet distance with the run above.

# %% tags=["nbval-ignore-output"]
def my_convergence_measure(loss_real, loss_fake, gamma):
    """Your M_global from L(x), L(G(z_G)) and gamma."""
    ### BEGIN SOLUTION
    return float(loss_real) + abs(gamma * float(loss_real) - float(loss_fake))
    ### END SOLUTION


passed = check_convergence_measure(my_convergence_measure)


# %% tags=["nbval-ignore-output"]
def loss_fake_at(M, loss_real, gamma):
    """Your (lower, upper) L(G(z)) at which M_global = M, given L(x) and gamma."""
    ### BEGIN SOLUTION
    # M - L(x) = |gamma L(x) - L(G(z))|: the fake loss sits that far below the set point (G is
    # ahead: its images are reconstructed too well) or that far above it (D is ahead).
    excess = M - loss_real
    return gamma * loss_real - excess, gamma * loss_real + excess
    ### END SOLUTION


passed = check_loss_fake_at(loss_fake_at)

# %% tags=["nbval-ignore-output"]
### BEGIN SOLUTION
# Exercise 3. Per step M_t = L_t(x) + |e_t|; the mean over a window is mean L(x) + mean |e_t| >=
# mean L(x) + |mean e_t| by the triangle inequality (Jensen for the convex |.|), with equality
# exactly when every e_t in the window has the same sign (or is 0).
# Exercise 4. frechet_distance(real[:n], features_at(generate(checkpoints[-1], n))) for
# n = 100, 200, 500, beside frechet_distance(real[:n], held_out[:n]): the floor falls as n grows
# (the Gaussians' estimates improve), so only numbers at the same n can be compared.
# Exercise 5. Set B["train"]["lr_patience"] = 100, rerun 7.2-7.4 and read the lr column.
### END SOLUTION
