"""Checkers for chapters 6-7: the k_t controller (clipping included), M_global, the toy game's
oscillation threshold and k*, and the L(G(z)) behind a given M_global."""
import numpy as np
import torch

from began_lite.began import convergence_measure, kt_update
from began_lite.exercises.checker import Case, beside, cases, check_function, floats

NAMES = ("k", "loss_real", "loss_fake", "gamma", "lambda_k")


def _kt_cases() -> list:
    """Random steps, steps whose raw update leaves [0, 1] or lands on an end, tensor losses."""
    random = cases(floats(0, 1, name="k"), floats(0, 0.5, name="loss_real"),
                   floats(0, 0.5, name="loss_fake"), floats(0.05, 1, name="gamma"),
                   floats(0, 0.01, name="lambda_k"), n=20, seed=6)
    clipping = [Case((0.999, 0.3, 0.0, 1.0, 0.01), "raw update above 1: clip to 1", NAMES),
                Case((0.001, 0.0, 0.4, 0.5, 0.01), "raw update below 0: clip to 0", NAMES),
                Case((0.0, 0.1, 0.2, 0.5, 0.001), "k_0 = 0 and L(G(z)) too large: stays 0", NAMES),
                Case((1.0, 0.2, 0.0, 1.0, 0.1), "k = 1 and pushed higher: stays 1", NAMES),
                Case((0.5, 0.2, 0.1, 0.5, 0.001), "at equilibrium: k unchanged", NAMES),
                Case((0.02, torch.tensor(0.12), torch.tensor(0.05), 0.5, 0.001),
                     "losses as 0-d tensors, as a training loop holds them", NAMES)]
    return clipping + random


def check_kt_update(reader_fn) -> bool:
    """Check the reader's `kt_update(k, loss_real, loss_fake, gamma, lambda_k)` -> k_{t+1}."""
    return check_function(reader_fn, kt_update, _kt_cases(), name="k_t update",
                          atol=1e-8, rtol=1e-7)  # float32 tensor losses round near 1e-9


def _measure_cases() -> list:
    """Random losses, plus both signs of the control error and tensor losses."""
    names = ("loss_real", "loss_fake", "gamma")
    random = cases(floats(0, 0.5, name="loss_real"), floats(0, 0.5, name="loss_fake"),
                   floats(0.05, 1, name="gamma"), n=20, seed=7)
    signs = [Case((0.2, 0.05, 0.5), "gamma L(x) > L(G(z))", names),
             Case((0.2, 0.15, 0.5), "gamma L(x) < L(G(z))", names),
             Case((0.2, 0.1, 0.5), "at equilibrium: M = L(x)", names),
             Case((torch.tensor(0.1), torch.tensor(0.3), 0.7), "losses as 0-d tensors", names)]
    return signs + random


def check_convergence_measure(reader_fn) -> bool:
    """Check the reader's `convergence_measure(loss_real, loss_fake, gamma)` -> M_global."""
    return check_function(reader_fn, convergence_measure, _measure_cases(),
                          name="convergence measure M_global", atol=1e-7, rtol=1e-6)


# Checkers for exercises that derive or predict something new; each prints the reader's value
# beside the true one and beside a measurement.

# Chapter 6: where the toy game's k_t loop starts to oscillate, and where it settles.
def oscillation_threshold(response: float, sensitivity: float, loss_real: float) -> float:
    """The smallest lambda_k at which the linearised toy loop has complex eigenvalues: with
    nu = 1 - mu, nu^2 - r nu + lambda_k r s L(x) = 0, complex when lambda_k > r / (4 s L(x))."""
    return response / (4 * sensitivity * loss_real)


def toy_eigenvalues(lambda_k, response, sensitivity, loss_real) -> np.ndarray:
    """The eigenvalues of the toy's linearised 2x2 update (chapter 6.4)."""
    return np.linalg.eigvals(np.array([[1.0, -lambda_k],
                                       [response * sensitivity * loss_real, 1.0 - response]]))


def check_oscillation_threshold(reader_fn) -> bool:
    """Check the reader's `threshold(response, sensitivity, loss_real)`; print it beside the
    eigenvalues just below and just above it."""
    names = ("response", "sensitivity", "loss_real")
    crafted = [Case((0.005, 10.0, 0.1), "the chapter's toy at L(x) = 0.1", names),
               Case((0.005, 10.0, 0.3), "the toy at the start, L(x) = 0.3", names)]
    random = cases(floats(0.001, 0.1, name="response"), floats(1, 20, name="sensitivity"),
                   floats(0.01, 0.5, name="loss_real"), n=10, seed=9)
    ok = check_function(reader_fn, oscillation_threshold, crafted + random,
                        name="oscillation threshold of lambda_k", atol=1e-12, rtol=1e-7)
    true = oscillation_threshold(0.005, 10.0, 0.1)
    imag = [abs(toy_eigenvalues(f * true, 0.005, 10.0, 0.1)[0].imag) for f in (0.99, 1.01)]
    beside("r = 0.005, s = 10, L(x) = 0.1", reader_fn, (0.005, 10.0, 0.1), true,
            f"measured |imaginary part| of the eigenvalues: {imag[0]:.2e} at 0.99x, "
            f"{imag[1]:.2e} at 1.01x")
    return ok


def k_star(gamma: float, ratio_at_k0: float, sensitivity: float) -> float:
    """The toy's equilibrium k: rho_0 + s k* = gamma, clipped to [0, 1] as the controller is."""
    return min(max((gamma - ratio_at_k0) / sensitivity, 0.0), 1.0)


def check_k_star(reader_fn) -> bool:
    """Check the reader's `k_star(gamma, ratio_at_k0, sensitivity)`; print it beside the k the
    simulated toy reaches."""
    from began_lite.viz.control import settle_summary, simulate_kt  # viz is a layer below
    names = ("gamma", "ratio_at_k0", "sensitivity")
    crafted = [Case((0.5, 0.1, 10.0), "the chapter's toy", names),
               Case((0.05, 0.1, 10.0), "gamma below rho_0: clipped at 0", names),
               Case((0.9, 0.1, 0.5), "k* above 1: clipped at 1", names)]
    random = cases(floats(0.05, 1, name="gamma"), floats(0, 0.5, name="ratio_at_k0"),
                   floats(0.5, 20, name="sensitivity"), n=10, seed=10)
    ok = check_function(reader_fn, k_star, crafted + random, name="k* of the toy game",
                        atol=1e-12, rtol=1e-9)
    for gamma in (0.3, 0.9):
        run = simulate_kt(gamma, 0.001, 10_000, seed=0)
        measured = settle_summary(run, gamma)["k_mean"]
        beside(f"gamma = {gamma}, rho_0 = 0.1, s = 10", reader_fn, (gamma, 0.1, 10.0),
                k_star(gamma, 0.1, 10.0),
                f"measured: mean k over the last fifth of 10,000 toy steps {measured:.4f}")
    return ok


# Chapter 7: which L(G(z)) give a measured M_global?
def loss_fake_at(M: float, loss_real: float, gamma: float) -> tuple:
    """The two L(G(z)) at which M_global = M, given L(x) and gamma (M >= L(x)): the set point
    gamma L(x) minus and plus the excess M - L(x); the lower one is G ahead, the upper D ahead."""
    excess = M - loss_real
    return (gamma * loss_real - excess, gamma * loss_real + excess)


def check_loss_fake_at(reader_fn) -> bool:
    """Check the reader's `loss_fake_at(M, loss_real, gamma)` -> (lower, upper); print both and M
    recomputed from them."""
    names = ("M", "loss_real", "gamma")
    crafted = [Case((0.12, 0.1, 0.5), "M above L(x)", names),
               Case((0.1, 0.1, 0.5), "M = L(x): at the set point, one answer twice", names),
               Case((0.3, 0.2, 1.0), "gamma = 1", names)]
    random = [Case((real * (1 + gamma * u), real, gamma), "random", names) for u, real, gamma in
              np.random.default_rng(11).uniform([0, 0.01, 0.1], [1, 0.5, 1], (10, 3))]
    ok = check_function(reader_fn, loss_fake_at, crafted + random,
                        name="L(G(z)) at a given M_global", atol=1e-9, rtol=1e-7)
    lower, upper = loss_fake_at(0.15, 0.1, 0.7)
    beside("M = 0.15, L(x) = 0.1, gamma = 0.7", reader_fn, (0.15, 0.1, 0.7), (lower, upper),
            f"measured: M_global at those L(G(z)) {convergence_measure(0.1, lower, 0.7):.6g} "
            f"and {convergence_measure(0.1, upper, 0.7):.6g}")
    return ok
