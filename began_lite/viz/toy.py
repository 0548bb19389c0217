"""Plots and widgets for Part I: Figure 1 panels, 2-D samples, mode coverage, D* and C(G)."""
import math

import numpy as np
import torch

from began_lite.data.toy import Gaussian1D
from began_lite.theory.divergences import jsd, optimal_discriminator, virtual_training_criterion


def kde_1d(samples, x, bandwidth=None) -> np.ndarray:
    """A Gaussian kernel density estimate of 1-D `samples` on the grid `x` (Silverman bandwidth)."""
    samples = np.asarray(samples, dtype=np.float64).reshape(-1)
    x = np.asarray(x, dtype=np.float64)
    if bandwidth is None:
        bandwidth = 1.06 * max(samples.std(), 1e-3) * len(samples) ** (-1 / 5)
    z = (x[:, None] - samples[None, :]) / bandwidth
    return np.exp(-0.5 * z**2).mean(axis=1) / (bandwidth * math.sqrt(2 * math.pi))


@torch.no_grad()
def model_curves_1d(G, D, x, z_dim, n=4000, generator=None) -> tuple[np.ndarray, np.ndarray]:
    """p_g on the grid `x` (a KDE of n samples of G) and D(x) = sigmoid(logit): two arrays."""
    z = torch.randn(n, z_dim, generator=generator)
    samples = G(z).reshape(-1).numpy()
    grid = torch.as_tensor(np.asarray(x), dtype=torch.float32).reshape(-1, 1)
    return kde_1d(samples, x), torch.sigmoid(D(grid)).reshape(-1).numpy()


def figure1_panel(ax, x, p_data, p_g, d, title=""):
    """One panel in the style of Goodfellow et al. Figure 1: p_data, p_g and D over x."""
    ax.plot(x, p_data, "k:", lw=2, label=r"$p_{data}$")
    ax.plot(x, p_g, "g-", lw=1.5, label=r"$p_g$")
    ax.plot(x, d, "b--", lw=1.5, label=r"$D(x)$")
    ax.axhline(0.5, color="0.7", lw=0.8)
    ax.set(xlabel="x", ylabel="density / D(x)", title=title, ylim=(0, 1.05))


def plot_samples_2d(ax, samples, modes, title="", limit=None):
    """Samples (n, 2) as dots and the mixture's modes (K, 2) as red crosses."""
    samples, modes = np.asarray(samples), np.asarray(modes)
    ax.scatter(samples[:, 0], samples[:, 1], s=2, alpha=0.3, color="tab:green")
    ax.scatter(modes[:, 0], modes[:, 1], marker="x", color="red", s=30)
    limit = limit or 1.3 * np.abs(modes).max()
    ax.set(xlim=(-limit, limit), ylim=(-limit, limit), aspect="equal", title=title,
           xlabel="$x_1$", ylabel="$x_2$")


def plot_coverage(ax, steps, modes_covered, high_quality, n_modes, title=""):
    """Modes covered (left axis) and the high-quality share (right axis) over training steps."""
    ax.plot(steps, modes_covered, "o-", color="tab:blue")
    ax.set(xlabel="training step", ylabel="modes covered", ylim=(0, n_modes + 0.5), title=title)
    right = ax.twinx()
    right.plot(steps, high_quality, "s--", color="tab:orange")
    right.set(ylabel="high-quality share", ylim=(0, 1.05))
    return right


def plot_optimal_discriminator(ax, x, p_data, p_g):
    """p_data, p_g and D*_G on the grid `x`, titled with C(G) and -log 4 + 2 JSD."""
    dx = float(x[1] - x[0])
    ax.plot(x, p_data, "k:", lw=2, label=r"$p_{data}$")
    ax.plot(x, p_g, "g-", label=r"$p_g$")
    ax.plot(x, optimal_discriminator(p_data, p_g), "b--", label=r"$D^*_G$")
    c, j = virtual_training_criterion(p_data, p_g, dx), jsd(p_data, p_g, dx)
    ax.set(xlabel="x", ylabel="density / D*(x)", ylim=(0, 1.05),
           title=f"C(G) = {c:.4f},  -log 4 + 2 JSD = {-math.log(4) + 2 * j:.4f}")
    ax.legend(loc="upper left")


def optimal_discriminator_widget(x, p_data, mean=1.0, std=1.0):
    """Sliders for p_g mean and std redrawing D*_G and C(G); p_data must sum to 1 times dx."""
    import ipywidgets
    import matplotlib.pyplot as plt

    def draw(mean, std):
        p_g = Gaussian1D(mean, std).density(torch.as_tensor(x)).numpy()
        p_g = p_g / (p_g.sum() * (x[1] - x[0]))  # mass 1 on the grid, as p_data has
        fig, ax = plt.subplots(figsize=(7, 3.5))
        plot_optimal_discriminator(ax, x, p_data, p_g)
        plt.show()

    return ipywidgets.interactive(
        draw, mean=ipywidgets.FloatSlider(mean, min=-4, max=4, step=0.1, description="mean"),
        std=ipywidgets.FloatSlider(std, min=0.2, max=3, step=0.1, description="std"))
