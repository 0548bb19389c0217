"""Closed forms and grid numerics: optimal discriminator, KL, JSD, C(G), 1-D Wasserstein."""
