"""The Inception Score and FID of colour samples (CIFAR-10, BEGAN section 4.6) via torch-fidelity,
offline: the InceptionV3 weights come from a local file, and nothing is ever downloaded.

torch-fidelity is optional (not in requirements.txt); `pip install torch-fidelity==0.4.0` adds
it to the pinned environment without installing or replacing anything else. Before any work,
`missing_requirements` lists what is absent (the package, the weights file with its exact name
and the folders searched) and `inception_scores` raises it as one UserError line.
"""
import importlib.util
from pathlib import Path

import torch
from torch.utils.data import Dataset

from began_lite.errors import UserError

PACKAGE = "torch_fidelity"
INSTALL = "pip install torch-fidelity==0.4.0"
# torch-fidelity's InceptionV3 ("inception-v3-compat"), ported from the TensorFlow graph the
# Inception Score and FID were defined with; torch-fidelity would download it from WEIGHTS_URL.
WEIGHTS_FILE = "weights-inception-2015-12-05-6726825d.pth"
WEIGHTS_URL = ("https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/"
               + WEIGHTS_FILE)
WEIGHTS_FOLDER = "inception"  # under the data root: data/inception/
PAPER_INCEPTION_SCORE = 5.62  # BEGAN section 4.6, unsupervised CIFAR-10


def weights_folders(root="data") -> list[Path]:
    """Where the weights are looked for: <root>/inception, then torch hub's checkpoints folder
    (where an earlier online torch-fidelity or torchvision run keeps its downloads)."""
    return [Path(root) / WEIGHTS_FOLDER, Path(torch.hub.get_dir()) / "checkpoints"]


def find_weights(root="data") -> Path | None:
    """The first weights file found in weights_folders(root), or None."""
    for folder in weights_folders(root):
        if (folder / WEIGHTS_FILE).is_file():
            return folder / WEIGHTS_FILE
    return None


def missing_requirements(root="data") -> list[str]:
    """What the scores still need, one phrase each; empty when the package and weights are here."""
    missing = []
    if importlib.util.find_spec(PACKAGE) is None:
        missing.append(f"the torch-fidelity package (install it with `{INSTALL}`; it fits the "
                       f"pinned torch and installs nothing else)")
    if find_weights(root) is None:
        first, second = weights_folders(root)
        missing.append(f"the InceptionV3 weights {WEIGHTS_FILE} in {first}/ (or {second}/); "
                       f"fetch it by hand from {WEIGHTS_URL}")
    return missing


def check_ready(root="data") -> Path:
    """The weights file, or a one-line UserError naming everything that is missing."""
    missing = missing_requirements(root)
    if missing:
        raise UserError("the Inception Score and FID need " + " and ".join(missing)
                        + "; nothing is downloaded at run time")
    return find_weights(root)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) in [-1, 1] -> uint8 (N, 3, H, W) in 0..255, rounded, as saved images are."""
    if images.dim() != 4 or images.shape[1] != 3:
        raise UserError(f"the Inception Score takes colour images (N, 3, H, W), got "
                        f"{tuple(images.shape)}")
    return ((images.float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


class _Uint8Images(Dataset):
    """Images as torch-fidelity reads a Dataset: one uint8 (3, H, W) tensor per item."""

    def __init__(self, images: torch.Tensor):
        self.images = to_uint8(images)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> torch.Tensor:
        return self.images[index]


def inception_scores(samples: torch.Tensor, real: torch.Tensor, root="data", device="cpu",
                     splits: int = 10, batch_size: int = 64) -> dict:
    """Inception Score (mean and std over `splits` splits) of `samples` and their FID to `real`,
    both (N, 3, H, W) in [-1, 1]; torch-fidelity with the local weights, no cache, no download."""
    weights = check_ready(root)
    generated, reference = _Uint8Images(samples), _Uint8Images(real)
    if len(generated) < splits:
        raise UserError(f"the Inception Score over {splits} splits needs at least {splits} "
                        f"samples, got {len(generated)}")
    import torch_fidelity  # optional: check_ready made sure it is installed

    metrics = torch_fidelity.calculate_metrics(
        input1=generated, input2=reference, isc=True, fid=True, isc_splits=splits,
        feature_extractor="inception-v3-compat", feature_extractor_weights_path=str(weights),
        cuda=torch.device(device).type == "cuda", batch_size=batch_size, cache=False,
        datasets_download=False, verbose=False,
        save_cpu_ram=True)  # here: no DataLoader workers, which in-memory images do not need
    return {"inception_score": float(metrics["inception_score_mean"]),
            "inception_score_std": float(metrics["inception_score_std"]),
            "fid": float(metrics["frechet_inception_distance"]),
            "samples": len(generated), "real": len(reference)}
