"""torchrun / DDP on the CPU: two gloo processes end with the same weights and the same k, and
stop together (same message, last good checkpoint kept) when either one meets a NaN."""
import os
import socket
import time

import pytest
import torch
import torch.multiprocessing as mp

from began_lite.train import fit, load_config
from began_lite.train.checkpoint import load_checkpoint


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(rank: int, world_size: int, port: int, folder: str, extra=()) -> None:
    """One rank, set up as torchrun would (environment variables); the trainer starts gloo itself."""
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    config = load_config("smoke", ["steps=6", "log_every=2", "checkpoint_every=3", *extra])
    state = fit(config, f"{folder}/run{rank}", device="cpu", progress=False)
    torch.save({"generator": state.generator.state_dict(), "discriminator": state.discriminator.state_dict(),
                "k": state.k, "z": state.z_rng.get_state()}, f"{folder}/rank{rank}.pt")


# shared_z: the one-pass step (D once on real and fake, one backward for both players) under DDP.
@pytest.mark.parametrize("extra", [(), ("shared_z=true",)], ids=["paper", "shared_z"])
def test_two_gloo_ranks_agree_on_weights_and_k(tmp_path, extra):
    mp.spawn(worker, args=(2, free_port(), str(tmp_path), extra), nprocs=2, join=True)
    rank0, rank1 = (torch.load(tmp_path / f"rank{r}.pt") for r in (0, 1))
    for name in ("generator", "discriminator"):
        for key, value in rank0[name].items():
            assert torch.equal(value, rank1[name][key]), f"{name}.{key} differs across ranks"
    assert rank0["k"] == rank1["k"] > 0
    assert not torch.equal(rank0["z"], rank1["z"])  # each rank draws its own z
    # Only rank 0 writes: its run directory is complete, rank 1's was never created.
    assert not (tmp_path / "run1").exists()
    payload = load_checkpoint(tmp_path / "run0" / "checkpoints" / "last.pt")
    assert payload["step"] == 6 and payload["k"] == rank0["k"] and len(payload["rng"]) == 2
    assert all(torch.equal(v, rank0["generator"][k]) for k, v in payload["generator"].items())


def nan_worker(rank: int, world_size: int, port: int, folder: str, target: int, kind: str) -> None:
    """One rank of a run where rank `target` gets a NaN before step 5: in its batch ("loss") or
    in a D weight right after D's update ("weight", the loss of that step is still finite)."""
    from began_lite.train import Diverged, loop
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    original = loop.one_step

    def one_step(state, models, real, stop=None):
        if rank == target and state.step == 4:
            if kind == "loss":
                real = real.clone()
                real[0, 0, 0, 0] = float("nan")
            else:
                d_step = state.opt_d.step

                def poisoned_step(*args, **kwargs):
                    out = d_step(*args, **kwargs)
                    with torch.no_grad():
                        next(state.discriminator.parameters()).view(-1)[0] = float("nan")
                    return out
                state.opt_d.step = poisoned_step
        return original(state, models, real, stop)

    loop.one_step = one_step
    config = load_config("smoke", ["steps=8", "log_every=2", "checkpoint_every=3"])
    try:
        fit(config, f"{folder}/run", device="cpu", progress=False)
        message = "finished"
    except Diverged as err:
        message = str(err)
    with open(f"{folder}/message{rank}.txt", "w") as f:
        f.write(message)


def spawn_with_deadline(fn, args, nprocs: int, seconds: float) -> None:
    """mp.spawn that fails (instead of hanging the suite) when the ranks do not all end in time."""
    context = mp.start_processes(fn, args=args, nprocs=nprocs, join=False, start_method="spawn")
    deadline = time.monotonic() + seconds
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            raise AssertionError(f"the ranks did not all stop within {seconds:.0f} s (a hang)")


# The first case is the old hang: rank 0 alone saw the bad weight after a collective and raised.
@pytest.mark.parametrize("target, kind", [(0, "weight"), (1, "loss")])
def test_nan_on_one_rank_stops_every_rank_with_the_same_message(tmp_path, target, kind):
    spawn_with_deadline(nan_worker, (2, free_port(), str(tmp_path), target, kind), 2, 600)
    messages = [(tmp_path / f"message{r}.txt").read_text() for r in (0, 1)]
    assert messages[0] == messages[1], messages
    assert messages[0].startswith("training diverged at step 5 (")
    assert ("a weight is NaN or inf" in messages[0]) == (kind == "weight")
    assert "last good checkpoint" in messages[0]
    payload = load_checkpoint(tmp_path / "run" / "checkpoints" / "last.pt")
    assert payload["step"] == 3
    assert all(torch.isfinite(v).all() for v in payload["discriminator"].values())
