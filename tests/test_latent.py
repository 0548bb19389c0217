"""began_lite.latent: embedding in z (BEGAN 4.3), interpolation in z and in D's h, bad input."""
import ast
from pathlib import Path

import pytest
import torch

import began_lite.latent as latent
from began_lite.began import sample_z
from began_lite.errors import UserError
from began_lite.latent import embed, image_error, interpolate, interpolate_h, mirror, mirror_h
from began_lite.nets import Generator, build_began

# DESIGN.md's layer order: latent comes after began and before loss_distributions and metrics.
ALLOWED = {"errors", "seeding", "files", "data", "nets", "theory", "gan", "began"}


def small_generator(seed=0):
    """An untrained 8 px BEGAN generator with z_dim = 4 (its images lie well inside [-1, 1])."""
    torch.manual_seed(seed)
    return Generator(8, 1, 8, 4, repeat=1)


def test_latent_imports_only_lower_layers():
    tree = ast.parse(Path(latent.__file__).read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    inside = {m.split(".")[1] for m in modules if m.startswith("began_lite.")}
    assert inside and inside <= ALLOWED


@pytest.mark.parametrize("seed", [0, 1])
def test_embed_finds_the_code_of_an_image_g_drew(seed):
    G = small_generator(seed)
    z_star = sample_z(4, 4, torch.Generator().manual_seed(1))
    x = G(z_star).detach().clamp(-1, 1)
    z, errors = embed(G, x, steps=300, lr=0.05)
    other = image_error(G, sample_z(4, 4, torch.Generator().manual_seed(7)), x).detach()
    assert errors.shape == (301, 4) and z.shape == (4, 4)
    assert errors[-1].max() < 0.003                     # near zero ...
    assert errors[0].min() > 0.02 and other.min() > 0.02  # ... where a random z is far off
    assert (z - z_star).abs().max() < 0.05
    assert torch.allclose(errors[-1], image_error(G, z, x).detach())


def test_error_is_zero_at_the_true_code_even_where_g_overshoots():
    G = small_generator()
    with torch.no_grad():
        G.out.weight.mul_(20)  # a linear output far outside [-1, 1], as a trained G's can be
    z_star = sample_z(3, 4, torch.Generator().manual_seed(2))
    raw = G(z_star).detach()
    assert (raw.abs() > 1).float().mean() > 0.2
    assert torch.equal(image_error(G, z_star, raw.clamp(-1, 1)), torch.zeros(3))


def test_errors_start_at_the_seeded_random_code():
    G = small_generator()
    x = torch.rand(3, 1, 8, 8) * 2 - 1
    _, errors = embed(G, x, steps=5, lr=0.05, seed=4)
    start = sample_z(3, 4, torch.Generator().manual_seed(4))
    assert torch.equal(errors[0], image_error(G, start, x).detach())
    assert errors.shape == (6, 3)


def test_z_stays_in_the_cube_when_the_best_code_lies_outside():
    G = small_generator()
    z_far = 2.5 * sample_z(4, 4, torch.Generator().manual_seed(1))  # outside [-1, 1]^4
    z, _ = embed(G, G(z_far).detach().clamp(-1, 1), steps=100, lr=0.05)
    assert z.abs().max() <= 1.0
    assert (z.abs() == 1.0).any()  # the projection acted: some coordinates sit on the faces


def test_embed_leaves_g_alone_and_repeats():
    G = small_generator()
    before = [p.detach().clone() for p in G.parameters()]
    x = G(sample_z(2, 4, torch.Generator().manual_seed(3))).detach().clamp(-1, 1)
    z1, e1 = embed(G, x, steps=20, lr=0.05)
    z2, e2 = embed(G, x, steps=20, lr=0.05)
    assert torch.equal(z1, z2) and torch.equal(e1, e2)
    assert all(p.grad is None for p in G.parameters())
    assert all(torch.equal(a, b) for a, b in zip(before, G.parameters()))


@pytest.mark.parametrize("images, words", [
    (torch.zeros(1, 8, 8), "(B, C, S, S)"),                  # one image without a batch dim
    (torch.zeros(0, 1, 8, 8), "B >= 1"),                     # empty batch
    (torch.zeros(2, 1, 16, 16), "(1, 8, 8)"),                # wrong size
    (torch.zeros(2, 3, 8, 8), "(1, 8, 8)"),                  # wrong channels
    (torch.full((2, 1, 8, 8), 255.0), "x / 127.5 - 1"),      # 0..255 pixels
    (torch.full((2, 1, 8, 8), -1.01), "[-1, 1]"),            # just below the range
    (torch.full((2, 1, 8, 8), float("nan")), "[-1, 1]"),     # NaN
    ([[0.0]], "(B, C, S, S)"),                               # not a tensor
])
def test_embed_bad_images(images, words):
    with pytest.raises(UserError) as err:
        embed(small_generator(), images, steps=2)
    message = str(err.value)
    assert words in message and "\n" not in message


@pytest.mark.parametrize("steps, lr", [(0, 0.05), (2.5, 0.05), (10, 0.0), (10, -1.0), (10, "1")])
def test_embed_bad_steps_or_lr(steps, lr):
    with pytest.raises(UserError, match="steps must be a positive int"):
        embed(small_generator(), torch.zeros(1, 1, 8, 8), steps=steps, lr=lr)


def test_interpolate_ends_shape_and_spacing():
    z_a, z_b = torch.rand(5) * 2 - 1, torch.rand(5) * 2 - 1
    path = interpolate(z_a, z_b, 7)
    assert path.shape == (7, 5)
    assert torch.equal(path[0], z_a) and torch.equal(path[-1], z_b)
    assert torch.allclose(path[3], (z_a + z_b) / 2)
    assert torch.allclose(path.diff(dim=0), ((z_b - z_a) / 6).expand(6, 5), atol=1e-6)
    assert torch.equal(interpolate(z_a, z_b, 2), torch.stack([z_a, z_b]))


@pytest.mark.parametrize("z_a, z_b, count", [
    (torch.zeros(2, 5), torch.zeros(2, 5), 4),   # a batch of codes, not one
    (torch.zeros(5), torch.zeros(6), 4),         # different z_dim
    (torch.zeros(5), torch.zeros(5), 1),         # no room for both ends
    (torch.zeros(5), torch.zeros(5), 3.0),       # not an int
])
def test_interpolate_bad_input(z_a, z_b, count):
    with pytest.raises(UserError) as err:
        interpolate(z_a, z_b, count)
    assert "\n" not in str(err.value)


def test_interpolate_h_ends_are_d_reconstructions():
    torch.manual_seed(0)
    _, D = build_began(8, 1, 4, 6, 4, repeat=1)
    x = torch.rand(2, 1, 8, 8) * 2 - 1
    path = interpolate_h(D, x[0], x[1], 5)
    with torch.no_grad():
        ends = D(x)
    assert path.shape == (5, 1, 8, 8)
    assert torch.allclose(path[0], ends[0], atol=1e-6)
    assert torch.allclose(path[-1], ends[1], atol=1e-6)
    flipped = mirror_h(D, x[0], 3)
    with torch.no_grad():
        assert torch.allclose(flipped[-1], D(mirror(x[:1]))[0], atol=1e-6)


def test_mirror_flips_left_to_right():
    x = torch.arange(12.0).reshape(1, 1, 3, 4)
    assert torch.equal(mirror(x)[..., 0], x[..., -1])
    assert torch.equal(mirror(mirror(x)), x)


@pytest.mark.parametrize("x_a, x_b, words", [
    (torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8), "single images"),
    (torch.zeros(1, 8, 8), torch.zeros(1, 16, 16), "single images"),
    (torch.zeros(1, 16, 16), torch.zeros(1, 16, 16), "(1, 8, 8)"),
    (torch.full((1, 8, 8), 2.0), torch.zeros(1, 8, 8), "[-1, 1]"),
])
def test_interpolate_h_bad_input(x_a, x_b, words):
    _, D = build_began(8, 1, 4, 6, 4, repeat=1)
    with pytest.raises(UserError) as err:
        interpolate_h(D, x_a, x_b, 3)
    assert words in str(err.value) and "\n" not in str(err.value)
