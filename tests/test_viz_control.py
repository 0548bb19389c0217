"""The k_t simulation: it converges for a sensible gain, clipping bounds k, the plots draw."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from began_lite.errors import UserError  # noqa: E402
from began_lite.viz.control import (format_summary, kt_widget, moving_average,  # noqa: E402
                                    plot_kt_simulation, settle_summary, settling_step,
                                    simulate_kt, trajectory_from_rows)


@pytest.mark.parametrize("gamma", [0.3, 0.5, 0.9])
def test_paper_gain_drives_the_ratio_to_gamma(gamma):
    run = simulate_kt(gamma, 0.001, 5000)
    summary = settle_summary(run, gamma)
    assert abs(summary["ratio"] - gamma) < 0.03 * gamma
    assert summary["settled_at"] is not None and summary["settled_at"] < 4000
    assert run["k"][0] == 0.0 and 0.0 < summary["k_mean"] < 1.0


def test_tiny_gain_is_too_slow():
    summary = settle_summary(simulate_kt(0.5, 1e-4, 5000), 0.5)
    assert summary["settled_at"] is None and summary["ratio"] < 0.4


def test_clipping_keeps_k_in_unit_interval_where_the_raw_update_leaves_it():
    clipped = simulate_kt(0.5, 0.1, 3000, clip=True)
    raw = simulate_kt(0.5, 0.1, 3000, clip=False)
    assert clipped["k"].min() >= 0.0 and clipped["k"].max() <= 1.0
    assert raw["k"].min() < -0.05
    assert settle_summary(simulate_kt(0.5, 10.0, 3000), 0.5)["at_bounds"] > 0.2  # bang-bang


def test_gamma_below_reach_holds_k_at_zero():
    # with k = 0 the toy's ratio is ratio_at_k0 = 0.1; a smaller gamma needs a negative k
    run = simulate_kt(0.05, 0.001, 3000)
    assert np.all(run["k"] == 0.0)
    assert settle_summary(run, 0.05)["ratio"] == pytest.approx(0.1, abs=0.01)


def test_same_seed_same_run_and_M_is_the_papers_formula():
    a, b = simulate_kt(0.4, 0.01, 500, seed=3), simulate_kt(0.4, 0.01, 500, seed=3)
    assert np.array_equal(a["k"], b["k"])
    expected = a["loss_real"] + np.abs(0.4 * a["loss_real"] - a["loss_fake"])
    assert np.allclose(a["M"], expected)


def test_k_update_is_the_papers_rule():
    run = simulate_kt(0.5, 0.01, 200, noise=0.0)
    step = run["k"][:-1] + 0.01 * (0.5 * run["loss_real"][:-1] - run["loss_fake"][:-1])
    assert np.allclose(run["k"][1:], np.clip(step, 0.0, 1.0))


@pytest.mark.parametrize("kwargs", [dict(gamma=1.5), dict(lambda_k=-1.0), dict(steps=0),
                                    dict(k0=2.0)])
def test_bad_arguments_are_user_errors(kwargs):
    with pytest.raises(UserError):
        simulate_kt(**kwargs)


def test_moving_average_and_settling_step():
    assert np.allclose(moving_average([1.0, 3.0, 5.0, 7.0], 2), [1.0, 2.0, 4.0, 6.0])
    run = {"step": np.arange(6), "loss_real": np.ones(6),
           "loss_fake": np.array([0.1, 0.2, 0.5, 0.5, 0.5, 0.5])}
    assert settling_step(run, 0.5, smooth=1) == 2
    run["loss_fake"][-1] = 0.1
    assert settling_step(run, 0.5, smooth=1) is None


def test_rows_plot_widget_and_summary(tmp_path):
    rows = [{"step": s, "k": 0.01 * s, "loss_real": 0.2, "loss_fake": 0.1, "M": 0.2}
            for s in range(1, 4)]
    run = trajectory_from_rows(rows)
    assert np.allclose(run["ratio"], 0.5)
    fig = plot_kt_simulation({"a": run, "b": simulate_kt(0.5, 0.001, 50)}, 0.5, smooth=2,
                             path=tmp_path / "kt.png")
    assert (tmp_path / "kt.png").stat().st_size > 0 and len(fig.axes) == 2
    plt.close("all")
    assert "never" in format_summary(settle_summary(simulate_kt(0.5, 1e-5, 100), 0.5))
    widget = kt_widget(steps=100)
    assert [child.description for child in widget.children[:3]] == ["gamma", "lambda_k",
                                                                     "clip k to [0, 1]"]
    plt.close("all")
    with pytest.raises(UserError):
        trajectory_from_rows([])
