"""CIFAR-10 from a local copy in torchvision's pickled-batch layout; missing -> a clear error."""
import pickle

import numpy as np
import pytest
import torch

from began_lite.data import load_cifar10, open_dataset
from began_lite.errors import UserError


def make_cifar(root, per_batch=4, n_test=5):
    """Tiny pickled batches in root/cifar10/cifar-10-batches-py; returns {name: (data, labels)}."""
    folder = root / "cifar10" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    written = {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        n = n_test if name == "test_batch" else per_batch
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, n).tolist()
        with open(folder / name, "wb") as f:
            pickle.dump({"data": data, "labels": labels}, f)
        written[name] = (data, labels)
    return written


def test_missing_cifar_says_where_and_how(tmp_path):
    with pytest.raises(UserError) as err:
        open_dataset("cifar10", 32, root=tmp_path)
    message = str(err.value)
    assert "\n" not in message and "cifar-10-batches-py" in message
    assert "cifar-10-python.tar.gz" in message and str(tmp_path / "cifar10") in message


def test_fake_cifar_splits_and_pixels(tmp_path):
    written = make_cifar(tmp_path)
    images, labels, source = load_cifar10("train", root=tmp_path)
    assert images.shape == (18, 3, 32, 32) and images.dtype == torch.uint8  # 20 - a tenth
    assert "CIFAR-10" in source and "train: 18" in source
    val_images, val_labels, _ = load_cifar10("val", root=tmp_path)
    last = written["data_batch_5"]
    assert val_labels.tolist() == last[1][2:]
    assert torch.equal(val_images[-1].flatten(), torch.from_numpy(last[0][-1]))  # CHW order
    test_images, test_labels, _ = load_cifar10("test", root=tmp_path)
    assert len(test_labels) == 5 and test_labels.tolist() == written["test_batch"][1]


def test_open_dataset_cifar_sizes_and_channels(tmp_path):
    written = make_cifar(tmp_path)
    data = open_dataset("cifar10", 32, "test", root=tmp_path)
    expected = torch.from_numpy(written["test_batch"][0][0]).view(3, 32, 32).float() / 127.5 - 1
    torch.testing.assert_close(data[0], expected)
    assert data.source.startswith("CIFAR-10")
    small = open_dataset("cifar10", 8, "test", root=tmp_path, channels=1)
    assert small[4].shape == (1, 8, 8)
    assert float(small[4].min()) >= -1 and float(small[4].max()) <= 1


def test_corrupt_batch_is_a_user_error(tmp_path):
    make_cifar(tmp_path)
    (tmp_path / "cifar10" / "cifar-10-batches-py" / "data_batch_3").write_bytes(b"\x80junk")
    with pytest.raises(UserError, match="cannot read CIFAR-10 batch .*data_batch_3"):
        load_cifar10("train", root=tmp_path)
