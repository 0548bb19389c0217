"""Throughput of one preset's training step on synthetic images, after a warm-up."""
import time

import torch

from began_lite.began import began_step
from began_lite.seeding import seed_everything
from began_lite.train import distributed
from began_lite.train.checkpoint import build_networks
from began_lite.train.config import Config
from began_lite.train.loop import adam, place


def benchmark(config: Config, steps: int = 20, warmup: int = 5, device="auto") -> dict:
    """{images_per_second, steps_per_second, peak_memory_gib (CUDA), device} after `warmup` steps.

    The batch is random noise of the right shape, so no data set is needed and loading is not timed.
    """
    device = distributed.resolve_device(device)
    context = distributed.Context(device=device)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    rng = seed_everything(config.seed)
    generator, discriminator = (place(m, context, config) for m in build_networks(config))
    opt_g, opt_d = adam(generator, config), adam(discriminator, config)
    real = (torch.rand(config.batch_size, config.channels, config.image_size, config.image_size,
                       generator=rng) * 2 - 1).to(device)
    k, dtype = 0.0, torch.bfloat16 if config.precision == "bf16" else None
    for i in range(warmup + steps):
        if i == warmup:
            synchronize(device)
            start = time.perf_counter()
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
        k = began_step(generator, discriminator, opt_g, opt_d, real, k, gamma=config.gamma,
                       lambda_k=config.lambda_k, z_dim=config.z_dim, eta=config.eta, rng=rng,
                       autocast_dtype=dtype).k
    synchronize(device)
    seconds = time.perf_counter() - start
    memory = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None
    return {"images_per_second": steps * config.batch_size / seconds,
            "steps_per_second": steps / seconds, "peak_memory_gib": memory, "device": str(device)}


def synchronize(device: torch.device) -> None:
    """Wait for queued CUDA work so that timings measure it."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
