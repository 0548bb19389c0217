"""Tests for began_lite.nets: toy MLPs, the DCGAN-like pair, BEGAN's networks."""

import pytest
import torch
from torch import nn

from began_lite import nets
from began_lite.errors import UserError


def test_mlp_shapes_and_depth():
    mlp = nets.MLP(2, 16, 3, depth=3)
    assert mlp(torch.randn(5, 2)).shape == (5, 3)
    assert sum(isinstance(m, nn.Linear) for m in mlp) == 4
    assert isinstance(mlp[1], nn.LeakyReLU) and mlp[1].negative_slope == 0.2
    assert len(nets.MLP(4, 8, 1, depth=0)) == 1


def test_mlp_bad_activation():
    with pytest.raises(UserError, match="activation"):
        nets.MLP(2, 4, 1, activation="swishy")


@pytest.mark.parametrize("size", [8, 16, 32])
def test_conv_pair_shapes(size):
    g = nets.ConvGenerator(z_dim=6, channels=3, image_size=size, n=4)
    d = nets.ConvDiscriminator(channels=3, image_size=size, n=4)
    x = g(torch.randn(2, 6))
    assert x.shape == (2, 3, size, size)
    assert x.abs().max() <= 1.0
    assert d(x).shape == (2,)


def test_conv_pair_channels_last():
    g = nets.ConvGenerator(z_dim=6, image_size=16, n=4).to(memory_format=torch.channels_last)
    d = nets.ConvDiscriminator(image_size=16, n=4).to(memory_format=torch.channels_last)
    x = g(torch.randn(2, 6)).contiguous(memory_format=torch.channels_last)
    assert d(x).shape == (2,)


@pytest.mark.parametrize("size", [4, 12, 512])
def test_bad_image_size(size):
    with pytest.raises(UserError, match="power of two"):
        nets.ConvGenerator(z_dim=2, image_size=size)


def test_count_parameters():
    assert nets.count_parameters(nn.Linear(3, 2)) == 8
