"""The shipped reference models: they load offline with weights_only and match their numbers."""
import pytest
import torch

from began_lite.errors import UserError
from began_lite.metrics.evaluate import evaluate
from began_lite.train.reference import MAX_BYTES, export_reference, load_reference, reference_dir

SHIPPED = ["mnist32"]


@pytest.mark.parametrize("name", SHIPPED)
def test_reference_loads_and_reproduces_its_numbers(name, one_torch_thread):
    folder = reference_dir(name)
    assert (folder / "model.pt").stat().st_size <= MAX_BYTES
    payload = torch.load(folder / "model.pt", weights_only=True)  # plain tensors and numbers only
    assert set(payload) == {"format", "config", "step", "k", "generator", "discriminator"}
    generator, discriminator, config, numbers = load_reference(name)
    assert config.dataset == numbers["dataset"] and (folder / "samples.png").is_file()
    again = evaluate(generator, discriminator, config, count=numbers["count"])
    for key in ("loss_real", "loss_fake", "M"):
        assert again[key] == pytest.approx(numbers[key], rel=1e-3)
    # The classifier judging the samples is trained on each machine, and another CPU type sums
    # its floats in another order: a few borderline samples may change class, no more.
    moved = sum(abs(a - b) for a, b in zip(again["model"]["histogram"],
                                           numbers["model"]["histogram"]))
    assert moved <= 0.02 * numbers["count"]
    assert again["model"]["classes_covered"] == numbers["model"]["classes_covered"]


def test_missing_reference_says_how_to_make_it(tmp_path):
    with pytest.raises(UserError, match="make reference"):
        load_reference("mnist32", root=tmp_path)


def test_export_refuses_a_foreign_file(tmp_path):
    path = tmp_path / "x.pt"
    torch.save({"weights": torch.zeros(2)}, path)
    with pytest.raises(UserError, match="not a began-lite checkpoint"):
        export_reference(path, tmp_path / "out", {})
    assert not (tmp_path / "out").exists()
