"""CIFAR-10 from a local copy in torchvision's format: `<root>/cifar10/cifar-10-batches-py/`.

The pickled batches are read directly (the same files torchvision reads, without its checksum
pass over 170 MB). Splits: train is the first 45,000 of the 50,000 training images, val the last
5,000 (see `val_count`), test the 10,000 test images. Nothing is downloaded.
"""
import pickle
from pathlib import Path

import numpy as np
import torch

from began_lite.data.mnist import check_split, split_train_val
from began_lite.errors import UserError

BATCH_FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_BATCHES = ("test_batch",)
HOW_TO_GET = ("download cifar-10-python.tar.gz by hand from the CIFAR-10 page "
              "(www.cs.toronto.edu/~kriz/cifar.html) and unpack it in {home} (see data/README.md)")


def cifar_folder(root) -> Path:
    """The folder holding the pickled batches: `<root>/cifar10/cifar-10-batches-py`."""
    return Path(root) / "cifar10" / BATCH_FOLDER


def read_batch(path: Path):
    """One pickled batch as uint8 `(n, 3, 32, 32)` and int64 labels `(n,)`."""
    try:
        with open(path, "rb") as f:
            entry = pickle.load(f, encoding="latin1")
        data = np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        labels = np.asarray(entry["labels"], dtype=np.int64)
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, ValueError, TypeError) as err:
        raise UserError(f"cannot read CIFAR-10 batch {path} ({type(err).__name__}: {err}); "
                        f"replace it: {HOW_TO_GET.format(home=path.parent.parent)}") from None
    return data, labels


def load_cifar10(split: str = "train", root="data"):
    """CIFAR-10 `split`: uint8 images `(N, 3, 32, 32)`, int64 labels `(N,)`, a source line."""
    check_split(split)
    folder = cifar_folder(root)
    names = TEST_BATCHES if split == "test" else TRAIN_BATCHES
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise UserError(f"CIFAR-10 not found: {folder} lacks {', '.join(missing)}; "
                        f"{HOW_TO_GET.format(home=folder.parent)}")
    batches = [read_batch(folder / name) for name in names]
    images = torch.from_numpy(np.concatenate([b[0] for b in batches]))
    labels = torch.from_numpy(np.concatenate([b[1] for b in batches]))
    if split != "test":
        images, labels = split_train_val(images, labels, split)
    return images, labels, f"CIFAR-10 from {folder} ({split}: {len(labels):,} images)"
