"""Inception Score / FID: the one-line messages when torch-fidelity or its weights are missing, the
search for the weights, the uint8 conversion. Nothing here needs the weights or the network."""
import importlib.util

import pytest
import torch

from began_lite.errors import UserError
from began_lite.metrics import inception


@pytest.fixture
def no_download(monkeypatch, tmp_path):
    """torch hub's folder is an empty temporary one, and any download attempt fails the test."""
    hub = tmp_path / "hub"
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(hub))

    def refuse(*args, **kwargs):
        raise AssertionError("a download was attempted")
    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", refuse)
    monkeypatch.setattr(torch.hub, "download_url_to_file", refuse)
    return hub


def with_package(monkeypatch, installed: bool):
    """Make torch-fidelity look installed or not, whatever this environment holds."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (object() if installed else None)
                        if name == inception.PACKAGE else real(name, *a))


def test_missing_weights_message_names_the_file_and_both_folders(monkeypatch, tmp_path,
                                                                  no_download):
    with_package(monkeypatch, installed=True)
    with pytest.raises(UserError) as err:
        inception.check_ready(tmp_path / "data")
    message = str(err.value)
    assert "\n" not in message
    assert "weights-inception-2015-12-05-6726825d.pth" in message
    assert f"{tmp_path / 'data' / 'inception'}/" in message
    assert f"{no_download / 'checkpoints'}/" in message
    assert "torch-fidelity package" not in message and "nothing is downloaded" in message


def test_missing_package_message_says_how_to_install(monkeypatch, tmp_path, no_download):
    with_package(monkeypatch, installed=False)
    weights = tmp_path / "inception" / inception.WEIGHTS_FILE
    weights.parent.mkdir()
    weights.write_bytes(b"")
    with pytest.raises(UserError) as err:
        inception.inception_scores(torch.zeros(10, 3, 8, 8), torch.zeros(10, 3, 8, 8),
                                   root=tmp_path)
    message = str(err.value)
    assert "\n" not in message
    assert "`pip install torch-fidelity==0.4.0`" in message
    assert inception.WEIGHTS_FILE not in message  # the weights are there: only the package is named


def test_both_missing_are_named_in_one_line(monkeypatch, tmp_path, no_download):
    with_package(monkeypatch, installed=False)
    missing = inception.missing_requirements(tmp_path)
    assert len(missing) == 2
    with pytest.raises(UserError, match="torch-fidelity package .* and the InceptionV3 weights"):
        inception.check_ready(tmp_path)


def test_weights_found_in_the_data_folder_first_then_torch_hub(monkeypatch, tmp_path,
                                                              no_download):
    with_package(monkeypatch, installed=True)
    assert inception.find_weights(tmp_path) is None
    in_hub = no_download / "checkpoints" / inception.WEIGHTS_FILE
    in_hub.parent.mkdir(parents=True)
    in_hub.write_bytes(b"")
    assert inception.check_ready(tmp_path) == in_hub
    in_data = tmp_path / "inception" / inception.WEIGHTS_FILE
    in_data.parent.mkdir()
    in_data.write_bytes(b"")
    assert inception.check_ready(tmp_path) == in_data
    assert inception.missing_requirements(tmp_path) == []


def test_to_uint8_maps_the_image_range_and_rounds():
    images = torch.tensor([-1.0, -0.5, 0.0, 1.0, 1.5]).reshape(1, 1, 1, 5).expand(1, 3, 1, 5)
    assert inception.to_uint8(images)[0, 0, 0].tolist() == [0, 64, 128, 255, 255]
    assert inception.to_uint8(images).dtype == torch.uint8


def test_grey_images_are_refused():
    with pytest.raises(UserError, match=r"colour images \(N, 3, H, W\), got \(4, 1, 32, 32\)"):
        inception.to_uint8(torch.zeros(4, 1, 32, 32))


def test_too_few_samples_for_the_splits(monkeypatch, tmp_path, no_download):
    with_package(monkeypatch, installed=True)
    weights = tmp_path / "inception" / inception.WEIGHTS_FILE
    weights.parent.mkdir()
    weights.write_bytes(b"")
    with pytest.raises(UserError, match="needs at least 10 samples, got 4"):
        inception.inception_scores(torch.zeros(4, 3, 8, 8), torch.zeros(4, 3, 8, 8), root=tmp_path)


def test_scores_through_torch_fidelity_with_local_weights(tmp_path, no_download):
    """Runs only where torch-fidelity is installed: weights of the right shapes, made here from
    its network at initialisation, are read from the data folder, and nothing downloads."""
    extractor = pytest.importorskip("torch_fidelity.feature_extractor_inceptionv3")
    load, load_state = torch.load, torch.nn.Module.load_state_dict
    try:  # build the network without weights, to save its initial ones as the "local" file
        torch.load = lambda *a, **k: {}
        torch.nn.Module.load_state_dict = lambda *a, **k: None
        network = extractor.FeatureExtractorInceptionV3(
            "inception-v3-compat", ["2048", "logits_unbiased"], feature_extractor_weights_path="-")
    finally:
        torch.load, torch.nn.Module.load_state_dict = load, load_state
    weights = tmp_path / "inception" / inception.WEIGHTS_FILE
    weights.parent.mkdir()
    torch.save(network.state_dict(), weights)
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(2, 10, 3, 16, 16, generator=generator) * 2 - 1
    scores = inception.inception_scores(images[0], images[1], root=tmp_path, splits=2,
                                        batch_size=10)
    assert scores["samples"] == scores["real"] == 10
    assert scores["inception_score"] >= 1.0 - 1e-6 and scores["fid"] >= 0.0
