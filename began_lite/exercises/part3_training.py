"""Checkers for chapter 9: the images one simultaneous BEGAN step sends through D and G, measured
with forward hooks, and k after many steps of constant losses."""
import torch

from began_lite.began import ADAM_BETAS, began_step, kt_update
from began_lite.exercises.checker import Case, cases, check_function, floats, ints
from began_lite.nets import build_began

BATCHES = (1, 3, 16, 64)  # batch sizes the forward counts are measured at
K_NAMES = ("k", "loss_real", "loss_fake", "gamma", "lambda_k", "steps")


def measured_forwards(batch: int, calls: bool = False) -> tuple:
    """(images through D, images through G) in one began_step on `batch` real 8 px images,
    counted by forward pre-hooks; with calls=True also (D calls, G calls)."""
    torch.manual_seed(0)
    generator, discriminator = build_began(8, 1, 2, 2, 2, repeat=1)
    counts = {"D": [0, 0], "G": [0, 0]}  # [calls, images]

    def counter(name):
        def record(module, args):
            counts[name][0] += 1
            counts[name][1] += len(args[0])
        return record

    handles = [generator.register_forward_pre_hook(counter("G")),
               discriminator.register_forward_pre_hook(counter("D"))]
    try:
        began_step(generator, discriminator,
                   torch.optim.Adam(generator.parameters(), 1e-4, betas=ADAM_BETAS),
                   torch.optim.Adam(discriminator.parameters(), 1e-4, betas=ADAM_BETAS),
                   torch.rand(batch, 1, 8, 8) * 2 - 1, 0.5, gamma=0.5, lambda_k=0.001, z_dim=2,
                   rng=torch.Generator().manual_seed(0))
    finally:
        for handle in handles:
            handle.remove()
    images = (counts["D"][1], counts["G"][1])
    return images + (counts["D"][0], counts["G"][0]) if calls else images


def check_forwards(reader_fn) -> bool:
    """Check the reader's `predicted_forwards(batch)` -> (images through D, images through G) in
    one began_step against counts measured with hooks; then show the measured number of calls."""
    batches = [Case((b,), f"batch {b}", ("batch",)) for b in BATCHES]
    passed = check_function(reader_fn, measured_forwards, batches,
                            name="images through D and G in one step", atol=0.0, rtol=0.0)
    d_images, g_images, d_calls, g_calls = measured_forwards(16, calls=True)
    print(f"  measured at batch 16: D {d_calls} calls with {d_images} images, "
          f"G {g_calls} calls with {g_images} images")
    return passed


def k_after_reference(k, loss_real, loss_fake, gamma, lambda_k, steps) -> float:
    """k after `steps` updates k <- clip(k + lambda_k (gamma L(x) - L(G(z))), 0, 1), one by one."""
    for _ in range(int(steps)):
        k = kt_update(k, loss_real, loss_fake, gamma, lambda_k)
    return float(k)


def _k_cases() -> list:
    """Runs that stay inside [0, 1], runs that reach an end and stay there, and random ones."""
    named = [((0.0, 0.1, 0.04, 0.5, 0.001, 1000), "k_0 = 0, the paper's lambda_k: k rises"),
             ((0.3, 0.1, 0.08, 0.5, 0.001, 1000), "L(G(z)) too large: k falls"),
             ((0.0, 0.1, 0.08, 0.5, 0.001, 500), "k_0 = 0 and pushed down: k stays 0"),
             ((0.5, 0.2, 0.05, 1.0, 0.01, 3000), "k reaches 1 and stays there"),
             ((0.9, 0.1, 0.3, 0.7, 0.01, 4000), "k reaches 0 and stays there"),
             ((0.25, 0.2, 0.1, 0.5, 0.01, 2000), "at equilibrium: k never moves"),
             ((0.4, 0.1, 0.02, 0.5, 0.01, 0), "no steps at all")]
    random = cases(floats(0, 1, name="k"), floats(0, 0.3, name="loss_real"),
                   floats(0, 0.3, name="loss_fake"), floats(0.2, 1, name="gamma"),
                   floats(0, 0.01, name="lambda_k"), ints(1, 3000, name="steps"), n=15, seed=9)
    return [Case(args, label, K_NAMES) for args, label in named] + random


def check_k_after(reader_fn) -> bool:
    """Check the reader's `k_after(k, loss_real, loss_fake, gamma, lambda_k, steps)`: k after
    `steps` steps whose losses never change, against the controller applied step by step."""
    return check_function(reader_fn, k_after_reference, _k_cases(),
                          name="k after many steps of constant losses", atol=1e-9, rtol=1e-9)
