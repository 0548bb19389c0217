"""Mode coverage on the 2-D mixtures (the ring of 8, the grid of 25), as in unrolled-GAN studies.

A sample is high quality if it lies within `threshold` standard deviations of its nearest mode;
a mode is covered if at least one high-quality sample is nearest to it.
"""
import torch

from began_lite.errors import UserError


def mode_coverage(samples, modes, std, threshold=3.0) -> dict:
    """Modes covered, share of high-quality samples and per-mode counts for `samples` (n, dim).

    `modes` is (K, dim); `std` a float or a (K,) tensor of per-mode standard deviations.
    """
    samples = torch.as_tensor(samples, dtype=torch.float64).reshape(len(samples), -1)
    modes = torch.as_tensor(modes, dtype=torch.float64).reshape(len(modes), -1)
    if samples.shape[1] != modes.shape[1] or len(samples) == 0:
        raise UserError(f"samples {tuple(samples.shape)} and modes {tuple(modes.shape)} must be "
                        "(n, dim) and (K, dim) with the same dim and n >= 1")
    distance, nearest = torch.cdist(samples, modes).min(dim=1)
    std = torch.as_tensor(std, dtype=torch.float64).expand(len(modes))
    good = distance <= threshold * std[nearest]
    counts = torch.bincount(nearest[good], minlength=len(modes))
    return {"modes_covered": int((counts > 0).sum()), "n_modes": len(modes),
            "high_quality_fraction": good.double().mean().item(), "per_mode_counts": counts}
