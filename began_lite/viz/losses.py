"""Plots of autoencoder-loss distributions and of the Wasserstein bound (chapters 4-5)."""
import matplotlib.pyplot as plt
import numpy as np
import torch

from began_lite.loss_distributions import normal_qq


def _numpy(values) -> np.ndarray:
    """A float64 NumPy copy of a tensor or array."""
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().double().numpy()
    return np.asarray(values, dtype=np.float64)


def _axes(ax):
    """The given axes, or those of a new figure."""
    return ax if ax is not None else plt.subplots(figsize=(6, 3.5))[1]


def plot_loss_histograms(losses: dict, ax=None, bins=40, log_x=False, title=None):
    """Overlaid histograms of per-image losses, one per named set ({name: (N,) losses})."""
    ax = _axes(ax)
    arrays = {name: _numpy(values) for name, values in losses.items()}
    low, high = min(a.min() for a in arrays.values()), max(a.max() for a in arrays.values())
    edges = np.geomspace(low, high, bins + 1) if log_x else np.linspace(low, high, bins + 1)
    for name, values in arrays.items():
        ax.hist(values, bins=edges, alpha=0.55, label=f"{name} (mean {values.mean():.3f})")
    if log_x:
        ax.set_xscale("log")
    ax.set(xlabel="per-image loss L(v)", ylabel="images", title=title)
    ax.legend()
    return ax


def plot_normal_qq(losses: dict, ax=None, title="normal QQ plot of per-image losses"):
    """Standardised sorted losses against standard normal quantiles; normal data lie on y = x."""
    ax = _axes(ax)
    for name, values in losses.items():
        theoretical, observed = normal_qq(values)
        ax.plot(theoretical, observed, ".", markersize=3, label=name)
    line = np.array([-3.5, 3.5])
    ax.plot(line, line, "k--", linewidth=1, label="normal")
    ax.set(xlabel="standard normal quantile", ylabel="standardised loss quantile", title=title)
    ax.legend()
    return ax


def plot_quantile_functions(a, b, ax=None, labels=("a", "b")):
    """The step quantile functions of two 1-D samples; the shaded area between them is W1."""
    ax = _axes(ax)
    a, b = np.sort(_numpy(a)), np.sort(_numpy(b))
    t = np.union1d(np.arange(len(a) + 1) / len(a), np.arange(len(b) + 1) / len(b))
    qa = a[np.minimum((t * len(a)).astype(int), len(a) - 1)]
    qb = b[np.minimum((t * len(b)).astype(int), len(b) - 1)]
    ax.step(t, qa, where="post", label=f"quantile of {labels[0]}")
    ax.step(t, qb, where="post", label=f"quantile of {labels[1]}")
    ax.fill_between(t, qa, qb, step="post", alpha=0.25, color="grey", label="area = W1")
    ax.set(xlabel="probability level t", ylabel="quantile F^{-1}(t)")
    ax.legend()
    return ax


def plot_bound_scatter(w1, bound, ax=None, title="|m1 - m2| never exceeds W1"):
    """Each trial's mean bound |m1 - m2| against its W1, with the line where they are equal."""
    ax = _axes(ax)
    w1, bound = _numpy(w1), _numpy(bound)
    ax.scatter(w1, bound, s=6, alpha=0.6, label="one pair of distributions")
    top = max(w1.max(), bound.max())
    ax.plot([0, top], [0, top], "k--", linewidth=1, label="|m1 - m2| = W1")
    ax.set(xlabel="W1(mu1, mu2)", ylabel="|m1 - m2|", title=title)
    ax.legend()
    return ax
