"""`open_dataset`: from a source name or a folder path to a Dataset of `(C, H, W)` images."""
from pathlib import Path

from torch.utils.data import Dataset

from began_lite.data.cifar import load_cifar10
from began_lite.data.folder import ImageFolder
from began_lite.data.images import TensorImages, check_channels, check_image_size
from began_lite.data.mnist import check_split, load_mnist
from began_lite.errors import UserError

NAMED_SOURCES = ("mnist", "cifar10", "celeba")


def celeba_folder(root) -> Path:
    """CelebA's folder: `<root>/celeba/img_align_celeba` if present, else `<root>/celeba`."""
    base = Path(root) / "celeba"
    return base / "img_align_celeba" if (base / "img_align_celeba").is_dir() else base


def open_celeba(image_size: int, root, channels) -> ImageFolder:
    """Aligned CelebA from `<root>/celeba`, with the BEGAN crop; missing -> UserError."""
    folder = celeba_folder(root)
    if not folder.is_dir():
        raise UserError(f"CelebA not found at {folder}; download img_align_celeba.zip from the "
                        f"CelebA page by hand and unzip it into {Path(root) / 'celeba'} "
                        f"(see data/README.md)")
    return ImageFolder(folder, image_size, channels, crop="celeba", name=f"CelebA from {folder}")


def open_dataset(source: str, image_size: int, split: str = "train", root="data",
                 channels=None) -> Dataset:
    """`(C, S, S)` float32 images in [-1, 1] from "mnist", "cifar10", "celeba" or a folder path.

    `split` (train / val / test) applies to MNIST and CIFAR-10; folders and CelebA are one set.
    `channels` None keeps the native channels, 1 or 3 converts. Every item is decoded lazily
    or resized per item, so large sizes cost no extra memory. The result has a `.source` line.
    """
    check_image_size(image_size)
    check_channels(channels)
    check_split(split)
    if source == "mnist":
        data = load_mnist(split, 32, root)
        return TensorImages(data.images, image_size, channels, data.source)
    if source == "cifar10":
        images, _, text = load_cifar10(split, root)
        return TensorImages(images, image_size, channels, text)
    if source == "celeba":
        return open_celeba(image_size, root, channels)
    if Path(source).exists():
        return ImageFolder(source, image_size, channels)
    raise UserError(f"unknown data source {source!r}: not one of {', '.join(NAMED_SOURCES)} "
                    f"and no folder of that name exists")
