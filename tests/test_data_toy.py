"""Toy mixtures: samples match their moments, log_prob is exact and normalised, modes are right."""
import math

import pytest
import torch

from began_lite.data import TOYS, Gaussian1D, GaussianMixture, Grid25, Mixture1D, Ring8

N = 20000


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def box_integral(toy, half_width, step):
    """Riemann sum of toy.density over boxes of +-half_width stds around every mode, summed."""
    std = float(torch.as_tensor(toy.std).max())
    ticks = torch.arange(-half_width * std, half_width * std + step / 2, step, dtype=torch.float64)
    offsets = ticks[:, None] if toy.dim == 1 else torch.cartesian_prod(ticks, ticks)
    points = (toy.modes.double()[:, None, :] + offsets[None]).reshape(-1, toy.dim)
    return float(toy.density(points).sum()) * step**toy.dim


def test_gaussian_1d_moments_and_exact_log_prob():
    toy = Gaussian1D(mean=1.5, std=0.5)
    x = toy.sample(N, generator=gen())
    assert x.shape == (N, 1) and x.dtype == torch.float32 and toy.dim == 1
    assert abs(float(x.mean()) - 1.5) < 4 * 0.5 / math.sqrt(N)
    assert abs(float(x.std()) - 0.5) < 0.02
    grid = torch.linspace(-3, 5, 101, dtype=torch.float64)
    expected = torch.distributions.Normal(1.5, 0.5).log_prob(grid)
    torch.testing.assert_close(toy.log_prob(grid), expected)  # (n,) accepted when dim is 1
    torch.testing.assert_close(toy.density(grid[:, None]), expected.exp())
    assert toy.std == 0.5 and toy.modes.tolist() == [[1.5]]


def test_mixture_1d_moments_weights_and_normalisation():
    means, stds, weights = [-2.0, 1.0, 4.0], [0.5, 1.0, 0.3], [1.0, 2.0, 1.0]
    toy = Mixture1D(means, stds, weights)
    w = torch.tensor(weights) / 4
    mean = float((w * torch.tensor(means)).sum())
    var = float((w * (torch.tensor(stds) ** 2 + torch.tensor(means) ** 2)).sum()) - mean**2
    x = toy.sample(N, generator=gen(1))
    assert abs(float(x.mean()) - mean) < 4 * math.sqrt(var / N)
    assert abs(float(x.var()) - var) < 0.05 * var
    grid = torch.linspace(-8, 10, 4001, dtype=torch.float64)
    assert abs(float(torch.trapezoid(toy.density(grid), grid)) - 1) < 1e-6
    torch.testing.assert_close(toy.std, torch.tensor(stds))  # per-mode when they differ
    torch.testing.assert_close(toy.weights.sum(), torch.tensor(1.0, dtype=torch.float64))


def full_grid_integral(toy, step):
    """Riemann sum of toy.density over a square covering every mode +- 8 stds."""
    reach = float(toy.modes.abs().max()) + 8 * toy.std
    ticks = torch.arange(-reach, reach + step / 2, step, dtype=torch.float64)
    return float(toy.density(torch.cartesian_prod(ticks, ticks)).sum()) * step**2


@pytest.mark.parametrize("toy", [Ring8(), Grid25()])
def test_2d_density_integrates_to_one_around_each_mode(toy):
    # Default modes are >30 stds apart, so boxes of +-8 stds hold all the mass without overlap;
    # a Riemann sum with step std/2 is exact to ~1e-17 for a Gaussian (Poisson summation).
    assert abs(box_integral(toy, half_width=8, step=toy.std / 2) - 1) < 1e-6


@pytest.mark.parametrize("toy", [Ring8(radius=1.0, std=0.2), Grid25(spacing=1.0, std=0.4)])
def test_2d_density_integrates_to_one_when_modes_overlap(toy):
    assert abs(full_grid_integral(toy, step=toy.std / 3) - 1) < 1e-6


def test_ring8_modes_on_circle_equally_visited():
    toy = Ring8(radius=2.0, std=0.02)
    radii = toy.modes.norm(dim=1)
    torch.testing.assert_close(radii, torch.full((8,), 2.0))
    angles = torch.atan2(toy.modes[:, 1], toy.modes[:, 0]) % (2 * math.pi)
    torch.testing.assert_close(angles, torch.arange(8) * 2 * math.pi / 8, atol=1e-5, rtol=0)
    x = toy.sample(8000, generator=gen(2))
    nearest = torch.cdist(x, toy.modes).argmin(dim=1)
    counts = torch.bincount(nearest, minlength=8).float()
    assert (counts - 1000).abs().max() < 4 * math.sqrt(1000)
    assert float((x - toy.modes[nearest]).std()) == pytest.approx(0.02, rel=0.05)


def test_grid25_modes_and_equal_mixture():
    toy = Grid25()
    got = sorted(map(tuple, toy.modes.tolist()))
    assert got == sorted((a, b) for a in (-4, -2, 0, 2, 4) for b in (-4, -2, 0, 2, 4))
    x = toy.sample(25000, generator=gen(3))
    counts = torch.bincount(torch.cdist(x, toy.modes).argmin(dim=1), minlength=25).float()
    assert (counts - 1000).abs().max() < 4 * math.sqrt(1000)
    assert toy.std == 0.05 and toy.dim == 2


def test_log_prob_at_a_mode_is_the_closed_form():
    toy = Ring8(std=0.1)
    # At a mode, the other seven modes are >1.5 away (>15 stds), so only one term counts.
    expected = math.log(1 / 8) - math.log(2 * math.pi * 0.1**2)
    torch.testing.assert_close(toy.log_prob(toy.modes), torch.full((8,), expected))


def test_sampling_is_repeatable_with_a_generator():
    for make in TOYS.values():
        toy = make()
        assert torch.equal(toy.sample(50, generator=gen(7)), toy.sample(50, generator=gen(7)))
        assert not torch.equal(toy.sample(50, generator=gen(7)), toy.sample(50, generator=gen(8)))


def test_bad_mixture_parameters_raise():
    with pytest.raises(ValueError, match="stds"):
        Mixture1D([0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="> 0"):
        GaussianMixture([[0.0]], [0.0])
