"""Three models on one budget (chapter 15): the minimax GAN of Part I, BEGAN and alpha-GAN, trained
on the same data for the same time, with the same seeds, and judged by the same numbers.

BEGAN and alpha-GAN train with the book's trainer (`fit`, a preset's config with only budget keys
changed). The minimax GAN has no trainer kind, so `train_contender` runs began_lite.gan's
Algorithm 1 step over the trainer's batch order (`StepBatches`, the same seed, the same data).

Budgets are matched in steps: `step_seconds` times each model's whole training call at two run
lengths and takes the difference (the set-up and the run folder's last files cancel), and
`matched_steps` turns a budget in seconds into steps for each model. Each trained model records
the seconds its training call took on the wall clock and in CPU time.
"""
import math
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from typing import Callable

import torch
from torch import nn

from began_lite.alpha_gan import sample_prior
from began_lite.data import open_dataset
from began_lite.errors import UserError
from began_lite.gan import algorithm1_step
from began_lite.metrics.evaluate import digit_judge, draw_samples, held_out_images, judge_set
from began_lite.metrics.parzen import parzen_log_likelihood, select_parzen_sigma
from began_lite.nets import ConvDiscriminator, ConvGenerator
from began_lite.seeding import seed_everything
from began_lite.train.batches import Z_STREAM, StepBatches, derived_generator, stack_images
from began_lite.train.config import Config, load_config
from began_lite.train.kinds import build_models, kind_of
from began_lite.train.loop import fit

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
NAMES = {"began": "BEGAN", "alpha-gan": "alpha-GAN"}
# Chapter 3's Parzen protocol: the 28x28 digit in [0, 1], sigma from 10 values on a log scale.
PARZEN_SIGMAS = [10 ** (-1 + i / 9) for i in range(10)]


@dataclass(frozen=True)
class GanSettings:
    """The minimax GAN of Part I: began_lite.nets' DCGAN-like ConvGenerator / ConvDiscriminator
    (width n), z ~ N(0, I), Adam for both players, k D-steps per G-step (Algorithm 1)."""
    n: int = 32
    z_dim: int = 32
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    batch_size: int = 64
    k: int = 1
    dataset: str = "mnist"
    image_size: int = 32
    channels: int = 1
    data_root: str = "data"


@dataclass(frozen=True)
class Contender:
    """One model to train: a trainer config (BEGAN, alpha-GAN) or the minimax GAN's settings."""
    name: str
    config: Config | None = None
    gan: GanSettings | None = None

    @property
    def batch_size(self) -> int:
        return (self.gan or self.config).batch_size


@dataclass
class Trained:
    """A trained model: its generator (in eval mode) and prior, all its networks, and its cost."""
    name: str
    seed: int
    steps: int
    batch_size: int
    generator: nn.Module
    z_dim: int
    prior: Callable            # prior(batch, z_dim, generator=) -> (batch, z_dim), on the CPU
    networks: dict             # every network of the model, by name
    seconds: float             # wall-clock seconds of the whole training call
    cpu_seconds: float         # CPU seconds of this process over the same call


def contenders(began_preset: str, alpha_preset: str, gan: dict, overrides: dict,
               data_root) -> list[Contender]:
    """GAN, BEGAN and alpha-GAN: the two presets (read with load_config) with `overrides`
    (budget keys only: threads, precision, logging), and the GAN from `gan` (GanSettings' keys)."""
    unknown = set(gan) - set(GanSettings.__dataclass_fields__)
    if unknown:
        raise UserError(f"unknown GAN setting(s) {', '.join(sorted(unknown))}; valid: "
                        f"{', '.join(GanSettings.__dataclass_fields__)}")
    settings = {"data_root": str(data_root), **overrides}
    began, alpha = load_config(began_preset, settings), load_config(alpha_preset, settings)
    for config, wanted in ((began, "began"), (alpha, "alpha-gan")):
        if config.model != wanted:
            raise UserError(f"preset for {NAMES[wanted]} trains model {config.model!r}; give a "
                            f"{wanted} preset")
    gan = GanSettings(**{"data_root": str(data_root), **gan})
    return [Contender("GAN", gan=gan), Contender("BEGAN", config=began),
            Contender("alpha-GAN", config=alpha)]


def build_networks(contender: Contender) -> dict:
    """{name: network} of `contender`, freshly initialised (from torch's current seed)."""
    if contender.gan is None:
        return build_models(contender.config)
    s = contender.gan
    return {"generator": ConvGenerator(s.z_dim, s.channels, s.image_size, s.n),
            "discriminator": ConvDiscriminator(s.channels, s.image_size, s.n)}


def train_contender(contender: Contender, steps: int, seed: int, out_dir=None,
                    device="cpu") -> Trained:
    """Train `contender` for `steps` steps from `seed`; BEGAN and alpha-GAN write their run folder
    into `out_dir` (a fresh one; a temporary folder when None)."""
    if steps < 1:
        raise UserError(f"steps must be at least 1, got {steps}")
    if contender.gan is not None:
        return _timed(lambda: _train_gan(contender, steps, seed, device), contender, steps, seed)
    if out_dir is None:
        with tempfile.TemporaryDirectory() as folder:
            return train_contender(contender, steps, seed, folder, device)
    config = _run_config(contender.config, steps, seed)
    return _timed(lambda: _train_preset(config, out_dir, device), contender, steps, seed)


def _run_config(config: Config, steps: int, seed: int) -> Config:
    """The preset's config for `steps` steps; one log line, grid and checkpoint, at the end."""
    return replace(config, steps=steps, seed=seed, log_every=steps, sample_every=steps,
                   checkpoint_every=steps, keep_checkpoints=1)


def _timed(train: Callable, contender: Contender, steps: int, seed: int) -> Trained:
    """Run train() -> (generator, z_dim, prior, networks) and record its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    generator, z_dim, prior, networks = train()
    return Trained(contender.name, seed, steps, contender.batch_size, generator.eval(), z_dim,
                   prior, networks, time.perf_counter() - wall, time.process_time() - cpu)


def _train_preset(config: Config, out_dir, device):
    """BEGAN or alpha-GAN through the trainer."""
    state = fit(config, out_dir, device=device, progress=False)
    return state.generator, config.z_dim, kind_of(config).prior, state.networks


def _train_gan(contender: Contender, steps: int, seed: int, device):
    """Algorithm 1 (k D-steps, then one G-step) for `steps` iterations, on the trainer's batches."""
    s = contender.gan
    data = open_dataset(s.dataset, s.image_size, "train", s.data_root, s.channels)
    seed_everything(seed)  # the initial weights, as the trainer seeds them
    G, D = (net.to(device) for net in build_networks(contender).values())
    opt_g, opt_d = (torch.optim.Adam(net.parameters(), lr=s.lr, betas=(s.beta1, s.beta2))
                    for net in (G, D))
    # The trainer's data order for this seed; each of the k D-steps takes the next batch.
    batches = iter(StepBatches(len(data), s.batch_size, seed, 0, steps * s.k))
    z_rng = derived_generator(seed, Z_STREAM, 0)

    def sample_real(m):
        return stack_images([data[i] for i in next(batches)])

    for _ in range(steps):
        algorithm1_step(G, D, opt_g, opt_d, sample_real, s.z_dim, s.batch_size, k=s.k,
                        generator=z_rng)
    return G, s.z_dim, sample_prior, {"generator": G, "discriminator": D}


def step_seconds(contender: Contender, probe=(1, 3), clock="cpu", device="cpu") -> float:
    """Seconds per training step of `contender`: its training call timed at probe[0] and
    probe[1] steps (after a 1-step warm-up run), the difference divided by the extra steps.

    clock "cpu" is this process's CPU time (with one thread: the wall-clock of a quiet core,
    whatever else runs on the machine); "wall" is the wall clock (use it with several threads).
    """
    if clock not in CLOCKS:
        raise UserError(f"clock must be one of {', '.join(CLOCKS)}, not {clock!r}")
    short, long = probe
    if not 1 <= short < long:
        raise UserError(f"probe must be two step counts 1 <= a < b, got {tuple(probe)}")
    train_contender(contender, 1, seed=0, device=device)  # a process's first steps set things up
    timings = []
    for steps in (short, long):
        trained = train_contender(contender, steps, seed=0, device=device)
        timings.append(trained.cpu_seconds if clock == "cpu" else trained.seconds)
    return max(timings[1] - timings[0], 0.0) / (long - short)


def matched_steps(seconds_per_step: dict, budget: float) -> dict:
    """{name: steps} that fill `budget` seconds at each model's seconds per step (at least 1)."""
    if not budget > 0:
        raise UserError(f"the budget must be a positive number of seconds, got {budget}")
    bad = [name for name, seconds in seconds_per_step.items() if not seconds > 0]
    if bad:
        raise UserError(f"seconds per step must be positive; got {seconds_per_step}")
    return {name: max(1, math.floor(budget / seconds))
            for name, seconds in seconds_per_step.items()}


def samples(trained: Trained, count: int, device="cpu") -> torch.Tensor:
    """`count` images (count, C, H, W) in [-1, 1] from evaluate's fixed z, drawn by the model's
    prior: every model and every seed is judged on the same z seed."""
    return draw_samples(trained.generator, trained.z_dim, count, device, prior=trained.prior)


class Judge:
    """The same numbers for every model, as `evaluate` computes them: diversity, and for digits
    the classifier's classes >= 3%, largest share, confident share and Frechet distance to the
    test digits; `real` holds the row of `count` held-out real images. For digits, `classifier`
    is the book's classifier and `reference` the test digits' features (N, d)."""

    def __init__(self, config: Config, count: int):
        if count < 2:
            raise UserError(f"count must be at least 2 (diversity compares pairs), got {count}")
        real, reference, self.real_kind = held_out_images(config, count)
        self.digits = digit_judge(config, reference)
        self.classifier = None if self.digits is None else self.digits["classifier"]
        self.reference = None if self.digits is None else self.digits["reference"]
        self.real = judge_set(real, None, None, self.digits)

    def __call__(self, images: torch.Tensor) -> dict:
        """The row of one model's samples (N, C, H, W)."""
        return judge_set(images, None, None, self.digits)


def paper_scale(images: torch.Tensor) -> torch.Tensor:
    """(B, 1, 32, 32) digits in [-1, 1] -> (B, 784) float64 in [0, 1]: the 28x28 digit without
    the book's 2 px of padding, as the GAN paper's Parzen script reads MNIST (chapter 3)."""
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 32, 32):
        raise UserError(f"Parzen on digits takes (B, 1, 32, 32) images, got "
                        f"{tuple(images.shape)}")
    return ((images[:, :, 2:30, 2:30].clamp(-1, 1) + 1) / 2).flatten(1).double()


def parzen_score(images: torch.Tensor, val: torch.Tensor, test: torch.Tensor) -> dict:
    """Chapter 3's Parzen window on `images` (N, 1, 32, 32): sigma chosen on `val`, then the mean
    test log-likelihood (nats) and its standard error on `test`."""
    samples = paper_scale(images)
    sigma, _ = select_parzen_sigma(samples, paper_scale(val), PARZEN_SIGMAS)
    mean, error = parzen_log_likelihood(samples, paper_scale(test), sigma)
    return {"sigma": sigma, "log_likelihood": mean, "standard_error": error}


def spread(values) -> tuple[float, float]:
    """(mean, sample standard deviation) of one number over seeds; the deviation is nan for one."""
    values = [float(v) for v in values]
    if not values:
        raise UserError("spread needs at least one value")
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else math.nan
