"""bf16 fidelity (the reconstruction reaches the loss as fp32) and precision = "auto"."""
import json

import pytest
import torch

from began_lite import began, nets
from began_lite.train import load_config
from began_lite.train import precision

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_bf16_reconstruction_reaches_the_loss_as_fp32():
    torch.manual_seed(0)
    d = nets.AutoEncoder(8, 1, 4, 4, repeat=1)
    x = torch.rand(16, 1, 8, 8) * 2 - 1
    with torch.no_grad():
        d.decoder.out.weight.zero_()
        d.decoder.out.bias.fill_(0.999)  # a value bf16 cannot hold (it rounds to 1.0)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            recon = d(x)
    assert recon.dtype == torch.float32
    assert torch.equal(recon, torch.full_like(recon, 0.999))
    # A bf16 output would have added up to 2^-9 per pixel to L(x); with fp32 it adds nothing.
    exact = began.reconstruction_loss(x, torch.full_like(x, 0.999))
    assert began.reconstruction_loss(x, recon).item() == exact.item()
    rounded = began.reconstruction_loss(x, recon.bfloat16())
    assert abs(rounded.item() - exact.item()) > 1e-4


def test_bf16_losses_close_to_fp32():
    torch.manual_seed(1)
    d = nets.AutoEncoder(16, 3, 8, 8, repeat=1)
    x = torch.rand(8, 3, 16, 16) * 2 - 1
    with torch.no_grad():
        fp32 = began.reconstruction_loss(x, d(x))
        with torch.autocast("cpu", dtype=torch.bfloat16):
            recon = d(x)
        bf16 = began.reconstruction_loss(x, recon)
        old = began.reconstruction_loss(x, recon.bfloat16())  # what a bf16 output gave
    assert recon.dtype == torch.float32
    assert abs(bf16 - fp32) < abs(old - fp32) or abs(bf16 - fp32) < 1e-4


def test_auto_precision_measures_once_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_ROOT", str(tmp_path))
    calls = []

    def fake_measure(config, device):
        calls.append(config.image_size)
        return {"fp32": 100.0, "bf16": 150.0}

    monkeypatch.setattr("began_lite.train.bench.measure_precisions", fake_measure)
    config = load_config("smoke", ["precision=auto"])
    cpu = torch.device("cpu")
    assert precision.resolve_precision(config, cpu) == "bf16"
    assert precision.resolve_precision(config, cpu) == "bf16" and calls == [8]  # cached
    cache = json.loads((tmp_path / ".cache" / "precision.json").read_text())
    key = precision.machine_key(config, cpu)
    assert cache[key] == {"fp32": 100.0, "bf16": 150.0}
    cache[key] = {"fp32": 150.0, "bf16": 100.0}  # slower in bf16 here: fp32
    (tmp_path / ".cache" / "precision.json").write_text(json.dumps(cache))
    assert precision.resolve_precision(config, cpu) == "fp32"
    assert precision.resolve_precision(load_config("smoke", ["precision=bf16"]), cpu) == "bf16"


def test_measure_precisions_times_both(monkeypatch):
    from began_lite.train.bench import measure_precisions
    rates = measure_precisions(load_config("smoke", ["batch_size=4"]), "cpu", steps=1, repeats=1)
    assert set(rates) == {"fp32", "bf16"} and min(rates.values()) > 0


def test_machine_key_tells_generator_shapes_apart():
    # An unbalanced pair costs another step than the balanced one: its measurement is its own.
    cpu = torch.device("cpu")
    keys = {precision.machine_key(load_config("smoke", overrides), cpu)
            for overrides in ([], ["generator_n=16"], ["generator_repeat=2"])}
    assert len(keys) == 3


def test_machine_key_names_the_processor(monkeypatch):
    # Two processors that Linux calls by the same architecture keep their own measurements.
    config, cpu = load_config("smoke"), torch.device("cpu")
    keys = set()
    for name in ("AMD EPYC 7B13", "Intel(R) Xeon(R) Processor"):
        monkeypatch.setattr(precision, "cpu_name", lambda name=name: name)
        keys.add(precision.machine_key(config, cpu))
    assert len(keys) == 2 and any("AMD EPYC 7B13" in key for key in keys)
