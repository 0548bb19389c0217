"""Config: presets load and build, overrides parse by type, bad keys and values give one-line errors."""
import argparse

import pytest
import torch

from began_lite.errors import UserError
from began_lite.nets import count_parameters
from began_lite.train import Config, load_config, preset_names
from began_lite.train.checkpoint import build_networks
from began_lite.train.commands import add_commands
from began_lite.train.config import config_to_toml, read_config, save_config
from began_lite.train.schedule import StallHalving


def run_cli(argv):
    """Run one of the trainer's sub-commands as the command line would; returns its exit code."""
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def test_every_preset_loads_and_builds():
    assert {"smoke", "mnist", "celeba64", "celeba128", "cifar10"} <= set(preset_names())
    for name in preset_names():
        config = load_config(name)
        generator, discriminator = build_networks(config)
        assert count_parameters(generator) > 0 and count_parameters(discriminator) > 0


def test_celeba128_is_the_paper_setting():
    config = load_config("celeba128")
    paper = {"image_size": 128, "channels": 3, "n": 128, "h": 64, "z_dim": 64, "gamma": 0.5,
             "lambda_k": 0.001, "lr": 1e-4, "batch_size": 16}
    assert {key: getattr(config, key) for key in paper} == paper


def test_string_overrides_parse_by_type():
    config = load_config("smoke", ["lr=2e-4", "steps=7", "skip=true", "precision=bf16", "gamma=1"])
    assert (config.lr, config.steps, config.skip, config.precision, config.gamma) == (2e-4, 7, True, "bf16", 1.0)
    assert load_config("smoke", {"gamma": 1}).gamma == 1.0  # an int is fine for a float key


@pytest.mark.parametrize("overrides, words", [
    (["learning_rate=1"], ["learning_rate", "valid keys", "lambda_k"]),
    (["lr=fast"], ["lr must be a number", "fast"]),
    (["steps=1.5"], ["steps must be an integer"]),
    (["skip=maybe"], ["skip must be true or false"]),
    (["steps"], ["key=value"]),
    ({"steps": "10"}, ["steps must be an integer"]),
    ({"skip": 1}, ["skip must be true or false"]),
    (["precision=fp16"], ["precision must be one of fp32, bf16"]),
    (["image_size=48"], ["power of two"]),
    (["eta=3"], ["eta must be 1 or 2"]),
    (["lr_min=1"], ["lr_min"]),
    (["batch_size=0"], ["batch_size must be at least 1"]),
    (["generator_n=-8"], ["generator_n must be 0 or more"]),
    (["pull_away=-0.1"], ["pull_away must be 0 or more"]),
])
def test_bad_overrides_are_one_line_errors(overrides, words):
    with pytest.raises(UserError) as err:
        load_config("smoke", overrides)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_unknown_preset_lists_the_presets():
    with pytest.raises(UserError, match="unknown preset 'mnsit'; choose one of .*mnist"):
        load_config("mnsit")


def test_preset_file_path_and_toml_round_trip(tmp_path):
    config = load_config("smoke", ["lr=1e-05", "dataset=my \"digits\"", "skip=true"])
    save_config(config, tmp_path / "mine.toml")
    assert read_config(tmp_path / "mine.toml") == config
    assert load_config(str(tmp_path / "mine.toml")) == config
    assert config_to_toml(Config()).count("\n") == len(Config.__dataclass_fields__)


def test_stall_halving_halves_after_patience_down_to_floor():
    schedule = StallHalving(lr=1e-3, lr_min=3e-4, patience=4)
    lrs = [schedule.update(step, M) for step, M in [(2, 1.0), (4, 0.9), (6, 0.95), (8, 0.95),
                                                     (10, 0.99), (12, 0.9), (14, 0.9), (16, 0.8)]]
    # New lowest M at 4; stalled 4 steps at 8 -> halve; 4 more at 12 -> halve to the floor 3e-4.
    assert lrs == [1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 3e-4, 3e-4, 3e-4]
    assert StallHalving(lr=1e-3, lr_min=1e-5, patience=0).update(100, 5.0) == 1e-3


def test_presets_command_one_line_each(capsys):
    assert run_cli(["presets"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[1:]
    assert len(lines) == len(preset_names())
    celeba128 = next(line for line in lines if line.startswith("celeba128"))
    assert "128 px" in celeba128 and "celeba" in celeba128 and "G+D" in celeba128


def test_params_command_counts_g_and_d(capsys):
    assert run_cli(["params", "--preset", "smoke"]) == 0
    generator, discriminator = build_networks(load_config("smoke"))
    g, d = count_parameters(generator), count_parameters(discriminator)
    assert f"G {g:,} + D {d:,} = {g + d:,} parameters" in capsys.readouterr().out


def test_bench_command_prints_images_per_second(capsys):
    threads = torch.get_num_threads()
    assert run_cli(["bench", "--preset", "smoke", "--steps", "2", "--warmup", "1",
                    "--device", "cpu", "--set", "batch_size=4"]) == 0
    torch.set_num_threads(threads)
    out = capsys.readouterr().out
    assert "smoke on cpu (fp32, batch 4, 8 px):" in out and "images/s" in out
    rate = float(out.split("px): ")[1].split(" images/s")[0])
    assert rate > 0
