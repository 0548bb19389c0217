"""Unbalanced BEGAN pairs (section 4.5, Figure 6): one run per pairing of D and G, each judged.

A pairing names D's shape (n, h, repeat) and G's (n, z_dim, repeat); whatever it leaves out comes
from the base config, so the runs differ in the networks' shapes alone (same seed, data, gamma,
lambda_k, lr). Chapter 13 uses it.
"""
import dataclasses
import re
from pathlib import Path

import numpy as np
import torch

from began_lite.errors import UserError
from began_lite.nets import build_began, count_parameters
from began_lite.train.config import Config, make_config
from began_lite.train.sweep import judged_run

# A pairing's keys for each network, and the config key each one sets.
D_KEYS = {"n": "n", "h": "h", "repeat": "repeat"}
G_KEYS = {"n": "generator_n", "z_dim": "z_dim", "repeat": "generator_repeat"}


def _checked(shape, allowed: dict, who: str) -> dict:
    """`shape` (a dict, or None for no change) with its keys checked against `allowed`."""
    shape = shape or {}
    if not isinstance(shape, dict):
        raise UserError(f"{who}'s shape must be a table like {{n = 16}}, not {shape!r}")
    unknown = sorted(set(shape) - set(allowed))
    if unknown:
        raise UserError(f"{who} has no key {', '.join(unknown)}; a pairing sets {who}'s "
                        f"{', '.join(allowed)}")
    return {allowed[key]: value for key, value in shape.items()}


def pairing_config(config: Config, D=None, G=None) -> Config:
    """`config` with D's shape {n, h, repeat} and G's {n, z_dim, repeat} changed as given; G's
    width and depth are always written out, so a wider D never widens G with it."""
    values = dataclasses.asdict(config)
    values["generator_n"] = config.generator_n or config.n
    values["generator_repeat"] = config.generator_repeat or config.repeat
    values.update(_checked(D, D_KEYS, "D"))
    values.update(_checked(G, G_KEYS, "G"))
    return make_config(values)


def shapes(config: Config) -> dict:
    """{"D": {n, h, repeat}, "G": {n, z_dim, repeat}} of a config, with 0s resolved."""
    g = {"n": config.generator_n or config.n, "z_dim": config.z_dim,
         "repeat": config.generator_repeat or config.repeat}
    return {"D": {"n": config.n, "h": config.h, "repeat": config.repeat}, "G": g}


def parameter_counts(config: Config) -> dict:
    """{"generator": int, "discriminator": int}: trainable parameters of config's BEGAN pair,
    counted on the meta device (no memory, no time)."""
    with torch.device("meta"):
        generator, discriminator = build_began(
            config.image_size, config.channels, config.n, config.h, config.z_dim, config.repeat,
            config.skip, config.generator_n, config.generator_repeat)
    return {"generator": count_parameters(generator),
            "discriminator": count_parameters(discriminator)}


def slug(name: str) -> str:
    """A folder name for a pairing: "D wider, deeper" -> "d_wider_deeper"."""
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not text:
        raise UserError(f"a pairing needs a name with a letter or digit, got {name!r}")
    return text


def checked_pairings(config: Config, pairings) -> list[tuple[str, Config]]:
    """(folder name, run config) per pairing ({"name", "D": {...}, "G": {...}}), every one checked
    before any run starts: two or more, distinct names, known keys, valid shapes."""
    folders = [slug(p.get("name", "")) if isinstance(p, dict) else "" for p in pairings]
    if len(pairings) < 2 or len(set(folders)) < len(folders):
        raise UserError(f"a pairing sweep needs at least two pairings with different names, got "
                        f"{[p.get('name') if isinstance(p, dict) else p for p in pairings]}")
    checked = []
    for pairing, folder in zip(pairings, folders):
        extra = sorted(set(pairing) - {"name", "D", "G"})
        if extra:
            raise UserError(f"pairing {pairing['name']!r} has unknown key(s) {', '.join(extra)}; "
                            f"use name, D and G")
        checked.append((folder, pairing_config(config, pairing.get("D"), pairing.get("G"))))
    return checked


def run_pairings(config: Config, pairings, out_dir, count: int, device="cpu") -> list[dict]:
    """One judged run per pairing ({"name", "D": {...}, "G": {...}}), each in out_dir/<slug of
    its name>: sweep.judged_run's dict plus name, shapes and parameter counts."""
    runs = []
    for pairing, (folder, run_config) in zip(pairings, checked_pairings(config, pairings)):
        run = judged_run(run_config, Path(out_dir) / folder, count, device)
        runs.append({"name": pairing["name"], "shapes": shapes(run_config),
                     "parameters": parameter_counts(run_config), **run})
    return runs


def window_ratios(rows: list[dict]) -> np.ndarray:
    """L(G(z)) / L(x) of each log line (each a mean over log_every steps): the ratio k drives
    to gamma."""
    if not rows:
        raise UserError("the run has no log lines; raise steps or lower log_every")
    return np.array([row["loss_fake"] / row["loss_real"] for row in rows])
