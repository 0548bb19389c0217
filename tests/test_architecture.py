"""FLOPs, receptive fields and the readings of section 3.5 agree with hand counts and with nets."""
import re

import pytest
import torch
from torch import nn

from began_lite import architecture as arch
from began_lite import nets
from began_lite.errors import UserError

CONFIGS = [(8, 1, 4, 4, 4, 2), (16, 1, 3, 5, 2, 1), (32, 3, 8, 16, 8, 2), (64, 3, 5, 7, 9, 3),
           (128, 3, 128, 64, 64, 2)]


def test_flops_by_hand_and_on_meta():
    conv = nn.Conv2d(2, 3, 3, padding=1)
    assert arch.flops_per_image(conv, (2, 5, 5)) == 2 * 9 * 2 * 3 * 25  # biases not counted
    assert arch.flops_per_image(nn.Linear(4, 5), (4,)) == 2 * 4 * 5
    torch.manual_seed(0)
    real = nets.AutoEncoder(16, 1, 3, 4, repeat=1)
    with torch.device("meta"):
        meta = nets.AutoEncoder(16, 1, 3, 4, repeat=1)
    assert arch.flops_per_image(meta, (1, 16, 16)) == arch.flops_per_image(real, (1, 16, 16)) > 0


def test_receptive_field_by_hand():
    assert arch.receptive_field(nn.Conv2d(1, 1, 3)) == 3
    assert arch.receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))) == 5
    strided = nn.Sequential(nn.Conv2d(1, 1, 3, stride=2), nn.ELU(), nn.Conv2d(1, 1, 3))
    assert arch.receptive_field(strided) == 3 + 2 * 2
    # stem 3; scale 0: +2, +2; scale 1: +2 (stride 2 after), +4; scale 2: +4, +8
    assert arch.receptive_field(nets.Encoder(32, 1, 2, 2, repeat=2).convs) == 25
    with pytest.raises(UserError, match="Conv2d"):
        arch.receptive_field(nn.ELU())


@pytest.mark.parametrize("size,repeat", [(32, 1), (32, 2), (64, 2)])
def test_gradient_support_is_the_receptive_field_away_from_borders(size, repeat):
    torch.manual_seed(0)
    encoder = nets.Encoder(size, 1, 2, 2, repeat=repeat)
    field = arch.receptive_field(encoder.convs)
    image = torch.randn(1, 1, size, size)
    if field < size:  # a central unit's window lies inside the image
        assert arch.input_support(encoder.convs, image, 4, 4) == (field, field)
    corner = arch.input_support(encoder.convs, image, 0, 0)
    assert corner[0] == corner[1] < field  # clipped by the border
    with pytest.raises(UserError, match="outside"):
        arch.input_support(encoder.convs, image, 8, 0)


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("skip", [False, True])
def test_this_reading_is_what_nets_builds(config, skip):
    with torch.device("meta"):
        generator, discriminator = nets.build_began(*config, skip=skip)
    counts = arch.reading_parameters(*config, skip=skip)
    assert counts["generator"] == nets.count_parameters(generator)
    assert counts["encoder"] == nets.count_parameters(discriminator.encoder)
    assert counts["decoder"] == nets.count_parameters(discriminator.decoder)
    both = nets.count_parameters(generator) + nets.count_parameters(discriminator)
    assert counts["total"] == both


def _tf_style_encoder(size, channels, n, h, repeat):
    """The public TF code's encoder: convs per scale, then a same-width stride-2 conv."""
    layers, width = [nn.Conv2d(channels, n, 3, padding=1)], n
    scales = size.bit_length() - 3  # 64 px: 64, 32, 16, 8
    for i in range(scales):
        for _ in range(repeat):
            layers.append(nn.Conv2d(width, n * (i + 1), 3, padding=1))
            width = n * (i + 1)
        if i < scales - 1:
            layers.append(nn.Conv2d(width, width, 3, stride=2, padding=1))
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * 64, h))


def test_separate_reading_is_the_tf_code_encoder():
    encoder = _tf_style_encoder(64, 3, 5, 7, 2)
    assert encoder(torch.zeros(1, 3, 64, 64)).shape == (1, 7)
    counts = arch.reading_parameters(64, 3, 5, 7, 7, 2, down="separate")
    assert counts["encoder"] == nets.count_parameters(encoder)


def test_nets_docstring_table_matches_the_readings():
    rows = re.findall(r"^\| (.+?) \| ([\d.]+)M \|$", nets.__doc__, flags=re.MULTILINE)
    assert len(rows) == len(arch.READINGS)
    for (text, millions), (name, kwargs) in zip(rows, arch.READINGS.items()):
        total = arch.reading_parameters(128, 3, 128, 64, 64, 2, **kwargs)["total"]
        assert f"{total / 1e6:.2f}" == millions, (text, name)


def test_readings_reject_unknown_names():
    with pytest.raises(UserError, match="down"):
        arch.encoder_convs(3, 1, 4, 2, down="middle")
    with pytest.raises(UserError, match="decoder"):
        arch.decoder_convs(3, 1, 4, 2, decoder="growing")
