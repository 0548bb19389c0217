"""The training loop: run directory, metrics, samples, checkpoints, exact resume, guards.

One loop for every model kind (train/kinds.py, config key `model`): BEGAN's step or alpha-GAN's
Algorithm 1 step; what a run holds, logs and checkpoints comes from the kind."""
import json
import math
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from torch.nn.parallel import DistributedDataParallel
from tqdm.auto import tqdm

from began_lite.alpha_gan import alpha_gan_step
from began_lite.began import began_step
from began_lite.data import open_dataset
from began_lite.errors import UserError
from began_lite.files import write_text_atomic
from began_lite.nets import carry_at, set_carry
from began_lite.seeding import seed_everything
from began_lite.train import distributed
from began_lite.train.batches import Z_STREAM, derived_generator, make_batches
from began_lite.train.checkpoint import (
    build_models,
    check_same_model,
    checkpoint_dir,
    load_checkpoint,
    load_module_state,
    rng_states,
    save_checkpoint,
    set_rng_states,
)
from began_lite.train.config import Config, make_config, save_config
from began_lite.train.kinds import Kind, check_kind, kind_of
from began_lite.train.precision import resolve_precision
from began_lite.train.schedule import StallHalving
from began_lite.viz.curves import plot_curves
from began_lite.viz.grids import save_grid

class Diverged(UserError):
    """A loss became NaN or inf; the last good checkpoint is kept."""


@dataclass
class Window:
    """Sums of the step results since the last metrics line (checkpoints save it: exact resume)."""
    sums: dict          # {window key of the run's kind: sum}
    count: int = 0

    @classmethod
    def of(cls, kind: Kind) -> "Window":
        """An empty window for the step numbers of `kind`."""
        return cls(dict.fromkeys(kind.window_keys, 0.0))

    def add(self, result) -> None:
        for key in self.sums:
            self.sums[key] += getattr(result, key)
        self.count += 1

    def means(self) -> dict:
        return {key: total / self.count for key, total in self.sums.items()}


@dataclass
class TrainState:
    """Everything a run holds; `networks` are the plain (unwrapped) modules, by checkpoint key."""
    config: Config
    context: distributed.Context
    run_dir: Path
    networks: dict          # BEGAN: generator, discriminator; alpha-GAN: E, G, D, C (kinds.py)
    optimizers: dict        # one Adam per network, by checkpoint key: opt_g, opt_d, ...
    z_rng: torch.Generator
    schedule: StallHalving
    k: float = 0.0                      # k_0 = 0 (paper); BEGAN only
    step: int = 0                       # steps done
    window: Window | None = None        # None: an empty one for the run's kind
    metrics: list = field(default_factory=list)  # the lines of metrics.jsonl
    stopped_by: str = ""                # the signal that stopped the run early, if any
    autocast_dtype: torch.dtype | None = None  # bf16 when the run's precision resolves to it

    def __post_init__(self):
        if self.window is None:
            self.window = Window.of(self.kind)

    @property
    def kind(self) -> Kind:
        return kind_of(self.config)

    @property
    def generator(self) -> torch.nn.Module:
        return self.networks["generator"]

    @property
    def discriminator(self) -> torch.nn.Module:
        return self.networks["discriminator"]

    @property
    def opt_g(self) -> torch.optim.Optimizer:
        return self.optimizers["opt_g"]

    @property
    def opt_d(self) -> torch.optim.Optimizer:
        return self.optimizers["opt_d"]


def train(config: Config, out_dir, *, resume: bool = False, device="auto",
          progress: bool = True) -> Path:
    """Train the model of `config`, writing the run into `out_dir`; returns the run directory."""
    return fit(config, out_dir, resume=resume, device=device, progress=progress).run_dir


def fit(config: Config, out_dir, *, resume=False, device="auto", progress=True) -> TrainState:
    """Train and return the final TrainState (the tests read the networks and k from it)."""
    context = distributed.setup(device)
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    if context.device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed shapes: pick the fastest conv once
    try:
        # The data first: a missing data set must fail before the run folder is written, or a
        # second try with the same --out would find a "run" there.
        dataset = open_dataset(config.dataset, config.image_size, split="train",
                               root=config.data_root, channels=config.channels)
        state = start_state(config, Path(out_dir), context, resume)
        if state.step < config.steps:
            run_loop(state, dataset, progress)
        elif context.is_main:
            print(f"{state.run_dir} already finished {state.step} steps; raise steps to go on")
        return state
    finally:
        distributed.teardown(context)


def check_run_dir(run_dir: Path, resume: bool) -> None:
    """Refuse to overwrite a run, or to resume one that has no checkpoint."""
    last = checkpoint_dir(run_dir) / "last.pt"
    if resume and not last.is_file():
        raise UserError(f"nothing to resume: {last} does not exist; start without --resume")
    if not resume and (last.is_file() or (run_dir / "metrics.jsonl").is_file()):
        raise UserError(f"{run_dir} already holds a run; add --resume to continue it or give "
                        f"another --out")


def start_state(config: Config, run_dir: Path, context, resume: bool) -> TrainState:
    """A fresh TrainState, or the one saved in `run_dir`'s last checkpoint."""
    check_run_dir(run_dir, resume)
    if context.distributed and not kind_of(config).distributed:
        raise UserError(f"model {config.model} trains in one process; start it without torchrun")
    distributed.barrier(context)  # every rank has looked at run_dir before rank 0 writes to it
    seed_everything(config.seed)  # the same initial weights on every rank
    networks = {name: place(network, context, config)
                for name, network in build_models(config).items()}
    optimizers = {key: adam(network, config)
                  for key, network in zip(kind_of(config).optimizers, networks.values())}
    state = TrainState(config, context, run_dir, networks, optimizers,
                       derived_generator(config.seed, Z_STREAM, context.rank),
                       StallHalving(config.lr, config.lr_min, config.lr_patience))
    if resume:
        restore(state, load_checkpoint(checkpoint_dir(run_dir) / "last.pt"))
    state.autocast_dtype = run_precision(config, context)
    if context.is_main:
        save_config(config, run_dir / "config.toml")
        write_text_atomic(run_dir / "metrics.jsonl", "".join(state.metrics))
    return state


def place(module: torch.nn.Module, context, config: Config) -> torch.nn.Module:
    """`module` on the run's device; NHWC memory on CUDA when config.channels_last, on the CPU when
    config.channels_last_cpu; compiled in place (same module, same state_dict keys) when
    config.compile."""
    module = module.to(context.device)
    cuda = context.device.type == "cuda"
    if config.channels_last if cuda else config.channels_last_cpu:
        module = module.to(memory_format=torch.channels_last)
    if config.compile:
        module.compile()
    return module


def run_precision(config: Config, context) -> torch.dtype | None:
    """The autocast dtype of the run: bf16, None for fp32; "auto" decided on rank 0 for all."""
    choice = resolve_precision(config, context.device) if context.is_main else None
    choice = distributed.gather(context, choice)[0]
    return torch.bfloat16 if choice == "bf16" else None


def adam(module: torch.nn.Module, config: Config) -> torch.optim.Adam:
    """Adam with the run's lr and betas (public BEGAN code: beta1 = 0.5)."""
    return torch.optim.Adam(module.parameters(), lr=config.lr, betas=(config.beta1, config.beta2))


def restore(state: TrainState, payload: dict) -> None:
    """Load networks, optimizers, k, step, schedule, log window, RNG states and metrics."""
    path = checkpoint_dir(state.run_dir) / "last.pt"
    saved = make_config(payload["config"])
    check_kind(saved.model, state.config.model, path,
               f"resume it with the config it was trained with (model = {saved.model!r}) or "
               f"start the {state.config.model} run in another folder")
    check_same_model(saved, state.config, path)
    for name, network in state.networks.items():
        load_module_state(network, payload[name], path, name)
    for key, optimizer in state.optimizers.items():
        optimizer.load_state_dict(payload[key])
    state.k, state.step = payload.get("k", 0.0), payload["step"]
    state.schedule.load_state_dict(payload["schedule"])
    follow_config_lr(state, make_config(payload["config"]))
    state.window = Window(dict(payload["window"]["sums"]), payload["window"]["count"])
    ranks = payload["rng"]
    if len(ranks) != state.context.world_size:
        raise UserError(f"{path} was written by {len(ranks)} processes; resume it with the same "
                        f"number (--nproc_per_node={len(ranks)})")
    set_rng_states(ranks[state.context.rank], state.z_rng)
    # A killed run may have logged past its last checkpoint: those lines are redone, so drop them.
    state.metrics = [line for line in read_metric_lines(state.run_dir)
                     if json.loads(line)["step"] <= state.step]


def follow_config_lr(state: TrainState, saved: Config) -> None:
    """On resume, lr_min and lr_patience come from the config, and a changed lr (after a
    divergence, say) restarts the schedule from it; an unchanged config changes nothing."""
    schedule, config = state.schedule, state.config
    schedule.lr_min, schedule.patience = config.lr_min, config.lr_patience
    if config.lr != saved.lr:
        schedule.lr = config.lr
    set_lr(state, schedule.lr)


def set_lr(state: TrainState, lr: float) -> None:
    """Use `lr` in every optimizer from the next step on."""
    for optimizer in state.optimizers.values():
        for group in optimizer.param_groups:
            group["lr"] = lr


def read_metric_lines(run_dir) -> list[str]:
    """The complete lines of metrics.jsonl ([] when there is none)."""
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        return []
    return [line + "\n" for line in path.read_text().splitlines() if line.strip()]


def read_metrics(run_dir) -> list[dict]:
    """The rows of a run's metrics.jsonl as dicts: step, the kind's window means (BEGAN:
    loss_real, loss_fake, loss_d, loss_g, M, then k; alpha-GAN: kinds.ALPHA_GAN.window_keys),
    lr, images_per_second."""
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        raise UserError(f"{path} does not exist; give the folder of a run started with `train`")
    return [json.loads(line) for line in read_metric_lines(run_dir)]


def run_loop(state: TrainState, dataset, progress: bool) -> None:
    """Train from state.step to config.steps on `dataset`, or until SIGINT / SIGTERM (then save
    a checkpoint)."""
    config, context = state.config, state.context
    batches = make_batches(dataset, config, state.step, context)
    models = tuple(wrap(network, context) for network in state.networks.values())
    # The grids' z: one draw from the run's seed, so every grid of a run shows the same z.
    fixed_z = state.kind.prior(config.sample_count, config.z_dim,
                               generator=torch.Generator().manual_seed(config.seed),
                               device=context.device)
    bar = tqdm(total=config.steps, initial=state.step, disable=not (progress and context.is_main),
               unit="step", dynamic_ncols=True)
    timer = Timer(config.batch_size * context.world_size)
    try:
        with stop_signals() as stop:
            for real in batches:
                result = one_step(state, models, real, stop)
                timer.tick()
                stopping = after_step(state, result, timer, fixed_z, stop)
                show_progress(bar, state.kind.postfix(result, state.k), timer.images_per_step)
                if stopping:
                    break
    finally:
        # A raised Diverged keeps this frame alive in its traceback: drop the DDP wrappers now,
        # before the process group ends, or gloo can wait at exit for a peer that has gone.
        models = None
        bar.close()


def show_progress(bar, numbers: dict, images_per_step: int) -> None:
    """Advance the bar one step; its postfix shows the kind's `numbers` (BEGAN: M, k) and
    images/s (from tqdm's smoothed rate)."""
    bar.update(1)
    if not bar.disable:
        rate = bar.format_dict.get("rate") or 0.0
        bar.set_postfix(**numbers, img_s=f"{rate * images_per_step:.1f}", refresh=False)


def wrap(module: torch.nn.Module, context) -> torch.nn.Module:
    """`module` in DistributedDataParallel under torchrun, else itself."""
    if not context.distributed:
        return module
    device_ids = [context.device.index] if context.device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=device_ids)


def one_step(state: TrainState, models, real: torch.Tensor, stop=None):
    """One step of the run's model on the batch `real` (B, C, H, W): BEGAN's step (updates
    state.k too) or alpha-GAN's Algorithm 1 step; updates state.step.

    The step's one all-reduce carries the losses and the stop flags (a signal, weights that are
    no longer finite), so every rank takes the same decision in after_step.
    """
    config, context = state.config, state.context
    real = real.to(context.device, non_blocking=True)
    if config.channels_last:
        real = real.contiguous(memory_format=torch.channels_last)
    if config.residual_steps:
        carry = carry_at(state.step, config.residual_steps)
        for network in state.networks.values():
            set_carry(network, carry)
    if config.model == "alpha-gan":
        result = alpha_gan_step(*models, *state.optimizers.values(), real,
                                lambda_rec=config.lambda_rec, z_dim=config.z_dim, rng=state.z_rng,
                                autocast_dtype=state.autocast_dtype,
                                flags=lambda: stop_flags(state, stop))
        state.step += 1
        return result
    result = began_step(*models, state.opt_g, state.opt_d, real, state.k, gamma=config.gamma,
                        lambda_k=config.lambda_k, z_dim=config.z_dim, eta=config.eta,
                        rng=state.z_rng, autocast_dtype=state.autocast_dtype,
                        reduce_sum=distributed.make_reduce_sum(context),
                        flags=lambda: stop_flags(state, stop),
                        pull_away_weight=config.pull_away, shared_z=config.shared_z)
    state.step += 1
    state.k = result.k
    return result


def stop_flags(state: TrainState, stop) -> torch.Tensor:
    """[a stop signal arrived, a weight is NaN or inf] on this rank, as a tensor (no host sync)."""
    params = [p.detach() for m in state.networks.values() for p in m.parameters()]
    # The largest |w| of each tensor: NaN and inf survive the max, and it never overflows.
    largest = torch.stack(torch._foreach_norm(params, float("inf")))
    weights_bad = ~torch.isfinite(largest).all()
    signal_flag = torch.tensor(bool(stop is not None and stop.requested), device=largest.device)
    return torch.stack([signal_flag, weights_bad])


def after_step(state: TrainState, result, timer, fixed_z, stop) -> bool:
    """Guard, log, sample and checkpoint after a step; True when the run should stop now.

    Every decision here comes from numbers all ranks share (the step's all-reduce), so all
    ranks stop at the same step with the same message, before any other collective.
    """
    config, step = state.config, state.step
    bad = [f"{key}={getattr(result, key)}" for key in state.kind.finite_keys
           if not math.isfinite(getattr(result, key))]
    stop_now, weights_bad = result.flags
    if bad or weights_bad:
        raise diverged_error(state, ", ".join(bad) or "a weight is NaN or inf")
    state.window.add(result)
    last = step == config.steps
    # Only at multiples of log_every, so a run extended past its end logs as if never stopped.
    if step % config.log_every == 0:
        log_metrics(state, timer)
    if state.context.is_main and (step % config.sample_every == 0 or last or stop_now):
        write_samples(state, fixed_z)
    periodic = step % config.checkpoint_every == 0
    if periodic or last or stop_now:
        write_checkpoint(state, periodic)
    if stop_now:
        state.stopped_by = stop.requested or "a signal to another rank"
        if state.context.is_main:
            tqdm.write(f"{state.stopped_by}: stopped after step {step}; checkpoint saved in "
                       f"{checkpoint_dir(state.run_dir)}; continue with --resume")
    return bool(stop_now)


def diverged_error(state: TrainState, what: str) -> Diverged:
    """The message for a NaN / inf loss, naming the checkpoint that is kept."""
    last = checkpoint_dir(state.run_dir) / "last.pt"
    lower = f"--set lr={state.schedule.lr / 2:g}"
    advice = (f"the last good checkpoint {last} is kept; continue from it with a smaller "
              f"learning rate: --resume {lower}" if last.is_file()
              else f"no checkpoint was written yet; start again with {lower}")
    return Diverged(f"training diverged at step {state.step} ({what}); {advice}")


class Timer:
    """Images per second since the last metrics line."""

    def __init__(self, images_per_step: int):
        self.images_per_step = images_per_step
        self.reset()

    def reset(self) -> None:
        self.start, self.steps = time.perf_counter(), 0

    def tick(self) -> None:
        self.steps += 1

    def rate(self) -> float:
        elapsed = time.perf_counter() - self.start
        return self.steps * self.images_per_step / elapsed if elapsed > 0 else 0.0


def log_metrics(state: TrainState, timer: Timer) -> None:
    """Append one line to metrics.jsonl (window means, k, lr) and apply the lr schedule."""
    kind, means = state.kind, state.window.means()
    row = {"step": state.step, **means, **({"k": state.k} if kind.uses_k else {}),
           "lr": state.schedule.lr, "images_per_second": round(timer.rate(), 2)}
    state.metrics.append(json.dumps(row) + "\n")
    if kind.schedule_key:
        set_lr(state, state.schedule.update(state.step, means[kind.schedule_key]))
    state.window = Window.of(kind)
    timer.reset()
    if state.context.is_main:
        write_text_atomic(state.run_dir / "metrics.jsonl", "".join(state.metrics))


def write_samples(state: TrainState, fixed_z: torch.Tensor) -> None:
    """samples/step_NNNNNNN.png from the fixed z, and curves.png from the metrics so far."""
    with torch.no_grad():
        images = state.generator(fixed_z).float()
    nrow = max(1, int(math.sqrt(len(images))))
    save_grid(images, state.run_dir / "samples" / f"step_{state.step:07d}.png", nrow=nrow)
    if state.metrics:
        figure = plot_curves([json.loads(line) for line in state.metrics],
                             state.run_dir / "curves.png", panels=state.kind.panels)
        figure.clear()


def write_checkpoint(state: TrainState, periodic: bool) -> None:
    """Save everything exact resume needs; refuse (Diverged, on every rank) a non-finite weight.

    Each rank's weight check travels in the gather every rank takes anyway, so all ranks raise
    together instead of rank 0 alone (which left the others waiting in the next collective).
    """
    weights_bad = bool(stop_flags(state, None)[1])
    gathered = distributed.gather(state.context, (rng_states(state.z_rng), weights_bad))
    if any(bad for _, bad in gathered):
        raise diverged_error(state, "a weight is NaN or inf")
    ranks = [states for states, _ in gathered]
    if not state.context.is_main:
        return
    payload = {"config": asdict(state.config), "step": state.step,
               **({"k": state.k} if state.kind.uses_k else {}),
               **{name: network.state_dict() for name, network in state.networks.items()},
               **{key: optimizer.state_dict() for key, optimizer in state.optimizers.items()},
               "schedule": state.schedule.state_dict(),
               "window": {"sums": state.window.sums, "count": state.window.count}, "rng": ranks}
    save_checkpoint(payload, state.run_dir, periodic=periodic, keep=state.config.keep_checkpoints)


class StopRequest:
    """Set by SIGINT / SIGTERM: the loop finishes its step, saves a checkpoint and returns."""
    requested = ""


@contextmanager
def stop_signals():
    """Turn the first Ctrl-C (or SIGTERM) into a clean stop; a second Ctrl-C interrupts at once."""
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signal handlers can only be set from the main thread
        return

    def handler(signum, frame):
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = signal.Signals(signum).name

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
