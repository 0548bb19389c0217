"""The drawn CelebA stand-in: CelebA's layout and size, read by open_dataset("celeba")."""
import pytest
import torch
from PIL import Image

from began_lite.data import open_dataset
from began_lite.data.synthetic import write_fake_celeba
from began_lite.errors import UserError


def test_written_like_celeba_and_read_with_the_began_crop(tmp_path):
    folder = write_fake_celeba(tmp_path, count=5, seed=1)
    assert folder == tmp_path / "celeba" / "img_align_celeba"
    assert sorted(p.name for p in folder.iterdir()) == [f"{i:06d}.jpg" for i in range(1, 6)]
    assert Image.open(folder / "000001.jpg").size == (178, 218)
    data = open_dataset("celeba", 32, root=tmp_path)
    assert "BEGAN crop" in data.source and len(data) == 5
    image = data[0]
    assert image.shape == (3, 32, 32) and -1 <= image.min() < image.max() <= 1
    # the crop is centred on the face: the middle pixel is skin, not background
    assert not torch.allclose(image[:, 16, 16], image[:, 0, 0], atol=0.05)


def test_same_seed_same_images_and_bad_count(tmp_path):
    a = write_fake_celeba(tmp_path / "a", count=3, seed=7)
    b = write_fake_celeba(tmp_path / "b", count=3, seed=7)
    c = write_fake_celeba(tmp_path / "c", count=3, seed=8)
    assert (a / "000003.jpg").read_bytes() == (b / "000003.jpg").read_bytes()
    assert (a / "000003.jpg").read_bytes() != (c / "000003.jpg").read_bytes()
    with pytest.raises(UserError, match="at least 1"):
        write_fake_celeba(tmp_path, count=0)
