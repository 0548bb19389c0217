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
# # 4. Autoencoders as discriminators
#
# **After this chapter you will be able to**
# - build BEGAN's discriminator, an autoencoder, and its per-image pixel loss
#   $\mathcal{L}(v) = |v - D(v)|^\eta$;
# - train an autoencoder on MNIST and read the distributions of that loss for real digits, for
#   noise and for generated images;
# - test whether those losses are approximately normal, with a QQ plot and a normality statistic.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), section 2 (the EBGAN
# autoencoder discriminator it builds on) and the start of section 3.
#
# In chapters 1-3 the discriminator was a classifier: $D(x) \in (0, 1)$ was the probability that
# $x$ is real. EBGAN (Zhao, Mathieu, LeCun 2016) replaced it by an autoencoder whose
# reconstruction error acts as an *energy*: low on the data it was trained to reconstruct, high
# elsewhere. BEGAN keeps that discriminator. $D: \mathbb{R}^{N_x} \to \mathbb{R}^{N_x}$ maps an
# image to its reconstruction, and the loss of an image $v$ is
#
# $$\mathcal{L}(v) = |v - D(v)|^\eta, \qquad \eta \in \{1, 2\},$$
#
# the $L_1$ ($\eta = 1$) or squared $L_2$ ($\eta = 2$) pixel error. `began_lite` averages over
# the $N_x = C \times H \times W$ pixels rather than summing; that divides every loss by the same
# constant $N_x$ and changes nothing else. Every image, real or generated, becomes one
# non-negative number, and the rest of BEGAN works with the *distributions* of these numbers.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.began import reconstruction_loss
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.exercises.part2_bound import check_pixel_loss
from began_lite.loss_distributions import (generate, make_began, normality_summary,
                                           per_image_losses, train_autoencoder, train_began,
                                           uniform_noise)
from began_lite.nets import AutoEncoder, count_parameters
from began_lite.seeding import seed_everything
from began_lite.train.distributed import resolve_device
from began_lite.viz import make_grid
from began_lite.viz.losses import plot_loss_histograms, plot_normal_qq

B = budget("ch04")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
device = resolve_device(B["device"])
generator = seed_everything(B["seed"])
print({key: B[key] for key in sorted(B)})

# %% [markdown]
# ## 4.1 The autoencoder discriminator and its loss, from scratch
#
# BEGAN's autoencoder (section 3.5) is an encoder of 3x3 convolutions with ELU, stride-2
# convolutions between scales and a fully connected map to an embedding of size $h$, followed by
# a decoder of the same shape in reverse (nearest-neighbour up-sampling). `began_lite.nets`
# builds it; here we only need its input and output shapes. The loss itself is one line:

# %%
def pixel_loss(v, d_v, eta=1):
    """L(v) = |v - D(v)|^eta, averaged over every pixel of the batch."""
    return (v - d_v).abs().pow(eta).mean()


autoencoder = AutoEncoder(B["image_size"], 1, B["n"], B["h"], repeat=B["repeat"]).to(device)
v = uniform_noise(B["batch_size"], B["image_size"], generator=generator).to(device)
with torch.no_grad():
    embedding, d_v = autoencoder.encode(v), autoencoder(v)
print(f"image batch v:       {tuple(v.shape)}")
print(f"embedding:           {tuple(embedding.shape)}")
print(f"reconstruction D(v): {tuple(d_v.shape)}")
print(f"parameters:          {count_parameters(autoencoder):,}")
for eta in (1, 2):
    mine, theirs = pixel_loss(v, d_v, eta), reconstruction_loss(v, d_v, eta=eta)
    print(f"eta = {eta}: |from scratch - began_lite| = {abs(mine - theirs).item():.1e}")
    assert torch.allclose(mine, theirs)

# %% [markdown]
# ## 4.2 Training an autoencoder on real digits
#
# We train the autoencoder alone, with Adam, to reconstruct MNIST training digits (the 4,000
# bundled ones, or a full copy if you put one in `data/mnist`, see `data/README.md`):
# this is the part of BEGAN's discriminator objective that concerns real images, minimising
# $\mathcal{L}(x)$. (Chapter 5 shows why BEGAN wants exactly this.) The quick profile uses
# 16-pixel digits and a narrow network so that it runs in seconds on a CPU; the full profile
# uses 32 pixels and $n = h = 64$.

# %%
train, val = (load_mnist(split, image_size=B["image_size"], root=book_root() / "data")
              for split in ("train", "val"))
print(train.source)
print(f"train {tuple(train.images.shape)}, val {tuple(val.images.shape)}, "
      f"pixel range [{train.images.min():.1f}, {train.images.max():.1f}]")

# %%
# NBVAL_IGNORE_OUTPUT
start = time.perf_counter()
autoencoder, ae_losses = train_autoencoder(
    train.images, n=B["n"], h=B["h"], steps=B["ae_steps"], batch_size=B["batch_size"],
    lr=B["ae_lr"], repeat=B["repeat"], generator=generator, device=device)
print(f"{B['ae_steps']} steps in {time.perf_counter() - start:.1f} s; "
      f"batch loss {np.mean(ae_losses[:10]):.3f} (first 10 steps) -> "
      f"{np.mean(ae_losses[-10:]):.3f} (last 10)")

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5), gridspec_kw={"width_ratios": [1, 1.4]})
axes[0].plot(ae_losses, linewidth=0.8)
axes[0].set(xlabel="Adam step", ylabel="batch loss L(x)", title="training the autoencoder")
digits = val.images[:8].to(device)
with torch.no_grad():
    pairs = torch.cat([digits, autoencoder(digits).clamp(-1, 1)]).cpu()
axes[1].imshow(make_grid(pairs, nrow=8)[:, :, 0], cmap="gray")
axes[1].set(title="validation digits (top) and their reconstructions D(x) (bottom)")
axes[1].axis("off")
plt.tight_layout()

# %% [markdown]
# ## 4.3 Real digits, noise and generated images
#
# Now we feed the trained autoencoder `eval_count` (500) images of each kind and keep one loss
# per image:
# - **real**: the 500 digits of the validation split, never seen in training;
# - **noise**: independent uniform pixels in $[-1, 1]$;
# - **generated (untrained G)**: a BEGAN generator (the decoder's shape, $z \sim U[-1, 1]^{h}$)
#   straight from initialisation;
# - **generated (brief BEGAN)**: the same kind of generator after a short BEGAN run
#   (`began_lite.began.began_step`, the quick profile's `began_steps` steps). That generator was
#   trained against BEGAN's own discriminator, not against our autoencoder: our autoencoder
#   only ever saw real digits.

# %%
# NBVAL_IGNORE_OUTPUT
start = time.perf_counter()
run = make_began(B["image_size"], 1, n=B["n"], h=B["h"], z_dim=B["h"], lr=B["began_lr"],
                 repeat=B["repeat"], device=device)
untrained = generate(run.generator, B["eval_count"], B["h"], generator=generator)
train_began(run, train.images, steps=B["began_steps"], batch_size=B["batch_size"],
            gamma=B["gamma"], lambda_k=B["lambda_k"], generator=generator)
briefly_trained = generate(run.generator, B["eval_count"], B["h"], generator=generator)
print(f"{B['began_steps']} BEGAN steps in {time.perf_counter() - start:.1f} s, k = {run.k:.4f}")

sets = {"real": val.images[:B["eval_count"]],
        "noise": uniform_noise(B["eval_count"], B["image_size"], generator=generator),
        "generated (untrained G)": untrained,
        "generated (brief BEGAN)": briefly_trained}
losses = {name: per_image_losses(autoencoder, images).numpy() for name, images in sets.items()}
print(f"{'images':25s} {'mean':>7s} {'std':>7s} {'min':>7s} {'max':>7s}")
for name, values in losses.items():
    print(f"{name:25s} {values.mean():7.4f} {values.std():7.4f} {values.min():7.4f} "
          f"{values.max():7.4f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 3.8), gridspec_kw={"width_ratios": [1.5, 1]})
plot_loss_histograms(losses, ax=axes[0], bins=60, log_x=True,
                     title="per-image losses under an autoencoder trained on real digits")
examples = torch.cat([images[:6] for images in sets.values()]).clamp(-1, 1)
axes[1].imshow(make_grid(examples, nrow=6)[:, :, 0], cmap="gray")
axes[1].set(title="rows: real, noise, untrained G, brief BEGAN")
axes[1].axis("off")
plt.tight_layout()

# %% [markdown]
# The checks below are printed as yes/no so that they stay the same from run to run; the table
# above has the numbers.

# %%
order = sorted(losses, key=lambda name: losses[name].mean())
print("mean loss, lowest first:", " < ".join(order))
print(f"noise images with a loss inside the range of real digits: "
      f"{np.mean(losses['noise'] <= losses['real'].max()):.2f}")
print(f"brief-BEGAN images reconstructed better than real digits: "
      f"{losses['generated (brief BEGAN)'].mean() < losses['real'].mean()}")

# %% [markdown]
# What the distributions say:
# - The autoencoder separates **noise** from **real digits** completely: no noise image has a
#   loss inside the range of the real losses. It learned what digits look like, and noise is
#   not it. The **untrained generator** makes nearly constant grey images, also far from digits.
# - The **briefly trained BEGAN generator** makes dim, smooth blobs, and our autoencoder
#   reconstructs them *better* than real digits. A low $\mathcal{L}(G(z))$ under an autoencoder
#   trained on real data does not mean the images are good: smooth, low-detail images are easy
#   to reconstruct, whatever they show. BEGAN's authors saw the same thing (section 3.4): early
#   in training the generated data are close to 0 and easy to reconstruct, so
#   $\mathcal{L}(x) > \mathcal{L}(G(z))$. This is why BEGAN's discriminator does not only
#   reconstruct real images but also pushes $\mathcal{L}(G(z))$ *up* (chapter 5), and why it
#   needs a controller to balance the two (chapter 6).

# %% [markdown]
# ## 4.4 Are the losses approximately normal?
#
# Early arXiv versions of the BEGAN paper modelled the two loss distributions as *normal* and
# reported finding them approximately normal in their experiments. The final version derives
# its bound with Jensen's inequality instead (chapter 5), which needs no normality at all, but
# the assumption is easy to test, so we test it.
#
# A normal distribution has skewness $\mathbb{E}[z^3] = 0$ and excess kurtosis
# $\mathbb{E}[z^4] - 3 = 0$, where $z$ is the standardised variable. The Jarque-Bera statistic
# combines the two, $JB = \frac{N}{6}\left(S^2 + \frac{K^2}{4}\right)$, and is $\chi^2_2$ under
# normality, so its p-value is exactly $e^{-JB/2}$. From scratch, then against the package:

# %%
def skew_kurtosis(x):
    """Sample skewness and excess kurtosis (population moments, as in SciPy's defaults)."""
    z = (x - x.mean()) / x.std()
    return np.mean(z**3), np.mean(z**4) - 3


for name, values in losses.items():
    s, k = skew_kurtosis(values.astype(np.float64))
    summary = normality_summary(values)
    assert np.isclose(s, summary["skewness"]) and np.isclose(k, summary["excess_kurtosis"])
print("from-scratch skewness and kurtosis agree with began_lite.loss_distributions: True")

# %% [markdown]
# With 500 losses a test rejects even small departures from normality, so the numbers need a
# scale: we draw `null_draws` truly normal samples of the same size and see how large $|S|$,
# $|K|$ and $JB$ get for them.

# %%
null = np.array([list(skew_kurtosis(np.random.default_rng(i).normal(size=B["eval_count"])))
                 for i in range(B["null_draws"])])
null_jb = B["eval_count"] / 6 * (null[:, 0] ** 2 + null[:, 1] ** 2 / 4)
limits = {"skew": np.quantile(np.abs(null[:, 0]), 0.95),
          "kurt": np.quantile(np.abs(null[:, 1]), 0.95), "JB": np.quantile(null_jb, 0.95)}
print(f"95% of normal samples of size {B['eval_count']}: |skewness| < {limits['skew']:.2f}, "
      f"|excess kurtosis| < {limits['kurt']:.2f}, JB < {limits['JB']:.2f}")

# %%
# NBVAL_IGNORE_OUTPUT
print(f"{'images':29s} {'skewness':>9s} {'ex. kurt':>9s} {'JB':>9s} {'p-value':>9s}")
summaries = {name: normality_summary(values) for name, values in losses.items()}
summaries.update({f"log {name}": normality_summary(np.log(losses[name]))
                  for name in ("real", "generated (brief BEGAN)")})
for name, s in summaries.items():
    print(f"{name:29s} {s['skewness']:9.3f} {s['excess_kurtosis']:9.3f} {s['jarque_bera']:9.1f} "
          f"{s['p_value']:9.2g}")
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_normal_qq({name: losses[name] for name in ("real", "generated (brief BEGAN)")}, ax=axes[0])
plot_normal_qq({name: np.log(losses[name]) for name in ("real", "generated (brief BEGAN)")},
               ax=axes[1], title="normal QQ plot of log-losses")
plt.tight_layout()

# %%
real, log_real = summaries["real"], summaries["log real"]
checks = {"real-digit losses are right-skewed (skewness > 0)": real["skewness"] > 0,
          "... beyond what 95% of normal samples show (JB)": real["jarque_bera"] > limits["JB"],
          "their logarithms are closer to normal (smaller JB)":
              log_real["jarque_bera"] < real["jarque_bera"],
          "... within the 95% range of normal samples (JB)": log_real["jarque_bera"] < limits["JB"]}
for claim, holds in checks.items():
    print(f"{claim:52s} {holds}")

# %% [markdown]
# So "approximately normal" is a fair description of the *shape* (one peak, no gaps, a QQ plot
# close to the line in the middle), but the real-digit losses are right-skewed, with a longer
# tail of hard-to-reconstruct digits, and a test with 500 images sees it. Their logarithms are
# much closer to normal: the losses look roughly log-normal, a common shape for a positive
# quantity with a long right tail. Nothing later depends on this: the bound of chapter 5 holds
# for any distributions.
#
# ## Summary
#
# - BEGAN's discriminator is an autoencoder; it scores an image by its pixel loss
#   $\mathcal{L}(v) = |v - D(v)|^\eta$, one non-negative number per image.
# - Trained on real digits, the autoencoder gives real digits low losses and noise high losses,
#   with no overlap at all.
# - A low loss is not the same as a realistic image: the blurry output of a briefly trained
#   generator is reconstructed better than real digits. The discriminator therefore has to be
#   trained to push generated losses up as well (chapter 5).
# - The loss distributions are unimodal but right-skewed; their logarithms are close to normal.
#   BEGAN's final derivation does not need normality.
#
# ## Exercises
#
# 1. Write `my_pixel_loss(images, reconstructions, eta)` that returns **one loss per image**,
#    shape `(B,)`, for $\eta = 1$ and $\eta = 2$, and run the cell until the checker prints ✓.
#    (Until you do, it reports that your function returned nothing.)
# 2. Set $\eta = 2$ (pass `eta=2` to `train_autoencoder` and `per_image_losses`). Do the four
#    distributions keep their order? Are the squared losses more or less skewed, and why would
#    squaring make a right tail longer?
# 3. Replace the uniform noise by Gaussian noise with a small standard deviation around the
#    background value $-1$ (clamped to $[-1, 1]$). Where does its loss distribution land now?
#    What does that say about using $\mathcal{L}$ alone to judge images?
# 4. Run the chapter with `BOOK_PROFILE=full` (32 px, a wider network, longer training). Do the
#    normality numbers of the real-digit losses move towards or away from a normal distribution?

# %%
def my_pixel_loss(images, reconstructions, eta):
    """Your L(v) = |v - D(v)|^eta, averaged over the pixels of each image: (B, C, H, W) -> (B,)."""
    # Replace this line with your code.


passed = check_pixel_loss(my_pixel_loss)
