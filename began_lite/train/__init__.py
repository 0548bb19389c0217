"""The trainer: presets and config, the BEGAN loop with exact resume, checkpoints, torchrun/DDP.

    python -m began_lite train --preset mnist            # a new run in runs/mnist (then mnist-2, ...)
    python -m began_lite train --preset mnist --resume   # continue the newest runs/mnist*
    torchrun --nproc_per_node=4 -m began_lite train --preset celeba128   # one process per GPU

A run directory holds config.toml (the resolved config), metrics.jsonl (one JSON line per
log_every steps: step, loss_real, loss_fake, loss_d, loss_g, k, M, lr, images_per_second; losses
and M are means over those steps), samples/step_NNNNNNN.png (grids from one fixed z),
curves.png, and checkpoints/last.pt plus step_NNNNNNN.pt every checkpoint_every steps. Every
file is replaced atomically, so a kill at any moment leaves the previous one readable.

Adam betas: the paper (section 3.4) trains with Adam's "default hyper-parameters", i.e.
(0.9, 0.999); the presets use (0.5, 0.999) as the authors' public code and most GAN code do, which
damps the momentum that makes the two players overshoot. `--set beta1=0.9` gives the paper's.
"""
from began_lite.train.checkpoint import load_checkpoint, load_generator
from began_lite.train.config import Config, load_config, preset_names
from began_lite.train.loop import Diverged, fit, read_metrics, train

__all__ = ["Config", "Diverged", "fit", "load_checkpoint", "load_config", "load_generator",
           "preset_names", "read_metrics", "train"]
