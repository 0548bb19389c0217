"""`evaluate`: a trained BEGAN pair judged on samples from a fixed z, beside held-out real images.

Every data set: diversity (the mean RMS pixel distance between two different images of a set),
L(x) on held-out real images, L(G(z)) on the samples, and M = L(x) + |gamma L(x) - L(G(z))|.
An alpha-GAN (evaluate_alpha_gan) has no L or M: in their place the mean per-pixel L1 error of
its reconstructions G(E(x)) of the held-out images, and a third row judging those reconstructions.
Digits (MNIST) also: the book's classifier's class histogram, the classes holding at least 3% of
the images, the largest class share, the class entropy (bits; log2 10 = 3.32 is uniform), the
share the classifier labels with probability above 0.9 ("confident", a proxy for recognisable)
and the Fréchet distance in the classifier's features to the test digits.
"""
import math

import torch

from began_lite.alpha_gan import l1_per_image, sample_prior
from began_lite.began import convergence_measure, sample_z
from began_lite.data import open_dataset, resize
from began_lite.errors import UserError
from began_lite.loss_distributions import per_image_losses
from began_lite.metrics.classifier import classifier_features, mnist_classifier
from began_lite.metrics.frechet import frechet_distance

EVAL_SEED = 1703  # the fixed z of every evaluation: two checkpoints are judged on the same z
COVERED_SHARE = 0.03
CONFIDENT = 0.9
BATCH = 250


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """Mean over pairs i != j of the RMS pixel distance between images (N, C, H, W)."""
    if len(images) < 2:
        raise UserError("diversity needs at least 2 images")
    flat = images.flatten(1).double()
    distances = torch.cdist(flat, flat) / math.sqrt(flat.shape[1])
    return float(distances.sum() / (len(flat) * (len(flat) - 1)))


@torch.no_grad()
def draw_samples(generator, z_dim: int, count: int, device="cpu", seed=EVAL_SEED,
                 clamp=True, prior=sample_z) -> torch.Tensor:
    """`count` samples (count, C, H, W) on the CPU from the fixed z of `seed`.

    clamp=True gives images in [-1, 1] (for display and the classifier); clamp=False gives G's
    raw linear output, which is what D sees in training (its pixels may leave [-1, 1]).
    `prior` draws z: BEGAN's U[-1, 1] (sample_z) or alpha-GAN's N(0, I) (sample_prior).
    """
    z = prior(count, z_dim, generator=torch.Generator().manual_seed(seed))
    parts = [generator(z[i:i + BATCH].to(device)).float().cpu() for i in range(0, count, BATCH)]
    samples = torch.cat(parts)
    return samples.clamp(-1, 1) if clamp else samples


@torch.no_grad()
def class_statistics(classifier, images: torch.Tensor) -> dict:
    """The classifier's histogram of images (N, 1, 32, 32) and the numbers drawn from it."""
    classifier.eval()
    device = next(classifier.parameters()).device
    probs = torch.cat([classifier(images[i:i + BATCH].to(device)).softmax(1).cpu()
                       for i in range(0, len(images), BATCH)])
    counts = torch.bincount(probs.argmax(1), minlength=10)
    share = counts.double() / len(images)
    nonzero = share[share > 0]
    return {"histogram": counts.tolist(),
            "classes_covered": int((share >= COVERED_SHARE).sum()),
            "largest_share": float(share.max()),
            "class_entropy_bits": abs(float((nonzero * nonzero.log2()).sum())),
            "confident_share": float((probs.max(1).values > CONFIDENT).double().mean())}


def held_out_images(config, count: int) -> tuple[torch.Tensor, torch.Tensor | None, str]:
    """(real images, reference images or None, what they are) for the run's data set.

    MNIST: `count` validation digits judged against the test digits. CIFAR-10: test images. A
    folder or CelebA has no held-out split: a fixed random subset of it, said so in the text.
    """
    if config.dataset == "mnist":
        real = open_dataset("mnist", config.image_size, "val", config.data_root, config.channels)
        test = open_dataset("mnist", 32, "test", config.data_root, 1)
        return _take(real, count), _take(test, len(test)), "val split"
    split = "test" if config.dataset == "cifar10" else "train"
    real = open_dataset(config.dataset, config.image_size, split, config.data_root,
                        config.channels)
    return _take(real, count), None, "test split" if split == "test" else "training images"


def _take(dataset, count: int) -> torch.Tensor:
    """Up to `count` images of `dataset`, a fixed random subset when it holds more."""
    order = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(EVAL_SEED))
    return torch.stack([dataset[int(i)] for i in order[:count]])


def judge_set(images, discriminator, eta, digits) -> dict:
    """Numbers for one set of images: diversity, L (BEGAN; no discriminator: none), and for
    digits the class statistics.

    L is measured on `images` as given; the rest on them clamped to [-1, 1], as they are shown.
    """
    row = {"count": len(images)}
    if discriminator is not None:
        row["loss"] = float(per_image_losses(discriminator, images, eta=eta).mean())
    images = images.clamp(-1, 1)
    row["diversity"] = mean_pairwise_distance(images)
    if digits is not None:
        as_digits = resize(images, 32) if images.shape[-1] != 32 else images
        row.update(class_statistics(digits["classifier"], as_digits))
        features = classifier_features(digits["classifier"], as_digits)
        row["frechet_distance"] = frechet_distance(features, digits["reference"])
    return row


def evaluate(generator, discriminator, config, count=1000, device="cpu") -> dict:
    """Judge a BEGAN pair built from `config` (a train Config): the `evaluate` numbers as a dict."""
    if count < 2:
        raise UserError(f"--count must be at least 2 (diversity compares pairs), got {count}")
    generator.eval(), discriminator.eval()
    real, reference, real_kind = held_out_images(config, count)
    digits = digit_judge(config, reference)
    samples = draw_samples(generator, config.z_dim, count, device, clamp=False)
    real_row = judge_set(real, discriminator, config.eta, digits)
    model_row = judge_set(samples, discriminator, config.eta, digits)
    loss_real, loss_fake = real_row["loss"], model_row["loss"]
    return {"dataset": config.dataset, "image_size": config.image_size, "count": count,
            "z_seed": EVAL_SEED, "real_kind": real_kind, "gamma": config.gamma,
            "loss_real": loss_real, "loss_fake": loss_fake,
            "M": convergence_measure(loss_real, loss_fake, config.gamma),
            "real": real_row, "model": model_row}


def digit_judge(config, reference) -> dict | None:
    """The classifier and the reference digits' features (None for data without classes)."""
    if reference is None:
        return None
    classifier = mnist_classifier(root=config.data_root)
    return {"classifier": classifier, "reference": classifier_features(classifier, reference)}


@torch.no_grad()
def reconstruct(encoder, generator, images: torch.Tensor, device="cpu") -> torch.Tensor:
    """G(E(x)) of images (N, C, H, W), in batches, on the CPU, as G outputs them."""
    parts = [generator(encoder(images[i:i + BATCH].to(device))).float().cpu()
             for i in range(0, len(images), BATCH)]
    return torch.cat(parts)


def evaluate_alpha_gan(encoder, generator, config, count=1000, device="cpu") -> dict:
    """Judge an alpha-GAN's E and G built from `config`: samples G(z), z ~ N(0, I) from the
    fixed seed, and reconstructions G(E(x)) of the held-out images, beside those images."""
    if count < 2:
        raise UserError(f"--count must be at least 2 (diversity compares pairs), got {count}")
    encoder.eval(), generator.eval()
    real, reference, real_kind = held_out_images(config, count)
    digits = digit_judge(config, reference)
    samples = draw_samples(generator, config.z_dim, count, device, clamp=False,
                           prior=sample_prior)
    reconstructions = reconstruct(encoder, generator, real, device)
    pixels = real[0].numel()
    return {"dataset": config.dataset, "image_size": config.image_size, "count": count,
            "z_seed": EVAL_SEED, "real_kind": real_kind, "model_kind": config.model,
            "reconstruction_l1": float(l1_per_image(real, reconstructions).mean()) / pixels,
            "real": judge_set(real, None, None, digits),
            "model": judge_set(samples, None, None, digits),
            "reconstructed": judge_set(reconstructions, None, None, digits)}


def recognisable_ratio(result: dict) -> float | None:
    """The model's confident share over the real digits' (None for data without classes)."""
    if "confident_share" not in result["model"]:
        return None
    real = result["real"]["confident_share"]
    return result["model"]["confident_share"] / real if real > 0 else float("nan")


def summary_line(result: dict) -> str:
    """One line: the headline numbers of an evaluation."""
    model, real = result["model"], result["real"]
    diversity = f"diversity {model['diversity']:.3f} (real {real['diversity']:.3f})"
    if "M" in result:
        head = (f"M {result['M']:.4f}, L(x) {result['loss_real']:.4f}, L(G(z)) "
                f"{result['loss_fake']:.4f}, " + diversity)
    else:
        head = f"reconstruction L1 {result['reconstruction_l1']:.4f} per pixel, " + diversity
    if "classes_covered" not in model:
        return head
    return (f"{model['classes_covered']}/10 classes >= 3%, largest class "
            f"{model['largest_share']:.2f}, confident {model['confident_share']:.2f} (real "
            f"{real['confident_share']:.2f}, ratio {recognisable_ratio(result):.2f}), FD "
            f"{model['frechet_distance']:.2f} (real {real['frechet_distance']:.2f}); " + head)


def table(result: dict) -> str:
    """The real row beside the model row (and the reconstructions' row), as aligned text."""
    digits, losses = "classes_covered" in result["model"], "loss" in result["model"]
    header = f"{'images':<22}{'count':>6}{'diversity':>10}" + (f"{'L':>9}" if losses else "")
    if digits:
        header += f"{'classes':>8}{'largest':>8}{'entropy':>8}{'confident':>10}{'FD':>8}"
    lines = [header]
    rows = [(f"real ({result['real_kind']})", result["real"]), ("model (fixed z)", result["model"])]
    if "reconstructed" in result:
        rows.append(("reconstructed G(E(x))", result["reconstructed"]))
    for name, row in rows:
        line = f"{name:<22}{row['count']:>6}{row['diversity']:>10.3f}"
        line += f"{row['loss']:>9.4f}" if losses else ""
        if digits:
            line += (f"{row['classes_covered']:>6}/10{row['largest_share']:>8.2f}"
                     f"{row['class_entropy_bits']:>8.2f}{row['confident_share']:>10.2f}"
                     f"{row['frechet_distance']:>8.2f}")
        lines.append(line)
    if digits:
        lines.append("histogram (0-9): " + " | ".join(
            f"{name.split()[0]} " + " ".join(map(str, row["histogram"])) for name, row in rows))
    return "\n".join(lines)
