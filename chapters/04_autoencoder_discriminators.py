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
# constant $N_x$. It leaves the gradients' directions and the order of any two losses as they
# are, but not every number built from the losses: the $k_t$ update of chapter 6 adds
# $\lambda_k$ times a loss difference, so its gain $\lambda_k$ must be read against the loss's
# scale (exercise 2 derives by how much), and the convergence measure $\mathcal{M}$ of chapter 7
# is $N_x$ times smaller. Every image, real or generated, becomes one non-negative number, and the
# rest of BEGAN works with the *distributions* of these numbers.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.began import reconstruction_loss
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.exercises.part2_bound import check_lambda_k_for_summed_loss, check_pixel_loss
from began_lite.loss_distributions import (generate, make_began, normality_summary,
                                           per_image_losses, train_autoencoder, train_began,
                                           uniform_noise)
from began_lite.metrics.evaluate import draw_samples, summary_line
from began_lite.nets import AutoEncoder, count_parameters
from began_lite.seeding import seed_everything
from began_lite.train.distributed import resolve_device
from began_lite.train.reference import load_reference
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
# blank images: the background value -1 with faint noise, clamped; no digit at all
blank = (-1 + 0.05 * torch.randn(size=sets["real"].shape, generator=generator)).clamp(-1, 1)
blank_losses = per_image_losses(autoencoder, blank).numpy()
print(f"blank images reconstructed better than real digits: "
      f"{blank_losses.mean() < losses['real'].mean()} "
      f"(share below the real median: {np.mean(blank_losses < np.median(losses['real'])):.2f})")

# %% [markdown]
# What the distributions say:
# - The autoencoder separates **noise** from **real digits** completely: no noise image has a
#   loss inside the range of the real losses (the printed share). It learned what digits look
#   like, and noise is not it. The **untrained generator** makes grey, low-contrast images, also
#   far from digits.
# - The **briefly trained BEGAN generator** has moved away from the untrained one, but 200 steps
#   are far too few to draw digits: in the figure its samples are nearly the same image for every
#   $z$ (the smallest spread of losses in the table). Its losses lie between the real digits' and
#   the untrained generator's, and the printed check says whether it is reconstructed better than
#   real digits.
# - The **blank** images (background only, no digit) answer the question that matters for what
#   follows: is a low loss a sign of a realistic image? The last printed line says whether they
#   are reconstructed better than real digits, and what share of them beats the median real
#   digit. Smooth, low-detail images are easy to reconstruct, whatever they show, so a low
#   $\mathcal{L}(G(z))$ under an autoencoder trained on real data does not mean the images are
#   good. BEGAN's authors saw this in training (section 3.4): early on the generated data are
#   close to 0 and easy to reconstruct, so $\mathcal{L}(x) > \mathcal{L}(G(z))$. This is why
#   BEGAN's discriminator does not only reconstruct real images but also pushes
#   $\mathcal{L}(G(z))$ *up* (chapter 5), and why it needs a controller to balance the two
#   (chapter 6).
#
# ### What a longer BEGAN run draws
#
# The brief run above is far too short to draw digits: its samples are what a BEGAN generator
# makes after `began_steps` steps, not what BEGAN can do. The book ships a reference model, a
# longer run of the `mnist` recipe on a CPU (BEGAN plus a diversity term on $G$'s loss, see
# chapter 9.6; 32 px, trained by `make reference`; its settings and its `evaluate` numbers are
# printed below). Its samples, from a fixed $z$, and the losses our 16 px
# autoencoder gives them once they are shrunk to its size:

# %%
# NBVAL_IGNORE_OUTPUT
# the reference model is replaced when a better one is trained
from began_lite.data.images import resize

ref_generator, _, ref_config, ref_numbers = load_reference("mnist32")
print(f"reference: {ref_config.steps} steps at {ref_config.image_size} px, "
      f"D n = {ref_config.n}, G n = {ref_config.generator_n or ref_config.n}, "
      f"gamma = {ref_config.gamma}, lambda_k = {ref_config.lambda_k}, eta = {ref_config.eta}")
print("evaluate:", summary_line(ref_numbers))
reference = resize(draw_samples(ref_generator, ref_config.z_dim, B["eval_count"]),
                   B["image_size"])
losses["generated (reference)"] = per_image_losses(autoencoder, reference).numpy()
values = losses["generated (reference)"]
print(f"{'generated (reference)':25s} {values.mean():7.4f} {values.std():7.4f} "
      f"{values.min():7.4f} {values.max():7.4f}")
print(f"reference samples reconstructed better than real digits: "
      f"{values.mean() < losses['real'].mean()}")
fig, ax = plt.subplots(figsize=(7, 2.2))
ax.imshow(make_grid(draw_samples(ref_generator, ref_config.z_dim, 16), nrow=16)[:, :, 0],
          cmap="gray")
ax.set_title(f"the reference model's samples ({ref_config.image_size} px, "
             f"{ref_config.steps} steps)")
ax.axis("off")
plt.show()

# %% [markdown]
# The line above says whether the longer run's samples are easier for our autoencoder than real
# digits. Either way, the point of this section stands: the loss of one autoencoder trained on
# real data ranks images by how easy they are to reconstruct, not by how real they look.

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
# - A low loss is not the same as a realistic image: smooth, low-detail images are easy to
#   reconstruct (the blank-image check). The discriminator therefore has to be trained to push
#   generated losses up as well (chapter 5).
# - A brief BEGAN run is far too short to draw digits; the reference model, a longer CPU run,
#   shows what BEGAN draws.
# - The loss distributions are unimodal but right-skewed; their logarithms are close to normal.
#   BEGAN's final derivation does not need normality.
#
# ## Exercises
#
# Solutions sit between `### BEGIN SOLUTION` and `### END SOLUTION`; the student set
# (`python -m began_lite book assignments`) replaces them with a stub for you to fill in.
#
# 1. **(checked, warm-up)** Write `my_pixel_loss(images, reconstructions, eta)` that returns
#    **one loss per image**, shape `(B,)`, for $\eta = 1$ and $\eta = 2$, and run the cell until
#    the checker prints ✓.
# 2. **(checked)** Suppose `began_lite` *summed* $\mathcal{L}$ over the $N_x = C H W$ pixels
#    instead of averaging. Which gain $\lambda_k$ then moves $k_t$ exactly as the paper's gain
#    does with averaged losses? Write `summed_lambda_k(lambda_k, channels, image_size)`. The
#    checker prints your value beside the true one, and $k$ after 2,000 steps of made-up losses,
#    averaged with the paper's gain and summed with yours. (This is why a $\lambda_k$ copied from
#    one code base to another means nothing until you know how each scales its loss.)
# 3. Set $\eta = 2$ (pass `eta=2` to `train_autoencoder` and `per_image_losses`). Do the four
#    distributions keep their order? Are the squared losses more or less skewed, and why would
#    squaring make a right tail longer?
# 4. The blank images above used a standard deviation of 0.05. Raise it step by step: at which
#    value does their mean loss pass the real digits'? What does that say about using
#    $\mathcal{L}$ alone to judge images?
# 5. Run the chapter with `BOOK_PROFILE=full` (32 px, a wider network, longer training). Do the
#    normality numbers of the real-digit losses move towards or away from a normal distribution?

# %% tags=["nbval-ignore-output"]
def my_pixel_loss(images, reconstructions, eta):
    """Your L(v) = |v - D(v)|^eta, averaged over the pixels of each image: (B, C, H, W) -> (B,)."""
    ### BEGIN SOLUTION
    return (images - reconstructions).abs().pow(eta).flatten(1).mean(1)
    ### END SOLUTION


passed = check_pixel_loss(my_pixel_loss)


# %% tags=["nbval-ignore-output"]
def summed_lambda_k(lambda_k, channels, image_size):
    """Your gain for a loss summed over pixels that moves k as `lambda_k` does for the mean."""
    ### BEGIN SOLUTION
    # Summing multiplies L(x) and L(G(z)), hence the error gamma L(x) - L(G(z)), by
    # N_x = C H W; the step lambda_k * error stays the same if lambda_k shrinks N_x-fold.
    return lambda_k / (channels * image_size**2)
    ### END SOLUTION


passed = check_lambda_k_for_summed_loss(summed_lambda_k)

# %% tags=["nbval-ignore-output"]
### BEGIN SOLUTION
# Exercise 3. With eta = 2 each pixel error e in [0, 2] becomes e^2: small errors shrink and large
# ones grow, so the four sets keep their order (squaring is monotone for e >= 0) but spread
# apart, and the right tail of hard digits stretches further: squared losses are more skewed.
# Exercise 4. for std in (0.05, 0.1, 0.2, 0.4): compute per_image_losses(autoencoder, blank)
# with blank = (-1 + std * torch.randn(500, 1, 16, 16)).clamp(-1, 1); the loss grows with the
# texture, not with how digit-like the image is, so a low L alone cannot tell a blank image
# from a digit.
# Exercise 5. Run `BOOK_PROFILE=full .venv/bin/python -m began_lite book execute 4` and compare
# the skewness and JB rows of the real-digit losses with the quick profile's table above.
### END SOLUTION
