"""A stand-in for aligned CelebA: drawn "faces" in CelebA's layout, to run the celeba presets'
exact code path (folder search, BEGAN crop, resize) where the real images are absent: tests,
chapter 11's quick profile, a first check on a new GPU machine. Not a data set to learn from.

Each image is 178x218 like img_align_celeba: a background, a face ellipse with hair, two eyes
and a mouth, centred where CelebA's aligned faces sit, so the BEGAN crop (a 128x128 box at
x=25, y=50) keeps the face. Colours and positions vary per image from one seed.
"""
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from began_lite.data.folder import CELEBA_SIZE
from began_lite.errors import UserError

FACE_CENTRE = (89, 120)  # (x, y): the middle of the BEGAN crop box, where aligned faces sit


def draw_face(rng: np.random.Generator) -> Image.Image:
    """One 178x218 RGB image: background, hair, face ellipse, eyes and mouth from `rng`."""
    image = Image.new("RGB", CELEBA_SIZE, tuple(int(c) for c in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    x = FACE_CENTRE[0] + int(rng.integers(-6, 7))
    y = FACE_CENTRE[1] + int(rng.integers(-6, 7))
    rx, ry = int(rng.integers(34, 46)), int(rng.integers(46, 58))
    hair = tuple(int(c) for c in rng.integers(0, 120, 3))
    draw.ellipse((x - rx - 8, y - ry - 14, x + rx + 8, y + ry // 2), fill=hair)
    skin = tuple(int(c) for c in (rng.uniform(0.55, 1.0) * np.array([255, 205, 170])))
    draw.ellipse((x - rx, y - ry, x + rx, y + ry), fill=skin)
    eye_y, eye_dx = y - ry // 4, rx // 2
    for side in (-1, 1):
        cx = x + side * eye_dx
        draw.ellipse((cx - 5, eye_y - 3, cx + 5, eye_y + 3), fill=(40, 30, 30))
    mouth_y, width = y + ry // 2, int(rng.integers(10, 20))
    draw.rectangle((x - width, mouth_y - 2, x + width, mouth_y + 3), fill=(150, 40, 50))
    return image


def write_fake_celeba(root, count: int = 256, seed: int = 0) -> Path:
    """Write `count` drawn faces as <root>/celeba/img_align_celeba/000001.jpg, ...; returns that
    folder. `open_dataset("celeba", size, root=root)` then reads them like aligned CelebA."""
    if count < 1:
        raise UserError(f"count must be at least 1, not {count}")
    folder = Path(root) / "celeba" / "img_align_celeba"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(1, count + 1):
        draw_face(rng).save(folder / f"{i:06d}.jpg", quality=95)
    return folder
