"""`python -m began_lite data preview`: writes a PNG grid of real samples and says from where."""
import pytest
from PIL import Image

import began_lite.__main__ as cli


@pytest.fixture
def data_main(monkeypatch):
    """The real `main`, with only the data command registered (other modules may be unfinished)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ["began_lite.data.commands"])
    return cli.main


def test_preview_bundled_mnist(tmp_path, data_main, capsys):
    out = tmp_path / "previews" / "mnist.png"
    assert data_main(["data", "preview", "mnist", "--out", str(out), "--n", "16",
                      "--root", str(tmp_path)]) == 0
    img = Image.open(out)
    assert img.format == "PNG" and img.size == (4 * 34 + 2, 4 * 34 + 2)  # 4x4 grid, 2 px pads
    printed = capsys.readouterr().out
    assert str(out) in printed and "16 images 32x32" in printed and "bundled MNIST" in printed
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def test_preview_folder_at_size_and_channels(tmp_path, data_main, capsys):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(3):
        Image.new("RGB", (30, 20), (i * 80, 0, 0)).save(folder / f"{i}.jpg")
    out = tmp_path / "grid.png"
    assert data_main(["data", "preview", str(folder), "--out", str(out), "--image-size", "8",
                      "--channels", "1"]) == 0
    assert Image.open(out).size == (2 * 10 + 2, 2 * 10 + 2)  # 3 images: 2 per row, 2 rows
    assert "3 images 8x8 from image folder" in capsys.readouterr().out


@pytest.mark.parametrize("toy", ["ring-8", "grid-25", "gaussian-1d"])
def test_preview_toy_scatter(tmp_path, data_main, capsys, toy):
    out = tmp_path / f"{toy}.png"
    assert data_main(["data", "preview", toy, "--out", str(out), "--n", "200"]) == 0
    assert Image.open(out).format == "PNG"
    assert f"200 samples of the toy {toy}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, match", [
    (["cifar10", "--out", "x.png"], "CIFAR-10 not found"),
    (["mnist", "--out", "x.gif"], "must end in .png or .jpg"),
    (["mnist", "--out", "x.png", "--n", "0"], "--n must be at least 1"),
    (["no-such-thing", "--out", "x.png"], "unknown data source"),
])
def test_preview_bad_input_is_one_line(tmp_path, data_main, capsys, argv, match):
    argv = ["data", "preview", *argv, "--root", str(tmp_path)]
    argv[argv.index("--out") + 1] = str(tmp_path / argv[argv.index("--out") + 1])
    assert data_main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and match in err and err.count("\n") == 1
    assert not any(tmp_path.glob("x.*"))
