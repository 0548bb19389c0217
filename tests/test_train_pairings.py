"""Unbalanced pairs: configs that change only the networks' shapes, counts, a tiny sweep."""
import pytest
import torch

from began_lite.errors import UserError
from began_lite.nets import build_began, count_parameters
from began_lite.train import load_config
from began_lite.train.kinds import build_models
from began_lite.train.pairings import (parameter_counts, pairing_config, run_pairings, shapes,
                                       slug, window_ratios)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TINY = {"image_size": 8, "n": 2, "h": 2, "z_dim": 2, "repeat": 1, "steps": 4, "log_every": 2,
        "sample_every": 4, "checkpoint_every": 4, "batch_size": 4, "sample_count": 4,
        "num_threads": 1}


def test_a_wider_d_leaves_g_alone():
    base = load_config("smoke", {"n": 8, "h": 16, "z_dim": 16, "repeat": 1})
    wide = pairing_config(base, D={"n": 16, "repeat": 2, "h": 4})
    assert shapes(wide) == {"D": {"n": 16, "h": 4, "repeat": 2},
                            "G": {"n": 8, "z_dim": 16, "repeat": 1}}
    assert (wide.generator_n, wide.generator_repeat) == (8, 1)
    small_z = pairing_config(base, G={"z_dim": 4, "n": 12})
    assert shapes(small_z) == {"D": {"n": 8, "h": 16, "repeat": 1},
                               "G": {"n": 12, "z_dim": 4, "repeat": 1}}
    assert shapes(pairing_config(base)) == shapes(base)  # no change: the base's own pair
    for key in ("gamma", "lambda_k", "lr", "seed", "skip", "eta"):
        assert getattr(wide, key) == getattr(base, key)


def test_the_trainer_builds_the_pairing():
    config = pairing_config(load_config("smoke", {"image_size": 16, "skip": True}),
                            D={"n": 6, "h": 3, "repeat": 2}, G={"n": 5, "z_dim": 7, "repeat": 1})
    networks = build_models(config)
    assert networks["generator"].fc.in_features == 7 and networks["generator"].n == 5
    assert networks["discriminator"].encoder.fc.out_features == 3
    counts = parameter_counts(config)
    assert counts == {"generator": count_parameters(networks["generator"]),
                      "discriminator": count_parameters(networks["discriminator"])}
    g, d = build_began(16, 1, 6, 3, 7, 2, True, 5, 1)
    assert counts == {"generator": count_parameters(g), "discriminator": count_parameters(d)}


@pytest.mark.parametrize("D, G, message", [
    ({"z_dim": 4}, None, "D has no key z_dim"),
    (None, {"h": 4}, "G has no key h"),
    ({"n": 0}, None, "n must be at least 1"),
    (None, {"repeat": -1}, "generator_repeat must be 0 or more"),
    ([16], None, "must be a table"),
])
def test_bad_pairings_are_one_line_errors(D, G, message):
    with pytest.raises(UserError, match=message):
        pairing_config(load_config("smoke"), D, G)


def test_slug():
    assert slug("D wider, deeper") == "d_wider_deeper"
    assert slug("G's z small") == "g_s_z_small"
    with pytest.raises(UserError):
        slug(" ,")


def test_window_ratios():
    rows = [{"loss_real": 0.2, "loss_fake": 0.1}, {"loss_real": 0.1, "loss_fake": 0.07}]
    assert window_ratios(rows).tolist() == pytest.approx([0.5, 0.7])
    with pytest.raises(UserError):
        window_ratios([])


def test_two_pairings_end_to_end(tmp_path):
    config = load_config("smoke", TINY)
    pairings = [{"name": "balanced"}, {"name": "D wider", "D": {"n": 4}}]
    runs = run_pairings(config, pairings, tmp_path, count=20)
    assert [run["name"] for run in runs] == ["balanced", "D wider"]
    assert runs[1]["shapes"]["D"]["n"] == 4 and runs[1]["shapes"]["G"]["n"] == 2
    assert runs[1]["parameters"]["discriminator"] > runs[0]["parameters"]["discriminator"]
    assert runs[1]["parameters"]["generator"] == runs[0]["parameters"]["generator"]
    for run, folder in zip(runs, ("balanced", "d_wider")):
        assert run["run_dir"] == tmp_path / folder and run["step"] == 4 and len(run["rows"]) == 2
        assert "generator_n = 2" in (run["run_dir"] / "config.toml").read_text()
        assert 0 <= run["result"]["model"]["classes_covered"] <= 10
        assert next(run["generator"].parameters()).device == torch.device("cpu")


@pytest.mark.parametrize("pairings, message", [
    ([{"name": "one"}], "at least two"),
    ([{"name": "a b"}, {"name": "a-b"}], "different names"),
    ([{"name": "a"}, {"name": "b", "gamma": 0.5}], "unknown key"),
])
def test_bad_sweeps_are_refused(pairings, message, tmp_path):
    with pytest.raises(UserError, match=message):
        run_pairings(load_config("smoke", TINY), pairings, tmp_path, count=20)
    assert not any(tmp_path.iterdir())  # refused before any run was written
