"""Reference models: a longer run's weights shipped under data/reference/<name>/, read offline.

Each folder holds model.pt (config, step, k and both networks' weights, or an alpha-GAN's four;
no optimizer state, so it loads with weights_only=True and stays small), config.toml,
evaluate.json (the `evaluate` numbers of those weights) and samples.png. `make reference`
rebuilds them.
"""
import json
from pathlib import Path

import torch

from began_lite.errors import UserError
from began_lite.files import atomic_path, find_book_root, write_text_atomic
from began_lite.metrics.evaluate import draw_samples
from began_lite.train.checkpoint import FORMAT, load_checkpoint, load_models, load_networks
from began_lite.train.config import make_config, save_config
from began_lite.train.kinds import kind_of
from began_lite.viz.grids import save_grid

MAX_BYTES = 5 * 2**20  # a reference ships in the repository: at most 5 MB


def reference_dir(name: str, root=None) -> Path:
    """<book root>/data/reference/<name> (or <root>/reference/<name>)."""
    base = Path(root) if root else (find_book_root() or Path.cwd()) / "data"
    return base / "reference" / name


def export_reference(checkpoint, out_dir, evaluation: dict) -> Path:
    """Write model.pt, config.toml, evaluate.json and samples.png for `checkpoint` into out_dir."""
    payload = load_checkpoint(checkpoint)
    kind = kind_of(make_config(payload["config"]))
    keys = ("config", "step", *(("k",) if kind.uses_k else ()), *kind.networks)
    keep = {key: payload[key] for key in keys}
    out_dir = Path(out_dir)
    with atomic_path(out_dir / "model.pt") as tmp:
        torch.save({"format": FORMAT, **keep}, tmp)
    size = (out_dir / "model.pt").stat().st_size
    if size > MAX_BYTES:
        raise UserError(f"{out_dir / 'model.pt'} is {size / 2**20:.1f} MB, over the 5 MB a "
                        f"reference may ship; train a smaller model")
    save_config(make_config(payload["config"]), out_dir / "config.toml")
    write_text_atomic(out_dir / "evaluate.json", json.dumps(evaluation, indent=1) + "\n")
    networks, config, _ = load_models(out_dir / "model.pt")
    samples = draw_samples(networks["generator"], config.z_dim, 100, prior=kind.prior)
    save_grid(samples, out_dir / "samples.png", nrow=10)
    return out_dir


def load_reference(name: str = "mnist32", root=None, device="cpu"):
    """(generator, discriminator, Config, evaluate numbers) of a shipped BEGAN reference model."""
    folder = _reference_folder(name, root)
    generator, discriminator, config, _ = load_networks(folder / "model.pt", device)
    return generator, discriminator, config, json.loads((folder / "evaluate.json").read_text())


def load_reference_models(name: str, root=None, device="cpu"):
    """({checkpoint key: network}, Config, evaluate numbers) of a shipped reference model of any
    kind, e.g. alpha-mnist32's encoder, generator, discriminator and code discriminator."""
    folder = _reference_folder(name, root)
    networks, config, _ = load_models(folder / "model.pt", device)
    return networks, config, json.loads((folder / "evaluate.json").read_text())


def _reference_folder(name: str, root=None) -> Path:
    """The folder of reference `name`; a UserError when it holds no model.pt."""
    folder = reference_dir(name, root)
    if not (folder / "model.pt").is_file():
        raise UserError(f"no reference model at {folder}; run `make reference` to train it")
    return folder
