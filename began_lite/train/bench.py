"""Throughput of one preset's training step on synthetic images, and the side-by-side baseline.

`benchmark` times began_lite's step alone. `baseline` times, in one process and interleaved,
`naive_began_step` (the step a reader writes from the paper) against `began_step` on the same
model and batch, counts each step's FLOPs with torch.utils.flop_counter, and measures this
machine's fp32 matmul peak in the same run, so the ratios hold even on a busy machine. Both
follow the config's z rule (shared_z: one z, BEGAN-tensorflow's one-pass step) and time the
paper's L_G (no pull-away term).
"""
import copy
import statistics
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from began_lite.began import began_step
from began_lite.seeding import seed_everything
from began_lite.train import distributed
from began_lite.train.checkpoint import build_networks
from began_lite.train.config import Config
from began_lite.train.loop import adam, place
from began_lite.train.precision import cpu_name, resolve_precision

PEAK_SIZES = {"cpu": 1024, "cuda": 8192}  # square fp32 matmuls large enough to reach the peak


def naive_began_step(generator, discriminator, opt_g, opt_d, real, k, *, gamma, lambda_k, z_dim,
                     eta=1, rng=None, shared_z=False) -> float:
    """BEGAN's simultaneous update as a reader writes it from the paper; returns k_{t+1}.

    Separate D forwards for real, G(z_D) and G(z_G); L_G's backward also fills D's weight
    gradients (thrown away when D's are zeroed); two host syncs (.item()). Same numbers as
    began_step, more work: the baseline `bench --baseline` compares against. shared_z: one z
    for both (BEGAN-tensorflow), written the same way (three D forwards, two backward passes).
    """
    batch = real.shape[0]
    z_d = (torch.rand(batch, z_dim, generator=rng) * 2 - 1).to(real.device)
    if shared_z:
        fake_g = generator(z_d)
        fake_d = fake_g.detach()
    else:
        z_g = (torch.rand(batch, z_dim, generator=rng) * 2 - 1).to(real.device)
        fake_d = generator(z_d).detach()
        fake_g = generator(z_g)
    loss_real = (real - discriminator(real)).abs().pow(eta).mean()
    loss_fake_d = (fake_d - discriminator(fake_d)).abs().pow(eta).mean()
    loss_g = (fake_g - discriminator(fake_g)).abs().pow(eta).mean()
    loss_d = loss_real - k * loss_fake_d
    opt_g.zero_grad()
    loss_g.backward()  # also computes D's weight gradients, which the next line throws away
    opt_d.zero_grad()
    loss_d.backward()
    opt_d.step()
    opt_g.step()
    k_next = k + lambda_k * (gamma * loss_real.item() - loss_g.item())
    return min(1.0, max(0.0, k_next))


class Trainee:
    """One copy of G and D with their optimizers, k and z generator: what a timed step updates."""

    def __init__(self, generator, discriminator, config: Config, seed: int):
        self.generator, self.discriminator = generator, discriminator
        self.opt_g, self.opt_d = adam(generator, config), adam(discriminator, config)
        self.rng = torch.Generator().manual_seed(seed)
        self.k = 0.0


def optimised_step(trainee: Trainee, config: Config, real, dtype) -> None:
    """One began_step on `trainee` (updates its k); the paper's L_G, without a pull-away term, as
    the naive step has none."""
    trainee.k = began_step(trainee.generator, trainee.discriminator, trainee.opt_g,
                           trainee.opt_d, real, trainee.k, gamma=config.gamma,
                           lambda_k=config.lambda_k, z_dim=config.z_dim, eta=config.eta,
                           rng=trainee.rng, autocast_dtype=dtype,
                           shared_z=config.shared_z).k


def naive_step(trainee: Trainee, config: Config, real) -> None:
    """One naive_began_step on `trainee` (updates its k)."""
    trainee.k = naive_began_step(trainee.generator, trainee.discriminator, trainee.opt_g,
                                 trainee.opt_d, real, trainee.k, gamma=config.gamma,
                                 lambda_k=config.lambda_k, z_dim=config.z_dim, eta=config.eta,
                                 rng=trainee.rng, shared_z=config.shared_z)


def setup(config: Config, device):
    """(device, context, rng, G, D, real batch) for a benchmark of `config`."""
    device = distributed.resolve_device(device)
    context = distributed.Context(device=device)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
    rng = seed_everything(config.seed)
    generator, discriminator = build_networks(config)
    real = (torch.rand(config.batch_size, config.channels, config.image_size, config.image_size,
                       generator=rng) * 2 - 1).to(device)
    return device, context, generator, discriminator, real


def autocast_dtype(config: Config, device) -> torch.dtype | None:
    """bf16 or None (fp32) for config.precision on `device` ("auto" as the trainer decides)."""
    return torch.bfloat16 if resolve_precision(config, device) == "bf16" else None


def benchmark(config: Config, steps: int = 20, warmup: int = 5, device="auto") -> dict:
    """{images_per_second, steps_per_second, peak_memory_gib (CUDA), device} after `warmup` steps.

    The batch is random noise of the right shape, so no data set is needed and loading is not timed.
    """
    device, context, generator, discriminator, real = setup(config, device)
    trainee = Trainee(place(generator, context, config), place(discriminator, context, config),
                      config, config.seed)
    dtype = autocast_dtype(config, device)
    for _ in range(warmup):
        optimised_step(trainee, config, real, dtype)
    reset_peak_memory(device)
    seconds = sum(time_steps(lambda: optimised_step(trainee, config, real, dtype), steps, device))
    return {"images_per_second": steps * config.batch_size / seconds,
            "steps_per_second": steps / seconds, "peak_memory_gib": peak_memory_gib(device),
            "device": str(device)}


def measure_precisions(config: Config, device, steps: int = 3, repeats: int = 3) -> dict:
    """{"fp32": images/s, "bf16": images/s} of began_step on `config`'s model, interleaved."""
    device = torch.device(device)
    _, context, generator, discriminator, real = setup(config, device)
    trainee = Trainee(place(generator, context, config), place(discriminator, context, config),
                      config, config.seed)
    best = {}
    for _ in range(repeats):
        for name, dtype in (("fp32", None), ("bf16", torch.bfloat16)):
            optimised_step(trainee, config, real, dtype)  # warm-up after the switch
            seconds = min(time_steps(lambda: optimised_step(trainee, config, real, dtype), steps,
                                     device))
            best[name] = max(best.get(name, 0.0), config.batch_size / seconds)
    return best


def baseline(config: Config, steps: int = 5, warmup: int = 2, repeats: int = 5,
             device="auto") -> dict:
    """Naive step against began_step on one model, interleaved in `repeats` blocks of `steps`.

    Returns ms/step, GFLOP/step, GFLOP/s and the fraction of the fp32 matmul peak for both,
    the peak itself, peak memory, and the speed-up (the median of the blocks' ratios, with
    their min and max: the spread on a machine others share). A block's time is its best step.
    """
    device, context, generator, discriminator, real = setup(config, device)
    dtype = autocast_dtype(config, device)
    # The reader's copy stays as built: fp32, NCHW, eager.
    naive = Trainee(copy.deepcopy(generator).to(device), copy.deepcopy(discriminator).to(device),
                    config, config.seed)
    flops = {"naive": count_flops(lambda t: naive_step(t, config, real), naive, config),
             "began_step": count_flops(lambda t: optimised_step(t, config, real, dtype), naive,
                                       config)}
    ours = Trainee(place(generator, context, config), place(discriminator, context, config),
                   config, config.seed)
    runs = {"naive": lambda: naive_step(naive, config, real),
            "began_step": lambda: optimised_step(ours, config, real, dtype)}
    times, memory, peaks = {name: [] for name in runs}, dict.fromkeys(runs, 0.0), []
    for name, run in runs.items():
        for _ in range(warmup):
            run()
    for _ in range(repeats):
        for name, run in runs.items():
            reset_peak_memory(device)
            # The best step of a block: on a shared machine the others only add waiting.
            times[name].append(min(time_steps(run, steps, device)))
            memory[name] = max(memory[name], peak_memory_gib(device) or 0.0)
        peaks.append(matmul_gflops(device))
    return summarise(config, device, dtype, times, flops, max(peaks), memory, steps, repeats)


def summarise(config, device, dtype, times, flops, peak, memory, steps, repeats) -> dict:
    """The numbers `bench --baseline` prints and writes as JSON."""
    result = {"preset_model": f"{config.image_size} px, n={config.n}, h={config.h}, "
                              f"z_dim={config.z_dim}, repeat={config.repeat}, "
                              f"{config.channels} channels, batch {config.batch_size}",
              "device": describe_device(device), "threads": torch.get_num_threads(),
              "torch": torch.__version__, "precision": "bf16" if dtype else "fp32",
              "compile": config.compile, "steps_per_block": steps, "blocks": repeats,
              "fp32_matmul_peak_gflops": peak, "steps": {}}
    for name, blocks in times.items():
        seconds = statistics.median(blocks)
        gflops = flops[name] / 1e9
        result["steps"][name] = {
            "ms_per_step": 1e3 * seconds, "ms_per_step_min": 1e3 * min(blocks),
            "ms_per_step_max": 1e3 * max(blocks), "gflop_per_step": gflops,
            "gflops_per_second": gflops / seconds, "fraction_of_peak": gflops / seconds / peak,
            "images_per_second": config.batch_size / seconds,
            "peak_memory_gib": memory[name] if device.type == "cuda" else None}
    ratios = [a / b for a, b in zip(times["naive"], times["began_step"])]
    result["speedup"] = statistics.median(ratios)
    result["speedup_min"], result["speedup_max"] = min(ratios), max(ratios)
    return result


def count_flops(step, trainee: Trainee, config: Config) -> int:
    """FLOPs of one `step(trainee)` on a throw-away copy (torch.utils.flop_counter)."""
    scratch = Trainee(copy.deepcopy(trainee.generator), copy.deepcopy(trainee.discriminator),
                      config, config.seed)
    with FlopCounterMode(display=False) as counter:
        step(scratch)
    return counter.get_total_flops()


def matmul_gflops(device: torch.device, repeats: int = 3) -> float:
    """The best fp32 GFLOP/s of a square matmul on `device` (TF32 off): this run's peak."""
    size = PEAK_SIZES.get(device.type, 1024)
    a, b = (torch.randn(size, size, device=device) for _ in range(2))
    tf32 = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        a @ b
        best = min(time_steps(lambda: a @ b, repeats, device))
    finally:
        torch.backends.cuda.matmul.allow_tf32 = tf32
    return 2 * size**3 / best / 1e9


def time_steps(run, steps: int, device: torch.device) -> list[float]:
    """Seconds of each of `steps` calls of run(), with queued GPU work included."""
    seconds = []
    for _ in range(steps):
        synchronize(device)
        start = time.perf_counter()
        run()
        synchronize(device)
        seconds.append(time.perf_counter() - start)
    return seconds


def describe_device(device: torch.device) -> str:
    """"cuda (NVIDIA ...)" or "cpu (<processor>)"."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({cpu_name()})"


def reset_peak_memory(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)


def peak_memory_gib(device: torch.device) -> float | None:
    """GiB the CUDA allocator held at its peak since the last reset (None on the CPU)."""
    return torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None


def synchronize(device: torch.device) -> None:
    """Wait for queued CUDA work so that timings measure it."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def format_baseline(preset: str, result: dict) -> str:
    """The table `bench --baseline` prints."""
    lines = [f"{preset}: {result['preset_model']}; {result['device']}, {result['threads']} "
             f"threads, {result['precision']}, compile {'on' if result['compile'] else 'off'}; "
             f"{result['blocks']} alternating blocks of {result['steps_per_block']} steps",
             f"{'step':<12} {'ms/step (blocks)':>24} {'GFLOP/step':>11} {'GFLOP/s':>8} "
             f"{'of peak':>8} {'images/s':>9}"]
    for name, row in result["steps"].items():
        spread = f"{row['ms_per_step']:.1f} ({row['ms_per_step_min']:.1f}-{row['ms_per_step_max']:.1f})"
        memory = (f"  peak memory {row['peak_memory_gib']:.2f} GiB"
                  if row["peak_memory_gib"] is not None else "")
        lines.append(f"{name:<12} {spread:>24} {row['gflop_per_step']:>11.2f} "
                     f"{row['gflops_per_second']:>8.1f} {row['fraction_of_peak']:>8.0%} "
                     f"{row['images_per_second']:>9.1f}{memory}")
    lines.append(f"fp32 matmul peak in this run: {result['fp32_matmul_peak_gflops']:.1f} GFLOP/s")
    lines.append(f"speed-up of began_step over the naive step: {result['speedup']:.2f}x "
                 f"(blocks: {result['speedup_min']:.2f}x-{result['speedup_max']:.2f}x)")
    return "\n".join(lines)
