"""began_lite.train.compare at tiny sizes: the contenders come from the presets, each model trains
through the package (the trainer, or Algorithm 1 on the trainer's batches), the same seed repeats,
budgets turn into steps, and every model is judged by evaluate's numbers."""
import math

import pytest
import torch

from began_lite.alpha_gan import sample_prior
from began_lite.began import sample_z
from began_lite.book import book_root
from began_lite.errors import UserError
from began_lite.gan import algorithm1_step
from began_lite.metrics.evaluate import evaluate
from began_lite.metrics.parzen import parzen_log_likelihood
from began_lite.nets import ConvDiscriminator, ConvGenerator
from began_lite.train import compare, load_config
from began_lite.train.batches import Z_STREAM, StepBatches, derived_generator, epoch_order
from began_lite.train.loop import fit

pytestmark = pytest.mark.usefixtures("one_torch_thread")
DATA = book_root() / "data"
TINY = {"n": 4, "generator_n": 0, "h": 8, "z_dim": 8, "batch_size": 4, "code_hidden": 8,
        "num_threads": 1, "precision": "fp32"}
TINY_GAN = {"n": 4, "z_dim": 8, "batch_size": 4}


@pytest.fixture(scope="module")
def tiny():
    """GAN, BEGAN and alpha-GAN, shrunk to a few thousand parameters each."""
    return compare.contenders("mnist", "alpha-mnist", TINY_GAN, TINY, DATA)


def weights(network):
    return torch.cat([p.detach().flatten() for p in network.parameters()])


def test_contenders_are_the_presets_with_only_the_overrides(tiny):
    gan, began, alpha = tiny
    assert [c.name for c in tiny] == ["GAN", "BEGAN", "alpha-GAN"]
    assert began.config == load_config("mnist", {**TINY, "data_root": str(DATA)})
    assert alpha.config == load_config("alpha-mnist", {**TINY, "data_root": str(DATA)})
    assert (gan.gan.n, gan.gan.z_dim, gan.batch_size, gan.gan.data_root) == (4, 8, 4, str(DATA))
    assert began.batch_size == 4 and gan.config is None and began.gan is None


def test_wrong_presets_and_gan_keys_are_one_line_errors():
    with pytest.raises(UserError, match="preset for BEGAN trains model 'alpha-gan'"):
        compare.contenders("alpha-mnist", "alpha-mnist", {}, {}, DATA)
    with pytest.raises(UserError, match="preset for alpha-GAN trains model 'began'"):
        compare.contenders("mnist", "mnist", {}, {}, DATA)
    with pytest.raises(UserError, match="unknown GAN setting.*width"):
        compare.contenders("mnist", "alpha-mnist", {"width": 3}, {}, DATA)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_model_trains_repeatably_and_records_its_time(tiny, index):
    contender = tiny[index]
    first = compare.train_contender(contender, 2, seed=3)
    again = compare.train_contender(contender, 2, seed=3)
    other = compare.train_contender(contender, 2, seed=4)
    assert first.steps == 2 and first.seed == 3 and first.name == contender.name
    assert first.seconds > 0 and first.cpu_seconds > 0
    assert not first.generator.training  # judged as sampled: eval mode
    assert torch.equal(weights(first.generator), weights(again.generator))
    assert not torch.equal(weights(first.generator), weights(other.generator))
    z = first.prior(3, first.z_dim, generator=torch.Generator().manual_seed(0))
    assert tuple(first.generator(z).shape) == (3, 1, 32, 32)


def test_priors_are_each_papers():
    gan, began, alpha = compare.contenders("mnist", "alpha-mnist", TINY_GAN, TINY, DATA)
    assert compare.train_contender(gan, 1, 0).prior is sample_prior       # N(0, I)
    assert compare.train_contender(began, 1, 0).prior is sample_z         # U[-1, 1]
    assert compare.train_contender(alpha, 1, 0).prior is sample_prior


def test_gan_is_algorithm1_on_the_trainers_batches(tiny):
    """The GAN run equals Algorithm 1 written out here: the trainer's epoch order for the seed,
    the z stream the trainer derives, batch norm's statistics included."""
    gan, seed, steps = tiny[0], 5, 3
    trained = compare.train_contender(gan, steps, seed)
    data = compare.open_dataset("mnist", 32, "train", DATA, 1)
    torch.manual_seed(seed)
    G, D = ConvGenerator(8, 1, 32, 4), ConvDiscriminator(1, 32, 4)
    opt_g, opt_d = (torch.optim.Adam(n.parameters(), lr=2e-4, betas=(0.5, 0.999)) for n in (G, D))
    order = epoch_order(len(data), seed, 0)
    z_rng = derived_generator(seed, Z_STREAM, 0)
    for step in range(steps):
        batch = torch.stack([data[int(i)] for i in order[4 * step:4 * step + 4]])
        algorithm1_step(G, D, opt_g, opt_d, lambda m, batch=batch: batch, 8, 4, generator=z_rng)
    assert torch.equal(weights(G), weights(trained.generator))
    assert torch.equal(G.fc[1].running_mean, trained.generator.fc[1].running_mean)


def test_began_is_the_trainers_run(tiny, tmp_path):
    began = tiny[1]
    trained = compare.train_contender(began, 3, seed=2, out_dir=tmp_path / "compare")
    config = load_config("mnist", {**TINY, "data_root": str(DATA), "steps": 3, "seed": 2})
    state = fit(config, tmp_path / "fit", device="cpu", progress=False)
    assert torch.equal(weights(trained.generator), weights(state.generator))
    assert (tmp_path / "compare" / "checkpoints" / "last.pt").is_file()


def test_zero_steps_is_refused(tiny):
    with pytest.raises(UserError, match="steps must be at least 1, got 0"):
        compare.train_contender(tiny[0], 0, seed=0)


def test_step_seconds_is_positive_and_checks_its_arguments(tiny):
    seconds = compare.step_seconds(tiny[0], probe=(1, 3), clock="wall")
    assert 0 < seconds < 60
    with pytest.raises(UserError, match="clock must be one of cpu, wall"):
        compare.step_seconds(tiny[0], clock="gpu")
    with pytest.raises(UserError, match=r"probe must be two step counts 1 <= a < b, got \(3, 3\)"):
        compare.step_seconds(tiny[0], probe=(3, 3))


def test_matched_steps_fill_the_budget():
    assert compare.matched_steps({"a": 0.5, "b": 0.3, "c": 20.0}, 6) == {"a": 12, "b": 20, "c": 1}
    with pytest.raises(UserError, match="budget must be a positive number"):
        compare.matched_steps({"a": 0.5}, 0)
    with pytest.raises(UserError, match="seconds per step must be positive"):
        compare.matched_steps({"a": 0.0}, 6)


def test_judge_gives_evaluates_numbers(tiny):
    began = tiny[1]
    trained = compare.train_contender(began, 2, seed=0)
    judge = compare.Judge(began.config, 40)
    row = judge(compare.samples(trained, 40))
    theirs = evaluate(trained.networks["generator"], trained.networks["discriminator"],
                      began.config, count=40)
    for key in ("classes_covered", "largest_share", "confident_share", "frechet_distance",
                "diversity", "histogram"):
        assert row[key] == theirs["model"][key]
        assert judge.real[key] == theirs["real"][key]
    assert judge.real["classes_covered"] >= 8 and judge.reference.shape[0] == 500


def test_samples_come_from_the_fixed_z_of_each_prior(tiny):
    trained = compare.train_contender(tiny[2], 1, seed=0)
    first, second = compare.samples(trained, 5), compare.samples(trained, 5)
    assert torch.equal(first, second) and first.abs().max() <= 1


def test_parzen_follows_chapter_3():
    digits = compare.open_dataset("mnist", 32, "val", DATA, 1)
    images = torch.stack([digits[i] for i in range(60)])
    flat = compare.paper_scale(images)
    assert flat.shape == (60, 784) and flat.min() >= 0 and flat.max() <= 1
    assert torch.allclose(flat[0].reshape(28, 28), (images[0, 0, 2:30, 2:30].double() + 1) / 2)
    score = compare.parzen_score(images[:40], images[40:50], images[50:])
    assert score["sigma"] in compare.PARZEN_SIGMAS
    mean, error = parzen_log_likelihood(flat[:40], flat[50:], score["sigma"])
    assert (score["log_likelihood"], score["standard_error"]) == (mean, error)
    with pytest.raises(UserError, match=r"\(B, 1, 32, 32\) images, got \(2, 1, 16, 16\)"):
        compare.paper_scale(torch.zeros(2, 1, 16, 16))


def test_spread_over_seeds():
    assert compare.spread([1.0, 3.0]) == (2.0, math.sqrt(2))
    mean, sd = compare.spread([4])
    assert mean == 4.0 and math.isnan(sd)
    with pytest.raises(UserError, match="at least one value"):
        compare.spread([])


def test_judge_needs_two_samples():
    with pytest.raises(UserError, match="count must be at least 2"):
        compare.Judge(load_config("mnist"), 1)
