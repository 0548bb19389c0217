"""D*, V, C(G), KL and JSD on grids and discrete distributions (Goodfellow et al. 2014, 4.1)."""
import math

import numpy as np
import pytest
import torch

from began_lite.errors import UserError
from began_lite.theory import (jsd, kl, optimal_discriminator, value_function,
                               virtual_training_criterion)


def gaussian_on_grid(x, mean, std):
    """A normal density on the grid x, renormalised so it sums to 1 with the grid's dx."""
    p = np.exp(-0.5 * ((x - mean) / std) ** 2)
    return p / (p.sum() * (x[1] - x[0]))


def test_optimal_discriminator_closed_form_and_zeros():
    d = optimal_discriminator([1.0, 0.0, 3.0, 0.0], [1.0, 2.0, 1.0, 0.0])
    np.testing.assert_allclose(d, [0.5, 0.0, 0.75, 0.5])
    assert np.isnan(optimal_discriminator([0.0], [0.0], where_both_zero=float("nan"))[0])


def test_optimal_discriminator_maximises_value_function():
    p, q = np.array([0.5, 0.3, 0.2]), np.array([0.1, 0.3, 0.6])
    best = value_function(p, q, optimal_discriminator(p, q))
    rng = np.random.default_rng(0)
    for _ in range(50):
        assert value_function(p, q, rng.uniform(0.01, 0.99, 3)) <= best + 1e-12


def test_kl_discrete_by_hand_and_edge_cases():
    p, q = [0.5, 0.5, 0.0], [0.25, 0.5, 0.25]
    assert kl(p, q) == pytest.approx(0.5 * math.log(2))
    assert kl(p, p) == 0.0
    assert kl(q, p) == math.inf  # q puts mass where p has none
    assert kl([0.0, 1.0], [0.5, 0.5]) == pytest.approx(math.log(2))  # 0 log 0 = 0


def test_jsd_bounds_symmetry_and_disjoint_supports():
    p, q = [0.7, 0.3, 0.0, 0.0], [0.0, 0.2, 0.3, 0.5]
    assert jsd(p, q) == pytest.approx(jsd(q, p))
    assert 0 < jsd(p, q) < math.log(2)
    assert jsd(p, p) == 0.0
    assert jsd([1.0, 0.0], [0.0, 1.0]) == pytest.approx(math.log(2))


def test_jsd_matches_its_kl_definition_on_a_grid():
    x = np.linspace(-8, 8, 4001)
    dx = x[1] - x[0]
    p, q = gaussian_on_grid(x, 0, 1), gaussian_on_grid(x, 1.5, 0.7)
    m = (p + q) / 2
    assert jsd(p, q, dx) == pytest.approx(0.5 * kl(p, m, dx) + 0.5 * kl(q, m, dx), rel=1e-12)
    # a closed form to compare: KL of two normals
    assert kl(p, q, dx) == pytest.approx(math.log(0.7) + (1 + 1.5**2) / (2 * 0.49) - 0.5, rel=1e-6)


@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (1.0, 1.0), (-2.0, 0.5), (3.0, 2.0)])
def test_virtual_training_criterion_is_minus_log4_plus_2_jsd(mean, std):
    x = np.linspace(-15, 15, 6001)
    dx = x[1] - x[0]
    p_data, p_g = gaussian_on_grid(x, 0, 1), gaussian_on_grid(x, mean, std)
    c = virtual_training_criterion(p_data, p_g, dx)
    assert c == pytest.approx(-math.log(4) + 2 * jsd(p_data, p_g, dx), abs=1e-9)
    assert c >= -math.log(4) - 1e-12


def test_virtual_training_criterion_minimum_at_p_g_equal_p_data():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    assert virtual_training_criterion(p, p) == pytest.approx(-math.log(4))
    assert virtual_training_criterion(p, p[::-1].copy()) > -math.log(4)


def test_torch_inputs_give_gradients_that_vanish_on_disjoint_supports():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    dx = float(x[1] - x[0])

    def bump(shift):  # a smooth density with support [shift - 1, shift + 1]
        inside = (x - shift).abs() < 1
        return torch.where(inside, (1 + torch.cos(math.pi * (x - shift))) / 2, torch.zeros_like(x))

    p_data = bump(torch.tensor(0.0, dtype=torch.float64))
    for shift, vanishes in [(0.5, False), (3.0, True)]:
        s = torch.tensor(shift, dtype=torch.float64, requires_grad=True)
        value = jsd(p_data, bump(s), dx)
        value.backward()
        assert torch.isfinite(s.grad)
        assert (abs(s.grad.item()) < 1e-12) == vanishes
        if vanishes:
            assert value.item() == pytest.approx(math.log(2))


def test_bad_inputs_raise_user_errors():
    with pytest.raises(UserError, match="shapes"):
        kl([0.5, 0.5], [1.0])
    with pytest.raises(UserError, match="negative"):
        jsd([1.5, -0.5], [0.5, 0.5])
    with pytest.raises(UserError, match="dx"):
        kl([0.5, 0.5], [0.5, 0.5], dx=0.0)
