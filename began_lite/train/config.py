"""Training configuration: a dataclass with the paper's names, from a preset TOML plus overrides."""
import dataclasses
import math
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from began_lite.began import ADAM_BETAS
from began_lite.errors import UserError
from began_lite.files import write_text_atomic

PRESET_DIR = Path(__file__).parent / "presets"
PRECISIONS = ("fp32", "bf16", "auto")  # auto: bf16 only where `bench` measured it faster
MODELS = ("began", "alpha-gan")  # the model kinds the trainer knows (train/kinds.py)
# Keys that fix the networks' shapes: a checkpoint only loads into a config that agrees on them.
MODEL_KEYS = ("model", "image_size", "channels", "n", "h", "z_dim", "repeat", "skip",
              "code_hidden", "generator_n", "generator_repeat")


@dataclass
class Config:
    """Everything one run needs; names follow Berthelot et al. 2017 (and Rosca et al. 2017 for
    alpha-GAN's keys). A key that the run's model does not use is ignored."""
    model: str = "began"            # "began", or "alpha-gan" (E, G, D, C; began_lite.alpha_gan)
    dataset: str = "mnist"          # a source for began_lite.data.open_dataset
    data_root: str = "data"         # folder holding local data sets
    image_size: int = 32            # H = W, a power of two from 8 to 256
    channels: int = 1               # 1 (grey) or 3 (colour)
    n: int = 32                     # filters per conv layer (grows n, 2n, 3n, ... in the encoder)
    h: int = 32                     # size of the discriminator's embedding
    z_dim: int = 32                 # size of the generator's input z ~ U[-1, 1]
    repeat: int = 2                 # 3x3 conv + ELU layers per scale
    generator_n: int = 0            # G's n when it differs from D's (0: n; unbalanced pairs)
    generator_repeat: int = 0       # G's repeat when it differs from D's (0: repeat)
    skip: bool = False              # skip connections: h0 up-sampled and concatenated at each scale
    residual_steps: int = 0         # vanishing residuals: carry 1 -> 0 over these steps (0: off)
    gamma: float = 0.5              # diversity ratio E[L(G(z))] / E[L(x)], paper: (0, 1]
    lambda_k: float = 0.001         # proportional gain of the k_t controller
    eta: int = 1                    # L(v) = |v - D(v)|^eta, 1 or 2
    pull_away: float = 0.0          # weight of EBGAN's pull-away term in L_G (0: the paper)
    shared_z: bool = False          # one z for D's and G's losses, as BEGAN-tensorflow: faster step
    lambda_rec: float = 1.0         # alpha-gan: lambda, the weight of ||x - G(E(x))||_1 in L_E, L_G
    code_hidden: int = 64           # alpha-gan: hidden units of the code discriminator's 2 layers
    lr: float = 1e-4                # Adam learning rate, for G and D
    lr_min: float = 1e-6            # the floor for the halving schedule
    lr_patience: int = 0            # halve lr after this many steps with no new lowest M (0: off)
    beta1: float = ADAM_BETAS[0]    # Adam's betas: began.ADAM_BETAS, from BEGAN-tensorflow
    beta2: float = ADAM_BETAS[1]
    batch_size: int = 16            # images per step (per process under torchrun)
    steps: int = 1000               # total training steps
    log_every: int = 50             # one line of metrics.jsonl per this many steps
    sample_every: int = 500         # one sample grid (and curves.png) per this many steps
    checkpoint_every: int = 1000    # one kept checkpoint per this many steps (last.pt too)
    keep_checkpoints: int = 0       # how many periodic checkpoints to keep (0: all)
    sample_count: int = 64          # images in each sample grid
    seed: int = 0
    precision: str = "fp32"         # "fp32", "bf16" (torch.autocast on CPU and CUDA) or "auto"
    compile: bool = False           # torch.compile G and D (README: where it helps)
    channels_last: bool = True      # NHWC memory format on CUDA, where it speeds up convolutions
    channels_last_cpu: bool = False  # NHWC weights on the CPU too: faster there (README), but other
                                     # float sums, so off where the book's CPU runs are pinned
    num_workers: int = 0            # DataLoader worker processes
    num_threads: int = 0            # CPU threads (0: torch's default); 1 helps on a busy machine


def config_keys() -> dict:
    """{key: type} for every Config field."""
    return {f.name: f.type for f in fields(Config)}


def preset_names() -> list[str]:
    """The presets shipped with the package, sorted."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def preset_path(preset) -> Path:
    """The TOML file of a preset name, or `preset` itself when it is a path to a .toml file."""
    if str(preset).endswith(".toml"):
        path = Path(preset)
        if not path.is_file():
            raise UserError(f"preset file {path} does not exist; give a preset name or an "
                            f"existing .toml file")
        return path
    path = PRESET_DIR / f"{preset}.toml"
    if not path.is_file():
        raise UserError(f"unknown preset {preset!r}; choose one of {', '.join(preset_names())}")
    return path


def read_toml(path) -> dict:
    """The table in a TOML file, with a one-line error when it does not parse."""
    try:
        return tomllib.loads(Path(path).read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UserError(f"{path} is not valid TOML ({err}); fix the line it names") from err


def load_config(preset, overrides=()) -> Config:
    """The Config of `preset` (name or .toml path) with `overrides` ("key=value" list or dict)."""
    values = read_toml(preset_path(preset))
    values.update(parse_overrides(overrides))
    return make_config(values)


def parse_overrides(overrides) -> dict:
    """{key: value} from a dict or from "key=value" strings, each value parsed by the key's type."""
    if isinstance(overrides, dict):
        return dict(overrides)
    values = {}
    for item in overrides:
        key, sep, text = str(item).partition("=")
        key = key.strip()
        if not sep:
            raise UserError(f"--set {item!r} needs the form key=value, e.g. --set lr=0.0002")
        values[key] = parse_value(key, text.strip())
    return values


def parse_value(key: str, text: str):
    """`text` as the type of Config field `key`."""
    kind = _field_type(key)
    if kind is bool:
        if text.lower() in ("true", "1", "yes", "on"):
            return True
        if text.lower() in ("false", "0", "no", "off"):
            return False
        raise UserError(f"{key} must be true or false, not {text!r}")
    try:
        return kind(text.replace("_", "")) if kind is not str else text
    except ValueError:
        raise UserError(f"{key} must be {_type_name(kind)}, not {text!r}") from None


def make_config(values: dict) -> Config:
    """A checked Config from {key: value}; an unknown key or a wrong type is a UserError."""
    checked = {key: _check_type(key, value) for key, value in values.items()}
    config = Config(**checked)
    validate(config)
    return config


def _field_type(key: str):
    keys = config_keys()
    if key not in keys:
        raise UserError(f"unknown config key {key!r}; valid keys: {', '.join(keys)}")
    return keys[key]


def _type_name(kind) -> str:
    return {int: "an integer", float: "a number", bool: "true or false", str: "a string"}[kind]


def _check_type(key: str, value):
    """`value` if it fits field `key` (an int is accepted for a float field)."""
    kind = _field_type(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not kind:
        raise UserError(f"{key} must be {_type_name(kind)}, not {value!r} ({type(value).__name__})")
    return value


def validate(config: Config) -> None:
    """Raise a one-line UserError for values out of range."""
    size = config.image_size
    if size < 8 or size > 256 or size & (size - 1):
        raise UserError(f"image_size must be a power of two from 8 to 256, not {size}")
    if config.precision not in PRECISIONS:
        raise UserError(f"precision must be one of {', '.join(PRECISIONS)}, "
                        f"not {config.precision!r}")
    if config.model not in MODELS:
        raise UserError(f"model must be one of {', '.join(MODELS)}, not {config.model!r}")
    if config.model == "alpha-gan" and config.lr_patience:
        raise UserError("lr_patience must be 0 for model alpha-gan: the lr rule watches BEGAN's "
                        "M, which alpha-GAN does not have")
    if not (math.isfinite(config.lambda_rec) and config.lambda_rec >= 0):
        raise UserError(f"lambda_rec must be 0 or more, not {config.lambda_rec}")
    if config.eta not in (1, 2):
        raise UserError(f"eta must be 1 or 2, not {config.eta}")
    # The paper takes gamma in [0, 1]; the k_t controller works for any gamma > 0, and the
    # recipe table in presets/mnist.toml measures gamma above 1 too.
    if not 0 < config.gamma <= 4:
        raise UserError(f"gamma must lie in (0, 4] (the paper uses (0, 1]), not {config.gamma}")
    positive = ("channels", "n", "h", "z_dim", "repeat", "batch_size", "steps", "log_every",
                "sample_every", "checkpoint_every", "sample_count", "code_hidden")
    for key in positive:
        if getattr(config, key) < 1:
            raise UserError(f"{key} must be at least 1, not {getattr(config, key)}")
    for key in ("residual_steps", "lr_patience", "keep_checkpoints", "num_workers", "num_threads",
                "generator_n", "generator_repeat", "pull_away"):
        if getattr(config, key) < 0:
            raise UserError(f"{key} must be 0 or more, not {getattr(config, key)}")
    if not (math.isfinite(config.lr) and config.lr > 0 and 0 < config.lr_min <= config.lr):
        raise UserError(f"need 0 < lr_min <= lr, got lr={config.lr} lr_min={config.lr_min}")


def config_to_toml(config: Config) -> str:
    """The Config as flat TOML text, one key per line in field order."""
    lines = []
    for key, value in dataclasses.asdict(config).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, str):
            text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            text = repr(value)
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def save_config(config: Config, path) -> None:
    """Write the resolved config to `path` as TOML, atomically."""
    write_text_atomic(path, config_to_toml(config))


def read_config(path) -> Config:
    """The Config saved in a run directory's config.toml."""
    return make_config(read_toml(path))
