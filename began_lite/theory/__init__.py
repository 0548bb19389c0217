"""Closed forms and grid numerics: optimal discriminator, KL, JSD, C(G), 1-D Wasserstein."""
from began_lite.theory.wasserstein import mean_lower_bound, wasserstein1  # noqa: E402,F401
from began_lite.theory.divergences import (jsd, kl, optimal_discriminator, value_function,
                                           virtual_training_criterion)
