"""Data order as a pure function of (seed, epoch, step): a resumed run sees the same batches."""
import numpy as np
import torch
from torch.utils.data import DataLoader, Sampler

from began_lite.errors import UserError

# Tags that keep the data order, each rank's z draws and the loader's worker seeds independent.
DATA_STREAM, Z_STREAM, WORKER_STREAM = 0, 1, 2


def derived_generator(*keys: int) -> torch.Generator:
    """A torch generator seeded by a hash of `keys`; (seed, STREAM, i) give independent streams."""
    state = np.random.SeedSequence(list(keys)).generate_state(2, dtype=np.uint32)
    return torch.Generator().manual_seed(int(state[0]) << 32 | int(state[1]))


def epoch_order(n_items: int, seed: int, epoch: int) -> torch.Tensor:
    """The shuffled indices of epoch `epoch`, the same in every process and every resumed run."""
    return torch.randperm(n_items, generator=derived_generator(seed, DATA_STREAM, epoch))


class StepBatches(Sampler):
    """Index batches for steps start+1..steps; this rank's share of each global batch."""

    def __init__(self, n_items, batch_size, seed, start, steps, rank=0, world_size=1):
        self.n_items, self.batch_size, self.seed = n_items, batch_size, seed
        self.start, self.steps, self.rank = start, steps, rank
        self.global_batch = batch_size * world_size
        # The last partial batch of an epoch is dropped.
        self.per_epoch = n_items // self.global_batch
        if self.per_epoch == 0:
            raise UserError(f"the data set holds {n_items} images, fewer than one batch of "
                            f"{self.global_batch}; lower batch_size")

    def __len__(self) -> int:
        return self.steps - self.start

    def __iter__(self):
        order, epoch = None, None
        for step in range(self.start, self.steps):
            if step // self.per_epoch != epoch:
                epoch = step // self.per_epoch
                order = epoch_order(self.n_items, self.seed, epoch)
            first = (step % self.per_epoch) * self.global_batch + self.rank * self.batch_size
            yield order[first:first + self.batch_size].tolist()


def stack_images(items) -> torch.Tensor:
    """(B, C, H, W) from a list of images (or of (image, label) pairs)."""
    return torch.stack([item[0] if isinstance(item, (tuple, list)) else item for item in items])


def make_batches(dataset, config, start, context):
    """An iterator of (B, C, H, W) batches for steps start+1..config.steps on this rank."""
    sampler = StepBatches(len(dataset), config.batch_size, config.seed, start, config.steps,
                          context.rank, context.world_size)
    # Its own generator: a DataLoader otherwise draws its worker seed from torch's global RNG,
    # and a resumed run would then end with a different global RNG state.
    loader = DataLoader(dataset, batch_sampler=sampler, num_workers=config.num_workers,
                        collate_fn=stack_images, pin_memory=context.device.type == "cuda",
                        generator=derived_generator(config.seed, WORKER_STREAM, context.rank))
    return iter(loader)
