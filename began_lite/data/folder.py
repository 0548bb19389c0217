"""Image folders and CelebA, read lazily: names listed at open, each image decoded when asked for.

A folder is scanned recursively for image files (by suffix); other files and hidden files
(".DS_Store", "._x.jpg") are skipped and counted in the data set's `source` line. At open, up to
`SAMPLE` evenly spaced images are decoded to catch unreadable, truncated or mixed
grayscale/RGB files early; every other image is checked when it loads, and a bad one raises a
one-line UserError naming the file.
"""
import os
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from began_lite.data.images import check_channels, check_image_size, to_unit_range
from began_lite.errors import UserError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm")
SAMPLE = 32  # images decoded at open; the rest are checked as they load
GRAY_MODES = ("1", "L", "LA", "I", "I;16", "F")
CELEBA_SIZE = (178, 218)  # aligned CelebA images, width x height
CELEBA_BOX = (25, 50, 25 + 128, 50 + 128)  # the BEGAN crop: a 128x128 box at x=25, y=50
MIXED_FIX = "pass channels=1 or channels=3 (--channels 1 or 3) to convert every image"


def list_images(folder: Path):
    """Sorted image paths under `folder` (recursively) and the sorted names of skipped files."""
    images, skipped = [], []
    for parent, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = os.path.join(parent, name)
            keep = not name.startswith(".") and name.lower().endswith(IMAGE_SUFFIXES)
            (images if keep else skipped).append(path)
    return images, skipped


def read_image(path) -> Image.Image:
    """Decode the image at `path` fully; an unreadable or truncated file raises UserError."""
    try:
        with Image.open(path) as img:
            img.load()  # decodes every byte, so truncation shows up here, not in a worker later
            return img
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise UserError(f"{path} is not a readable image ({err}); delete or replace it") from None


def native_channels(img: Image.Image) -> int:
    """1 for a grayscale image, 3 for a colour one."""
    return 1 if img.mode in GRAY_MODES else 3


def center_box(width: int, height: int):
    """The largest centred square, as a PIL box (left, upper, right, lower)."""
    side = min(width, height)
    left, upper = (width - side) // 2, (height - side) // 2
    return (left, upper, left + side, upper + side)



class ImageFolder(Dataset):
    """Images in a folder as `(C, S, S)` float32 in [-1, 1]; `crop` is "center" or "celeba"."""

    def __init__(self, folder, image_size: int, channels=None, crop: str = "center", name=None):
        self.folder = Path(folder)
        self.image_size = check_image_size(image_size)
        self.convert = check_channels(channels)
        self.crop = crop
        if not self.folder.is_dir():
            what = "is a file, not a folder" if self.folder.exists() else "not found"
            raise UserError(f"image folder {self.folder} {what}; check the path, "
                            f"see data/README.md for the layout")
        self.files, self.skipped = list_images(self.folder)
        if not self.files:
            raise UserError(f"no images in {self.folder} (looked recursively for "
                            f"{', '.join(IMAGE_SUFFIXES)}; {len(self.skipped)} other files)")
        self.native = self.check_sample()
        self.channels = self.convert or self.native
        self.source = self.describe(name or f"image folder {self.folder}")

    def check_sample(self) -> int:
        """Decode up to SAMPLE evenly spaced images; return their channels, raise if mixed."""
        picks = np.unique(np.linspace(0, len(self.files) - 1, SAMPLE).round().astype(int))
        seen = {}
        for i in picks:
            img = read_image(self.files[i])
            self.crop_box(img, self.files[i])
            seen.setdefault(native_channels(img), self.files[i])
        if len(seen) > 1 and self.convert is None:
            raise UserError(f"{self.folder} mixes grayscale ({seen[1]}) and RGB ({seen[3]}) "
                            f"images; {MIXED_FIX}")
        return next(iter(seen))  # the kind of the first sampled file

    def describe(self, name: str) -> str:
        """The human `source` line: what was read, how it was cropped, what was skipped."""
        crop = "BEGAN crop 128x128 at x=25, y=50" if self.crop == "celeba" else "centre crop"
        text = f"{name} ({len(self.files):,} images, {crop}"
        if self.skipped:
            text += (f"; skipped {len(self.skipped)} non-image files, "
                     f"e.g. {os.path.relpath(self.skipped[0], self.folder)}")
        return text + ")"

    def crop_box(self, img: Image.Image, path) -> tuple:
        """The PIL crop box for `img`: the BEGAN box for CelebA, else the centred square."""
        if self.crop != "celeba":
            return center_box(*img.size)
        if img.size != CELEBA_SIZE:
            raise UserError(f"{path} is {img.size[0]}x{img.size[1]}, not an aligned CelebA image "
                            f"(178x218); use img_align_celeba, or open the folder by its path")
        return CELEBA_BOX

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index) -> torch.Tensor:
        """Image `index` as `(C, S, S)` float32 in [-1, 1]."""
        path = self.files[int(index)]
        img = read_image(path)
        if self.convert is None and native_channels(img) != self.native:
            kind = "grayscale" if self.native == 1 else "RGB"
            raise UserError(f"{path} is not {kind} like the rest of {self.folder}; {MIXED_FIX}")
        img = img.convert("L" if self.channels == 1 else "RGB").crop(self.crop_box(img, path))
        img = img.resize((self.image_size,) * 2, Image.Resampling.BILINEAR)  # PIL antialiases
        x = torch.from_numpy(np.array(img, dtype=np.uint8))
        return to_unit_range(x.reshape(self.image_size, self.image_size, -1).permute(2, 0, 1))
