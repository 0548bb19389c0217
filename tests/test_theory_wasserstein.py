"""wasserstein1 and mean_lower_bound: hand cases, invariances, SciPy, the bound |m1 - m2| <= W1."""
import numpy as np
import pytest
import torch

from began_lite.errors import UserError
from began_lite.theory import mean_lower_bound, wasserstein1


def test_equal_lengths_pair_sorted_samples():
    # Sorted, [1, 2, 3] against [2, 4, 9]: gaps 1, 2, 6, each weighted 1/3.
    assert wasserstein1([3.0, 1.0, 2.0], [9.0, 2.0, 4.0]) == pytest.approx(3.0)


def test_unequal_lengths_by_hand():
    # Quantile steps of [0, 1, 3] break at 1/3, 2/3; of [5, 6] at 1/2:
    # 5 on (0, 1/3], 4 on (1/3, 1/2], 5 on (1/2, 2/3], 3 on (2/3, 1].
    expected = 5 / 3 + 4 / 6 + 5 / 6 + 3 / 3
    assert wasserstein1([0.0, 1.0, 3.0], [5.0, 6.0]) == pytest.approx(expected)


def test_single_points_and_a_point_against_a_sample():
    assert wasserstein1([2.0], [-1.5]) == pytest.approx(3.5)
    # From a point at 0 every unit of mass moves |x|: the mean absolute value.
    assert wasserstein1([0.0], [-1.0, 2.0, 4.0, -3.0]) == pytest.approx(2.5)


def test_repeated_sample_is_the_same_distribution():
    a = np.array([0.5, -1.0, 2.0])
    assert wasserstein1(a, np.repeat(a, 4)) == pytest.approx(0.0, abs=1e-12)


def test_identical_is_zero_and_symmetric():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=17), rng.exponential(size=29)
    assert wasserstein1(a, a) == 0.0
    assert wasserstein1(a, b) == pytest.approx(wasserstein1(b, a))


def test_shift_moves_by_the_shift_and_joint_shift_changes_nothing():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=23), rng.uniform(size=31)
    assert wasserstein1(a, a + 1.75) == pytest.approx(1.75)
    assert wasserstein1(a + 4.0, b + 4.0) == pytest.approx(wasserstein1(a, b))
    assert wasserstein1(3.0 * a, 3.0 * b) == pytest.approx(3.0 * wasserstein1(a, b))


def test_triangle_inequality():
    rng = np.random.default_rng(3)
    a, b, c = rng.normal(size=11), rng.laplace(size=13), rng.uniform(-2, 2, size=7)
    assert wasserstein1(a, c) <= wasserstein1(a, b) + wasserstein1(b, c) + 1e-12


def test_torch_and_numpy_agree():
    a = torch.tensor([0.1, 0.7, 0.3, 0.9], dtype=torch.float32)
    b = torch.tensor([0.2, 0.4, 1.5])
    assert wasserstein1(a, b) == pytest.approx(wasserstein1(a.numpy(), b.numpy()))


def test_equals_scipy_on_random_samples():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(4)
    for _ in range(200):
        n, m = rng.integers(1, 40, size=2)
        a = np.round(rng.normal(size=n) * rng.uniform(0.1, 3), 1)  # rounding makes ties
        b = rng.standard_t(3, size=m) + rng.normal()
        assert wasserstein1(a, b) == pytest.approx(scipy_stats.wasserstein_distance(a, b),
                                                   rel=1e-10, abs=1e-12)


def test_mean_lower_bound_by_hand():
    assert mean_lower_bound([1.0, 2.0, 3.0], [10.0, 20.0]) == pytest.approx(13.0)
    assert mean_lower_bound(torch.tensor([1.0, -1.0]), [0.0]) == 0.0


def test_bound_holds_on_random_pairs_and_is_tight_for_ordered_supports():
    rng = np.random.default_rng(5)
    for _ in range(300):
        a = rng.gamma(rng.uniform(0.5, 5), size=rng.integers(1, 60))
        b = rng.normal(rng.normal(), rng.uniform(0.1, 2), size=rng.integers(1, 60))
        assert mean_lower_bound(a, b) <= wasserstein1(a, b) + 1e-12
    # When every sample of b lies above every sample of a, Jensen's step loses nothing.
    a, b = rng.uniform(0, 1, size=20), rng.uniform(2, 3, size=35)
    assert mean_lower_bound(a, b) == pytest.approx(wasserstein1(a, b))


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]], [1.0, float("nan")], [float("inf")]])
def test_bad_samples_raise_a_user_error(bad):
    with pytest.raises(UserError):
        wasserstein1(bad, [1.0])
    with pytest.raises(UserError):
        mean_lower_bound([1.0], bad)
