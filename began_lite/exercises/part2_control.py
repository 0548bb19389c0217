"""Checkers for chapters 6-7: the k_t controller (clipping included) and M_global."""
import torch

from began_lite.began import convergence_measure, kt_update
from began_lite.exercises.checker import Case, cases, check_function, floats

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
