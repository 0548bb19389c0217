"""began-lite: an executable textbook on boundary-equilibrium GANs."""

__version__ = "0.1.0"
