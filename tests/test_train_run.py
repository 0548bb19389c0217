"""A smoke run end to end: run directory, metrics, samples, guards, checkpoints, sample command."""
import argparse
import math
import os

import pytest
import torch
from PIL import Image

from began_lite.began import began_step as real_began_step
from began_lite.errors import UserError
from began_lite.train import Diverged, fit, load_config, load_generator, loop, read_metrics, train
from began_lite.train.checkpoint import load_checkpoint
from began_lite.train.commands import add_commands, new_run_dir
from began_lite.viz import plot_curves, save_grid

METRIC_KEYS = {"step", "loss_real", "loss_fake", "loss_d", "loss_g", "k", "M", "lr", "images_per_second"}


@pytest.fixture(autouse=True)
def one_thread():
    """Smoke runs use one thread (num_threads=1); put torch's thread count back afterwards."""
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    """One finished smoke run (20 steps, logs every 2, samples and checkpoints every 10)."""
    threads = torch.get_num_threads()
    run_dir = train(load_config("smoke"), tmp_path_factory.mktemp("smoke") / "run", progress=False)
    torch.set_num_threads(threads)
    return run_dir


def run_cli(argv):
    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UserError as err:  # what began_lite.__main__ does
        print(f"error: {err}")
        return 2


def no_temp_files(folder):
    return not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_run_directory_holds_everything(smoke_run):
    names = {p.relative_to(smoke_run).as_posix() for p in smoke_run.rglob("*") if p.is_file()}
    assert names == {"config.toml", "metrics.jsonl", "curves.png", "samples/step_0000010.png",
                     "samples/step_0000020.png", "checkpoints/last.pt",
                     "checkpoints/step_0000010.pt", "checkpoints/step_0000020.pt"}
    assert no_temp_files(smoke_run)
    assert load_config(str(smoke_run / "config.toml")) == load_config("smoke")
    grid = Image.open(smoke_run / "samples" / "step_0000020.png")
    assert grid.mode == "L" and grid.size == (4 * 10 + 2, 4 * 10 + 2)  # 16 images of 8 px, 2 px gaps


def test_metrics_rows(smoke_run):
    rows = read_metrics(smoke_run)
    assert [row["step"] for row in rows] == list(range(2, 21, 2))
    assert all(set(row) == METRIC_KEYS for row in rows)
    for row in rows:
        assert row["M"] == pytest.approx(row["loss_real"] + abs(0.5 * row["loss_real"] - row["loss_fake"]),
                                         abs=0.05)  # M of the window means, up to the window spread
        assert 0 <= row["k"] <= 1 and row["lr"] == 5e-4 and row["images_per_second"] > 0
    assert rows[-1]["k"] > 0  # k moved off k_0 = 0
    last = load_checkpoint(smoke_run / "checkpoints" / "last.pt")
    assert last["step"] == 20 and last["k"] == rows[-1]["k"]


def test_second_start_refuses_to_overwrite_and_finished_resume_is_a_no_op(smoke_run, capsys):
    with pytest.raises(UserError, match="already holds a run; add --resume"):
        train(load_config("smoke"), smoke_run, progress=False)
    before = (smoke_run / "checkpoints" / "last.pt").read_bytes()
    train(load_config("smoke"), smoke_run, resume=True, progress=False)
    assert "already finished 20 steps" in capsys.readouterr().out
    assert (smoke_run / "checkpoints" / "last.pt").read_bytes() == before


def test_resume_without_checkpoint_is_an_error(tmp_path):
    with pytest.raises(UserError, match="nothing to resume"):
        train(load_config("smoke"), tmp_path / "none", resume=True, progress=False)


def test_sample_command_and_load_generator(smoke_run, tmp_path):
    out = tmp_path / "grid.png"
    assert run_cli(["sample", "--checkpoint", str(smoke_run / "checkpoints" / "last.pt"),
                    "--n", "9", "--out", str(out)]) == 0
    assert Image.open(out).size == (3 * 10 + 2, 3 * 10 + 2)
    generator, config = load_generator(smoke_run / "checkpoints" / "step_0000010.pt")
    assert config == load_config("smoke") and not generator.training
    assert generator(torch.zeros(2, config.z_dim)).shape == (2, 1, 8, 8)


def test_corrupt_and_mismatched_checkpoints_are_one_line_errors(smoke_run, tmp_path, capsys):
    good = (smoke_run / "checkpoints" / "last.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(good[: len(good) // 2])
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint at all")
    torch.save({"weights": torch.zeros(3)}, tmp_path / "foreign.pt")
    payload = load_checkpoint(smoke_run / "checkpoints" / "last.pt")
    payload["config"]["n"] = 8  # the saved weights no longer fit the network this config builds
    torch.save(payload, tmp_path / "mismatch.pt")
    for name, words in [("cut.pt", "not a readable checkpoint"), ("junk.pt", "not a readable checkpoint"),
                        ("foreign.pt", "not a began-lite checkpoint"), ("mismatch.pt", "does not match"),
                        ("missing.pt", "does not exist")]:
        with pytest.raises(UserError, match=words) as err:
            load_generator(tmp_path / name)
        assert "\n" not in str(err.value)
    assert run_cli(["sample", "--checkpoint", str(tmp_path / "cut.pt"), "--out", str(tmp_path / "x.png")]) == 2
    out = capsys.readouterr().out
    assert out.startswith("error: ") and out.count("\n") == 1


def test_resume_with_other_widths_is_an_error(smoke_run, tmp_path):
    copy = tmp_path / "copy"
    (copy / "checkpoints").mkdir(parents=True)
    (copy / "checkpoints" / "last.pt").write_bytes((smoke_run / "checkpoints" / "last.pt").read_bytes())
    with pytest.raises(UserError, match=r"trained with n=4 \(config says 8\)"):
        train(load_config("smoke", ["n=8", "steps=30"]), copy, resume=True, progress=False)


def test_checkpoint_write_killed_midway_keeps_the_previous_one(smoke_run, tmp_path, monkeypatch):
    run = tmp_path / "run"
    train(load_config("smoke", ["steps=10"]), run, progress=False)
    before = (run / "checkpoints" / "last.pt").read_bytes()

    def dying_save(obj, path):
        with open(path, "wb") as f:
            f.write(b"half a file")
        raise OSError("disk full")
    monkeypatch.setattr(loop.save_checkpoint.__globals__["torch"], "save", dying_save)
    with pytest.raises(OSError, match="disk full"):
        train(load_config("smoke", ["steps=20"]), run, resume=True, progress=False)
    assert (run / "checkpoints" / "last.pt").read_bytes() == before
    assert load_checkpoint(run / "checkpoints" / "last.pt")["step"] == 10
    assert no_temp_files(run)


def patched_step(monkeypatch, change):
    """Replace began_step in the loop by the real one followed by change(step_number, result)."""
    calls = []

    def step(*args, **kwargs):
        result = real_began_step(*args, **kwargs)
        calls.append(kwargs)
        change(len(calls), args, result)
        return result
    monkeypatch.setattr(loop, "began_step", step)
    return calls


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    def poison(step, args, result):
        if step == 7:
            result.loss_fake = math.nan
    patched_step(monkeypatch, poison)
    with pytest.raises(Diverged) as err:
        train(load_config("smoke", ["checkpoint_every=4"]), tmp_path / "run", progress=False)
    message = str(err.value)
    assert "diverged at step 7 (loss_fake=nan)" in message and "last good checkpoint" in message
    assert message.endswith("--resume --set lr=0.00025")  # half the smoke preset's 5e-4
    assert "\n" not in message and isinstance(err.value, UserError)
    assert load_checkpoint(tmp_path / "run" / "checkpoints" / "last.pt")["step"] == 4
    # Following the advice: the run goes on from step 4 with the smaller lr.
    state = fit(load_config("smoke", ["checkpoint_every=4", "lr=0.00025"]), tmp_path / "run",
                resume=True, progress=False)
    assert state.step == 20 and state.opt_d.param_groups[0]["lr"] == 2.5e-4
    assert [row["lr"] for row in read_metrics(tmp_path / "run")] == [5e-4] * 2 + [2.5e-4] * 8


def test_nan_weights_are_never_checkpointed(tmp_path, monkeypatch):
    def poison(step, args, result):
        if step == 6:
            with torch.no_grad():
                next(args[0].parameters()).fill_(math.inf)  # losses stay finite this step
    patched_step(monkeypatch, poison)
    with pytest.raises(Diverged, match="diverged at step 6 \\(a weight is NaN or inf\\)"):
        train(load_config("smoke", ["checkpoint_every=3"]), tmp_path / "run", progress=False)
    payload = load_checkpoint(tmp_path / "run" / "checkpoints" / "last.pt")
    assert payload["step"] == 3 and all(torch.isfinite(t).all() for t in payload["generator"].values())


def test_huge_lr_is_caught(tmp_path):
    with pytest.raises(Diverged, match="diverged at step"):
        train(load_config("smoke", ["lr=1e30", "steps=200"]), tmp_path / "run", progress=False)


def test_lr_halves_when_M_stalls_down_to_floor(tmp_path, monkeypatch):
    def stall(step, args, result):
        result.loss_real, result.loss_fake, result.M = 1.0, 0.5, 1.0  # M never improves after step 2
    patched_step(monkeypatch, stall)
    config = load_config("smoke", ["lr_patience=4", "lr=1e-3", "lr_min=2e-4", "steps=20"])
    state = fit(config, tmp_path / "run", progress=False)
    lrs = [row["lr"] for row in read_metrics(tmp_path / "run")]
    # Best M at step 2; no new low by 6 -> halve; again at 10 -> 2.5e-4; at 14 the floor 2e-4.
    assert lrs == [1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 2.5e-4, 2e-4, 2e-4, 2e-4]
    assert state.opt_g.param_groups[0]["lr"] == state.opt_d.param_groups[0]["lr"] == 2e-4


def test_bf16_autocast_path_on_cpu(tmp_path, monkeypatch):
    calls = patched_step(monkeypatch, lambda step, args, result: None)
    rows = read_metrics(train(load_config("smoke", ["precision=bf16", "steps=4"]),
                              tmp_path / "run", progress=False))
    assert [c["autocast_dtype"] for c in calls] == [torch.bfloat16] * 4
    assert all(math.isfinite(row["loss_real"]) and math.isfinite(row["M"]) for row in rows)


def test_progress_bar_shows_M_k_and_images_per_second(tmp_path, capsys):
    train(load_config("smoke", ["steps=4"]), tmp_path / "run", progress=True)
    err = capsys.readouterr().err
    assert "4/4" in err and "M=" in err and "k=" in err and "img_s=" in err


def test_default_run_dirs_never_overwrite_and_resume_finds_newest(tmp_path, monkeypatch):
    from began_lite.train import commands
    monkeypatch.setattr(commands, "RUNS", tmp_path / "runs")
    first = new_run_dir("smoke")
    assert first == tmp_path / "runs" / "smoke"
    assert run_cli(["train", "--preset", "smoke", "--steps", "4", "--no-progress"]) == 0
    assert new_run_dir("smoke") == tmp_path / "runs" / "smoke-2"
    assert run_cli(["train", "--preset", "smoke", "--steps", "4", "--no-progress"]) == 0
    assert run_cli(["train", "--preset", "smoke", "--steps", "6", "--resume", "--no-progress"]) == 0
    assert load_checkpoint(tmp_path / "runs" / "smoke-2" / "checkpoints" / "last.pt")["step"] == 6
    assert load_checkpoint(first / "checkpoints" / "last.pt")["step"] == 4


def test_grid_and_curves_files(tmp_path):
    images = torch.linspace(-1, 1, 2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    save_grid(images, tmp_path / "g.png", nrow=2)
    assert Image.open(tmp_path / "g.png").mode == "RGB"
    rows = [{"step": s, "loss_real": 1 / s, "loss_fake": 0.5 / s, "k": 0.01 * s, "M": 1 / s,
             "lr": 1e-4} for s in range(1, 5)]
    figure = plot_curves(rows, tmp_path / "c.png")
    assert [ax.get_xlabel() for ax in figure.axes] == ["step"] * 4
    assert [ax.get_ylabel() for ax in figure.axes] == ["loss", "k_t", "M_global", "learning rate"]
    assert os.path.getsize(tmp_path / "c.png") > 0 and no_temp_files(tmp_path)


def test_vanishing_residual_carry_follows_the_step(tmp_path, monkeypatch):
    carries = []
    patched_step(monkeypatch, lambda step, args, result: carries.append(
        next(block.carry for block in args[0].modules() if hasattr(block, "carry"))))
    train(load_config("smoke", ["residual_steps=4", "steps=6"]), tmp_path / "run", progress=False)
    assert carries == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]  # carry_at(steps done, 4): 1 -> 0
    generator, _ = load_generator(tmp_path / "run" / "checkpoints" / "last.pt")
    assert {block.carry for block in generator.modules() if hasattr(block, "carry")} == {0.0}
    train(load_config("smoke", ["residual_steps=16", "steps=4"]), tmp_path / "mid", progress=False)
    generator, _ = load_generator(tmp_path / "mid" / "checkpoints" / "last.pt")
    assert {block.carry for block in generator.modules() if hasattr(block, "carry")} == {0.75}


def test_loader_workers_do_not_change_the_run(tmp_path):
    runs = [train(load_config("smoke", [f"num_workers={w}", "steps=6"]), tmp_path / f"w{w}",
                  progress=False) for w in (0, 2)]
    zero, two = (load_checkpoint(run / "checkpoints" / "last.pt") for run in runs)
    assert zero["k"] == two["k"]
    assert all(torch.equal(v, two["discriminator"][k]) for k, v in zero["discriminator"].items())


def test_cli_bad_set_key_is_one_line_error(tmp_path, capsys):
    assert run_cli(["train", "--preset", "smoke", "--out", str(tmp_path / "r"), "--set", "lr=abc"]) == 2
    out = capsys.readouterr().out
    assert out == "error: lr must be a number, not 'abc'\n"
    assert not (tmp_path / "r").exists()


def test_missing_data_fails_before_the_run_folder_is_written(tmp_path):
    config = load_config("smoke", {"dataset": "celeba", "channels": 3,
                                   "data_root": str(tmp_path / "data")})
    with pytest.raises(UserError, match="CelebA not found"):
        train(config, tmp_path / "run", progress=False)
    assert not (tmp_path / "run").exists()  # so the same --out works once the data is there
