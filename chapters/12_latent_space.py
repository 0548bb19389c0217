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
# # 12. Latent space
#
# **After this chapter you will be able to**
# - embed a real image in $G$'s code space: find the $z_r$ whose image $G(z_r)$ is closest to it,
#   with Adam and $z_r$ kept in $[-1, 1]$, written from scratch in a dozen lines and checked
#   against `began_lite.latent.embed`;
# - interpolate between the codes of two held-out digits and set the result beside blending
#   their pixels;
# - interpolate in the discriminator's embedding $h$ instead, between two digits and between a
#   digit and its mirror image;
# - measure how well $G$ covers held-out digits: the embedding error over Adam's steps for real
#   digits against the same error for images $G$ drew itself.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), section 4.3 (space
# continuity) and Figure 4 (4c: interpolations between embedded real images; 4d: an image and its
# mirror).
#
# A GAN's generator has no encoder: it maps codes to images and never the other way. Section 4.3
# asks the reverse question anyway, because its answer tests two things. If $G$ covers the data,
# every real image, even one it never trained on, has a code whose image is close to it; images
# from a part of the data that $G$ dropped have none. And if the images along a straight line
# between two such codes change smoothly and stay plausible, $G$ has learnt something general
# about its images, not a lookup table of training examples.
#
# A quick run cannot train a $G$ worth embedding into, so this chapter uses the book's reference
# model (`data/reference/mnist32`, a longer CPU run of the `mnist` recipe; chapter 9.6 shows its
# samples and `evaluate` numbers). Its samples are blurry, and a better reference may replace it:
# read every figure and number below as what *this* $G$ does; the method is the point.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.began import sample_z
from began_lite.book import book_root, budget
from began_lite.data import load_mnist
from began_lite.errors import UserError
from began_lite.exercises.part4_latent import check_interpolated_norm, check_raw_error_at_code
from began_lite.latent import embed, interpolate, interpolate_h, mirror, mirror_h
from began_lite.metrics.evaluate import draw_samples
from began_lite.seeding import seed_everything
from began_lite.train.distributed import resolve_device
from began_lite.train.reference import load_reference
from began_lite.viz import make_grid

DATA = book_root() / "data"  # MNIST: a full copy in data/mnist if present, else the bundled digits
B = budget("ch12")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
device = resolve_device(B["device"])
# float64 throughout: an embedding is a hundred Adam steps, and each step carries forward the
# last float32 bits in which one processor's kernels differ from another's. In float64 those
# differences stay far below the four decimals printed here, so every machine prints the same.
torch.set_default_dtype(torch.float64)
print(B)

# %%
G, D, config, ref_numbers = load_reference("mnist32", root=DATA, device=device)
G.requires_grad_(False)  # only codes are optimised in this chapter, never weights
D.requires_grad_(False)
z_dim, size = config.z_dim, config.image_size
print(f"reference model: {size} px, z_dim {z_dim}, h {config.h}, D n {config.n}, "
      f"G n {config.generator_n or config.n}, trained for {ref_numbers['step']} steps")
raw = draw_samples(G, z_dim, B["grey_samples"], device=device, clamp=False)
print(f"G's linear output: {(raw.abs() > 1).float().mean().item():.1%} of the pixels of "
      f"{len(raw)} samples lie outside [-1, 1], by "
      f"{(raw.abs() - 1).clamp(min=0).mean().item():.4f} on average over all pixels")

# %% [markdown]
# ## 12.1 The idea: invert $G$ by optimisation
#
# For a real image $x_r$, section 4.3 finds a code $z_r$ by minimising the embedding error
#
# $$e_r(z) = \frac{1}{N}\sum_{\text{pixels}} \big|x_r - G(z)\big|, \qquad
# z_r = \operatorname*{arg\,min}_{z \in [-1, 1]^{z_\text{dim}}} e_r(z),$$
#
# with Adam on $z$ and $G$'s weights fixed ($N$ pixels, so $e_r$ is a mean L1 distance per
# pixel, on the same scale as chapter 4's $\mathcal{L}$ with $\eta = 1$). The error is not convex
# in $z$, so Adam finds a local minimum near where it starts; we start each $z$ from a random
# code, as the authors' public code (BEGAN-tensorflow) does. Each image has its own $z$ and the
# errors are summed, so each $z_r$ gets only its own image's gradient, and Adam scales each
# coordinate separately: a batch of images embeds as its images would one by one, from the same
# starting codes.
#
# Two details the paper leaves open, and the choices `began_lite.latent` makes:
#
# - **$z$ stays in $[-1, 1]$.** $G$ was trained on $z \sim U[-1, 1]^{z_\text{dim}}$; outside
#   that cube it meets codes it never saw. After every Adam step we clamp $z$ back into the cube
#   (projected gradient descent). The other common choice, $z = \tanh(w)$ with Adam on $w$,
#   reaches the faces of the cube only as $w \to \pm\infty$ and flattens the gradient near them;
#   the projection leaves Adam's step unchanged inside the cube and lets a coordinate sit exactly
#   on a face. Section 12.3 counts how many coordinates end there.
# - **$G(z)$ is the image $G$ draws**, its output clamped to $[-1, 1]$. The book's decoder (and so
#   $G$) ends in a plain convolution with no squashing nonlinearity, as the authors' public code
#   does (`began_lite.nets.Decoder` says why), and the line printed above says how far the reference
#   $G$'s output leaves $[-1, 1]$. A real image never does, so an unclamped error would charge
#   $G$ for overshoot that no displayed image shows, and even an image $G$ drew itself could not
#   be embedded with zero error (exercise 2 asks how far from zero). The authors' code compares
#   the unclamped output.
#
# Once two images have codes $z_a$ and $z_b$, the images $G$ draws along the segment between
# them,
#
# $$z(t) = (1 - t)\, z_a + t\, z_b, \qquad t \in \{0, \tfrac{1}{m-1}, \dots, 1\}
# \text{ for } m \text{ images},$$
#
# show what lies "between" the two images in $G$'s world. The cube is convex, so every $z(t)$ is a
# code $G$ could have been given. The naive alternative blends pixels, $(1 - t)\,x_a + t\,x_b$,
# and draws both images at once, one fading in as the other fades out.
#
# ## 12.2 Embedding from scratch
#
# The whole method, in a dozen lines:

# %%
def my_embed(G, images, z_dim, steps, lr, seed=0):
    """Adam on z (B, z_dim) in [-1, 1] minimising mean |x - clamp(G(z))| per image of images
    (B, C, S, S); returns z and the error history (steps + 1, B)."""
    start = torch.rand(len(images), z_dim, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    z = start.to(images.device).requires_grad_()
    optimizer = torch.optim.Adam([z], lr=lr)
    history = []
    for _ in range(steps):
        error = (images - G(z).clamp(-1, 1)).abs().flatten(1).mean(1)  # e_r, one per image
        history.append(error.detach())
        optimizer.zero_grad()
        error.sum().backward()  # the sum: each z_r gets only its own image's gradient
        optimizer.step()
        with torch.no_grad():
            z.clamp_(-1, 1)     # back into the cube G was trained on
    with torch.no_grad():
        history.append((images - G(z).clamp(-1, 1)).abs().flatten(1).mean(1))
    return z.detach(), torch.stack(history)


# %% [markdown]
# The check: a few held-out digits (the validation split, which no network here trained on),
# embedded by `my_embed` and by `began_lite.latent.embed` from the same seed.

# %%
val = load_mnist("val", size, root=DATA)
check = val.images[:B["check_digits"]].to(device, torch.float64)
mine_z, mine_errors = my_embed(G, check, z_dim, B["check_steps"], B["lr"], seed=B["seed"])
their_z, their_errors = embed(G, check, steps=B["check_steps"], lr=B["lr"], seed=B["seed"])
print(f"{len(check)} digits, {B['check_steps']} steps, lr {B['lr']}: error history "
      f"{tuple(their_errors.shape)}, mean e_r {their_errors[0].mean().item():.4f} -> "
      f"{their_errors[-1].mean().item():.4f}")
print(f"largest |difference|: codes {(mine_z - their_z).abs().max().item():.1e}, "
      f"errors {(mine_errors - their_errors).abs().max().item():.1e}")

# %% [markdown]
# The differences printed above are zero or at the level of float rounding: the two compute
# the same thing. `embed` takes only $z$'s gradient (`torch.autograd.grad`), so it never writes
# into $G$'s `.grad`; `my_embed` relies on $G$'s weights being frozen, as they are here. And it
# checks its input first: one image without a batch dimension, pixels in 0..255, or digits of
# the wrong size each get a one-line error that says how to fix it:

# %%
for bad in (val.images[0], (val.images[:2] + 1) * 127.5,
            load_mnist("val", size // 2, root=DATA).images[:2]):
    try:
        embed(G, bad.to(device), steps=1)
    except UserError as err:
        print(f"UserError: {err}")

# %% [markdown]
# ## 12.3 Embedding held-out digits
#
# Now the experiment: the first `per_class` validation digits of each class, and, for section
# 12.5, the same digits mirrored left to right. All of them go through one call of `embed`.

# %%
pick = torch.cat([(val.labels == c).nonzero()[:B["per_class"], 0] for c in range(10)])
real, labels = val.images[pick].to(device, torch.float64), val.labels[pick]
first = torch.stack([(labels == c).nonzero()[0, 0] for c in range(10)])  # one digit per class
both = torch.cat([real, mirror(real)])

# %%
# NBVAL_IGNORE_OUTPUT
start = time.perf_counter()
z_both, errors_both = embed(G, both, steps=B["steps"], lr=B["lr"], seed=B["seed"])
print(f"embedded {len(both)} images in {B['steps']} steps: {time.perf_counter() - start:.1f} s")

# %%
z_real, z_mirror = z_both.split(len(real))
errors_real, errors_mirror = errors_both.split(len(real), dim=1)
with torch.no_grad():
    drawn = G(z_real).clamp(-1, 1)
print(f"{len(real)} held-out digits, {B['steps']} Adam steps at lr {B['lr']}: mean e_r "
      f"{errors_real[0].mean().item():.4f} at the random start, "
      f"{errors_real[-1].mean().item():.4f} at the end")
print("e_r per digit (one per class, 0-9):",
      " ".join(f"{e:.4f}" for e in errors_real[-1, first].tolist()))
print(f"coordinates of z_r on a face of the cube (exactly -1 or 1): "
      f"{(z_real.abs() == 1).float().mean().item():.1%}")

fig, axes = plt.subplots(2, 1, figsize=(8, 2.2))
for ax, images, label in zip(axes, (real[first], drawn[first]), ("x_r", "G(z_r)")):
    ax.imshow(make_grid(images, nrow=10)[:, :, 0], cmap="gray", vmin=0, vmax=255)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_ylabel(label, rotation=0, ha="right", va="center")
axes[0].set_title("held-out digits (top) and the images G draws for their codes (bottom)")
plt.show()

# %% [markdown]
# The bottom row is the best image $G$ found for each digit above it, and the $e_r$ values printed
# above measure how close it came. A bottom image that shows a different digit from the one above
# it marks a digit this $G$ does not cover; $e_r$ says the same as a number. The share of
# coordinates on a face says how often the best code wanted to leave the cube: a large share
# means the projection of 12.1 does real work (a $\tanh$ parametrisation would hold those
# coordinates just short of the face). What an $e_r$ value means is easier to judge against two
# yardsticks, which section 12.6 sets beside it: the error for an image $G$ drew itself, and the
# distance from each held-out digit to the closest training digit.
#
# ## 12.4 Interpolating in $z$, beside interpolating pixels
#
# For a few pairs of classes (`pairs` in the budget), the top row of each pair is Figure 4c's
# layout: the real digit $x_a$, then $G(z(t))$ for `frames` evenly spaced $t$ from $0$ to $1$
# (so the second and second-to-last images are $G$'s approximations $G(z_a)$ and $G(z_b)$), then
# the real $x_b$. The row below blends the two digits' pixels over the same $t$.

# %%
def show_rows(rows, labels, title):
    """Each entry of rows, (count, C, S, S), as one row of images, labelled on the left."""
    fig, axes = plt.subplots(len(rows), 1, figsize=(0.8 * len(rows[0]), 0.9 * len(rows)))
    for ax, row, label in zip(axes, rows, labels):
        ax.imshow(make_grid(row, nrow=len(row))[:, :, 0], cmap="gray", vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    axes[0].set_title(title, fontsize=10)
    plt.show()


def blend(x_a, x_b, count):
    """(count, C, S, S): pixel blends (1 - t) x_a + t x_b, t evenly spaced from 0 to 1."""
    t = torch.linspace(0, 1, count, device=x_a.device)[:, None, None, None]
    return (1 - t) * x_a + t * x_b


def latent_row(a, b, count):
    """x_a, then G along the segment z_a -> z_b (count images), then x_b; a, b index real."""
    with torch.no_grad():
        path = G(interpolate(z_real[a], z_real[b], count)).clamp(-1, 1)
    return torch.cat([real[a:a + 1], path, real[b:b + 1]])


rows, row_labels = [], []
for class_a, class_b in B["pairs"]:
    a, b = first[class_a], first[class_b]
    rows += [latent_row(a, b, B["frames"]),
             torch.cat([real[a:a + 1], blend(real[a], real[b], B["frames"]), real[b:b + 1]])]
    row_labels += [f"{class_a} -> {class_b} in z", "in pixels"]
show_rows(rows, row_labels, "interpolating two held-out digits: G along the segment in z, "
          "and pixel blends")

# %% [markdown]
# The pixel rows hold both digits at once in the middle: a faint $x_b$ over a fading $x_a$. One
# number catches that: the share of *grey* pixels, neither ink nor background ($|v| < 0.5$).
# Where two digits disagree, their blend halfway is grey. Below, for every pair of the
# one-per-class digits, the midpoint ($t = 1/2$) of each kind of interpolation, against the grey
# share of the real digits themselves and of $G$'s ordinary samples:

# %%
def grey_share(images):
    """Share of pixels with |v| < 0.5, neither ink (near 1) nor background (near -1)."""
    return (images.abs() < 0.5).float().mean().item()


pairs = torch.combinations(first, 2)
with torch.no_grad():
    latent_mid = G((z_real[pairs[:, 0]] + z_real[pairs[:, 1]]) / 2).clamp(-1, 1)
pixel_mid = (real[pairs[:, 0]] + real[pairs[:, 1]]) / 2
samples = raw.clamp(-1, 1)
grey = {"held-out digits": grey_share(real[first]), "samples of G": grey_share(samples),
        "midpoints in z": grey_share(latent_mid), "midpoints in pixels": grey_share(pixel_mid)}
print(f"grey share, midpoints over {len(pairs)} pairs of digits:")
for name, value in grey.items():
    print(f"  {name:>20}: {value:.4f}")
print(f"midpoints in pixels / held-out digits: "
      f"{grey['midpoints in pixels'] / grey['held-out digits']:.2f}; "
      f"midpoints in z / samples of G: {grey['midpoints in z'] / grey['samples of G']:.2f}")

# %% [markdown]
# Read the two ratios. The first says how much greyer a pixel blend is than the digits it was
# made from: the ghost of the second digit. The second compares $G$'s images halfway between two
# embedded digits with $G$'s ordinary samples: near 1, the midpoints look like any other image
# $G$ draws, which is what section 4.3 means by continuity (the straight line stays among images
# $G$ makes). $G$'s samples have their own grey share, the blur of this reference model, so the
# fair comparison for midpoints in $z$ is with $G$'s samples, not with real digits.
#
# ## 12.5 Interpolating in $D$'s embedding $h$, and the mirror
#
# BEGAN's discriminator is an autoencoder, so it has a code space too: its encoder maps an image
# to $h$, its decoder maps $h$ back. `interpolate_h(D, x_a, x_b, count)` encodes two images,
# interpolates between their $h$ and decodes; its end points are $D$'s reconstructions of $x_a$
# and $x_b$, no optimisation needed. `mirror_h(D, x, count)` runs from $x$ to its mirror image.
# Figure 4d's mirror interpolation is done in $z$: embed an image and its mirror, then
# interpolate between the two codes. Both are below, with $z_r$ of the mirrored digits from
# 12.3. A face and its mirror are both faces; a mirrored 3 or 7 is not a digit, so for MNIST the
# mirror row runs from a digit to an image outside the data.

# %%
rows, row_labels = [], []
for class_a, class_b in B["pairs"]:
    a, b = first[class_a], first[class_b]
    path = interpolate_h(D, real[a], real[b], B["frames"])
    rows.append(torch.cat([real[a:a + 1], path, real[b:b + 1]]))
    row_labels.append(f"{class_a} -> {class_b} in h")
for digit in B["mirror_classes"]:
    i = first[digit]
    with torch.no_grad():
        in_z = G(interpolate(z_real[i], z_mirror[i], B["frames"])).clamp(-1, 1)
    ends = (real[i:i + 1], mirror(real[i:i + 1]))
    rows += [torch.cat([ends[0], in_z, ends[1]]),
             torch.cat([ends[0], mirror_h(D, real[i], B["frames"]), ends[1]])]
    row_labels += [f"{digit} -> mirror in z", "in h"]
show_rows(rows, row_labels, "interpolating in D's embedding h, and from a digit to its mirror")

# %%
with torch.no_grad():
    d_error = (real - D(real).clamp(-1, 1)).abs().flatten(1).mean(1)
worse = (errors_mirror[-1] > errors_real[-1]).sum().item()
print(f"D reconstructs the held-out digits with mean error {d_error.mean().item():.4f}; G's best "
      f"codes reach e_r {errors_real[-1].mean().item():.4f}")
print(f"mirrored digits: mean e_r {errors_mirror[-1].mean().item():.4f} against "
      f"{errors_real[-1].mean().item():.4f} for the digits; {worse} of {len(real)} embed worse "
      f"mirrored")

# %% [markdown]
# The $h$ rows start and end at $D$'s reconstructions of the two digits, and the first line above
# sets $D$'s reconstruction error beside $G$'s embedding error on the same digits. $D$ never has
# to draw from a code alone (its decoder always gets an $h$ computed from an image), and its $h$
# space was not made to be sampled, so what lies between two $h$ is not promised to be an image
# of anything; the rows show what this $D$ makes of it.
#
# The mirror rows ask $G$ and $D$ for something outside the data. In $z$, $G$ can only draw what
# it learnt, so $G(z_r)$ of a mirrored digit is the closest image $G$ can make, and the last line
# counts how many digits embed worse mirrored than upright. A $G$ that covered every image,
# digits or not, would embed mirrored digits as well as upright ones: coverage of the data, not
# of all images, is what we want from $G$.
#
# ## 12.6 How well does $G$ cover held-out digits?
#
# An embedding error means little on its own. The control: images $G$ drew itself,
# $x = G(z^*)$ (clamped) for known codes $z^*$. For those, a code with $e_r = 0$ exists, $z^*$,
# so the error that `embed` reaches on them shows what the optimiser can do in the given steps,
# and anything a real digit has left above that is $G$'s failure to draw it. The codes $z^*$ come
# from a different seed than `embed`'s starting points, so the search starts from elsewhere.

# %%
z_star = sample_z(B["generated"], z_dim, torch.Generator().manual_seed(B["seed"] + 1), device)
with torch.no_grad():
    generated = G(z_star).clamp(-1, 1)

# %%
# NBVAL_IGNORE_OUTPUT
start = time.perf_counter()
z_found, errors_generated = embed(G, generated, steps=B["steps"], lr=B["lr"], seed=B["seed"])
print(f"embedded {len(generated)} images in {B['steps']} steps: "
      f"{time.perf_counter() - start:.1f} s")

# %% [markdown]
# A second yardstick: how far is each held-out digit from the closest of the training digits, in
# the same mean L1 distance? A $G$ that had memorised its training set could do no better than
# that; a $G$ that draws something closer to a digit it never saw than any training digit has
# generalised beyond its examples.

# %%
train = load_mnist("train", size, root=DATA).images.flatten(1)
nearest = torch.stack([(train - x.cpu().flatten()).abs().mean(1).min() for x in real])
curves = {"held-out digits": errors_real, "mirrored digits": errors_mirror,
          "images G drew (control)": errors_generated}
for name, errors in curves.items():
    print(f"{name:>24}: mean e_r {errors[0].mean().item():.4f} at the start, "
          f"{errors[len(errors) // 10].mean().item():.4f} after {len(errors) // 10} steps, "
          f"{errors[-1].mean().item():.4f} after {len(errors) - 1} (range "
          f"{errors[-1].min().item():.4f}-{errors[-1].max().item():.4f})")
print(f"control: largest |z_r - z*| {(z_found - z_star).abs().max().item():.4f} over "
      f"{z_found.numel()} coordinates")
print(f"held-out digits against the nearest of {len(train):,} training digits: mean distance "
      f"{nearest.mean().item():.4f}; G's best image is closer for "
      f"{(errors_real[-1].cpu() < nearest).sum().item()} of {len(real)} digits")

steps_axis = np.arange(B["steps"] + 1)
fig, ax = plt.subplots(figsize=(8, 4))
for (name, errors), color in zip(curves.items(), ("C0", "C1", "C2")):
    errors = errors.cpu().numpy()
    ax.plot(steps_axis, errors.mean(1), color=color, label=f"{name}, mean")
    ax.fill_between(steps_axis, errors.min(1), errors.max(1), color=color, alpha=0.2)
ax.axhline(nearest.mean().item(), color="k", ls="--", lw=1,
           label="held-out digit to nearest training digit, mean")
everything = torch.cat([e.flatten().cpu() for e in curves.values()] + [nearest])
ax.set(xlabel="Adam step", ylabel="embedding error e_r (mean |x - G(z)| per pixel)", yscale="log",
       ylim=(everything.min().item() / 1.5, everything.max().item() * 1.5),
       xlim=(0, B["steps"]), title="embedding error over Adam's steps (band: min to max)")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Read the figure with the numbers above it. The control (green) shows what `embed` can do when a
# perfect code exists: how low it gets in these steps, and, with the largest $|z_r - z^*|$,
# whether it finds the very code $G$ used or another one that draws the same image. The held-out
# digits (blue) end far above the control (compare the two printed final means), and that gap is
# mostly not the optimiser's fault: the same optimiser, steps and starting points bring the
# control close to zero. It is $G$'s: the part of each digit that no code of this $G$ draws. The
# mirrored digits (orange) show the same for images outside the data. The dashed line and the
# last printed line say whether $G$'s best images are closer to the held-out digits than the
# nearest training digit is. For each digit where they are, $G$ draws an image closer to a digit
# it never saw than any of its training digits: the generalisation that section 4.3 argues for
# from its interpolations.
#
# ## Summary
#
# - Section 4.3 inverts $G$ by optimisation: $z_r = \arg\min_z |x_r - G(z)|$, with Adam on $z$
#   and $G$ frozen. `began_lite.latent.embed` keeps $z$ in $[-1, 1]$ by clamping after each
#   step and compares $x$ with the image $G$ draws (its output clamped); written from scratch, it
#   is a dozen lines, and 12.2 prints how closely it matches the package.
# - The codes of two held-out digits can be interpolated; $G$ along the segment draws images that
#   we can compare, in grey share, with $G$'s own samples, while pixel blends overlay two digits
#   and are greyer than the digits they come from.
# - $D$'s autoencoder has its own code space $h$; interpolating there needs no optimisation, and
#   the mirror interpolation of Figure 4d can be run in $z$ or in $h$. A mirrored digit is not a
#   digit, which makes it a test of what $G$ does *not* cover.
# - The embedding error means something only beside a control: images $G$ drew itself show what
#   the optimiser reaches when a perfect code exists; what real digits keep above that is $G$'s
#   missing coverage, and the nearest training digit says whether $G$ does better than
#   memorising.
#
# ## Exercises
#
# 1. **(checked)** Two codes $z_a, z_b$ drawn independently from $U[-1, 1]^{z_\text{dim}}$, and
#    $z_t = (1 - t) z_a + t z_b$. Derive $\mathbb{E}\,|z_t|^2$ as a function of $t$ and
#    $z_\text{dim}$: `interpolated_norm2(t, z_dim)`. The checker compares it with the exact value
#    and prints Monte Carlo measurements beside yours. Then: the squared length of a code $G$ was
#    trained on has standard deviation $\sqrt{4 z_\text{dim} / 45}$ (why?); how many standard
#    deviations below the typical length is the midpoint of two random codes at
#    $z_\text{dim} = 64$? What does that say about the images $G$ draws halfway, and about
#    spherical interpolation, which keeps the length?
# 2. **(checked)** $G$'s output is linear and leaves $[-1, 1]$. Take an image $G$ drew,
#    $x = \text{clamp}(G(z^*), -1, 1)$. With the paper's unclamped error
#    $e_r = \text{mean}\,|x - G(z)|$, what is $e_r$ at the true code $z = z^*$? Write
#    `raw_error_at_code(raw)` for $G$'s raw output `raw` (B, C, S, S), returning one number per
#    image, from a formula in `raw` alone. The checker tests it, then prints its mean on the
#    reference $G$'s outputs for 12.6's codes $z^*$ beside the true value. Compare it with the
#    control's final $e_r$ in 12.6.
# 3. Write `my_embed` with the unclamped error of exercise 2, embed 12.6's control images with
#    it, and compare the final error with your answer to exercise 2. Does it find $z^*$?
# 4. BEGAN-tensorflow embeds with Adam at a learning rate of $10^{-4}$. Embed the held-out digits
#    at that rate for the same number of steps: how far does the error fall? How many steps would
#    $z$ need to cross the cube from $-1$ to $1$ if Adam moves each coordinate by about the
#    learning rate per step?
# 5. Interpolate in $z$ and in $h$ from a 0 or an 8 to its mirror, and from a 3. Which rows
#    change most, and why?

# %%
# NBVAL_IGNORE_OUTPUT
def interpolated_norm2(t, z_dim):
    """E |z_t|^2 for z_t = (1 - t) z_a + t z_b, with z_a, z_b independent U[-1, 1]^z_dim."""
    ### BEGIN SOLUTION
    # Per coordinate: E z^2 = 1/3 for U[-1, 1], and E z_a z_b = 0 (independent, mean 0), so
    # E ((1 - t) z_a + t z_b)^2 = ((1 - t)^2 + t^2) / 3. The coordinates add up.
    # Typical |z|^2: mean z_dim / 3, variance z_dim (E z^4 - (E z^2)^2) = z_dim (1/5 - 1/9).
    # The midpoint (t = 1/2) sits (z_dim / 6) / sqrt(4 z_dim / 45) = sqrt(45 z_dim) / 12
    # deviations below the typical length of the codes G was trained on.
    return z_dim * ((1 - t) ** 2 + t ** 2) / 3
    ### END SOLUTION


passed = check_interpolated_norm(interpolated_norm2)

# %%
# NBVAL_IGNORE_OUTPUT
def raw_error_at_code(raw):
    """(B,): the unclamped e_r at z = z*, when x is clamp(raw, -1, 1) and raw = G(z*)."""
    ### BEGIN SOLUTION
    # |clamp(g) - g| is 0 inside [-1, 1] and |g| - 1 outside: the overshoot, averaged per image.
    return (raw.abs() - 1).clamp(min=0).flatten(1).mean(1)
    ### END SOLUTION


with torch.no_grad():
    raw_control = G(z_star)
passed = check_raw_error_at_code(raw_error_at_code, raw_control.cpu())
