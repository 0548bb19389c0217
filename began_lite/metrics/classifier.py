"""A small MNIST classifier whose penultimate layer is the feature space for Fréchet distances.

`mnist_classifier()` trains it once on MNIST's training split (the bundled 4,000 digits unless a
full copy sits under `<root>/mnist`) with a fixed seed and caches the weights under
`<book root>/.cache/`; later calls load the cache. Training is deterministic on a given machine
but not across processors (their float kernels differ), so the book ships the classifier of the
bundled digits under `<root>/classifier/` and uses it wherever its settings and data match: every
machine then judges samples, chapter outputs and students' runs with the same weights.
"""
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from began_lite.data.mnist import load_mnist
from began_lite.errors import UserError
from began_lite.files import atomic_path, find_book_root
from began_lite.metrics.frechet import frechet_distance

SETTINGS = {"width": 8, "feature_dim": 64, "epochs": 4, "batch_size": 64, "lr": 2e-3, "seed": 0}
SHIPPED_DIR = "classifier"  # under the data root: the classifier of the bundled digits


class MnistClassifier(nn.Module):
    """Three 3x3 conv + ReLU + max-pool stages, a `feature_dim` layer, a 10-way linear head."""

    def __init__(self, width=8, feature_dim=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 16x16
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 8x8
            nn.Conv2d(2 * width, 4 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 4x4
            nn.Flatten(), nn.Linear(4 * width * 16, feature_dim), nn.ReLU())
        self.head = nn.Linear(feature_dim, 10)
        self.accuracy = {}  # split -> accuracy, filled by mnist_classifier
        self.source = ""  # "trained" or "cache", filled by mnist_classifier

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images `(B, 1, 32, 32)` in [-1, 1] -> features `(B, feature_dim)`."""
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, 32, 32):
            raise UserError(f"the MNIST classifier takes images of shape (B, 1, 32, 32), got "
                            f"{tuple(x.shape)}; load or generate 32x32 grey images")
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images `(B, 1, 32, 32)` -> logits `(B, 10)`."""
        return self.head(self.features(x))


@torch.no_grad()
def classifier_features(classifier, images, batch_size=500) -> np.ndarray:
    """Features `(N, d)` as float64 NumPy for images `(N, 1, 32, 32)`, in evaluation mode."""
    classifier.eval()
    device = next(classifier.parameters()).device
    parts = [classifier.features(images[i:i + batch_size].to(device, torch.float32)).cpu()
             for i in range(0, len(images), batch_size)]
    return torch.cat(parts).double().numpy()


@torch.no_grad()
def classifier_accuracy(classifier, images, labels, batch_size=500) -> float:
    """Share of `images` `(N, 1, 32, 32)` whose predicted digit equals `labels` `(N,)`."""
    classifier.eval()
    device = next(classifier.parameters()).device
    correct = sum((classifier(images[i:i + batch_size].to(device)).argmax(1).cpu()
                   == labels[i:i + batch_size]).sum().item()
                  for i in range(0, len(images), batch_size))
    return correct / len(labels)


def classifier_frechet_distance(classifier, images_a, images_b) -> float:
    """Fréchet distance between image sets `(N, 1, 32, 32)` in the classifier's feature space."""
    return frechet_distance(classifier_features(classifier, images_a),
                            classifier_features(classifier, images_b))


def default_cache_dir() -> Path:
    """`<book root>/.cache`, or `./.cache` outside a checkout."""
    return (find_book_root() or Path.cwd()) / ".cache"


def _fresh_classifier(settings: dict) -> MnistClassifier:
    """A classifier initialised from settings["seed"], leaving the caller's random state alone."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(settings["seed"])
        return MnistClassifier(settings["width"], settings["feature_dim"])


def train_classifier(images, labels, settings: dict, device="cpu", progress=False):
    """Train a fresh classifier on images `(N, 1, 32, 32)` and labels `(N,)`, deterministically."""
    model = _fresh_classifier(settings).to(device)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: the same weights whatever the machine's core count
    try:
        _fit(model, images, labels, settings, device, progress)
    finally:
        torch.set_num_threads(threads)
    return model.eval()


def _fit(model, images, labels, settings: dict, device, progress) -> None:
    """Adam on cross-entropy for settings["epochs"] passes in a seeded order."""
    from tqdm.auto import tqdm

    order = torch.Generator().manual_seed(settings["seed"])  # own generator: reproducible batches
    optimizer = torch.optim.Adam(model.parameters(), lr=settings["lr"])
    model.train()
    for _ in tqdm(range(settings["epochs"]), desc="MNIST classifier", disable=not progress):
        for idx in torch.randperm(len(labels), generator=order).split(settings["batch_size"]):
            loss = nn.functional.cross_entropy(model(images[idx].to(device)),
                                               labels[idx].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()


def _load_cached(path: Path, settings: dict, device):
    """The cached classifier at `path`; None (with a message) when missing or unreadable."""
    if not path.is_file():
        return None
    try:
        saved = torch.load(path, map_location=device, weights_only=True)
        if saved["settings"] != settings:
            raise ValueError("the file holds a classifier trained with other settings")
        model = _fresh_classifier(saved["settings"]).to(device)
        model.load_state_dict(saved["state_dict"])
        model.accuracy = {split: float(value) for split, value in saved["accuracy"].items()}
    except Exception as err:  # any damage to the file means the same thing: train again
        print(f"the cached MNIST classifier {path} is unreadable ({type(err).__name__}); "
              "training it again")
        return None
    model.source = "cache"
    return model.eval()


def _save(model: MnistClassifier, path: Path, settings: dict) -> None:
    """Write the weights, settings and accuracies to `path` atomically."""
    with atomic_path(path) as tmp:
        torch.save({"state_dict": model.state_dict(), "settings": settings,
                    "accuracy": model.accuracy}, tmp)


def cache_path(settings: dict, data_source: str, cache_dir=None) -> Path:
    """The cache file for a classifier with these settings trained on this data."""
    key = json.dumps({**settings, "data": data_source}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return Path(cache_dir or default_cache_dir()) / f"mnist_classifier_{digest}.pt"


def mnist_classifier(root="data", cache_dir=None, device="cpu", progress=False, **settings):
    """The MNIST feature classifier: from the cache, else the shipped copy, else trained (seeded)
    and cached.

    `settings` override SETTINGS (width, feature_dim, epochs, batch_size, lr, seed); its
    `.accuracy` holds the val and test accuracies measured right after training.
    """
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise UserError(f"unknown classifier setting(s) {', '.join(unknown)}; "
                        f"use {', '.join(SETTINGS)}")
    settings = {**SETTINGS, **settings}
    train = load_mnist("train", 32, root)
    path = cache_path(settings, train.source, cache_dir)
    model = _load_cached(path, settings, device)
    if model is None:
        model = _load_cached(Path(root) / SHIPPED_DIR / path.name, settings, device)
        if model is not None:
            model.source = "shipped"
    if model is None:
        model = train_classifier(train.images, train.labels, settings, device, progress)
        model.accuracy = {split: classifier_accuracy(model, *load_mnist(split, 32, root)[:2])
                          for split in ("val", "test")}
        _save(model, path, settings)
        model.source = "trained"
    return model
