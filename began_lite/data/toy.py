"""Toy data with known densities: 1-D Gaussians and mixtures, the 2-D ring of 8 and grid of 25.

Every toy is an isotropic Gaussian mixture, so `log_prob` is exact and metrics (KL, JSD, mode
coverage) can be computed against the truth. Samples are `(n, dim)` float32 tensors.
"""
import math

import torch


class GaussianMixture:
    """An isotropic Gaussian mixture: means `(K, dim)`, per-mode stds `(K,)`, weights `(K,)`."""

    def __init__(self, means, stds, weights=None):
        self.means = torch.as_tensor(means, dtype=torch.float64).reshape(len(means), -1)
        self.stds = torch.as_tensor(stds, dtype=torch.float64).reshape(-1)
        if weights is None:
            weights = torch.ones(len(self.means))
        self.weights = torch.as_tensor(weights, dtype=torch.float64).reshape(-1)
        self._check()
        self.weights = self.weights / self.weights.sum()

    def _check(self):
        """Reject shapes that disagree and non-positive stds or weights."""
        K = len(self.means)
        if len(self.stds) != K or len(self.weights) != K:
            raise ValueError(f"{K} means but {len(self.stds)} stds and {len(self.weights)} weights")
        if (self.stds <= 0).any() or (self.weights < 0).any() or self.weights.sum() <= 0:
            raise ValueError("stds must be > 0 and weights >= 0 with a positive sum")

    @property
    def dim(self) -> int:
        """Dimension of one sample."""
        return self.means.shape[1]

    @property
    def modes(self) -> torch.Tensor:
        """The mixture centres, `(K, dim)` float32."""
        return self.means.float()

    @property
    def std(self):
        """Per-mode standard deviation: a float when all modes share it, else a `(K,)` tensor."""
        if torch.all(self.stds == self.stds[0]):
            return float(self.stds[0])
        return self.stds.float()

    def sample(self, n: int, generator=None) -> torch.Tensor:
        """Draw `n` samples, `(n, dim)` float32; pass a seeded `generator` to repeat them."""
        mode = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        noise = torch.randn(n, self.dim, generator=generator, dtype=torch.float64)
        return (self.means[mode] + self.stds[mode, None] * noise).float()

    def log_prob(self, x) -> torch.Tensor:
        """Exact log density at `x` (`(n, dim)`, or `(n,)` when dim is 1), shape `(n,)`."""
        x = torch.as_tensor(x)
        out_dtype = x.dtype if x.is_floating_point() else torch.float32
        x = x.to(torch.float64).reshape(-1, self.dim)
        sq = torch.cdist(x, self.means, compute_mode="donot_use_mm_for_euclid_dist").pow(2)
        log_norm = -self.dim * (torch.log(self.stds) + 0.5 * math.log(2 * math.pi))
        log_comp = -0.5 * sq / self.stds.pow(2) + log_norm + torch.log(self.weights)
        return torch.logsumexp(log_comp, dim=1).to(out_dtype)

    def density(self, x) -> torch.Tensor:
        """Exact density at `x`, shape `(n,)`."""
        return self.log_prob(x).exp()

    def __repr__(self):
        return f"{type(self).__name__}(K={len(self.means)}, dim={self.dim})"


class Gaussian1D(GaussianMixture):
    """One 1-D Gaussian N(mean, std^2)."""

    def __init__(self, mean: float = 0.0, std: float = 1.0):
        super().__init__([[mean]], [std])


class Mixture1D(GaussianMixture):
    """A 1-D mixture of Gaussians with the given means, stds and (normalised) weights."""

    def __init__(self, means, stds, weights=None):
        super().__init__([[m] for m in means], stds, weights)


class Ring8(GaussianMixture):
    """Eight equal 2-D Gaussians on a circle of `radius`, mode k at angle 2 pi k / 8."""

    def __init__(self, radius: float = 2.0, std: float = 0.02):
        angle = 2 * math.pi * torch.arange(8, dtype=torch.float64) / 8
        means = radius * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)
        super().__init__(means, [std] * 8)


class Grid25(GaussianMixture):
    """25 equal 2-D Gaussians on a 5x5 grid at spacing * {-2, -1, 0, 1, 2} in each coordinate."""

    def __init__(self, spacing: float = 2.0, std: float = 0.05):
        ticks = spacing * torch.arange(-2, 3, dtype=torch.float64)
        means = torch.cartesian_prod(ticks, ticks)
        super().__init__(means, [std] * 25)


TOYS = {"gaussian-1d": Gaussian1D, "ring-8": Ring8, "grid-25": Grid25}
