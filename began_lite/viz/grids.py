"""Sample grids: a batch of images in [-1, 1] tiled into one PNG."""
import math

import numpy as np
import torch
from PIL import Image

from began_lite.files import atomic_path


def make_grid(images: torch.Tensor, nrow: int = 8, padding: int = 2) -> np.ndarray:
    """Tile `images` (B, C, H, W) in [-1, 1] into one (rows, cols, C) uint8 array, `nrow` a row."""
    images = images.detach().float().cpu().clamp(-1, 1)
    b, c, h, w = images.shape
    ncol = min(nrow, b)
    nrows = math.ceil(b / ncol)
    grid = torch.ones(c, nrows * (h + padding) + padding, ncol * (w + padding) + padding)
    for i, image in enumerate(images):
        top = (i // ncol) * (h + padding) + padding
        left = (i % ncol) * (w + padding) + padding
        grid[:, top:top + h, left:left + w] = image
    pixels = ((grid + 1) * 127.5).round().to(torch.uint8)
    return pixels.permute(1, 2, 0).numpy()


def save_grid(images: torch.Tensor, path, nrow: int = 8) -> None:
    """Save `images` (B, C, H, W) in [-1, 1] as one PNG grid at `path`, atomically."""
    pixels = make_grid(images, nrow=nrow)
    mode = "L" if pixels.shape[2] == 1 else "RGB"
    image = Image.fromarray(pixels[:, :, 0] if mode == "L" else pixels, mode=mode)
    with atomic_path(path) as tmp:
        image.save(tmp, format="PNG")
