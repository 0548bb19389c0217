"""The trainer: presets and config, the BEGAN loop with exact resume, checkpoints, torchrun/DDP."""
from began_lite.train.checkpoint import load_checkpoint, load_generator
from began_lite.train.config import Config, load_config, preset_names
from began_lite.train.loop import Diverged, fit, read_metrics, train

__all__ = ["Config", "Diverged", "fit", "load_checkpoint", "load_config", "load_generator",
           "preset_names", "read_metrics", "train"]
