"""Latent space (BEGAN section 4.3): embed real images in z, interpolate between codes, and
interpolate in the discriminator's embedding h, from two images or from an image to its mirror
(Figure 4d interpolates an image and its mirror in z; `mirror_h` does the same in h).

Embedding: z_r = argmin over z in [-1, 1]^z_dim of e_r = mean |x_r - G(z)|, found with Adam.
G(z) is the image G draws, its linear output clamped to [-1, 1] (see `image_error`).
"""
import torch
from torch import nn

from began_lite.began import sample_z
from began_lite.errors import UserError


def first_linear(module: nn.Module) -> nn.Linear:
    """The first nn.Linear inside `module`: BEGAN's G and D's decoder start with one (-> h0)."""
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            return layer
    raise UserError(f"{type(module).__name__} has no linear layer to read z_dim from; pass a "
                    f"BEGAN generator or decoder (began_lite.nets)")


def check_images(images, expected: tuple, name: str = "images") -> None:
    """UserError unless `images` is a (B, C, S, S) tensor of shape (B, *expected) in [-1, 1]."""
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or len(images) == 0:
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise UserError(f"{name} must be a (B, C, S, S) tensor with B >= 1, got {shape}; "
                        f"add a batch dimension with x[None] for one image")
    if tuple(images.shape[1:]) != tuple(expected):
        raise UserError(f"{name} have (C, S, S) = {tuple(images.shape[1:])}, but the network "
                        f"works on {tuple(expected)}; load them at that size and channel count")
    low, high = images.min().item(), images.max().item()
    if not (-1.0 <= low and high <= 1.0):  # also catches NaN
        raise UserError(f"{name} must lie in [-1, 1], got values from {low:.4g} to {high:.4g}; "
                        f"rescale 0..1 images by 2 * x - 1 and 0..255 images by x / 127.5 - 1")


def output_shape(decoder: nn.Module) -> tuple:
    """(C, S, S) of the images a BEGAN generator or decoder draws, from one code of zeros."""
    layer = first_linear(decoder)
    with torch.no_grad():
        return tuple(decoder(layer.weight.new_zeros(1, layer.in_features)).shape[1:])


def image_error(generator: nn.Module, z: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """e_r per image, (B,): mean |x - clamp(G(z), -1, 1)| over pixels, for z (B, z_dim).

    G's output is linear and overshoots [-1, 1] (background drawn at -1.5, strokes at 2); the
    image it draws is the clamped one. Unclamped, the error would charge G for overshoot no image
    shows, and even G's own images, clamped, could not be embedded with zero error."""
    return (images - generator(z).clamp(-1, 1)).abs().flatten(1).mean(1)


def embed(generator: nn.Module, images: torch.Tensor, steps: int = 300, lr: float = 0.05,
          seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Embed images (B, C, S, S) in [-1, 1] in G's code space: returns (z (B, z_dim), errors).

    errors is (steps + 1, B): row t holds each image's e_r after t Adam steps (row 0: the random
    start, z ~ U[-1, 1] from `seed`). z is clamped to [-1, 1] after every step (projected Adam),
    not parametrised as tanh(w): inside the cube Adam's step is unchanged, and codes on its faces,
    which G was trained on, stay reachable (tanh reaches +-1 only as w -> infinity). Each image
    has its own z and Adam is per coordinate, so a batch embeds like its images one by one.
    G's weights are not touched (no .grad is written)."""
    check_images(images, output_shape(generator))
    if not isinstance(steps, int) or steps < 1 or not (isinstance(lr, (int, float)) and lr > 0):
        raise UserError(f"steps must be a positive int and lr positive, got steps={steps!r}, "
                        f"lr={lr!r}; e.g. steps=300, lr=0.05")
    z_dim = first_linear(generator).in_features
    rng = torch.Generator().manual_seed(seed)
    z = sample_z(len(images), z_dim, rng, device=images.device).requires_grad_()
    optimizer = torch.optim.Adam([z], lr=lr)
    errors = []
    for _ in range(steps):
        error = image_error(generator, z, images)
        errors.append(error.detach())
        z.grad, = torch.autograd.grad(error.sum(), [z])  # only z's gradient: G keeps no .grad
        optimizer.step()
        with torch.no_grad():
            z.clamp_(-1, 1)
    with torch.no_grad():
        errors.append(image_error(generator, z, images))
    return z.detach(), torch.stack(errors)


def interpolate(z_a: torch.Tensor, z_b: torch.Tensor, count: int) -> torch.Tensor:
    """(count, z_dim): codes evenly spaced from z_a to z_b (each (z_dim,)), both ends included."""
    z_a, z_b = torch.as_tensor(z_a), torch.as_tensor(z_b)
    if z_a.ndim != 1 or z_a.shape != z_b.shape:
        raise UserError(f"z_a and z_b must be two codes of the same shape (z_dim,), got "
                        f"{tuple(z_a.shape)} and {tuple(z_b.shape)}; pass z[i], not z")
    if not isinstance(count, int) or count < 2:
        raise UserError(f"count must be an int >= 2 (both end points are included), got {count!r}")
    t = torch.linspace(0, 1, count, dtype=z_a.dtype, device=z_a.device)[:, None]
    return (1 - t) * z_a + t * z_b  # t = 0 and t = 1 give z_a and z_b exactly


def mirror(images: torch.Tensor) -> torch.Tensor:
    """Images flipped left to right: (..., H, W) -> (..., H, W)."""
    return images.flip(-1)


def interpolate_h(discriminator: nn.Module, x_a: torch.Tensor, x_b: torch.Tensor,
                  count: int) -> torch.Tensor:
    """(count, C, S, S): D's decoder on h interpolated from D.encode(x_a) to D.encode(x_b).

    x_a, x_b are single images (C, S, S) in [-1, 1]; the output is the decoder's, unclamped."""
    x_a, x_b = torch.as_tensor(x_a), torch.as_tensor(x_b)
    if x_a.ndim != 3 or x_a.shape != x_b.shape:
        raise UserError(f"x_a and x_b must be two single images (C, S, S) of the same shape, got "
                        f"{tuple(x_a.shape)} and {tuple(x_b.shape)}; pass x[i], not x")
    pair = torch.stack([x_a, x_b])
    check_images(pair, output_shape(discriminator.decoder), "x_a and x_b")
    with torch.no_grad():
        h = discriminator.encode(pair)
        return discriminator.decoder(interpolate(h[0], h[1], count))


def mirror_h(discriminator: nn.Module, x: torch.Tensor, count: int) -> torch.Tensor:
    """(count, C, S, S): interpolate_h from image x (C, S, S) to its mirror (cf. Figure 4d)."""
    return interpolate_h(discriminator, x, mirror(x), count)
