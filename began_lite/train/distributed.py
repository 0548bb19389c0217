"""Devices and torchrun: the process group, all-reduced means, and which rank writes files."""
import os
from dataclasses import dataclass, field

import torch
import torch.distributed as dist

from began_lite.errors import UserError

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device="auto") -> torch.device:
    """`auto` -> cuda when a GPU is visible, else cpu; `cuda` without a GPU is a UserError."""
    name = str(device)
    if name.split(":")[0] not in DEVICES:
        raise UserError(f"device must be one of {', '.join(DEVICES)} (or cuda:N), not {name!r}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"device {name!r} asked for but no CUDA GPU is visible; use --device cpu")
    return torch.device(name)


@dataclass
class Context:
    """Where this process runs: its rank among `world_size` processes and its device."""
    rank: int = 0
    world_size: int = 1
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    owns_group: bool = False  # True when setup() started the process group and must end it

    @property
    def is_main(self) -> bool:
        """Only rank 0 writes files and prints."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1


def setup(device="auto") -> Context:
    """This process's Context; under torchrun, start the process group (NCCL on CUDA, else gloo)."""
    device = resolve_device(device)
    owns = False
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")
        owns = True
    if not dist.is_initialized():
        return Context(device=device)
    rank, world = dist.get_rank(), dist.get_world_size()
    if device.type == "cuda" and device.index is None:
        # One GPU per process: torchrun's LOCAL_RANK picks it.
        local_rank = os.environ.get("LOCAL_RANK", rank % torch.cuda.device_count())
        device = torch.device("cuda", int(local_rank))
        torch.cuda.set_device(device)
    return Context(rank=rank, world_size=world, device=device, owns_group=owns)


def teardown(context: Context) -> None:
    """End the process group if setup() started it."""
    if context.owns_group and dist.is_initialized():
        dist.destroy_process_group()


def make_reduce_mean(context: Context):
    """A function averaging a tensor over all ranks in place (None for a single process)."""
    if not context.distributed:
        return None

    def reduce_mean(tensor: torch.Tensor) -> torch.Tensor:
        dist.all_reduce(tensor)
        return tensor.div_(context.world_size)
    return reduce_mean


def make_reduce_sum(context: Context):
    """A function summing a tensor over all ranks, with a `world_size` attribute (None alone)."""
    if not context.distributed:
        return None

    def reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
        on_wire = tensor.to(_comm_device(context))
        dist.all_reduce(on_wire)
        return on_wire.to(tensor.device)
    reduce_sum.world_size = context.world_size
    return reduce_sum


def any_rank(context: Context, *flags: bool) -> list[bool]:
    """Each flag OR-ed over all ranks, so every rank takes the same branch (stop, diverged)."""
    if not context.distributed:
        return list(flags)
    tensor = torch.tensor([float(f) for f in flags], device=_comm_device(context))
    dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
    return [bool(v) for v in tensor.tolist()]


def barrier(context: Context) -> None:
    """Wait until every rank gets here."""
    if context.distributed:
        dist.barrier()


def gather(context: Context, obj) -> list:
    """[obj of rank 0, obj of rank 1, ...] on every rank."""
    if not context.distributed:
        return [obj]
    objects = [None] * context.world_size
    dist.all_gather_object(objects, obj)
    return objects


def _comm_device(context: Context) -> torch.device:
    # NCCL reduces CUDA tensors only; gloo reduces CPU tensors.
    return context.device if dist.get_backend() == "nccl" else torch.device("cpu")
