"""Shared image helpers: size checks, [-1, 1] scaling, resizing, channel conversion."""
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from began_lite.errors import UserError

IMAGE_SIZES = (8, 16, 32, 64, 128, 256)
# ITU-R 601-2 luma, the weights PIL uses for RGB -> L, so tensors and files convert alike.
LUMA = (0.299, 0.587, 0.114)


def check_image_size(image_size) -> int:
    """Return `image_size` if it is a power of two from 8 to 256, else raise UserError."""
    if image_size not in IMAGE_SIZES:
        raise UserError(f"image size must be a power of two from 8 to 256, got {image_size!r}; "
                        f"pick one of {', '.join(map(str, IMAGE_SIZES))}")
    return int(image_size)


def check_channels(channels):
    """Return `channels` if it is None, 1 or 3, else raise UserError."""
    if channels not in (None, 1, 3):
        raise UserError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")
    return channels


def to_unit_range(x: torch.Tensor) -> torch.Tensor:
    """Map uint8 pixels 0..255 (any shape) to float32 in [-1, 1]."""
    return x.float() / 127.5 - 1.0


def resize(x: torch.Tensor, size: int) -> torch.Tensor:
    """Resize `(B, C, H, W)` images in [-1, 1] to `size` x `size` (bilinear, antialiased)."""
    if x.shape[-2:] == (size, size):
        return x
    y = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return y.clamp(-1.0, 1.0)


def convert_channels(x: torch.Tensor, channels) -> torch.Tensor:
    """Convert `(..., C, H, W)` images to `channels` (1 or 3; None keeps C): repeat or luma."""
    if channels is None or x.shape[-3] == channels:
        return x
    if channels == 3:
        return x.expand(*x.shape[:-3], 3, *x.shape[-2:]).contiguous()
    weights = torch.tensor(LUMA, dtype=x.dtype).view(3, 1, 1)
    return (x * weights).sum(dim=-3, keepdim=True)


class TensorImages(Dataset):
    """In-memory images `(N, C, H, W)`, uint8 or in [-1, 1]; resized and converted per item."""

    def __init__(self, images: torch.Tensor, image_size: int, channels=None, source: str = ""):
        self.images = images
        self.image_size = check_image_size(image_size)
        self.channels = check_channels(channels) or images.shape[1]
        self.source = source

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index) -> torch.Tensor:
        """One image `(C, H, W)` float32 in [-1, 1]."""
        x = self.images[int(index)][None]
        x = to_unit_range(x) if x.dtype == torch.uint8 else x.float()
        return convert_channels(resize(x, self.image_size), self.channels)[0]
