"""began_lite.loss_distributions and the chapter 4-5 plots of began_lite.viz.losses, tiny nets."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from began_lite.began import kt_update, reconstruction_loss  # noqa: E402
from began_lite.errors import UserError  # noqa: E402
from began_lite.loss_distributions import (generate, make_began, normal_qq,  # noqa: E402
                                           normality_summary, per_image_losses, train_autoencoder,
                                           train_began, uniform_noise)
from began_lite.nets import AutoEncoder  # noqa: E402
from began_lite.viz.losses import (plot_bound_scatter, plot_loss_histograms,  # noqa: E402
                                   plot_normal_qq, plot_quantile_functions)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _digits(count=24, size=8, seed=0):
    """Blurry blobs in [-1, 1]: an easy, learnable stand-in for digits, (count, 1, size, size)."""
    g = torch.Generator().manual_seed(seed)
    centre = torch.rand(count, 2, 1, 1, generator=g) * (size / 2) + size / 4
    axis = torch.arange(size, dtype=torch.float32)
    ys, xs = torch.meshgrid(axis, axis, indexing="ij")
    dist2 = (ys - centre[:, 0]) ** 2 + (xs - centre[:, 1]) ** 2
    return (torch.exp(-dist2 / 4) * 2 - 1).unsqueeze(1)


def test_per_image_losses_match_reconstruction_loss_in_any_chunking():
    torch.manual_seed(0)
    autoencoder, images = AutoEncoder(8, 1, 4, 4, repeat=1), uniform_noise(7, 8)
    with torch.no_grad():
        direct = reconstruction_loss(images, autoencoder(images), eta=2, per_image=True)
    chunked = per_image_losses(autoencoder, images, eta=2, batch_size=3)
    assert chunked.shape == (7,)
    assert torch.allclose(chunked, direct, atol=1e-6)
    assert torch.allclose(per_image_losses(autoencoder, images, eta=2), direct, atol=1e-6)


def test_uniform_noise_shape_range_and_seed():
    noise = uniform_noise(50, 8, channels=3, generator=torch.Generator().manual_seed(1))
    again = uniform_noise(50, 8, channels=3, generator=torch.Generator().manual_seed(1))
    assert noise.shape == (50, 3, 8, 8)
    assert noise.min() >= -1 and noise.max() <= 1 and noise.std() > 0.5
    assert torch.equal(noise, again)


def test_train_autoencoder_lowers_the_loss_on_its_images():
    torch.manual_seed(0)
    images = _digits()
    before = per_image_losses(AutoEncoder(8, 1, 4, 4, repeat=1), images).mean()
    torch.manual_seed(0)  # the same initial weights as `before`
    autoencoder, losses = train_autoencoder(images, n=4, h=4, steps=60, batch_size=8, lr=1e-2,
                                            repeat=1, generator=torch.Generator().manual_seed(2))
    assert len(losses) == 60
    assert per_image_losses(autoencoder, images).mean() < 0.7 * before


def test_train_autoencoder_rejects_bad_steps():
    with pytest.raises(UserError):
        train_autoencoder(_digits(), n=4, h=4, steps=0)


def test_train_began_logs_every_step_and_follows_the_k_controller():
    torch.manual_seed(0)
    run = make_began(8, 1, n=4, h=4, z_dim=3, lr=1e-3, repeat=1)
    assert run.k == 0.0 and run.history == []
    train_began(run, _digits(), steps=5, batch_size=4, gamma=0.5, lambda_k=0.1,
                generator=torch.Generator().manual_seed(3))
    assert len(run.history) == 5 and run.k == run.history[-1].k
    k = 0.0
    for step in run.history:
        k = kt_update(k, step.loss_real, step.loss_fake, 0.5, 0.1)
        assert step.k == pytest.approx(k)


def test_generate_shapes_and_seed():
    torch.manual_seed(0)
    run = make_began(8, 1, n=4, h=4, z_dim=3, repeat=1)
    images = generate(run.generator, 10, 3, batch_size=4,
                      generator=torch.Generator().manual_seed(5))
    again = generate(run.generator, 10, 3, batch_size=10,
                     generator=torch.Generator().manual_seed(5))
    assert images.shape == (10, 1, 8, 8)
    assert torch.allclose(images, again, atol=1e-6)


def test_normality_summary_by_hand():
    # 1..5 standardised: +-sqrt(2), +-1/sqrt(2), 0; fourth powers 4, 1/4, 0, 1/4, 4 average 1.7.
    summary = normality_summary([1.0, 2.0, 3.0, 4.0, 5.0])
    assert summary["skewness"] == pytest.approx(0.0, abs=1e-12)
    assert summary["excess_kurtosis"] == pytest.approx(-1.3)
    assert summary["jarque_bera"] == pytest.approx(5 / 6 * 1.3**2 / 4)
    assert summary["p_value"] == pytest.approx(np.exp(-summary["jarque_bera"] / 2))
    # An exponential sample: skewness 2, excess kurtosis 6 in the limit.
    expo = normality_summary(np.random.default_rng(0).exponential(size=20000))
    assert expo["skewness"] == pytest.approx(2.0, abs=0.15)
    assert expo["p_value"] < 1e-6


def test_normality_summary_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    sample = np.random.default_rng(1).gamma(3.0, size=400)
    ours, theirs = normality_summary(torch.tensor(sample)), stats.jarque_bera(sample)
    assert ours["jarque_bera"] == pytest.approx(theirs.statistic)
    assert ours["p_value"] == pytest.approx(theirs.pvalue)
    assert ours["skewness"] == pytest.approx(stats.skew(sample))
    assert ours["excess_kurtosis"] == pytest.approx(stats.kurtosis(sample))


def test_normal_qq_lies_on_the_diagonal_for_normal_data():
    theoretical, observed = normal_qq(np.random.default_rng(2).normal(5.0, 3.0, size=2000))
    assert np.all(np.diff(observed) >= 0)
    assert theoretical == pytest.approx(-theoretical[::-1])
    assert np.corrcoef(theoretical, observed)[0, 1] > 0.999


@pytest.mark.parametrize("bad", [[1.0, 1.0, 1.0], [1.0, 2.0], [[1.0, 2.0, 3.0]]])
def test_normality_rejects_constant_or_tiny_samples(bad):
    with pytest.raises(UserError):
        normality_summary(bad)


def test_plots_draw_and_label_their_axes():
    rng = np.random.default_rng(3)
    losses = {"real": rng.gamma(4, 0.05, 100), "noise": rng.gamma(50, 0.01, 100)}
    for ax in (plot_loss_histograms(losses, log_x=True), plot_normal_qq(losses),
               plot_quantile_functions(losses["real"], losses["noise"][:37]),
               plot_bound_scatter(rng.uniform(0, 1, 20), rng.uniform(0, 0.5, 20))):
        assert ax.get_xlabel() and ax.get_ylabel()
    matplotlib.pyplot.close("all")
