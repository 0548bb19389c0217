"""Plots the book and the trainer share: sample grids, curves, ipywidgets controls."""
from began_lite.viz.control import (kt_widget, plot_kt_simulation, settle_summary,  # noqa: F401
                                    simulate_kt, trajectory_from_rows)
from began_lite.viz.curves import plot_curves  # noqa: F401
from began_lite.viz.grids import make_grid, save_grid  # noqa: F401
from began_lite.viz.toy import (figure1_panel, kde_1d, model_curves_1d,  # noqa: F401
                                optimal_discriminator_widget, plot_coverage,
                                plot_optimal_discriminator, plot_samples_2d)
