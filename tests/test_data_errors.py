"""Every bad data input is a one-line UserError naming the problem (or a reported skip)."""
import pytest
import torch
from PIL import Image

import began_lite.data.folder as folder_module
from began_lite.data import open_dataset
from began_lite.errors import UserError


def make_images(folder, n, mode="RGB", start=0):
    """`n` small PNGs named img_000.png... in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        Image.new(mode, (12, 12), 128).save(folder / f"img_{i:03d}.png")
    return folder


def truncate(path):
    """Replace `path` by the first half of a noisy 64x64 PNG: a valid header, cut-off pixels."""
    noise = torch.randint(0, 256, (64, 64, 3), dtype=torch.uint8, generator=torch.Generator())
    Image.fromarray(noise.numpy()).save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def one_line_error(match, *args, **kwargs) -> str:
    """Call open_dataset(*args, **kwargs), expect a one-line UserError matching `match`."""
    with pytest.raises(UserError, match=match) as err:
        open_dataset(*args, **kwargs)
    assert "\n" not in str(err.value)
    return str(err.value)


def test_missing_folder_and_file_instead_of_folder(tmp_path):
    one_line_error("unknown data source", str(tmp_path / "nowhere"), 32)
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(UserError, match="is a file, not a folder"):
        folder_module.ImageFolder(tmp_path / "a.png", 32)
    with pytest.raises(UserError, match="not found"):
        folder_module.ImageFolder(tmp_path / "nowhere", 32)


def test_empty_folder_and_folder_without_images(tmp_path):
    (tmp_path / "empty").mkdir()
    one_line_error("no images in .*empty.*0 other files", str(tmp_path / "empty"), 32)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("hi")
    one_line_error("no images in .*1 other files", str(tmp_path / "notes"), 32)


def test_non_image_files_are_skipped_and_reported(tmp_path):
    folder = make_images(tmp_path / "imgs", 3)
    (folder / "labels.csv").write_text("a,b\n")
    (folder / ".DS_Store").write_bytes(b"\0\1")
    (folder / "._img_000.png").write_bytes(b"AppleDouble junk")  # macOS resource fork
    data = open_dataset(str(folder), 16)
    assert len(data) == 3 and len(data.skipped) == 3
    assert "skipped 3 non-image files" in data.source


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_bad_image_in_the_open_sample(tmp_path, damage):
    folder = make_images(tmp_path / "imgs", 4)
    bad = folder / "img_002.png"
    bad.write_bytes(b"not an image at all") if damage == "garbage" else truncate(bad)
    expected = "cannot identify" if damage == "garbage" else "truncated"
    message = one_line_error(f"img_002.png is not a readable image .*{expected}", str(folder), 8)
    assert "delete or replace it" in message


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_bad_image_found_when_it_loads(tmp_path, monkeypatch, damage):
    monkeypatch.setattr(folder_module, "SAMPLE", 2)  # only the first and last are checked at open
    folder = make_images(tmp_path / "imgs", 5)
    bad = folder / "img_002.png"
    bad.write_bytes(b"GIF89a nope") if damage == "garbage" else truncate(bad)
    data = open_dataset(str(folder), 8)
    assert data[1].shape == (3, 8, 8)
    with pytest.raises(UserError, match="img_002.png is not a readable image"):
        data[2]
    with pytest.raises(UserError, match="img_002.png"):
        list(torch.utils.data.DataLoader(data, batch_size=5))


def test_mixed_grayscale_and_rgb(tmp_path):
    folder = make_images(tmp_path / "mixed", 3)
    make_images(folder, 2, mode="L", start=3)
    message = one_line_error("mixes grayscale .* and RGB", str(folder), 16)
    assert "channels=1 or channels=3" in message
    for channels in (1, 3):
        data = open_dataset(str(folder), 16, channels=channels)
        assert {tuple(data[i].shape) for i in range(len(data))} == {(channels, 16, 16)}


def test_mixed_found_when_it_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(folder_module, "SAMPLE", 2)
    folder = make_images(tmp_path / "mixed", 5)
    Image.new("L", (12, 12), 9).save(folder / "img_002.png")
    data = open_dataset(str(folder), 16)
    with pytest.raises(UserError, match="img_002.png is not RGB like the rest .*channels"):
        data[2]


@pytest.mark.parametrize("kwargs, match", [
    ({"channels": 2}, "channels must be 1"),
    ({"split": "validation"}, "unknown split"),
    ({"image_size": 48}, "power of two"),
])
def test_bad_arguments(tmp_path, kwargs, match):
    folder = make_images(tmp_path / "imgs", 2)
    one_line_error(match, str(folder), **{"image_size": 16, **kwargs})


def test_unknown_source_name(tmp_path):
    one_line_error("unknown data source 'imagenet'.*mnist, cifar10, celeba", "imagenet", 32,
                   root=tmp_path)
