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
# # 8. The architecture
#
# **After this chapter you will be able to**
# - build BEGAN's encoder, decoder and generator from the paper's text in a few lines, and show
#   that they compute exactly what `began_lite.nets` computes;
# - say what the two optional improvements, skip connections and vanishing residuals, change in
#   the network, and measure what they do to the gradient that reaches the first layer of $G$;
# - count the parameters and FLOPs of each preset, say where in the network each of them sits,
#   and explain why our 128 px model has more parameters than the paper's 17.3M;
# - compute the receptive field of one unit of the encoder's 8x8 map and check it with a gradient.
#
# **Paper:** BEGAN (Berthelot, Schumm, Metz 2017, arXiv 1703.10717), sections 3.5 and 3.5.1, with
# the model sizes of section 4.1.
#
# Chapters 4-7 used BEGAN's networks as black boxes: an autoencoder $D$ and a generator $G$ of the
# decoder's shape. This chapter opens them. Nothing here trains a GAN; every number comes from
# building networks and pushing one image (or one code $z$) through them, so the chapter runs in
# seconds.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from began_lite import nets
from began_lite.architecture import (READINGS, flops_per_image, input_support, reading_parameters,
                                     receptive_field)
from began_lite.book import budget
from began_lite.exercises.part3_architecture import check_encoder_parameters, check_flops_ratio
from began_lite.seeding import seed_everything
from began_lite.train import load_config
from began_lite.train.checkpoint import build_networks

B = budget("ch08")
if B["threads"]:
    torch.set_num_threads(B["threads"])  # small convs: one thread is faster and repeatable
seed_everything(B["seed"])
print(B)

# %% [markdown]
# ## 8.1 What section 3.5 says, and what it leaves open
#
# The paper describes its networks in one paragraph and one figure (Figure 1). Read as a list:
#
# 1. $D$ is a convolutional autoencoder with a deep encoder and a deep decoder. An image
#    $x \in \mathbb{R}^{N_x}$, $N_x = H \times W \times C$.
# 2. Every layer is a $3 \times 3$ convolution followed by an ELU, and each layer is **repeated**
#    a number of times (the paper saw better images with more repeats).
# 3. The number of filters grows **linearly** with each down-sampling: $n, 2n, 3n, \dots$
# 4. Down-sampling is a **stride-2** convolution; up-sampling is **nearest neighbour**.
# 5. At the boundary between encoder and decoder, the tensor goes through a **fully connected**
#    layer with **no nonlinearity**; the embedding $h$ has $N_h$ units.
# 6. $G$ has the **same architecture as the decoder** (different weights); its input is
#    $z \in [-1, 1]^{N_z}$, uniform.
# 7. Section 4.1: models from 32 to 256 px add or remove conv layers so that the smallest map is
#    always **8x8**; the largest, 128 px model uses $n = 128$ and has $17.3 \times 10^6$ trainable
#    parameters.
# 8. Nothing else: no batch normalisation, no dropout, no transposed convolutions, no exponential
#    growth of the filters.
#
# The text leaves three things open: where in a scale the stride-2 convolution sits, whether the
# 8x8 scale repeats its convolution, and the decoder's widths (the figure shows $n$ throughout).
# `began_lite` reads them as follows; section 8.7 counts the other readings.
#
# - **Encoder.** A $3\times3$ conv $C \to n$, then one scale per map size $S, S/2, \dots, 8$.
#   Scale $i$ (counting from 0) has `repeat` conv + ELU layers of width $(i+1)\,n$; at every scale
#   after the first, the first of them is the stride-2 conv that also widens. Then the 8x8 map
#   (width $L n$ for $L = \log_2(S/8) + 1$ scales) is flattened and mapped to $h$.
# - **Decoder and generator.** A fully connected map $h \to 8 \times 8 \times n$ gives $h_0$; each
#   scale has `repeat` conv + ELU layers of width $n$; nearest up-sampling between scales; a final
#   $3\times3$ conv to $C$ channels with no nonlinearity.

# %% [markdown]
# ## 8.2 The networks from scratch
#
# The encoder is a plain chain, so an `nn.Sequential` holds it. The decoder needs a `forward`
# of its own because of the skip connections of section 8.3 (set `skip=False` and it is a chain
# too).

# %%
def my_encoder(S, C, n, h, repeat):
    """(B, C, S, S) -> (B, h): widths n, 2n, ..., the first conv of each smaller scale strides."""
    layers, width = [nn.Conv2d(C, n, 3, padding=1), nn.ELU()], n
    for i in range(int(math.log2(S // 8)) + 1):
        for r in range(repeat):
            stride = 2 if i > 0 and r == 0 else 1
            layers += [nn.Conv2d(width, (i + 1) * n, 3, stride, padding=1), nn.ELU()]
            width = (i + 1) * n
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * 8 * 8, h))


class MyDecoder(nn.Module):
    """(B, h) -> (B, C, S, S): h0 = fc(h) at 8x8xn, width n, nearest up-sampling, optional skips."""

    def __init__(self, S, C, n, h, repeat, skip=False):
        super().__init__()
        self.n, self.skip = n, skip
        self.fc = nn.Linear(h, n * 8 * 8)
        self.scales = nn.ModuleList(
            nn.Sequential(*[layer for r in range(repeat) for layer in (
                nn.Conv2d(2 * n if skip and i > 0 and r == 0 else n, n, 3, padding=1), nn.ELU())])
            for i in range(int(math.log2(S // 8)) + 1))
        self.out = nn.Conv2d(n, C, 3, padding=1)

    def forward(self, h):
        h0 = x = self.fc(h).reshape(-1, self.n, 8, 8)
        for i, scale in enumerate(self.scales):
            if i > 0:
                x = F.interpolate(x, scale_factor=2, mode="nearest")
                if self.skip:  # h0 up-sampled to this size, concatenated (section 3.5.1)
                    x = torch.cat([x, F.interpolate(h0, scale_factor=2 ** i, mode="nearest")], 1)
            x = scale(x)
        return self.out(x)


def my_began(S, C, n, h, z_dim, repeat, skip=False):
    """(generator, discriminator): G is a decoder with its own weights and input z."""
    encoder, decoder = my_encoder(S, C, n, h, repeat), MyDecoder(S, C, n, h, repeat, skip)
    return MyDecoder(S, C, n, z_dim, repeat, skip), nn.Sequential(encoder, decoder)


# %% [markdown]
# Now the check. For the budget's configuration, build both versions, compare parameter counts,
# copy `began_lite`'s weights into ours (the parameters are created in the same order, so the
# $k$-th tensor of one state dict goes to the $k$-th of the other; `load_state_dict` refuses any
# shape that differs), and compare the outputs on the same input. `nets` runs its vanishing
# residuals with carry 0 unless told otherwise, which is the plain network we just wrote.

# %%
def copy_weights(source, target):
    """Load source's tensors into target, matched by position; shapes must agree."""
    target.load_state_dict(dict(zip(target.state_dict(), source.state_dict().values())))


S, C, n, h, z_dim, repeat = (B["check_size"], B["check_channels"], B["check_n"], B["check_h"],
                             B["check_h"], B["check_repeat"])
x = torch.rand(B["check_batch"], C, S, S) * 2 - 1
z = torch.rand(B["check_batch"], z_dim) * 2 - 1
print(f"{S} px, C={C}, n={n}, h=z_dim={h}, repeat={repeat}, batch {B['check_batch']}")
for skip in (False, True):
    theirs_g, theirs_d = nets.build_began(S, C, n, h, z_dim, repeat, skip)
    mine_g, mine_d = my_began(S, C, n, h, z_dim, repeat, skip)
    pairs = {"Encoder": (theirs_d.encoder, mine_d[0], x),
             "Decoder": (theirs_d.decoder, mine_d[1], z),
             "Generator": (theirs_g, mine_g, z),
             "AutoEncoder": (theirs_d, mine_d, x)}
    for name, (theirs, mine, inputs) in pairs.items():
        copy_weights(theirs, mine)
        with torch.no_grad():
            diff = (theirs(inputs) - mine(inputs)).abs().max().item()
        assert nets.count_parameters(theirs) == nets.count_parameters(mine) and diff < 1e-5
        print(f"skip={skip!s:5} {name:11} {nets.count_parameters(theirs):>9,} parameters "
              f"(same), max |difference| {diff:.1e}")

# %% [markdown]
# Same parameter counts, and outputs that agree exactly (a difference of 0.0 on this machine:
# the same operations run in the same order; the assert allows $10^{-5}$ for other kernels).
# `build_began` returns the pair that `nets.Generator` and `nets.AutoEncoder` build, so the
# Generator and AutoEncoder rows check it too.
#
# ## 8.3 Skip connections
#
# Section 3.5.1 adds two improvements, meant to help the gradient propagate and to give sharper
# images.
# The first is a skip connection from the hidden state to every scale of the decoder: after each
# up-sampling step the output is concatenated with $h_0$ up-sampled to the same size. Follow the
# shapes through a 64 px decoder with $n = 4$:

# %%
decoder = nets.Decoder(64, 3, 4, 8, repeat=2, skip=True)
shapes = []
for scale in decoder.scales:
    scale.register_forward_pre_hook(lambda module, args: shapes.append(tuple(args[0].shape)))
print("h0:", (1, 4, 8, 8), "-> scales see", shapes, "-> output", tuple(decoder(z[:1, :8]).shape))

# %% [markdown]
# Every scale after the first sees $2n$ channels: $n$ from the previous scale, $n$ copied from
# $h_0$. So a code $h$ reaches the last scale through the fully connected layer and that
# scale's own convs, instead of through every layer of the decoder. The price is the wider first
# conv of each of the $L - 1$ later scales, $9 n^2$ more weights each, in $G$ and in $D$'s
# decoder:

# %%
for size, width in [(S, n), (128, 128)]:
    scales = int(math.log2(size // 8)) + 1
    plain = nets.count_parameters(nets.Decoder(size, 3, width, 64, repeat=2))
    skipped = nets.count_parameters(nets.Decoder(size, 3, width, 64, repeat=2, skip=True))
    print(f"{size} px, n={width}: decoder {plain:,} -> {skipped:,} with skips, "
          f"+{skipped - plain:,} = (L - 1) 9 n^2 = {(scales - 1) * 9 * width ** 2:,}")

# %% [markdown]
# ## 8.4 Vanishing residuals and their carry schedule
#
# The second improvement borrows from residual networks. For consecutive layers of the same size
# the input is mixed into the output:
#
# $$\mathrm{in}_{x+1} = \mathrm{carry} \cdot \mathrm{in}_x + (1 - \mathrm{carry}) \cdot
#   \mathrm{out}_x .$$
#
# The paper starts at carry $= 1$ and lowers it to 0 over 16,000 steps, so the residuals
# *vanish* and the trained network is the plain one. `nets.ConvELU` applies the mix when its input
# and output have the same shape (not in the stride-2 convs, the stem, or the convs that receive
# a skip); `nets.set_carry` sets carry on every such block and `nets.carry_at` gives the schedule.

# %%
PAPER_RESIDUAL_STEPS = 16000  # section 3.5.1
steps = np.arange(0, 20001, 100)
carry = [nets.carry_at(int(step), PAPER_RESIDUAL_STEPS) for step in steps]
print("carry at steps 0, 4000, 8000, 16000, 20000:",
      [nets.carry_at(step, PAPER_RESIDUAL_STEPS) for step in (0, 4000, 8000, 16000, 20000)])
fig, ax = plt.subplots(figsize=(5, 2.6))
ax.plot(steps / 1000, carry)
ax.set(xlabel="training step (thousands)", ylabel="carry", ylim=(-0.05, 1.05),
       title="vanishing residuals: carry 1 -> 0 over 16,000 steps")
plt.show()
theirs_g, theirs_d = nets.build_began(S, C, n, h, z_dim, repeat)
residual = {name: sum(block.residual for block in net.modules() if isinstance(block, nets.ConvELU))
            for name, net in [("encoder", theirs_d.encoder), ("decoder", theirs_d.decoder)]}
print(f"residual blocks at {S} px, repeat={repeat}: {residual}")
print("presets' residual_steps:",
      {name: load_config(name).residual_steps for name in ("mnist", "celeba64", "celeba128")})

# %% [markdown]
# The presets leave the schedule off (`residual_steps = 0`, printed above); set
# `residual_steps=16000` to train as the paper did. Two ends of the schedule can be checked
# exactly. At carry $= 1$ every residual block returns its input unchanged; at carry $= 0$ the
# network is the plain one of section 8.2, with the same weights:

# %%
blocks = [b for b in theirs_d.modules() if isinstance(b, nets.ConvELU) and b.residual]
nets.set_carry(theirs_d, 1.0)
with torch.no_grad():
    inputs = [torch.randn(2, block.conv.in_channels, 16, 16) for block in blocks]
    identity = max((block(t) - t).abs().max().item() for block, t in zip(blocks, inputs))
print(f"carry = 1: max |block(x) - x| over {len(blocks)} residual blocks = {identity:.1e}")
mine_g, mine_d = my_began(S, C, n, h, z_dim, repeat)
copy_weights(theirs_d, mine_d)
with torch.no_grad():
    nets.set_carry(theirs_d, 0.0)
    plain = (theirs_d(x) - mine_d(x)).abs().max().item()
    nets.set_carry(theirs_d, 0.5)
    half = (theirs_d(x) - mine_d(x)).abs().max().item()
print(f"carry = 0: max |D(x) - plain D(x)| = {plain:.1e};  carry = 0.5 for contrast: {half:.3f}")

# %% [markdown]
# At carry $= 1$ a whole scale of the decoder does nothing, and only the layers that are not
# residual remain: in $G$ without skips, the fully connected map, the up-samplings and the output
# conv, all of them linear. So at the start of training **the generator is an affine function of
# $z$**, and it becomes deep as carry falls. One number shows it: for an affine map,
# $G(\tfrac{1}{2}(z_1 + z_2)) = \tfrac{1}{2}(G(z_1) + G(z_2))$.

# %%
z1, z2 = z[:1], z[1:2]
for value in (1.0, 0.0):
    nets.set_carry(theirs_g, value)
    with torch.no_grad():
        gap = (theirs_g((z1 + z2) / 2) - (theirs_g(z1) + theirs_g(z2)) / 2).abs().max().item()
    # float32 rounding is ~1e-7 and its last digit depends on the CPU: print it as a bound
    shown = f"{gap:.1e}" if gap > 1e-5 else "below 1e-5 (float32 rounding)"
    print(f"carry = {value}: max |G(mean of z1, z2) - mean of G(z1), G(z2)| = {shown}")

# %% [markdown]
# ## 8.5 What the improvements do to the gradient
#
# Whether they help the gradient propagate can be measured. Take a freshly initialised
# generator, one reconstruction-style loss $|G(z) - x|$ against random targets, and compare the
# gradient norm that reaches its **first** layer (the fully connected map to $h_0$) with the one
# at its **last** (the output conv). In a plain deep stack of ELU convs the ratio shrinks with
# depth; a skip connection gives $h_0$ a short path to every scale, and carry $= 1$ makes every
# residual block a short path.

# %%
def gradient_ratio(size, skip, carry_value, width, batch):
    """|grad of the fc weights| / |grad of the output conv| for one L1 loss at initialisation."""
    torch.manual_seed(B["seed"])
    generator = nets.Generator(size, 3, width, 16, repeat=2, skip=skip)
    nets.set_carry(generator, carry_value)
    target = torch.rand(batch, 3, size, size) * 2 - 1
    (generator(torch.rand(batch, 16) * 2 - 1) - target).abs().mean().backward()
    return (generator.fc.weight.grad.norm() / generator.out.weight.grad.norm()).item()


variants = {"plain": (False, 0.0), "skip": (True, 0.0), "carry=1": (False, 1.0),
            "skip, carry=1": (True, 1.0)}
ratios = {size: {name: gradient_ratio(size, *v, B["grad_n"], B["grad_batch"])
                 for name, v in variants.items()} for size in B["grad_sizes"]}
print(f"n={B['grad_n']}, repeat=2: |grad fc| / |grad out| at initialisation")
print(f"{'size':>5} " + " ".join(f"{name:>14}" for name in variants))
for size, row in ratios.items():
    print(f"{size:>5} " + " ".join(f"{value:>14.2e}" for value in row.values()))

# %% [markdown]
# Read the table down the columns (the factors are printed below). With the initialisation
# `began_lite.nets` uses (Xavier-uniform weights and zero biases, as in BEGAN-tensorflow), the
# plain generator's first layer keeps a share of the gradient of the same order as its last
# layer's even at 128 px: the ratio falls by a factor of about 2 per doubling of the size, and
# neither improvement changes it by more than a small factor. The improvements matter more for
# an initialisation that shrinks the signal layer by layer, such as torch's default, which
# `began_lite` no longer uses for BEGAN (the docstring of `nets.init_like_tensorflow` says why).
# This is only the first step of training, one seed, one loss.

# %%
sizes = list(ratios)
for small, large in zip(sizes, sizes[1:]):
    print(f"{small} -> {large} px: the ratio shrinks by " + ", ".join(
        f"{name} x{ratios[small][name] / ratios[large][name]:.1f}" for name in variants))
print(f"at {sizes[-1]} px, against plain: " + ", ".join(
    f"{name} x{ratios[sizes[-1]][name] / ratios[sizes[-1]]['plain']:.0f}"
    for name in variants if name != "plain"))
#
# ## 8.6 Parameters and FLOPs per image
#
# The presets' networks, counted without allocating any memory: built under
# `torch.device("meta")`, a module has shapes but no numbers, and `FlopCounterMode` counts the
# FLOPs of one forward pass from the shapes alone (2 per multiply-add in convs and linear maps;
# biases, ELUs and up-sampling are not counted). `python -m began_lite params --preset NAME`
# prints the same parameter counts; the assert below compares with the networks it builds.

# %%
def preset_row(name):
    """(config, G params, D params, G FLOPs, D FLOPs) for one preset, counted on the meta device."""
    config = load_config(name)
    S_, C_ = config.image_size, config.channels
    with torch.device("meta"):
        g, d = nets.build_began(S_, C_, config.n, config.h, config.z_dim, config.repeat,
                                config.skip, config.generator_n, config.generator_repeat)
    return (config, nets.count_parameters(g), nets.count_parameters(d),
            flops_per_image(g, (config.z_dim,)), flops_per_image(d, (C_, S_, S_)))


rows = {name: preset_row(name) for name in ("mnist", "cifar10", "celeba64", "celeba128")}
print(f"{'preset':>9} {'px':>4} {'C':>2} {'n':>4} {'G n':>4} {'h':>3} {'z':>3} {'rep':>3} "
      f"{'skip':>5} {'G params':>11} {'D params':>11} {'G GFLOPs':>9} {'D GFLOPs':>9}")
for name, (cfg, g_count, d_count, g_flops, d_flops) in rows.items():
    print(f"{name:>9} {cfg.image_size:>4} {cfg.channels:>2} {cfg.n:>4} "
          f"{cfg.generator_n or cfg.n:>4} {cfg.h:>3} {cfg.z_dim:>3} "
          f"{cfg.repeat:>3} {cfg.skip!s:>5} {g_count:>11,} {d_count:>11,} {g_flops / 1e9:>9.3f} "
          f"{d_flops / 1e9:>9.3f}")
g_cli, d_cli = build_networks(load_config("celeba64"))
assert (nets.count_parameters(g_cli), nets.count_parameters(d_cli)) == rows["celeba64"][1:3]

# %% [markdown]
# `n` is $D$'s width and `G n` the generator's: the mnist preset unbalances the pair, its $G$
# twice as wide as its $D$ (chapter 13 trains such pairs). The FLOPs columns are one forward
# pass per image; a training step adds the backward passes and runs $D$ on both real and
# generated images. From the 64 px to the 128 px preset the discriminator's cost grows by the
# factor printed below: four times the pixels, and twice the filters, so four times the weights
# per conv. Exercise 2 asks you to predict the ratio for the *same* $n$.

# %%
print(f"D FLOPs, celeba128 / celeba64: {rows['celeba128'][4] / rows['celeba64'][4]:.2f}; "
      f"G FLOPs: {rows['celeba128'][3] / rows['celeba64'][3]:.2f}")

# %% [markdown]
# Where do the parameters and the FLOPs sit? Record every conv and linear layer of the 128 px
# discriminator with a forward hook (the shapes are all we need, so the meta device still
# works), group the layers by the side of the map they produce (the two fully connected maps at
# the 8x8 boundary count as 8), and check that the per-layer FLOPs add up to `FlopCounterMode`'s
# total:

# %%
def layer_profile(module, input_shape):
    """[(map side, parameters, FLOPs)] for every conv and linear layer in one forward pass."""
    rows_ = []

    def record(layer, inputs, output):
        params = sum(p.numel() for p in layer.parameters())
        if isinstance(layer, nn.Conv2d):
            side, macs = output.shape[-1], output[0].numel() * layer.weight[0].numel()
        else:
            side, macs = 8, layer.in_features * layer.out_features
        rows_.append((side, params, 2 * macs))

    hooks = [m.register_forward_hook(record) for m in module.modules()
             if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        module(torch.zeros(1, *input_shape, device="meta"))
    for hook in hooks:
        hook.remove()
    return rows_


cfg = rows["celeba128"][0]
with torch.device("meta"):
    _, d128 = nets.build_began(128, 3, cfg.n, cfg.h, cfg.z_dim, cfg.repeat)
profile = np.array(layer_profile(d128, (3, 128, 128)), dtype=np.float64)
sides = [8, 16, 32, 64, 128]
params_by = [profile[profile[:, 0] == s, 1].sum() for s in sides]
flops_by = [profile[profile[:, 0] == s, 2].sum() for s in sides]
print(f"sum of per-layer FLOPs {profile[:, 2].sum():,.0f} = FlopCounterMode "
      f"{rows['celeba128'][4]:,}: {profile[:, 2].sum() == rows['celeba128'][4]}")
for s, p, f in zip(sides, params_by, flops_by):
    print(f"{s:>4}x{s:<4} {p / 1e6:6.2f}M parameters ({p / profile[:, 1].sum():5.1%})  "
          f"{f / 1e9:6.2f} GFLOPs ({f / profile[:, 2].sum():5.1%})")
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
axes[0].bar([str(s) for s in sides], np.array(params_by) / 1e6)
axes[0].set(xlabel="side of the feature map (px)", ylabel="parameters (millions)",
            title="D at 128 px: parameters")
axes[1].bar([str(s) for s in sides], np.array(flops_by) / 1e9, color="C1")
axes[1].set(xlabel="side of the feature map (px)", ylabel="GFLOPs per image",
            title="D at 128 px: forward FLOPs")
fig.tight_layout()
plt.show()

# %% [markdown]
# The two are each other's mirror image. The parameters sit at 8x8, where the encoder is widest
# ($5n = 640$ filters) and the fully connected maps live; the FLOPs sit at 128x128, where every
# weight is applied at $128^2$ positions. That is why the 128 px model is slow (compute at high
# resolution) and large (weights at low resolution) at the same time.
#
# ## 8.7 Our count against the paper's 17.3M
#
# For the paper's 128 px model ($n = 128$, $h = N_z = 64$, `repeat` 2, RGB) we count G + D:

# %%
cfg, g_count, d_count = rows["celeba128"][:3]
encoder_count = nets.count_parameters(d128.encoder)
print(f"G {g_count:,} + D {d_count:,} = {g_count + d_count:,} ({(g_count + d_count) / 1e6:.2f}M)"
      f" against the paper's 17.3M: {((g_count + d_count) / 17.3e6 - 1):+.1%}")
print(f"D alone: {d_count / 1e6:.2f}M; its encoder {encoder_count / 1e6:.2f}M, "
      f"its decoder {nets.count_parameters(d128.decoder) / 1e6:.2f}M")
at_8 = sum(nets.count_parameters(m) for m in [*d128.encoder.convs[-cfg.repeat:], d128.encoder.fc])
print(f"encoder weights at 8x8 (stride-2 conv, 640 -> 640 conv, 40960 -> 64 map): "
      f"{at_8 / 1e6:.2f}M of {encoder_count / 1e6:.2f}M")

# %% [markdown]
# Our count is a fifth above the paper's, and more than half of the encoder's weight sits in
# three layers at 8x8. The section 3.5 ambiguities touch exactly those layers. `nets.py`'s module
# docstring lists what other readings give; `began_lite.architecture.reading_parameters` counts
# each one from its list of conv widths (its tests check that the first reading is what `nets`
# builds, and that the public TF code's layout gives its number). Here they are recomputed and
# set beside the docstring's table:

# %%
documented = [float(line.rsplit("|", 2)[1].strip().rstrip("M"))
              for line in nets.__doc__.splitlines() if line.rstrip().endswith("M |")]
ours = reading_parameters(128, 3, 128, 64, 64, 2)["total"]
print(f"{'reading of section 3.5':<52} {'G + D':>11} {'- ours':>11} {'docstring':>10}")
for (name, kwargs), doc in zip(READINGS.items(), documented):
    total = reading_parameters(128, 3, 128, 64, 64, 2, **kwargs)["total"]
    same = "same" if round(total / 1e6, 2) == doc else "DIFFERS"
    print(f"{name:<52} {total:>11,} {total - ours:>+11,} {doc:>9.2f}M {same}")
print(f"paper: 17.3M, {17.3e6 - ours:+,.0f} from ours; one 640 -> 640 conv: {9 * 640 ** 2 + 640:,}")
with torch.device("meta"):
    g128, _ = nets.build_began(128, 3, 128, 64, 64, 2)
biases = sum(p.numel() for net in (g128, d128) for name, p in net.named_parameters()
             if name.endswith("bias"))
print(f"biases in our G + D: {biases:,}")

# %% [markdown]
# None of the readings gives 17.3M; the two closest are ours at 20.81M and a reading that drops
# the 640 → 640 conv at 8x8 (17.12M), which section 4.1's 17.3M would suggest but which goes
# against the text's rule that each layer is repeated. The differences have these sources:
#
# - **The 8x8 scale.** With $5n = 640$ filters, one $3\times3$ conv there has
#   $9 \cdot 640^2 + 640 = 3{,}687{,}040$ parameters, more than the whole gap between our count
#   and the paper's (printed last). Whether the 8x8 scale repeats its conv, the text does not say.
# - **Where the stride-2 conv sits.** A separate stride-2 conv per scale, as in the public
#   TensorFlow code, adds 4.42M parameters; one that also widens adds 7.96M.
# - **What is counted.** The paper counts trainable parameters without saying of which network;
#   $D$ alone is printed above.
# - **What the figure and text leave to the reader.** The decoder's widths: growing them back
#   from $5n$ to $n$ more than doubles the count (47.36M). 3.5.1's skip connections add 1.18M.
#   Biases, which the text never mentions, are too few to matter (printed last).
#
# `began_lite` trains the reading printed first; the 20% more parameters change the cost
# (section 8.6), not the method.
#
# ## 8.8 What one unit of the 8x8 map sees
#
# The fully connected layer mixes every position of the 8x8 map, so each unit of $h$ depends on
# the whole image. One position of the 8x8 map itself sees only a window of the input, its
# **receptive field**: each $3\times3$ conv widens the window by $2 \times$ (the product of the
# strides before it). Computed for the presets' encoders:

# %%
for name in ("mnist", "cifar10", "celeba64", "celeba128"):
    cfg = rows[name][0]
    with torch.device("meta"):
        encoder = nets.Encoder(cfg.image_size, cfg.channels, cfg.n, cfg.h, cfg.repeat)
    field = receptive_field(encoder.convs)
    print(f"{name:>9}: {cfg.image_size} px, repeat {cfg.repeat}: receptive field {field} px "
          f"({field / cfg.image_size:.2f} of the side); pixels / h = "
          f"{cfg.channels * cfg.image_size ** 2 / cfg.h:.0f}")

# %% [markdown]
# Now check it. The gradient of one unit of the 8x8 map with respect to the input is non-zero
# exactly where that unit looks (the ELU's derivative is never zero, and in float64 no term
# cancels by chance). `input_support` measures the height and width of that region for a
# unit near the centre, where the window is not cut by the border, and for the corner unit, where
# it is:

# %%
for size in B["rf_sizes"]:
    torch.manual_seed(B["seed"])
    encoder = nets.Encoder(size, 1, B["rf_n"], 4, repeat=2)
    image = torch.randn(1, 1, size, size)
    field = receptive_field(encoder.convs)
    centre, corner = input_support(encoder.convs, image, 4, 4), input_support(encoder.convs,
                                                                              image, 0, 0)
    print(f"{size} px, repeat 2: computed {field} px; gradient support of unit (4, 4): "
          f"{centre}, of unit (0, 0): {corner}")

# %% [markdown]
# The centre unit's support is exactly the computed field. The corner unit's is smaller because
# zero padding cuts its window at the border. Every window is wider than the stride between
# neighbouring units ($S/8$ pixels), so neighbouring units overlap. With `repeat` 2 one unit sees
# about three quarters of the image side at every size (the fractions printed above); with
# `repeat` 1 the same recursion gives 11 px at 32 px, about a third: repeats, not only depth,
# widen the view. The last column of that table is the compression the embedding has to
# achieve: $N_x / N_h$ pixel values per unit of $h$, from 16 for the mnist preset to 768 for the
# 128 px model.
#
# ## Summary
#
# - Section 3.5 fixes $3\times3$ conv + ELU layers repeated per scale, widths $n, 2n, \dots$ with
#   stride-2 down-sampling, nearest up-sampling, a linear map at the 8x8 boundary, and $G$ shaped
#   like the decoder. Written from the text in under 40 lines, the networks match
#   `began_lite.nets` parameter for parameter and output for output.
# - Skip connections concatenate $h_0$ at every scale for $(L-1)\,9n^2$ extra weights per decoder;
#   vanishing residuals mix each same-size block's input into its output with a carry that falls
#   from 1 to 0 over 16,000 steps. At carry 1 the residual blocks are identities and $G$ (without
#   skips) is affine in $z$; at carry 0 the network is the plain one. At our initialisation the
#   plain stack already keeps a fair share of the gradient at $G$'s first layer; the
#   improvements change it by small factors.
# - The parameters sit at 8x8, the FLOPs at full resolution. Our 128 px model has 20.81M
#   parameters against the paper's 17.3M; the gap comes from what the text leaves open at 8x8.
# - One unit of the 8x8 map sees a window the receptive-field recursion predicts and a gradient
#   confirms; $h$ sees the whole image.
#
# ## Exercises
#
# 1. **(checked)** Derive the number of parameters of the encoder as a formula in $S$, $C$, $n$,
#    $h$ and `repeat` (sum over the scales; a closed form uses $\sum i(i+1)$ and $\sum (i+1)^2$).
#    Write it as `encoder_parameters(image_size, channels, n, h, repeat)` without building a
#    network. The checker tries it on several configurations, then shows it beside the true count
#    for one this chapter never printed.
# 2. **(checked)** Predict the ratio of the discriminator's forward FLOPs at 128 px to those at
#    64 px for the *same* $n = h = 64$, `repeat` 2, RGB. Use $2 \cdot 9\, c_\mathrm{in}
#    c_\mathrm{out} s^2$ per conv with output side $s$, and $2 \cdot \mathrm{in} \cdot
#    \mathrm{out}$ per linear map. Why is the answer not exactly 4?
# 3. Compute by hand the receptive field of the 8x8 map of a 256 px encoder with `repeat` 3, then
#    check it with `receptive_field(nets.Encoder(256, 3, 2, 2, repeat=3).convs)`.
# 4. Rerun section 8.5 with `repeat=3` and with a smaller width. Which of the two improvements
#    depends more on depth?

# %%
# NBVAL_IGNORE_OUTPUT
def encoder_parameters(image_size, channels, n, h, repeat):
    """Trainable parameters of BEGAN's encoder, from the formula alone."""
    ### BEGIN SOLUTION
    L = int(math.log2(image_size // 8)) + 1   # scales S, S/2, ..., 8
    sum_i_i1 = (L - 1) * L * (L + 1) // 3     # sum_{i=1}^{L-1} i (i + 1): the widening convs
    sum_sq = L * (L + 1) * (2 * L + 1) // 6 - 1  # sum_{i=1}^{L-1} (i + 1)^2: the same-width ones
    sum_lin = L * (L + 1) // 2 - 1            # sum_{i=1}^{L-1} (i + 1): their biases
    return (9 * channels * n + n                          # stem conv C -> n
            + repeat * (9 * n * n + n)                    # scale 0: repeat convs n -> n
            + 9 * n * n * (sum_i_i1 + (repeat - 1) * sum_sq) + repeat * n * sum_lin
            + 64 * L * n * h + h)                         # fc: 8 x 8 x Ln -> h
    ### END SOLUTION


passed = check_encoder_parameters(encoder_parameters)

# %%
# NBVAL_IGNORE_OUTPUT
def predicted_flops_ratio():
    """Your FLOPs(D at 128 px) / FLOPs(D at 64 px) for n = h = 64, repeat 2, RGB, from a formula."""
    ### BEGIN SOLUTION
    def d_flops(size, n=64, h=64, channels=3, repeat=2):
        """D's forward FLOPs: 2 * 9 * c_in * c_out * s^2 per conv, 2 * in * out per fc."""
        L = int(math.log2(size // 8)) + 1
        total, width = 2 * 9 * channels * n * size ** 2, n    # stem
        for i in range(L):                                    # encoder, scale i: side size / 2^i
            for _ in range(repeat):
                total += 2 * 9 * width * (i + 1) * n * (size >> i) ** 2
                width = (i + 1) * n
        total += 2 * 64 * width * h + 2 * h * 64 * n          # the two fully connected maps
        total += sum(repeat * 2 * 9 * n * n * (8 << i) ** 2 for i in range(L))  # decoder
        return total + 2 * 9 * n * channels * size ** 2       # output conv

    # Not 4: scale i of the 128 px net has the widths of scale i of the 64 px net and 4x the
    # pixels, so 4x the work; but the 128 px net has one more scale, at 8x8, where the encoder's
    # widest convs (4n -> 5n, 5n -> 5n) sit; the fc maps do not grow with the pixels.
    return d_flops(128) / d_flops(64)
    ### END SOLUTION


passed = check_flops_ratio(predicted_flops_ratio())
