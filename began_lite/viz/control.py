"""The k_t controller on a small model of the BEGAN game: simulation, plots, sliders."""
import math

import matplotlib.pyplot as plt
import numpy as np

from began_lite.errors import UserError


def _check_simulation_args(gamma, lambda_k, steps, k0) -> None:
    """UserError for arguments outside the ranges the paper allows."""
    if not 0.0 <= gamma <= 1.0:
        raise UserError(f"gamma={gamma} is outside [0, 1]; pick a diversity ratio in [0, 1]")
    if lambda_k < 0:
        raise UserError(f"lambda_k={lambda_k} is negative; the proportional gain must be >= 0")
    if steps < 1:
        raise UserError(f"steps={steps}; simulate at least one step")
    if not 0.0 <= k0 <= 1.0:
        raise UserError(f"k0={k0} is outside [0, 1]; k_t starts as a weight in [0, 1]")


def simulate_kt(gamma=0.5, lambda_k=0.001, steps=5000, *, k0=0.0, clip=True, response=0.005,
                sensitivity=10.0, ratio_at_k0=0.1, noise=0.05, seed=0) -> dict:
    """Run k_t on a toy game; return arrays step, k, loss_real, loss_fake, ratio, M (each (steps,)).

    The toy: L(x) decays from 0.3 to 0.1 as D learns to autoencode; L(G(z)) relaxes at rate
    `response` towards L(x) * (ratio_at_k0 + sensitivity * k), i.e. the more weight k puts on
    fakes in L_D, the worse D reconstructs them; both losses carry multiplicative batch noise.
    """
    _check_simulation_args(gamma, lambda_k, steps, k0)
    rng = np.random.default_rng(seed)
    step = np.arange(steps)
    loss_real_mean = 0.1 + 0.2 * np.exp(-step / 1000)
    loss_real = loss_real_mean * (1 + noise * rng.standard_normal(steps))
    k, loss_fake = np.empty(steps), np.empty(steps)
    k_t, fake_mean = k0, ratio_at_k0 * loss_real_mean[0]
    for t in step:
        k[t] = k_t
        loss_fake[t] = fake_mean * (1 + noise * rng.standard_normal())
        k_t = k_t + lambda_k * (gamma * loss_real[t] - loss_fake[t])
        k_t = min(max(k_t, 0.0), 1.0) if clip else k_t
        fake_mean += response * (loss_real_mean[t] * (ratio_at_k0 + sensitivity * k[t]) - fake_mean)
    M = loss_real + np.abs(gamma * loss_real - loss_fake)
    return {"step": step, "k": k, "loss_real": loss_real, "loss_fake": loss_fake,
            "ratio": loss_fake / loss_real, "M": M}


def moving_average(values, window: int) -> np.ndarray:
    """Trailing mean over `window` entries (shorter at the start), same length as `values`."""
    values = np.asarray(values, dtype=np.float64)
    sums = np.cumsum(np.concatenate([[0.0], values]))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums[1:] - sums[np.arange(1, len(values) + 1) - counts]) / counts


def settling_step(run: dict, gamma: float, *, tolerance=0.1, smooth=100):
    """First step from which the smoothed ratio stays within tolerance * gamma of gamma, or None."""
    ratio = moving_average(run["loss_fake"], smooth) / moving_average(run["loss_real"], smooth)
    outside = np.flatnonzero(np.abs(ratio - gamma) > tolerance * gamma)
    if len(outside) == 0:
        return int(run["step"][0])
    return None if outside[-1] == len(ratio) - 1 else int(run["step"][outside[-1] + 1])


def settle_summary(run: dict, gamma: float, last=0.2) -> dict:
    """Over the last part: k's mean and spread, ratio of mean losses, share of k at 0 or 1."""
    tail = slice(-max(1, int(len(run["k"]) * last)), None)
    k = np.asarray(run["k"][tail], dtype=np.float64)
    ratio = float(np.mean(run["loss_fake"][tail]) / np.mean(run["loss_real"][tail]))
    return {"k_mean": float(k.mean()), "k_std": float(k.std()), "ratio": ratio,
            "at_bounds": float(np.mean((k <= 0.0) | (k >= 1.0))),
            "settled_at": settling_step(run, gamma)}


def format_summary(summary: dict) -> str:
    """One line for a settle_summary: rounded numbers, "never" for a ratio that did not settle."""
    settled = summary["settled_at"]
    return (f"last 20%: k {summary['k_mean']:.3g} ± {summary['k_std']:.3g}, "
            f"L(G(z))/L(x) {summary['ratio']:.3g}, "
            f"k at or past 0 or 1 in {summary['at_bounds']:.0%} of steps; "
            f"ratio within 10% of gamma from step {'never' if settled is None else settled}")


def trajectory_from_rows(rows) -> dict:
    """Arrays step, k, loss_real, loss_fake, ratio, M from a trainer's metric rows (dicts)."""
    if not rows:
        raise UserError("the run logged no metric rows yet; train for at least `log_every` steps")
    run = {key: np.array([float(row[key]) for row in rows])
           for key in ("step", "k", "loss_real", "loss_fake", "M")}
    run["ratio"] = run["loss_fake"] / run["loss_real"]
    return run


def plot_kt_simulation(runs, gamma: float, *, smooth=100, path=None):
    """Plot k_t and the smoothed ratio L(G(z))/L(x) of one run (dict of arrays) or {label: run}."""
    runs = {"": runs} if "k" in runs else runs
    fig, (ax_k, ax_ratio) = plt.subplots(1, 2, figsize=(11, 3.6))
    for label, run in runs.items():
        ratio = moving_average(run["loss_fake"], smooth) / moving_average(run["loss_real"], smooth)
        ax_k.plot(run["step"], run["k"], label=label or None, lw=1, alpha=0.85)
        ax_ratio.plot(run["step"], ratio, label=label or None, lw=1, alpha=0.85)
    ax_ratio.axhline(gamma, color="black", ls="--", lw=1, label=f"gamma = {gamma:g}")
    ax_k.set(xlabel="step t", ylabel="k_t", title="the control variable k_t")
    ax_ratio.set(xlabel="step t", ylabel=f"L(G(z)) / L(x), mean of {smooth} steps",
                 title="the diversity ratio it controls")
    for ax in (ax_k, ax_ratio):
        if any(runs):
            ax.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=100)
    return fig


def kt_widget(steps=5000, **model):
    """Sliders for gamma and lambda_k (and a clipping switch) that rerun and redraw simulate_kt."""
    import ipywidgets as widgets  # only the notebook needs the widget library

    def redraw(gamma, lambda_k, clip):
        runs = {"paper: lambda_k = 0.001": simulate_kt(gamma, 0.001, steps, **model),
                f"yours: lambda_k = {lambda_k:.2g}": simulate_kt(gamma, lambda_k, steps,
                                                                 clip=clip, **model)}
        plot_kt_simulation(runs, gamma)
        plt.show()
        print(format_summary(settle_summary(runs[f"yours: lambda_k = {lambda_k:.2g}"], gamma)))

    return widgets.interactive(
        redraw,
        gamma=widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="gamma"),
        lambda_k=widgets.FloatLogSlider(value=1e-3, base=10, min=-5, max=1, step=0.25,
                                        description="lambda_k"),
        clip=widgets.Checkbox(value=True, description="clip k to [0, 1]"))
