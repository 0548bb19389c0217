"""Data sets in [-1, 1], NCHW: toy mixtures with exact densities, MNIST, image folders, CelebA, CIFAR-10."""
from began_lite.data.toy import TOYS, Gaussian1D, GaussianMixture, Grid25, Mixture1D, Ring8

__all__ = ["TOYS", "Gaussian1D", "GaussianMixture", "Grid25", "Mixture1D", "Ring8"]
