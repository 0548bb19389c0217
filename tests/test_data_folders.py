"""Image folders and CelebA: the BEGAN crop, centre crops, every size, channel conversion."""
import numpy as np
import pytest
import torch
from PIL import Image

from began_lite.data import IMAGE_SIZES, open_dataset
from began_lite.data.folder import CELEBA_BOX
from began_lite.errors import UserError

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def celeba_image(seed: int) -> Image.Image:
    """A 178x218 'aligned face': blue background, the BEGAN crop box painted red."""
    pixels = np.zeros((218, 178, 3), np.uint8)
    pixels[...] = BLUE
    left, upper, right, lower = CELEBA_BOX
    pixels[upper:lower, left:right] = RED
    pixels[upper + seed % 64, left:right, 1] = 40  # a faint line so images differ
    return Image.fromarray(pixels)


def make_celeba(root, n=6, nested=True):
    """A CelebA layout under root/celeba (img_align_celeba/ if nested) of generated JPEGs."""
    folder = root / "celeba" / "img_align_celeba" if nested else root / "celeba"
    folder.mkdir(parents=True)
    for i in range(n):
        # 4:4:4 chroma keeps the red/blue edge sharp enough to see a shifted box.
        celeba_image(i).save(folder / f"{i + 1:06d}.jpg", quality=95, subsampling=0)
    (root / "celeba" / "list_attr_celeba.txt").write_text("attributes\n")
    return folder


def make_folder(folder, n=5, size=(40, 20), mode="RGB", suffix=".png"):
    """Landscape images: the centred square green, the side strips red (gray: 200 vs 50)."""
    folder.mkdir(parents=True, exist_ok=True)
    width, height = size
    for i in range(n):
        colour, side = (GREEN, RED) if mode == "RGB" else (200, 50)
        img = Image.new(mode, size, side)
        left = (width - height) // 2
        img.paste(Image.new(mode, (height, height), colour), (left, 0))
        img.save(folder / f"img_{i:03d}{suffix}")
    return folder


@pytest.mark.parametrize("nested", [True, False])
def test_celeba_gets_the_began_crop(tmp_path, nested):
    make_celeba(tmp_path, nested=nested)
    data = open_dataset("celeba", 128, root=tmp_path)
    assert len(data) == 6 and data.native == 3
    x = data[0]  # 128x128: no resize, so any offset in the box shows as blue pixels
    assert x.shape == (3, 128, 128)
    assert float(x[0].min()) > 0.7 and float(x[2].max()) < -0.7  # red everywhere, no blue
    decoded = np.array(Image.open(data.files[0]))[50:178, 25:153]  # rows y, columns x
    assert torch.equal(x, torch.from_numpy(decoded).permute(2, 0, 1).float() / 127.5 - 1)
    assert "CelebA" in data.source and "x=25, y=50" in data.source
    assert ("skipped 1 non-image" in data.source) is not nested  # list_attr_celeba.txt


def test_celeba_resized_keeps_the_crop(tmp_path):
    make_celeba(tmp_path)
    for size in (8, 32):
        x = open_dataset("celeba", size, root=tmp_path)[1]
        assert x.shape == (3, size, size) and float(x[2].max()) < -0.7


def test_celeba_missing_or_wrong_size(tmp_path):
    with pytest.raises(UserError, match="CelebA not found.*img_align_celeba.zip"):
        open_dataset("celeba", 64, root=tmp_path)
    folder = make_celeba(tmp_path, n=2)
    Image.new("RGB", (100, 100)).save(folder / "000003.jpg")
    with pytest.raises(UserError, match="000003.jpg is 100x100, not an aligned CelebA"):
        open_dataset("celeba", 64, root=tmp_path)


def test_generic_folder_center_crop_and_sizes(tmp_path):
    folder = make_folder(tmp_path / "imgs")
    for size in IMAGE_SIZES:
        data = open_dataset(str(folder), size)
        x = data[2]
        assert x.shape == (3, size, size) and x.dtype == torch.float32
        assert float(x.min()) >= -1 and float(x.max()) <= 1
        # Centre crop keeps only the green square: no red from the side strips survives.
        assert float(x[1].min()) > 0.9 and float(x[0].max()) < -0.9
    assert "image folder" in data.source and "centre crop" in data.source


def test_portrait_images_and_subfolders(tmp_path):
    folder = make_folder(tmp_path / "imgs" / "a", n=2, size=(20, 40))
    make_folder(tmp_path / "imgs" / "b", n=3, size=(20, 40), suffix=".jpg")
    data = open_dataset(str(folder.parent), 16)
    assert len(data) == 5 and data.files[0].endswith("a/img_000.png")
    x = data[0]
    assert float(x[1].min()) > 0.9 and float(x[0].max()) < -0.9


@pytest.mark.parametrize("size", [0, 12, 28, 100, 512])
def test_bad_image_size(tmp_path, size):
    folder = make_folder(tmp_path / "imgs", n=1)
    with pytest.raises(UserError, match="power of two from 8 to 256"):
        open_dataset(str(folder), size)


def test_grayscale_folder_and_conversion(tmp_path):
    folder = make_folder(tmp_path / "gray", n=3, mode="L")
    native = open_dataset(str(folder), 16)
    assert native.native == 1 and native[0].shape == (1, 16, 16)
    assert float(native[0].min()) == pytest.approx(200 / 127.5 - 1)
    rgb = open_dataset(str(folder), 16, channels=3)[0]
    assert rgb.shape == (3, 16, 16) and torch.equal(rgb[0], rgb[2])


def test_rgb_folder_to_grayscale_uses_luma(tmp_path):
    folder = make_folder(tmp_path / "rgb", n=2)
    x = open_dataset(str(folder), 16, channels=1)[0]
    green_luma = round(0.587 * 255)  # PIL's RGB -> L weights
    assert x.shape == (1, 16, 16)
    assert float(x.mean()) == pytest.approx(green_luma / 127.5 - 1, abs=2 / 255)
