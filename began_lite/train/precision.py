"""precision = "auto": bf16 only where a measurement on this machine found it faster than fp32.

The measurement (a short `bench` of the run's model in both precisions) is cached per machine
and model in the book root's .cache/precision.json, so it runs once.
"""
import json
import platform

import torch

from began_lite.files import find_book_root, write_text_atomic

CACHE_NAME = "precision.json"


def resolve_precision(config, device: torch.device) -> str:
    """"fp32" or "bf16" for `config` on `device`; "auto" looks up (or measures) the faster one."""
    if config.precision != "auto":
        return config.precision
    key = machine_key(config, device)
    cache = read_cache()
    if key not in cache:
        # Imported here: bench builds on the training loop, which imports this module.
        from began_lite.train.bench import measure_precisions
        cache[key] = measure_precisions(config, device)
        write_cache(cache)
    rates = cache[key]
    return "bf16" if rates["bf16"] > rates["fp32"] else "fp32"


def machine_key(config, device: torch.device) -> str:
    """The machine (processor or GPU name, torch version) and the model's shape and batch."""
    # The model name, not platform.processor(): that is empty on Linux, and processors differ
    # (bf16 ran 4x faster than fp32 on one AMD EPYC, slower on one Intel Xeon).
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name()
    threads = torch.get_num_threads() if device.type == "cpu" else 0
    return (f"{device.type}:{name}|torch {torch.__version__}|"
            f"threads {threads}|{config.image_size}px c{config.channels} n{config.n} "
            f"h{config.h} z{config.z_dim} r{config.repeat} skip{int(config.skip)} "
            f"G n{config.generator_n} r{config.generator_repeat} b{config.batch_size}")


def cpu_name() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux)."""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cache_path():
    """<book root>/.cache/precision.json (None outside a book checkout: nothing is cached)."""
    root = find_book_root()
    return None if root is None else root / ".cache" / CACHE_NAME


def read_cache() -> dict:
    """The cached measurements ({} when there are none or the file is damaged)."""
    path = cache_path()
    if path is None or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}  # a damaged cache is measured again


def write_cache(cache: dict) -> None:
    """Save the measurements (atomically) where the next run finds them."""
    path = cache_path()
    if path is not None:
        write_text_atomic(path, json.dumps(cache, indent=1, sort_keys=True) + "\n")
