"""The trainer with model = "alpha-gan": the same run folder, guards and exact resume as BEGAN
through the same loop, and one-line errors when a checkpoint of one kind meets a command or
preset of the other; `sample`, `evaluate` and `reference` handle both kinds."""
import argparse
import json
import signal
import subprocess
import sys
import time

import pytest
import torch

from began_lite.alpha_gan import NETWORKS
from began_lite.errors import UserError
from began_lite.metrics.evaluate import evaluate_alpha_gan
from began_lite.train import Diverged, fit, load_config, loop, train
from began_lite.train.checkpoint import load_checkpoint, load_generator, load_networks
from began_lite.train.commands import add_commands
from began_lite.train.evaluation import evaluate_checkpoint
from began_lite.train.kinds import ALPHA_GAN
from began_lite.train.reference import (MAX_BYTES, export_reference, load_reference,
                                        load_reference_models, reference_dir)
from began_lite.viz.grids import save_grid

TINY = ["image_size=8", "n=4", "z_dim=4", "code_hidden=8", "batch_size=8", "steps=30",
        "checkpoint_every=10", "log_every=2", "sample_every=15", "num_threads=1"]
CHILD = ("import sys; from began_lite.train import load_config, train; "
         "train(load_config('alpha-mnist', sys.argv[2:]), sys.argv[1], progress=False)")


def run_cli(argv):
    """Run one of the trainer's sub-commands as the command line would; returns its exit code."""
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


def tiny(**overrides):
    return load_config("alpha-mnist", [*TINY, *(f"{k}={v}" for k, v in overrides.items())])


def quiet_train(config, run_dir, **kwargs):
    threads = torch.get_num_threads()
    try:
        return fit(config, run_dir, progress=False, **kwargs)
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def alpha_run(tmp_path_factory):
    """An uninterrupted 30-step alpha-GAN run."""
    return quiet_train(tiny(), tmp_path_factory.mktemp("alpha") / "run").run_dir


@pytest.fixture(scope="module")
def began_run(tmp_path_factory):
    """A 10-step BEGAN run of the smoke preset."""
    return quiet_train(load_config("smoke", ["steps=10"]),
                       tmp_path_factory.mktemp("began") / "run").run_dir


def metric_rows(run_dir):
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [{k: v for k, v in row.items() if k != "images_per_second"} for row in rows]


def test_run_folder_holds_alpha_gans_networks_log_and_grids(alpha_run):
    payload = load_checkpoint(alpha_run / "checkpoints" / "last.pt")
    assert payload["step"] == 30 and "k" not in payload
    assert set(NETWORKS) | set(ALPHA_GAN.optimizers) <= set(payload)
    assert payload["config"]["model"] == "alpha-gan"
    rows = metric_rows(alpha_run)
    assert [row["step"] for row in rows] == list(range(2, 31, 2))
    assert list(rows[0]) == ["step", *ALPHA_GAN.window_keys, "lr"]
    for row in rows:  # the window means obey L_E = rec + code term, L_G = rec + both G terms
        assert row["loss_e"] == pytest.approx(row["rec"] + row["code_adv"], rel=1e-5)
        assert row["loss_g"] == pytest.approx(row["rec"] + row["adv_rec"] + row["adv_gen"],
                                              rel=1e-5, abs=1e-6)
    assert sorted(p.name for p in (alpha_run / "samples").iterdir()) == [
        "step_0000015.png", "step_0000030.png"]
    assert (alpha_run / "curves.png").is_file()
    assert sorted(p.name for p in (alpha_run / "checkpoints").iterdir()) == [
        "last.pt", "step_0000010.pt", "step_0000020.pt", "step_0000030.pt"]


def assert_same_tensors(a, b, where="checkpoint"):
    """Bitwise equality of nested dicts / lists of tensors and plain values."""
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same_tensors(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same_tensors(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def killed_child(run_dir, how):
    """Start the run in a child process, stop it with `how` after its step-10 checkpoint."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(run_dir), *TINY],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (run_dir / "checkpoints" / "step_0000010.pt").exists():
        assert child.poll() is None, f"child ended early: {child.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    child.send_signal(how)
    out, _ = child.communicate(timeout=120)
    return child.returncode, out


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_stopped_run_resumes_bitwise_exactly(alpha_run, tmp_path, how):
    run_dir = tmp_path / "run"
    code, out = killed_child(run_dir, how)
    stopped = load_checkpoint(run_dir / "checkpoints" / "last.pt")["step"]
    assert 10 <= stopped < 30, "the stop must land before the run ends"
    if how == signal.SIGINT:
        assert code == 0 and f"SIGINT: stopped after step {stopped}; checkpoint saved" in out
    quiet_train(tiny(), run_dir, resume=True)
    ours, theirs = (load_checkpoint(d / "checkpoints" / "last.pt") for d in (alpha_run, run_dir))
    assert_same_tensors(ours, theirs)
    assert metric_rows(alpha_run) == metric_rows(run_dir)
    final = "samples/step_0000030.png"
    assert (alpha_run / final).read_bytes() == (run_dir / final).read_bytes()


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    step = loop.alpha_gan_step

    def poisoned(*args, **kwargs):
        result = step(*args, **kwargs)
        if len(list((tmp_path / "run" / "checkpoints").glob("step_*.pt"))) == 1:
            result.loss_d = float("nan")
        return result

    monkeypatch.setattr(loop, "alpha_gan_step", poisoned)
    with pytest.raises(Diverged, match=r"diverged at step 11 \(loss_d=nan\)"):
        quiet_train(tiny(), tmp_path / "run")
    assert load_checkpoint(tmp_path / "run" / "checkpoints" / "last.pt")["step"] == 10


def test_sample_and_evaluate_take_an_alpha_checkpoint(alpha_run, tmp_path, capsys):
    last = alpha_run / "checkpoints" / "last.pt"
    assert run_cli(["sample", "--checkpoint", str(last), "--out", str(tmp_path / "s.png"),
                    "--n", "4"]) == 0
    assert (tmp_path / "s.png").is_file()
    result = evaluate_checkpoint(last, count=20)
    assert "M" not in result and "loss" not in result["model"]
    assert 0 < result["reconstruction_l1"] < 2
    for row in ("real", "model", "reconstructed"):
        assert 0 <= result[row]["classes_covered"] <= 10 and result[row]["frechet_distance"] > 0
    assert run_cli(["evaluate", "--checkpoint", str(last), "--count", "20"]) == 0
    out = capsys.readouterr().out
    assert "reconstruction L1" in out and "reconstructed G(E(x))" in out and " M " not in out


def test_the_runs_grids_draw_z_from_the_normal_prior(alpha_run, tmp_path):
    # The grid of step 30 is G(z) for z ~ N(0, I) drawn from the run's seed, not BEGAN's U[-1, 1].
    generator, config = load_generator(alpha_run / "checkpoints" / "last.pt")
    z = torch.randn(config.sample_count, config.z_dim, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        save_grid(generator(z), tmp_path / "grid.png", nrow=8)
    grid = (alpha_run / "samples" / "step_0000030.png").read_bytes()
    assert (tmp_path / "grid.png").read_bytes() == grid


def message(call) -> str:
    with pytest.raises(UserError) as err:
        call()
    text = str(err.value)
    assert "\n" not in text
    return text


def test_a_checkpoint_of_one_kind_meets_a_command_of_the_other(alpha_run, began_run):
    alpha_last = alpha_run / "checkpoints" / "last.pt"
    for text in (message(lambda: load_networks(alpha_last)),
                 message(lambda: run_cli(["train", "--resume", "--preset", "mnist", "--out",
                                          str(alpha_run)])),
                 message(lambda: run_cli(["train", "--resume", "--preset", "alpha-mnist",
                                          "--out", str(began_run)])),
                 message(lambda: quiet_train(load_config("smoke", ["steps=40"]), alpha_run,
                                             resume=True)),
                 message(lambda: quiet_train(tiny(steps=40), began_run, resume=True)),
                 message(lambda: run_cli(["bench", "--preset", "alpha-mnist"]))):
        assert "'alpha-gan'" in text and "'began'" in text


def test_config_checks_for_alpha_gan():
    assert "model must be one of began, alpha-gan" in message(lambda: tiny(model="wgan"))
    assert "lr_patience must be 0" in message(lambda: tiny(lr_patience=100))
    assert "lambda_rec must be 0 or more" in message(lambda: tiny(lambda_rec=-1))


def test_reference_export_of_an_alpha_checkpoint(alpha_run, tmp_path):
    last = alpha_run / "checkpoints" / "last.pt"
    folder = export_reference(last, tmp_path / "reference" / "alpha", {"step": 30})
    payload = torch.load(folder / "model.pt", weights_only=True)
    assert set(payload) == {"format", "config", "step", *NETWORKS}
    networks, config, numbers = load_reference_models("alpha", root=tmp_path)
    assert tuple(networks) == NETWORKS and config.model == "alpha-gan" and numbers["step"] == 30
    assert "'alpha-gan'" in message(lambda: load_reference("alpha", root=tmp_path))


def test_presets_and_params_list_alpha_gans_four_networks(capsys):
    assert run_cli(["params", "--preset", "alpha-mnist"]) == 0
    out = capsys.readouterr().out
    assert all(f"{letter} " in out for letter in "EGDC")
    assert run_cli(["presets"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("alpha-mnist"))
    assert "E+G+D+C" in line


def test_one_process_only(tmp_path, monkeypatch):
    monkeypatch.setattr(loop.distributed, "setup", lambda device: loop.distributed.Context(
        rank=0, world_size=2))
    monkeypatch.setattr(loop.distributed, "teardown", lambda context: None)
    assert "without torchrun" in message(lambda: train(tiny(), tmp_path / "run",
                                                       progress=False))


def test_shipped_alpha_reference_loads_and_reproduces_its_numbers(one_torch_thread):
    folder = reference_dir("alpha-mnist32")
    assert (folder / "model.pt").stat().st_size <= MAX_BYTES
    payload = torch.load(folder / "model.pt", weights_only=True)  # plain tensors and numbers only
    assert set(payload) == {"format", "config", "step", *NETWORKS}
    networks, config, numbers = load_reference_models("alpha-mnist32")
    assert config.model == "alpha-gan" and (folder / "samples.png").is_file()
    again = evaluate_alpha_gan(networks["encoder"], networks["generator"], config,
                               count=numbers["count"])
    assert again["reconstruction_l1"] == pytest.approx(numbers["reconstruction_l1"], rel=1e-4)
    for row in ("model", "reconstructed"):
        for key in ("histogram", "classes_covered"):
            assert again[row][key] == numbers[row][key]
