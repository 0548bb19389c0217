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
# # 9. Training BEGAN
#
# **After this chapter you will be able to**
# - write one BEGAN training step from the paper's equations, with the simultaneous update of
#   both networks, and show that it computes what `began_lite.began.began_step` computes;
# - train BEGAN with the book's trainer and read its log: $\mathcal{L}(x)$,
#   $\mathcal{L}(G(z))$, $k_t$ and $\mathcal{M}_{global}$ over time, and samples along the way;
# - watch the paper's learning-rate rule halve the rate when $\mathcal{M}_{global}$ stalls, and
#   replay the rule on the log;
# - judge a checkpoint with `evaluate`, and set a short run beside the reference model that
#   ships with the book.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), section 3.4 (equation 4
# and its update), 3.4.1 ($\mathcal{M}_{global}$) and the training settings of section 4.1.
#
# Chapters 4-7 took BEGAN's objective apart and chapter 8 built its networks. This chapter puts
# them together and trains. The quick profile trains a small 16 px model on the bundled MNIST
# digits for a few hundred steps; that is enough to see every part of training move, not enough
# for good digits, so section 9.6 loads a model trained for longer.

# %%
import copy
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite import nets
from began_lite.began import ADAM_BETAS, began_step
from began_lite.book import book_root, budget, load_manifest
from began_lite.data import load_mnist
from began_lite.exercises.outcomes import judge, thresholds
from began_lite.exercises.part3_training import check_forwards, check_k_after
from began_lite.metrics.evaluate import draw_samples, evaluate, summary_line, table
from began_lite.seeding import seed_everything
from began_lite.train import load_config, preset_names, read_metrics, train
from began_lite.train.checkpoint import build_networks, load_networks
from began_lite.train.reference import load_reference
from began_lite.train.schedule import StallHalving
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch09")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
print({key: B[key] for key in sorted(B) if key != "train"})

# %% [markdown]
# ## 9.1 One step, as the paper writes it
#
# Section 3.4 gives BEGAN's objective as three lines (equation 4):
#
# $$\begin{aligned}
# \mathcal{L}_D &= \mathcal{L}(x) - k_t\, \mathcal{L}(G(z_D)) && \text{for } \theta_D,\\
# \mathcal{L}_G &= \mathcal{L}(G(z_G)) && \text{for } \theta_G,\\
# k_{t+1} &= k_t + \lambda_k \big(\gamma\, \mathcal{L}(x) - \mathcal{L}(G(z_G))\big),
# \end{aligned}$$
#
# with $\mathcal{L}(v) = |v - D(v)|^\eta$ averaged over pixels and images, $k_0 = 0$ and $k_t$
# clipped to $[0, 1]$ (chapter 6). One training step, read off these lines:
#
# 1. Take a batch of real images $x$ and draw two batches of codes, $z_D$ and $z_G$, uniform in
#    $[-1, 1]$.
# 2. Measure all three losses with the **same** discriminator $D_t$: $\mathcal{L}(x)$,
#    $\mathcal{L}(G(z_D))$ and $\mathcal{L}(G(z_G))$.
# 3. Take the gradient of $\mathcal{L}_D$ with respect to $\theta_D$ only: $G(z_D)$ is a fixed
#    input to $D$. Take the gradient of $\mathcal{L}_G$ with respect to $\theta_G$ only: it flows
#    *through* $D$ into $G$, but $D$'s weights must not learn from it, or $D$ would learn to
#    reconstruct fakes well, the opposite of its job.
# 4. Step both networks, then update $k$ with the step's $\mathcal{L}(x)$ and
#    $\mathcal{L}(G(z_G))$.
#
# This is a **simultaneous** update: $G$ is judged by the $D$ of step $t$, not by the $D$ that
# step 3 has just produced. The minimax GAN of chapter 1 (Algorithm 1) alternates instead:
# first $D$ steps, then $G$ steps against the new $D$. BEGAN-tensorflow, the authors' public
# code, runs both optimisers on one graph, which is the simultaneous update too. Two details
# matter when we compare with the package: `sample_z` draws $z_D$ first and $z_G$ second from
# the step's random generator, and $D$ sees $x$ and $G(z_D)$ in one call, as one batch of $2B$
# images, so that its two terms come out of the same forward pass.

# %% [markdown]
# ## 9.2 The step from scratch
#
# Here it is in a dozen lines. `torch.autograd.grad(loss, weights)` computes the gradient of one
# loss with respect to one network's weights and nothing else, which is exactly step 3; both
# gradients exist before either optimiser moves a weight.

# %%
def my_began_step(G, D, opt_g, opt_d, real, k, gamma, lambda_k, z_dim, eta, rng):
    """One simultaneous BEGAN step (eq. 4) on real (B, C, H, W); returns the step's numbers."""
    batch = len(real)
    z_d = torch.rand(batch, z_dim, generator=rng) * 2 - 1   # z_D first, then z_G
    z_g = torch.rand(batch, z_dim, generator=rng) * 2 - 1
    both = torch.cat([real, G(z_d).detach()])               # D's input: x and G(z_D), no path to G
    per_image = ((both - D(both)).abs() ** eta).flatten(1).mean(1)
    loss_real, loss_fake_d = per_image[:batch].mean(), per_image[batch:].mean()
    fake_g = G(z_g)
    loss_g = ((fake_g - D(fake_g)).abs() ** eta).mean()     # L(G(z_G)), measured by the same D_t
    loss_d = loss_real - k * loss_fake_d
    grads_d = torch.autograd.grad(loss_d, list(D.parameters()))  # only D's weights ...
    grads_g = torch.autograd.grad(loss_g, list(G.parameters()))  # ... only G's weights
    for net, grads in ((D, grads_d), (G, grads_g)):
        for weight, grad in zip(net.parameters(), grads):
            weight.grad = grad
    opt_d.step()
    opt_g.step()                                             # both step from the same D_t
    error = gamma * loss_real.item() - loss_g.item()
    return {"loss_real": loss_real.item(), "loss_fake": loss_g.item(), "loss_d": loss_d.item(),
            "k": min(1.0, max(0.0, k + lambda_k * error)), "M": loss_real.item() + abs(error)}


# %% [markdown]
# Now the check. Two copies of the same freshly built networks, each with its own Adam
# optimisers (the book's betas, `ADAM_BETAS`), the same real batches and random generators seeded
# alike. One copy trains with `my_began_step`, the other with `began_step`, for a few steps, so
# that later steps also compare Adam's running moments and the $k$ each version computed for
# itself. We start at $k = 0.5$ rather than the paper's $k_0 = 0$, so that the
# $k_t\,\mathcal{L}(G(z_D))$ term counts from the first step.

# %%
# NBVAL_IGNORE_OUTPUT
S, n, eta, steps = B["check_size"], B["check_n"], B["check_eta"], B["check_steps"]
hyper = {"gamma": B["check_gamma"], "lambda_k": B["check_lambda_k"], "z_dim": n, "eta": eta}
reals = load_mnist("train", S, root=DATA).images[:16 * steps].split(16)
torch.manual_seed(B["seed"])
mine_g, mine_d = nets.build_began(S, 1, n, n, n, repeat=1, skip=True)
theirs_g, theirs_d = copy.deepcopy(mine_g), copy.deepcopy(mine_d)
mine_opt = [torch.optim.Adam(net.parameters(), B["check_lr"], betas=ADAM_BETAS)
            for net in (mine_g, mine_d)]
theirs_opt = [torch.optim.Adam(net.parameters(), B["check_lr"], betas=ADAM_BETAS)
              for net in (theirs_g, theirs_d)]
mine_rng, theirs_rng = (torch.Generator().manual_seed(B["seed"]) for _ in range(2))
k_mine = k_theirs = 0.5
worst = dict.fromkeys(["loss_real", "loss_fake", "loss_d", "k", "M", "weights"], 0.0)
for t, real in enumerate(reals):
    mine = my_began_step(mine_g, mine_d, *mine_opt, real, k_mine, rng=mine_rng, **hyper)
    theirs = began_step(theirs_g, theirs_d, *theirs_opt, real, k_theirs, rng=theirs_rng, **hyper)
    for key in ("loss_real", "loss_fake", "loss_d", "k", "M"):
        worst[key] = max(worst[key], abs(mine[key] - getattr(theirs, key)))
    weights = max((a - b).abs().max().item() for a, b in zip(
        [*mine_g.parameters(), *mine_d.parameters()],
        [*theirs_g.parameters(), *theirs_d.parameters()]))
    worst["weights"] = max(worst["weights"], weights)
    print(f"step {t + 1}: L(x) {theirs.loss_real:.5f}, L(G(z_G)) {theirs.loss_fake:.5f}, "
          f"k {k_theirs:.4f} -> {theirs.k:.6f}; max |weight difference| {weights:.1e}")
    k_mine, k_theirs = mine["k"], theirs.k
print("largest differences over the steps: "
      + ", ".join(f"{key} {value:.1e}" for key, value in worst.items()))

# %%
print(f"{steps} steps at {S} px, n={n}, eta={eta}: every difference below 1e-6: "
      f"{max(worst.values()) < 1e-6}; random generators in the same state afterwards: "
      f"{torch.equal(mine_rng.get_state(), theirs_rng.get_state())}")

# %% [markdown]
# The two agree: the largest differences printed above are at the level of float32 rounding or
# below (exactly zero when both run the same operations in the same order), and both random
# generators have drawn the same numbers, so the from-scratch step is the package's step. `began_step` does a
# few more things that a trainer needs and the equations do not: it can run under `autocast`
# (bf16), it all-reduces the losses when several GPUs train together, so that every rank holds
# the same $k$, and it keeps $D$'s weights out of $G$'s backward pass by calling $D$ with detached
# weights, which also works when $D$ is compiled or wrapped for DDP (`autograd.grad` above does
# the same job for plain modules).
#
# ## 9.3 A real run
#
# `began_lite.train.train` repeats this step: it draws the batches, keeps $k$, logs the mean of
# every number over `log_every` steps to `metrics.jsonl`, saves sample grids and checkpoints,
# and applies the learning-rate rule of section 9.5. The quick profile's run, printed below:
# 16 px digits, small networks with skip connections, and a larger learning rate and
# $\lambda_k$ than the paper's, so that something happens in a few hundred steps (chapter 6
# explains why the gain must grow when the run is short). $\gamma = 1$ and the L2 loss
# ($\eta = 2$) follow the book's `mnist` preset, whose header explains why MNIST wants them.
# The full profile trains at 32 px with the paper's learning rate and $\lambda_k$.

# %%
# NBVAL_IGNORE_OUTPUT
config = load_config(B["preset"], {**B["train"], "data_root": str(DATA)})
print({key: getattr(config, key) for key in (
    "image_size", "n", "h", "z_dim", "repeat", "skip", "gamma", "eta", "lambda_k", "lr",
    "lr_patience", "lr_min", "batch_size", "steps")})
start = time.perf_counter()
run_dir = train(config, tempfile.mkdtemp(prefix="ch09_"), device=B["device"], progress=False)
print(f"{config.steps} steps in {time.perf_counter() - start:.1f} s on this machine")
rows = read_metrics(run_dir)
steps = np.array([row["step"] for row in rows])
log = {key: np.array([row[key] for row in rows]) for key in ("loss_real", "loss_fake", "k", "M",
                                                              "lr")}
checkpoints = sorted((run_dir / "checkpoints").glob("step_*.pt"))
print(f"{len(rows)} log lines; checkpoints at steps {[int(p.stem[5:]) for p in checkpoints]}")

# %% [markdown]
# The four numbers of the log, one point per `log_every` steps (each a mean over those steps;
# $k$ is its value at the end of the window):

# %%
# NBVAL_IGNORE_OUTPUT
fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
axes[0, 0].plot(steps, log["loss_real"], label="L(x)")
axes[0, 0].plot(steps, log["loss_fake"], label="L(G(z))")
axes[0, 0].plot(steps, config.gamma * log["loss_real"], "k:", lw=1, label="gamma L(x), the target")
axes[0, 0].set(ylabel="reconstruction loss", title="the two losses", ylim=(0, None))
axes[0, 0].legend()
axes[0, 1].plot(steps, log["k"], color="C2")
axes[0, 1].set(ylabel="k", title="k_t (starts at 0)", ylim=(0, max(0.05, log["k"].max() * 1.1)))
axes[1, 0].plot(steps, log["M"], color="C3")
axes[1, 0].set(xlabel="step", ylabel="M_global", title="convergence measure", ylim=(0, None))
axes[1, 1].step(steps, log["lr"], where="pre", color="C4")
axes[1, 1].set(xlabel="step", ylabel="learning rate", yscale="log", title="learning rate",
               ylim=(log["lr"].min() / 1.5, log["lr"].max() * 1.5))
fig.tight_layout()
plt.show()

# %% [markdown]
# What the curves say, in numbers:

# %%
# NBVAL_IGNORE_OUTPUT
tail = len(rows) - len(rows) // 4
top = int(np.argmax(log["k"]))
lowest = int(np.argmin(log["M"]))
print(f"L(x): {log['loss_real'][0]:.4f} in the first window, {log['loss_real'][-1]:.4f} in the "
      f"last")
print(f"L(G(z)): {log['loss_fake'][0]:.4f} in the first window, {log['loss_fake'][-1]:.4f} in "
      f"the last")
print(f"k: 0 at the start, highest {log['k'][top]:.4f} at step {steps[top]}, {log['k'][-1]:.4f} "
      f"at the end")
print(f"L(G(z)) / L(x) over the last quarter of the run: "
      f"{log['loss_fake'][tail:].mean() / log['loss_real'][tail:].mean():.2f} "
      f"(gamma = {config.gamma})")
print(f"M: {log['M'][0]:.4f} in the first window, lowest {log['M'][lowest]:.4f} at step "
      f"{steps[lowest]}, {log['M'][-1]:.4f} in the last")
easy = int(np.argmin(log["loss_fake"]))
print(f"L(G(z)) at its lowest: {log['loss_fake'][easy]:.4f} at step {steps[easy]} (k = "
      f"{log['k'][easy]:.3f}); in the last window {log['loss_fake'][-1]:.4f} (k = {log['k'][-1]:.3f})")
rise = log["k"][-1] - log["k"][tail - 1]
print(f"k over the last quarter: {rise:+.4f}, "
      f"{'still climbing' if rise > 0.01 else 'falling' if rise < -0.01 else 'settled'}")

# %% [markdown]
# One relation in the log holds exactly, whatever the run does. Over a window of `log_every`
# steps in which $k$ touches neither end of $[0, 1]$, the controller adds up
# $\lambda_k(\gamma\,\mathcal{L}(x) - \mathcal{L}(G(z)))$ step by step, so the change of $k$
# across the window is $\lambda_k \cdot$ `log_every` $\cdot$ (the window's mean control error),
# and the logged means are enough to predict it:

# %%
# NBVAL_IGNORE_OUTPUT
k_before = np.concatenate([[0.0], log["k"][:-1]])
predicted = k_before + config.lambda_k * config.log_every * (
    config.gamma * log["loss_real"] - log["loss_fake"])
clear = np.minimum(k_before, log["k"]) > 0.01  # k far from 0 at both ends of the window
clear &= np.maximum(k_before, log["k"]) < 0.99
gap = np.abs(predicted - log["k"])[clear]
print(f"windows with k clear of 0 and 1 at both ends: {clear.sum()} of {len(rows)}; largest "
      f"|predicted - logged k| there: {gap.max() if len(gap) else float('nan'):.1e}")
print(f"in the other windows the clip may act: largest |predicted - logged k| "
      f"{np.abs(predicted - log['k'])[~clear].max() if (~clear).any() else float('nan'):.1e}")

# %% [markdown]
# Read the curves with these numbers. $D$ starts as a random autoencoder and $\mathcal{L}(x)$
# falls as it learns to reconstruct digits. $G$ starts by drawing low-contrast grey textures
# (step 0 in section 9.4), far easier to reconstruct than digits, so $\mathcal{L}(G(z))$ starts
# well below $\mathcal{L}(x)$. While it is below the target $\gamma\,\mathcal{L}(x)$ (the dotted
# line; with $\gamma = 1$ it lies on $\mathcal{L}(x)$), $k$ grows, and with it the weight of the
# term in $\mathcal{L}_D$ that pushes $D$ to reconstruct fakes *badly*. $G$ can take an easy way
# out first: smooth, average-looking images that $D$ reconstructs almost perfectly, where
# $\mathcal{L}(G(z))$ reaches its lowest value (printed above, with the $k$ of that moment). As
# $k$ keeps growing, $D$ learns to reconstruct such images badly, $\mathcal{L}(G(z))$ rises
# towards its target, and $G$ must draw images that are harder to reconstruct, more like real
# digits: compare $k$ and the samples at the checkpoints of 9.4 with this story. The ratio over the
# last quarter says how close the loop came to its set point in this short run, and the last
# line whether $k$ has settled. $\mathcal{M}_{global}$ (chapter 7) adds $\mathcal{L}(x)$ to the
# distance from the set point.
#
# ## 9.4 Samples as they improve
#
# The trainer kept a checkpoint every `checkpoint_every` steps. Each generator below draws from
# the same fixed codes $z$ (the codes `evaluate` uses), and "step 0" is the generator before
# training: the trainer seeds with the run's seed and then builds the networks, so building them
# the same way gives the same weights.

# %%
# NBVAL_IGNORE_OUTPUT
def step_of(path):
    """The training step of a checkpoint file step_NNNNNNN.pt."""
    return int(path.stem.split("_")[1])


seed_everything(config.seed)
start_g, start_d = build_networks(config)
models = {0: (start_g.eval(), start_d.eval())}
models.update({step_of(path): load_networks(path)[:2] for path in checkpoints})
fig, axes = plt.subplots(1, len(models), figsize=(2.2 * len(models), 2.6))
for ax, (step, (generator, _)) in zip(axes, models.items()):
    grid = make_grid(draw_samples(generator, config.z_dim, B["samples"]),
                     nrow=int(B["samples"] ** 0.5))
    ax.imshow(grid[:, :, 0], cmap="gray", vmin=0, vmax=255)
    ax.set_title(f"step {step}", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# Pictures are easy to over-read, so each generator is also judged by `evaluate` (chapter 7's
# Fréchet distance and the class numbers of the book's digit classifier), with the discriminator
# of the same checkpoint for $\mathcal{L}$ and $\mathcal{M}$; the real row is the same for all:

# %%
# NBVAL_IGNORE_OUTPUT
judged = {step: evaluate(g, d, config, count=B["eval_count"]) for step, (g, d) in models.items()}
real_row = next(iter(judged.values()))["real"]
print(f"{'step':>5} {'classes':>8} {'largest':>8} {'entropy':>8} {'confident':>10} "
      f"{'FD':>8} {'diversity':>10} {'M':>8}")
for step, result in judged.items():
    m = result["model"]
    print(f"{step:>5} {m['classes_covered']:>6}/10 {m['largest_share']:>8.2f} "
          f"{m['class_entropy_bits']:>8.2f} {m['confident_share']:>10.2f} "
          f"{m['frechet_distance']:>8.1f} {m['diversity']:>10.3f} {result['M']:>8.4f}")
print(f"{'real':>5} {real_row['classes_covered']:>6}/10 {real_row['largest_share']:>8.2f} "
      f"{real_row['class_entropy_bits']:>8.2f} {real_row['confident_share']:>10.2f} "
      f"{real_row['frechet_distance']:>8.1f} {real_row['diversity']:>10.3f}")

# %%
# NBVAL_IGNORE_OUTPUT
first, last = judged[0]["model"], judged[max(judged)]["model"]
best = min(judged, key=lambda step: judged[step]["model"]["frechet_distance"])
print(f"Frechet distance to real digits: {first['frechet_distance']:.1f} before training, "
      f"{last['frechet_distance']:.1f} at step {max(judged)}, lowest "
      f"{judged[best]['model']['frechet_distance']:.1f} at step {best} "
      f"(real against real: {real_row['frechet_distance']:.1f})")
print(f"confidently recognised as a digit: {first['confident_share']:.0%} before training, "
      f"{last['confident_share']:.0%} at the end (real digits: {real_row['confident_share']:.0%})")
print(f"classes holding at least 3% of the samples at the end: {last['classes_covered']} of 10; "
      f"the largest, digit {int(np.argmax(last['histogram']))}, holds {last['largest_share']:.0%}")

# %% [markdown]
# The real row is the validation digits at the run's resolution, brought to the classifier's
# 32 px the same way as the samples, so it is the fair yardstick: at 16 px even real digits are
# recognised with confidence less often than at 32 px (compare the real row of section 9.6).
# The lines above are the honest summary of a run of a few hundred steps on a CPU: how far the
# Fréchet distance fell from the untrained generator's, and how far it still is from the
# real-against-real floor; how many samples the classifier recognises with confidence, against
# real digits; and whether the samples spread over the ten classes or pile onto a few. A small
# model this briefly trained draws strokes and blobs in the places digits are, not digits one
# would mistake for real ones. Section 9.6 shows what a longer run reaches.
#
# ## 9.5 The learning rate halves when $\mathcal{M}_{global}$ stalls
#
# Section 4.1 trains with Adam at $10^{-4}$ and halves the learning rate "when the measure of
# convergence stalls". Chapter 7 made "stalls" precise (`began_lite.train.schedule.StallHalving`):
# after each log window the trainer compares the window's mean $\mathcal{M}$ with the lowest seen
# so far; after `lr_patience` steps without a new lowest value it halves the learning rate of
# both optimisers (never below `lr_min`) and gives the new rate a full `lr_patience` steps before
# judging it. This run's patience is short (printed with its config), so the rule fires within
# the quick profile. The trainer logs the learning rate each window used; a halving decided at
# the end of one window shows in the next line. The same rule replayed on the logged
# $\mathcal{M}$ must find the same steps:

# %%
# NBVAL_IGNORE_OUTPUT
# The line whose lr dropped follows the window at whose end the trainer decided to halve.
trainer_steps = [int(steps[i - 1]) for i in range(1, len(rows)) if log["lr"][i] < log["lr"][i - 1]]
schedule, replayed = StallHalving(config.lr, config.lr_min, config.lr_patience), []
for step, M in zip(steps, log["M"]):
    before = schedule.lr
    if schedule.update(int(step), float(M)) < before:
        replayed.append(int(step))
visible = [step for step in replayed if step < steps[-1]]  # a halving at the last line is not logged
print(f"lr_patience {config.lr_patience} steps, lr from {config.lr:g} down to at most "
      f"{config.lr_min:g}")
print(f"the trainer halved after steps {trainer_steps}; lr at the end {log['lr'][-1]:g} "
      f"(started at {log['lr'][0]:g})")
print(f"replaying StallHalving on the logged M halves after steps {visible}: same steps "
      f"{visible == trainer_steps}")
print("the presets' lr_patience:", {name: load_config(name).lr_patience for name in preset_names()})

# %%
# NBVAL_IGNORE_OUTPUT
fig, ax = plt.subplots(figsize=(9, 3.6))
ax.plot(steps, log["M"], color="C3", lw=1, label="M_global (window mean)")
ax.plot(steps, np.minimum.accumulate(log["M"]), color="k", lw=1.5, label="lowest M so far")
for i, step in enumerate(trainer_steps):
    ax.axvline(step, color="C4", ls="--", lw=1, label="lr halved" if i == 0 else None)
ax.set(xlabel="step", ylabel="M_global (log scale)", yscale="log",
       ylim=(log["M"].min() / 1.2, log["M"].max() * 1.2),
       title=f"the lr rule: halve after {config.lr_patience} steps without a new lowest M")
ax_lr = ax.twinx()
ax_lr.step(steps, log["lr"], where="pre", color="C4", lw=1)
ax_lr.set(ylabel="learning rate", yscale="log",
          ylim=(log["lr"].min() / 1.5, log["lr"].max() * 1.5))
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# The halvings (dashed) come where the black line, the lowest $\mathcal{M}$ so far, has stayed
# flat for `lr_patience` steps; early in the run, while $\mathcal{M}$ keeps setting new lows, the
# rule leaves the rate alone. A patience this short makes the rule fire on the noise of the window
# means, so here it shows the mechanism rather than a good schedule; the presets' patiences
# (printed above) are one to two orders of magnitude longer, and so is the full profile's.
#
# ## 9.6 What a longer run reaches: the reference model
#
# The book ships a reference model, trained by the `mnist` preset's recipe at 32 px for longer
# than a chapter may take, with its `evaluate` numbers (`data/reference/mnist32/`; `make
# reference` rebuilds it). `load_reference` returns its networks, its config and those numbers.
#
# The recipe is not the paper's alone. Every recipe of the paper's own form that we tried on
# these 4,000 digits drifted, as it trained, to drawing 1s (the table of runs is at the top of
# `began_lite/train/presets/mnist.toml`). The recipe adds one term to $G$'s loss, EBGAN's
# pull-away term (Zhao et al. 2016). With $s_i$ the discriminator's embedding (its encoder's
# output) of the $i$-th of a batch of $B$ samples $G(z_{G,i})$,
#
# $$f_{PT} = \frac{1}{B(B-1)} \sum_{i \ne j} \left(\frac{s_i^\top s_j}{\|s_i\|\,\|s_j\|}\right)^2,
# \qquad \mathcal{L}_G = \mathcal{L}(G(z_G)) + w\, f_{PT}.$$
#
# $f_{PT}$ is 0 when the embeddings are orthogonal and 1 when they all point the same way, so $G$
# pays for drawing the same thing twice in a batch; $\mathcal{L}_D$ and $k_t$ are untouched. The
# weight $w$ is the config key `pull_away` (`began_step(..., pull_away_weight=w)`); 0 gives back
# the paper's $\mathcal{L}_G$.
#
# Three smaller departures, each chosen by the runs in that table: $G$ is twice as wide as $D$
# (`generator_n`; chapter 13 trains such unbalanced pairs), which made the samples look most like
# digits; $\gamma = 1.2$, outside the paper's $(0, 1]$, asks for fakes a little harder to
# reconstruct than real digits and keeps $k_t$ above 0 late in the run; and both players' losses
# use one $z$ per step (`shared_z`, BEGAN-tensorflow's step; exercise 1 below counts what it
# saves), which trained as well as separate $z_D$, $z_G$ and is faster. Its config and training
# length:

# %%
ref_g, ref_d, ref_config, ref_numbers = load_reference("mnist32", root=DATA)
print({key: getattr(ref_config, key) for key in ("image_size", "n", "generator_n", "h", "z_dim",
                                                  "repeat", "skip", "gamma", "eta", "lambda_k",
                                                  "pull_away", "shared_z", "lr", "batch_size",
                                                  "precision")})
print(f"trained for {ref_numbers['step']} steps; judged on {ref_numbers['count']} samples "
      f"from the fixed z of seed {ref_numbers['z_seed']}")

# %% [markdown]
# Its samples, from `evaluate`'s fixed codes:

# %%
ref_samples = draw_samples(ref_g, ref_config.z_dim, 64)
fig, ax = plt.subplots(figsize=(5, 5))
ax.imshow(make_grid(ref_samples, nrow=8)[:, :, 0], cmap="gray", vmin=0, vmax=255)
ax.set_title(f"reference model, step {ref_numbers['step']}", fontsize=10)
ax.axis("off")
plt.show()

# %% [markdown]
# And its `evaluate` numbers, as `python -m began_lite evaluate --checkpoint
# data/reference/mnist32/model.pt` prints them: the summary line, then the real digits (the
# validation split) beside the model's samples. The histogram is the classifier's count of
# each digit 0-9.

# %%
print(summary_line(ref_numbers))
print(table(ref_numbers))

# %% [markdown]
# How does that compare with the quick run, and with what a student's run is asked to reach? The
# book grades a chapter 9 training run by outcome: `book.toml`'s `[thresholds.ch09]` bounds a few
# of `evaluate`'s numbers (`python -m began_lite grade --run DIR --chapter 9`). The same
# judgement, on the reference's numbers and on this chapter's last checkpoint (judged on as many
# samples as the reference was):

# %%
# NBVAL_IGNORE_OUTPUT
quick_numbers = evaluate(*models[max(models)], config, count=ref_numbers["count"])
marks = thresholds(load_manifest(), 9)
for name, result in (("reference", ref_numbers), (f"quick run, step {max(models)}",
                                                  quick_numbers)):
    tests = judge(result, marks)
    print(f"{name}: {sum(t.score for t in tests):g} of {sum(t.max_score for t in tests):g} "
          f"points; {summary_line(result)}")
    for test in tests:
        print("   ", test.output)

# %% [markdown]
# Read the reference's row against the real row: how many of the ten digits its samples cover,
# whether one class takes a large share (a sign of the partial collapse chapter 3 described),
# how often the classifier recognises its samples with confidence compared with real digits,
# and how far its Fréchet distance is from the real-against-real floor. The pass marks turn the
# same reading into points. A reference that misses some of them is an honest result of its
# recipe, and the numbers above say which parts of BEGAN's promise it keeps on these digits.
#
# ## Summary
#
# - One BEGAN step (equation 4) measures $\mathcal{L}(x)$, $\mathcal{L}(G(z_D))$ and
#   $\mathcal{L}(G(z_G))$ with the same $D_t$, takes each network's gradient of its own loss
#   only, steps both, then moves $k$ by $\lambda_k(\gamma\mathcal{L}(x) - \mathcal{L}(G(z_G)))$.
#   Written from scratch in a dozen lines, it matches `began_step` to float32 rounding in the
#   losses, in $k$ and in every updated weight.
# - A run's log shows the controller at work: while $\mathcal{L}(G(z))$ is below
#   $\gamma\,\mathcal{L}(x)$, $k$ grows and $D$ is pushed to reconstruct fakes badly; the change
#   of $k$ over a window follows from the window's mean losses wherever the clip is not active.
# - The learning-rate rule halves both learning rates after `lr_patience` steps without a new
#   lowest $\mathcal{M}_{global}$; replaying it on the logged $\mathcal{M}$ finds the trainer's
#   halvings.
# - `evaluate` judges a checkpoint by numbers that do not come from $D$: classes covered, class
#   shares, confident share, Fréchet distance, diversity. A few hundred CPU steps move them; the
#   reference model shows what a longer run reaches, and the chapter 9 pass marks say what a
#   student's run must reach.
#
# ## Exercises
#
# 1. **(checked)** How many images pass forward through $D$, and how many through $G$, in one
#    `began_step` with a batch of $B$ real images? Write `predicted_forwards(batch)` returning
#    the two numbers, from the description in 9.1 alone. The checker counts them with forward
#    hooks at several batch sizes and prints the number of calls as well. How many would a step
#    need that used one $z$ for both players, as BEGAN-tensorflow does?
# 2. **(checked)** Suppose $\mathcal{L}(x)$ and $\mathcal{L}(G(z_G))$ stayed constant. Derive
#    $k$ after $N$ steps, clipping included, as a formula without a loop:
#    `k_after(k, loss_real, loss_fake, gamma, lambda_k, steps)`. (Why does clipping once at the
#    end give the same answer as clipping at every step?) The checker compares it with the
#    controller applied step by step.
# 3. With your `k_after`: at the paper's $\lambda_k = 0.001$, how many steps does $k$ need to move
#    by 0.1 when the control error $\gamma\mathcal{L}(x) - \mathcal{L}(G(z))$ is as large as in
#    the first windows of the run in 9.3? And with the quick profile's $\lambda_k$?
# 4. Write the alternating step (first $D$ steps, then $G$ steps against the updated $D$) and
#    compare the weights after one step with `began_step`'s. Which network's weights differ?
# 5. Train the run of 9.3 again with `lr_patience = 0` (the rule off) in `B["train"]`, and
#    compare the final `evaluate` numbers with the run above.

# %%
# NBVAL_IGNORE_OUTPUT
def predicted_forwards(batch):
    """(images through D, images through G) in one simultaneous BEGAN step with `batch` reals."""
    ### BEGIN SOLUTION
    # D: x and G(z_D) together (2B), then G(z_G) for L_G (B). G: z_D and z_G, B codes each.
    # One shared z would need 2B through D and B through G.
    return 3 * batch, 2 * batch
    ### END SOLUTION


passed = check_forwards(predicted_forwards)

# %%
# NBVAL_IGNORE_OUTPUT
def k_after(k, loss_real, loss_fake, gamma, lambda_k, steps):
    """k after `steps` steps of constant L(x) and L(G(z_G)), without a loop."""
    ### BEGIN SOLUTION
    # The error gamma L(x) - L(G(z)) never changes sign, so k moves in one direction; once it
    # reaches 0 or 1 it stays there. Clipping the straight line once gives the same number.
    return min(1.0, max(0.0, k + steps * lambda_k * (gamma * loss_real - loss_fake)))
    ### END SOLUTION


passed = check_k_after(k_after)
