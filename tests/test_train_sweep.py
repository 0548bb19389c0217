"""The gamma sweep: rank correlation, the tail ratio, and a tiny two-gamma sweep end to end."""
import pytest
from scipy.stats import spearmanr

from began_lite.errors import UserError
from began_lite.train import load_config
from began_lite.train.sweep import rank_correlation, ranks, sweep_gamma, tail_ratio, trend

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_ranks_share_ties():
    assert ranks([3.0, 1.0, 3.0, 2.0]).tolist() == [3.5, 1.0, 3.5, 2.0]


@pytest.mark.parametrize("x, y", [([0.3, 0.5, 0.7, 1.0], [1, 1, 2, 5]),
                                  ([0.3, 0.5, 0.7, 1.0], [9.0, 4.0, 5.0, 1.0]),
                                  ([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])])
def test_rank_correlation_is_spearman(x, y):
    assert rank_correlation(x, y) == pytest.approx(spearmanr(x, y).statistic)


def test_rank_correlation_constant_and_bad_input():
    assert rank_correlation([1, 2, 3], [4, 4, 4]) != rank_correlation([1, 2, 3], [4, 4, 4])  # nan
    with pytest.raises(UserError):
        rank_correlation([1, 2], [1, 2, 3])


def test_trend_words():
    assert trend(1.0) == "rises with gamma"
    assert trend(-0.9) == "falls with gamma"
    assert trend(0.2) == "no clear trend"
    assert trend(float("nan")).startswith("flat")


def test_tail_ratio_is_a_ratio_of_sums():
    rows = [{"loss_real": 1.0, "loss_fake": 5.0}] + [
        {"loss_real": r, "loss_fake": f} for r, f in ((0.1, 0.05), (0.3, 0.25))]
    assert tail_ratio(rows, 0.5) == pytest.approx(0.3 / 0.4)  # not (0.5 + 0.833) / 2
    assert tail_ratio(rows, 1.0) == pytest.approx(5.3 / 1.4)
    with pytest.raises(UserError):
        tail_ratio(rows, 0.0)
    with pytest.raises(UserError):
        tail_ratio([], 0.5)


def test_sweep_two_gammas(tmp_path):
    config = load_config("smoke", {"image_size": 8, "n": 2, "h": 2, "z_dim": 2, "repeat": 1,
                                   "steps": 4, "log_every": 2, "sample_every": 4,
                                   "checkpoint_every": 4, "batch_size": 4, "sample_count": 4,
                                   "dataset": "mnist", "channels": 1, "num_threads": 1})
    runs = sweep_gamma(config, [0.7, 0.3, 0.7], tmp_path, count=20)
    assert [run["gamma"] for run in runs] == [0.3, 0.7]
    for run in runs:
        assert run["step"] == 4 and len(run["rows"]) == 2
        assert run["result"]["gamma"] == run["gamma"]
        assert (run["run_dir"] / "config.toml").read_text().count(f"gamma = {run['gamma']}") == 1
        assert 0 <= run["result"]["model"]["classes_covered"] <= 10
    with pytest.raises(UserError, match="two different"):
        sweep_gamma(config, [0.5, 0.5], tmp_path, count=20)
