"""Training curves from metrics.jsonl rows: losses, k, M and the learning rate against the step."""
# A bare Figure (not pyplot) needs no GUI backend and is not kept alive by pyplot's registry,
# so a long run can redraw its curves thousands of times; in a notebook, display(figure) shows it.
from matplotlib.figure import Figure

from began_lite.files import atomic_path

PANELS = [
    (("loss_real", "loss_fake"), "loss", ("L(x)", "L(G(z))")),
    (("k",), "k_t", ("k",)),
    (("M",), "M_global", ("M",)),
    (("lr",), "learning rate", ("lr",)),
]


def plot_curves(metrics_rows, path=None, panels=PANELS) -> Figure:
    """A 2x2 figure of losses, k, M and lr against the step (or four other `panels`, the last
    one on a log scale); saved atomically as PNG if `path`."""
    figure = Figure(figsize=(10, 6), layout="constrained")
    axes = figure.subplots(2, 2).ravel()
    steps = [row["step"] for row in metrics_rows]
    for ax, (keys, ylabel, labels) in zip(axes, panels):
        for key, label in zip(keys, labels):
            ax.plot(steps, [row[key] for row in metrics_rows], label=label)
        ax.set_xlabel("step")
        ax.set_ylabel(ylabel)
        if len(keys) > 1:
            ax.legend()
    axes[3].set_yscale("log")
    if path is not None:
        with atomic_path(path) as tmp:
            figure.savefig(tmp, format="png", dpi=80)
    return figure
