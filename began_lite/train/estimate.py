"""Estimates for GPUs no one has run this code on yet: step FLOPs, images/s, memory, hours.

A training step's FLOPs follow from the networks' forward FLOPs per image (G_f, D_f):
B (4 G_f + 8 D_f) for the simultaneous step of `began.began_step`. Memory is the weights,
their gradients and Adam's two moments (16 bytes per parameter in fp32) plus the tensors one
step saves for its backward pass (weights aside), counted with saved-tensor hooks on fake
tensors (shapes and dtypes, no arithmetic and no GPU), plus the backward's largest transient
buffers. Everything here is an estimate and is labelled so wherever it is printed; `bench` on
the GPU measures.

Layer: train (imports nets, architecture, began and train.config).
"""
from dataclasses import dataclass

import torch
from torch._subclasses.fake_tensor import FakeTensorMode

from began_lite.architecture import flops_per_image
from began_lite.began import reconstruction_loss, sample_z
from began_lite.errors import UserError
from began_lite.nets import build_began, count_parameters
from began_lite.train.config import Config

GIB = 2 ** 30


@dataclass(frozen=True)
class GPU:
    """A GPU's memory (GB, as sold) and its public dense peak TFLOP/s; None: no such unit."""
    name: str
    memory_gb: float
    fp32: float
    tf32: float | None
    bf16: float | None


# Peaks from the vendor's data sheets, dense (no 2:4 sparsity). T4 (Turing) and P100 (Pascal,
# the paper's GPU) have no TF32 and no bf16 tensor cores; P100 is the 16 GB PCIe part, A100 the
# 40 GB SXM part, H100 the 80 GB SXM part.
GPUS = {"P100": GPU("P100 16 GB", 16, 9.3, None, None),
        "T4": GPU("T4 16 GB", 16, 8.1, None, None),
        "A100": GPU("A100 40 GB", 40, 19.5, 156.0, 312.0),
        "H100": GPU("H100 80 GB SXM", 80, 67.0, 494.7, 989.4)}
# Optimizer state bytes per parameter in fp32: the weight, its gradient, Adam's exp_avg, exp_avg_sq.
STATE_BYTES = {"weights": 4, "gradients": 4, "adam": 8}


def forward_flops(config: Config) -> tuple[int, int]:
    """(G's, D's) forward FLOPs per image, counted by FlopCounterMode on fake tensors."""
    with FakeTensorMode():
        generator, discriminator = _networks(config)
        return (flops_per_image(generator, (config.z_dim,)),
                flops_per_image(discriminator, (config.channels, config.image_size,
                                                config.image_size)))


def step_flops(config: Config) -> int:
    """FLOPs of one training step of one process: B (4 G_f + 8 D_f).

    G: forward for z_D (no grad), forward + backward (2x) for z_G. D: forward + backward (2x)
    on the 2B real and z_D images, forward + input-only backward (1x) on G(z_G).
    """
    g_f, d_f = forward_flops(config)
    return config.batch_size * (4 * g_f + 8 * d_f)


def peak_tflops(gpu: GPU, precision: str) -> float | None:
    """The peak the step's convs run at: bf16's, or for fp32 TF32's where the GPU has it (PyTorch
    runs fp32 convolutions in TF32 by default, torch.backends.cudnn.allow_tf32); None: no bf16."""
    if precision == "bf16":
        return gpu.bf16
    if precision == "fp32":
        return gpu.tf32 if gpu.tf32 is not None and torch.backends.cudnn.allow_tf32 else gpu.fp32
    raise UserError(f"precision must be fp32 or bf16 for an estimate, not {precision!r}")


def estimated_images_per_second(flops_per_step: float, batch_size: int, tflops: float,
                                utilisation: float) -> float:
    """Images/s if the step's FLOPs run at `utilisation` x `tflops` (an assumption, not a fact)."""
    if not 0 < utilisation <= 1:
        raise UserError(f"utilisation must lie in (0, 1], not {utilisation}")
    return utilisation * tflops * 1e12 * batch_size / flops_per_step


def schedule_hours(steps: int, images_per_step: int, images_per_second: float) -> float:
    """Hours for `steps` steps of `images_per_step` images at `images_per_second` (all GPUs)."""
    if images_per_second <= 0:
        raise UserError(f"images_per_second must be positive, not {images_per_second}")
    return steps * images_per_step / images_per_second / 3600


def saved_tensors(config: Config, precision: str = "fp32") -> list[torch.Tensor]:
    """The (fake) tensors one training step saves for its backward pass, one per storage, the
    weights left out (they are counted once, as weights); each is (the size of) its storage."""
    if precision not in ("fp32", "bf16"):
        raise UserError(f"precision must be fp32 or bf16 for an estimate, not {precision!r}")
    seen = {}

    def pack(tensor):
        # Views and detached weights share their storage: key on it, so each counts once.
        seen.setdefault(tensor.untyped_storage()._cdata, tensor)
        return tensor

    with FakeTensorMode():
        generator, discriminator = _networks(config)
        weights = {p.untyped_storage()._cdata for m in (generator, discriminator)
                   for p in m.parameters()}
        real = torch.empty(config.batch_size, config.channels, config.image_size,
                           config.image_size)
        autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16")
        with autocast, torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            step_forward(generator, discriminator, real, config)
    return [tensor for key, tensor in seen.items() if key not in weights]


def step_forward(generator, discriminator, real, config: Config) -> torch.Tensor:
    """The forward passes of `began.began_step`: G(z_D) without grad, D on real and G(z_D)
    together, G(z_G), and D with detached weights on G(z_G); returns L_D + L_G."""
    batch = real.shape[0]
    z_d, z_g = sample_z(batch, config.z_dim), sample_z(batch, config.z_dim)
    with torch.no_grad():
        fake_d = generator(z_d)
    both = torch.cat([real, fake_d.to(real.dtype)])
    recon = discriminator(both)
    fake_g = generator(z_g)
    weights = {name: p.detach() for name, p in discriminator.named_parameters()}
    recon_g = torch.func.functional_call(discriminator, weights, (fake_g,))
    return (reconstruction_loss(both, recon, config.eta)
            + reconstruction_loss(fake_g, recon_g, config.eta))


def memory_estimate(config: Config, precision: str = "fp32") -> dict:
    """Bytes of one process's training state: weights, gradients, adam, activations (saved for
    the backward), transient (the backward's two largest buffers, taken as twice the largest
    saved tensor) and total."""
    with FakeTensorMode():
        parameters = sum(count_parameters(m) for m in _networks(config))
    saved = [t.untyped_storage().nbytes() for t in saved_tensors(config, precision)]
    row = {key: size * parameters for key, size in STATE_BYTES.items()}
    row.update(activations=sum(saved), transient=2 * max(saved))
    row["total"] = sum(row.values())
    return {"parameters": parameters, **row}


def _networks(config: Config):
    """(generator, discriminator) of `config`'s shapes, in the current tensor mode."""
    return build_began(config.image_size, config.channels, config.n, config.h, config.z_dim,
                       config.repeat, config.skip, config.generator_n, config.generator_repeat)
