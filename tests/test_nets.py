"""Tests for began_lite.nets: toy MLPs, the DCGAN-like pair, BEGAN's networks."""

import pytest
import torch
from torch import nn

from began_lite import nets
from began_lite.errors import UserError


pytestmark = pytest.mark.usefixtures("one_torch_thread")


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


# ---- BEGAN networks (paper section 3.5) ----

def _convs(module):
    return [m for m in module.modules() if isinstance(m, nets.ConvELU)]


@pytest.mark.parametrize("size", [8, 16, 32, 64])
@pytest.mark.parametrize("repeat", [1, 2])
def test_began_shapes(size, repeat):
    g, d = nets.build_began(size, channels=3, n=4, h=5, z_dim=6, repeat=repeat)
    x = torch.rand(2, 3, size, size) * 2 - 1
    assert d(x).shape == x.shape
    assert d.encode(x).shape == (2, 5)
    assert g(torch.rand(2, 6)).shape == x.shape


def test_unbalanced_pair_changes_only_the_generator():
    g, d = nets.build_began(16, channels=1, n=8, h=5, z_dim=6, repeat=1, generator_n=4,
                            generator_repeat=2)
    assert nets.count_parameters(g) == nets.count_parameters(nets.Generator(16, 1, 4, 6, 2))
    assert nets.count_parameters(d) == nets.count_parameters(nets.AutoEncoder(16, 1, 8, 5, 1))
    assert g(torch.rand(3, 6)).shape == (3, 1, 16, 16)


@pytest.mark.parametrize("size", [128, 256])
def test_began_large_shapes(size):
    g, d = nets.build_began(size, channels=1, n=2, h=3, z_dim=3, repeat=1, skip=True)
    assert d(torch.zeros(1, 1, size, size)).shape == (1, 1, size, size)
    assert g(torch.zeros(1, 3)).shape == (1, 1, size, size)


def _output_shapes(module, x):
    shapes = []
    hooks = [b.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape)))
             for b in _convs(module)]
    module(x)
    for hook in hooks:
        hook.remove()
    return shapes


def test_encoder_filters_grow_linearly_per_scale():
    n, repeat = 3, 2
    enc = nets.Encoder(64, channels=1, n=n, h=4, repeat=repeat)
    shapes = _output_shapes(enc, torch.zeros(1, 1, 64, 64))
    assert len(shapes) == 1 + 4 * repeat  # conv-in, then 64, 32, 16, 8
    for _, channels, size, _ in shapes:
        scale = {64: 0, 32: 1, 16: 2, 8: 3}[size]
        assert channels == n * (scale + 1)
    strides = [b.conv.stride[0] for b in _convs(enc)]
    assert strides.count(2) == 3
    assert enc.fc.in_features == 4 * n * 8 * 8


def test_decoder_width_constant_and_nearest_upsampling(monkeypatch):
    modes = []
    original = torch.nn.functional.interpolate

    def spy(*args, **kwargs):
        modes.append(kwargs.get("mode"))
        return original(*args, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "interpolate", spy)
    dec = nets.Decoder(32, channels=3, n=5, h=4)
    shapes = _output_shapes(dec, torch.zeros(1, 4))
    assert {s[1] for s in shapes} == {5}
    assert [s[2] for s in shapes] == [8, 8, 16, 16, 32, 32]
    assert modes == ["nearest", "nearest"]


def test_skip_concatenates_nearest_upsampled_h0():
    n, h = 4, 3
    plain = nets.Decoder(32, channels=2, n=n, h=h)
    skip = nets.Decoder(32, channels=2, n=n, h=h, skip=True)
    extra = 2 * n * n * 9  # two scales after the 8x8 one, each first conv gets n more inputs
    assert nets.count_parameters(skip) - nets.count_parameters(plain) == extra
    assert [s[0].conv.in_channels for s in skip.scales] == [n, 2 * n, 2 * n]
    seen = []
    skip.scales[2][0].register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    z = torch.randn(2, h)
    assert skip(z).shape == (2, 2, 32, 32)
    h0 = skip.fc(z).reshape(2, n, 8, 8)
    expected = h0.repeat_interleave(4, dim=2).repeat_interleave(4, dim=3)
    assert torch.equal(seen[0][:, n:], expected)


def test_no_nonlinearity_after_fully_connected_maps():
    enc = nets.Encoder(16, channels=1, n=2, h=3)
    x1, x2 = torch.randn(1, 1, 16, 16), torch.randn(1, 1, 16, 16)
    f1, f2 = enc.convs(x1).flatten(1), enc.convs(x2).flatten(1)
    assert torch.allclose(enc(x1), enc.fc(f1))
    a = 0.3  # an affine map keeps affine combinations; ELU or tanh would not
    mixed = enc.fc(a * f1 + (1 - a) * f2)
    assert torch.allclose(mixed, a * enc(x1) + (1 - a) * enc(x2), atol=1e-6)
    dec = nets.Decoder(16, channels=1, n=2, h=3)
    seen = []
    dec.scales[0].register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    z1, z2 = torch.randn(1, 3) * 5, torch.randn(1, 3) * 5
    dec(z1), dec(z2), dec(a * z1 + (1 - a) * z2)
    assert torch.allclose(seen[2], a * seen[0] + (1 - a) * seen[1], atol=1e-5)
    assert seen[0].min() < -1 or seen[1].min() < -1  # values ELU would have clipped at -1


def _plain_forward(ae, x):
    """The autoencoder run with no residual mixing, from its own weights."""
    for block in ae.encoder.convs:
        x = torch.nn.functional.elu(block.conv(x))
    h0 = ae.decoder.fc(ae.encoder.fc(x.flatten(1))).reshape(x.shape[0], ae.decoder.n, 8, 8)
    x = h0
    for i, scale in enumerate(ae.decoder.scales):
        if i > 0:
            x = x.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
        for block in scale:
            x = torch.nn.functional.elu(block.conv(x))
    return ae.decoder.out(x)


def test_carry_zero_is_plain_network_and_one_differs():
    torch.manual_seed(0)
    ae = nets.AutoEncoder(16, channels=1, n=3, h=4)
    x = torch.randn(2, 1, 16, 16)
    nets.set_carry(ae, 1.0)
    with_carry = ae(x)
    nets.set_carry(ae, 0.0)
    assert torch.equal(ae(x), _plain_forward(ae, x))
    assert not torch.allclose(with_carry, ae(x))


def test_residual_blocks_are_the_same_size_ones():
    enc = nets.Encoder(32, channels=3, n=3, h=2, repeat=2)
    flags = [b.residual for b in _convs(enc)]
    # conv-in; scale 0: two n->n; scales 1, 2: stride-2 widening conv, then a same-size conv
    assert flags == [False, True, True, False, True, False, True]
    block = _convs(enc)[1]
    block.carry = 1.0
    x = torch.randn(1, 3, 32, 32)
    assert torch.equal(block(x), x)
    block.carry = 0.25
    expected = 0.25 * x + 0.75 * torch.nn.functional.elu(block.conv(x))
    assert torch.allclose(block(x), expected)
    skip_dec = nets.Decoder(16, channels=1, n=2, h=2, skip=True)
    assert [b.residual for b in _convs(skip_dec)] == [True, True, False, True]


def test_set_carry_reaches_wrapped_modules_and_stays_out_of_checkpoints():
    g, d = nets.build_began(16, channels=1, n=2, h=2, z_dim=2)
    keys = set(d.state_dict())
    wrapper = nn.Sequential(d)  # as DDP wraps a module
    nets.set_carry(wrapper, 0.5)
    assert all(b.carry == 0.5 for b in _convs(d))
    assert set(d.state_dict()) == keys
    assert not any("carry" in k for k in keys)
    assert all(b.carry == 0.0 for b in _convs(g))
    with pytest.raises(UserError, match="carry"):
        nets.set_carry(g, 1.5)


def test_carry_at_schedule():
    assert nets.carry_at(0, 16000) == 1.0
    assert nets.carry_at(4000, 16000) == pytest.approx(0.75)
    assert nets.carry_at(16000, 16000) == 0.0
    assert nets.carry_at(20000, 16000) == 0.0
    assert nets.carry_at(0, 0) == 0.0


def test_channels_last_matches_contiguous():
    torch.manual_seed(1)
    g, d = nets.build_began(16, channels=3, n=4, h=3, z_dim=3, skip=True)
    x = torch.randn(2, 3, 16, 16)
    expected = d(x)
    d = d.to(memory_format=torch.channels_last)
    assert torch.allclose(d(x.contiguous(memory_format=torch.channels_last)), expected,
                          atol=1e-5)
    g = g.to(memory_format=torch.channels_last)
    assert g(torch.rand(2, 3)).shape == (2, 3, 16, 16)


@pytest.mark.parametrize("kwargs, match", [
    (dict(image_size=12), "power of two"), (dict(image_size=512), "power of two"),
    (dict(image_size=4), "power of two"), (dict(n=0), "n must"), (dict(repeat=0), "repeat"),
])
def test_began_bad_config(kwargs, match):
    config = dict(image_size=16, channels=1, n=2, h=2, z_dim=2) | kwargs
    with pytest.raises(UserError, match=match):
        nets.build_began(**config)


def _hand_count(size, c, n, h, z_dim, repeat):
    """G + D parameters of the section 3.5 reading in the nets docstring, by formula."""
    conv = lambda i, o: 9 * i * o + o  # noqa: E731
    scales = size.bit_length() - 3  # 128 -> 5 scales: 128, 64, 32, 16, 8
    enc = conv(c, n) + (repeat * conv(n, n))
    for i in range(1, scales):
        enc += conv(i * n, (i + 1) * n) + (repeat - 1) * conv((i + 1) * n, (i + 1) * n)
    enc += 64 * scales * n * h + h
    dec = lambda k: (k * 64 * n + 64 * n) + scales * repeat * conv(n, n) + conv(n, c)  # noqa
    return enc + dec(h) + dec(z_dim)


def test_paper_128px_parameter_count_matches_formula_and_docstring():
    g, d = nets.build_began(128, channels=3, n=128, h=64, z_dim=64, repeat=2)
    total = nets.count_parameters(g) + nets.count_parameters(d)
    assert total == _hand_count(128, 3, 128, 64, 64, 2)
    assert f"{total:,}" in nets.__doc__
