"""torchrun / DDP on the CPU: two gloo processes end with the same weights and the same k."""
import os
import socket

import torch
import torch.multiprocessing as mp

from began_lite.train import fit, load_config
from began_lite.train.checkpoint import load_checkpoint


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(rank: int, world_size: int, port: int, folder: str) -> None:
    """One rank, set up as torchrun would (environment variables); the trainer starts gloo itself."""
    os.environ.update(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE=str(world_size),
                      MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    config = load_config("smoke", ["steps=6", "log_every=2", "checkpoint_every=3"])
    state = fit(config, f"{folder}/run{rank}", device="cpu", progress=False)
    torch.save({"generator": state.generator.state_dict(), "discriminator": state.discriminator.state_dict(),
                "k": state.k, "z": state.z_rng.get_state()}, f"{folder}/rank{rank}.pt")


def test_two_gloo_ranks_agree_on_weights_and_k(tmp_path):
    mp.spawn(worker, args=(2, free_port(), str(tmp_path)), nprocs=2, join=True)
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
