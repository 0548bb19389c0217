"""Checkpoints: written atomically, read back with one-line errors, and the generator loader."""
import os
import random
import shutil
from pathlib import Path

import numpy as np
import torch

from began_lite.errors import UserError
from began_lite.files import atomic_path
from began_lite.nets import carry_at, set_carry
from began_lite.train.config import MODEL_KEYS, Config, make_config
from began_lite.train.kinds import build_models, check_kind

FORMAT = "began-lite-checkpoint/1"


def checkpoint_dir(run_dir) -> Path:
    return Path(run_dir) / "checkpoints"


def save_checkpoint(payload: dict, run_dir, periodic: bool = False, keep: int = 0) -> Path:
    """Write checkpoints/last.pt (and step_NNNNNNN.pt if `periodic`) atomically; keep `keep`."""
    folder = checkpoint_dir(run_dir)
    last = folder / "last.pt"
    with atomic_path(last) as tmp:
        torch.save({"format": FORMAT, **payload}, tmp)
    if periodic:
        kept = folder / f"step_{payload['step']:07d}.pt"
        with atomic_path(kept) as tmp:
            _link_or_copy(last, tmp)
        _prune(folder, keep)
    return last


def _link_or_copy(source: Path, target: Path) -> None:
    # A hard link costs no space or time; last.pt is later replaced by a rename, so the link
    # keeps this copy.
    target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _prune(folder: Path, keep: int) -> None:
    """Delete all but the newest `keep` periodic checkpoints (keep=0 keeps all)."""
    periodic = sorted(folder.glob("step_*.pt"))
    for old in periodic[:-keep] if keep else []:
        old.unlink()


def load_checkpoint(path, device="cpu") -> dict:
    """The payload of a began-lite checkpoint; a missing, corrupt or foreign file is a UserError."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"checkpoint {path} does not exist; give a .pt file from a run's "
                        f"checkpoints/ folder")
    try:
        payload = torch.load(path, map_location=device, weights_only=True)
    except Exception as err:  # noqa: BLE001  (a damaged file raises many types; all mean one thing)
        lines = str(err).strip().splitlines()
        # torch's first line is short for a damaged zip, a paragraph for a non-torch file.
        reason = lines[0] if lines and len(lines[0]) <= 100 else type(err).__name__
        raise UserError(f"{path} is not a readable checkpoint (damaged, cut short or not a "
                        f"torch file: {reason}); use another one from {path.parent}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise UserError(f"{path} is not a began-lite checkpoint; give a .pt file written by "
                        f"`train`")
    return payload


def load_module_state(module: torch.nn.Module, state: dict, path, name: str) -> None:
    """Load `state` into `module`; a shape or key mismatch is a one-line UserError."""
    try:
        module.load_state_dict(state)
    except (RuntimeError, KeyError, TypeError) as err:
        detail = " ".join(str(err).split())[:160]
        raise UserError(f"{path}: the saved {name} does not match the network its config builds "
                        f"({detail})") from None


def check_same_model(saved: Config, config: Config, path) -> None:
    """A one-line UserError when `config` builds other networks than the checkpoint's config."""
    diffs = [f"{key}={getattr(saved, key)!r} (config says {getattr(config, key)!r})"
             for key in MODEL_KEYS if getattr(saved, key) != getattr(config, key)]
    if diffs:
        raise UserError(f"{path} was trained with {', '.join(diffs)}; resume with the run's own "
                        f"config.toml or start a new run in another folder")


def build_networks(config: Config):
    """(generator, discriminator) for `config`: BEGAN's pair, or alpha-GAN's G and image D."""
    networks = build_models(config)
    return networks["generator"], networks["discriminator"]


def load_models(checkpoint_path, device="cpu"):
    """({checkpoint key: network}, Config, step) from a checkpoint file of any model kind, the
    networks in eval mode on `device`."""
    payload = load_checkpoint(checkpoint_path)
    try:
        config = make_config(payload["config"])
    except (KeyError, TypeError, UserError) as err:
        raise UserError(f"{checkpoint_path} holds no valid config ({err}); it was not written by "
                        f"this version of began-lite") from None
    networks = build_models(config)
    step = payload.get("step", 0)
    for name, network in networks.items():
        load_module_state(network, payload.get(name, {}), checkpoint_path, name)
        # A checkpoint from the middle of the vanishing-residual schedule still uses its carry.
        set_carry(network, carry_at(step, config.residual_steps))
        network.to(device).eval()
    return networks, config, step


def load_networks(checkpoint_path, device="cpu"):
    """(generator, discriminator, Config, step) from a BEGAN checkpoint file, in eval mode on
    `device`; another model kind's checkpoint is a one-line UserError."""
    networks, config, step = load_models(checkpoint_path, device)
    check_kind(config.model, "began", checkpoint_path,
               "this needs BEGAN's generator and autoencoder discriminator; give a checkpoint of "
               "a began run")
    return networks["generator"], networks["discriminator"], config, step


def load_generator(checkpoint_path, device="cpu"):
    """(generator in eval mode on `device`, Config) from a checkpoint file of any model kind."""
    networks, config, _ = load_models(checkpoint_path, device)
    return networks["generator"], config


def rng_states(z_rng: torch.Generator) -> dict:
    """The states of Python's, NumPy's and torch's global generators and of the z generator."""
    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    return {"python": random.getstate(), "torch": torch.get_rng_state(), "z": z_rng.get_state(),
            "numpy": [kind, keys.tolist(), pos, has_gauss, gauss],
            "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else []}


def set_rng_states(states: dict, z_rng: torch.Generator) -> None:
    """Restore what rng_states() saved."""
    random.setstate(_as_tuples(states["python"]))
    kind, keys, pos, has_gauss, gauss = states["numpy"]
    np.random.set_state((kind, np.array(keys, dtype=np.uint32), pos, has_gauss, gauss))
    torch.set_rng_state(states["torch"])
    z_rng.set_state(states["z"])
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def _as_tuples(value):
    # random.setstate wants tuples; a round trip through a file may hand back lists.
    return tuple(_as_tuples(v) for v in value) if isinstance(value, (list, tuple)) else value
