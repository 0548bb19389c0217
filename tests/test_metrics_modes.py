"""Mode coverage on crafted samples."""
import pytest
import torch

from began_lite.errors import UserError
from began_lite.metrics import mode_coverage

MODES = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])


def test_counts_high_quality_samples_per_nearest_mode():
    samples = torch.tensor([[0.1, 0.0], [0.0, -0.25], [10.2, 0.0],  # near modes 0, 0, 1
                            [0.0, 10.31],  # 3.1 std from mode 2: not high quality
                            [5.0, 5.0]])  # between modes
    out = mode_coverage(samples, MODES, std=0.1)
    assert out["per_mode_counts"].tolist() == [2, 1, 0]
    assert out["modes_covered"] == 2 and out["n_modes"] == 3
    assert out["high_quality_fraction"] == pytest.approx(3 / 5)
    assert mode_coverage(samples, MODES, std=0.1, threshold=3.2)["modes_covered"] == 3


def test_collapsed_samples_cover_one_mode():
    samples = torch.tensor([[10.0, 0.05]]).repeat(100, 1)
    out = mode_coverage(samples, MODES, std=0.1)
    assert (out["modes_covered"], out["high_quality_fraction"]) == (1, 1.0)


def test_per_mode_stds():
    samples = torch.tensor([[0.5, 0.0], [10.5, 0.0]])
    out = mode_coverage(samples, MODES, std=torch.tensor([0.2, 0.1, 0.1]))
    assert out["per_mode_counts"].tolist() == [1, 0, 0]


def test_shape_mismatch():
    with pytest.raises(UserError, match="same dim"):
        mode_coverage(torch.zeros(4, 3), MODES, std=0.1)
