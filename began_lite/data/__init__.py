"""Data in [-1, 1], NCHW: toy mixtures with exact densities, MNIST, folders, CelebA, CIFAR-10."""
from began_lite.data.cifar import load_cifar10
from began_lite.data.folder import ImageFolder
from began_lite.data.images import IMAGE_SIZES, TensorImages, convert_channels, resize
from began_lite.data.mnist import SPLITS, MnistData, load_mnist
from began_lite.data.sources import NAMED_SOURCES, open_dataset
from began_lite.data.toy import TOYS, Gaussian1D, GaussianMixture, Grid25, Mixture1D, Ring8

__all__ = ["IMAGE_SIZES", "NAMED_SOURCES", "SPLITS", "TOYS", "Gaussian1D", "GaussianMixture",
           "Grid25", "ImageFolder", "Mixture1D", "MnistData", "Ring8", "TensorImages",
           "convert_channels", "load_cifar10", "load_mnist", "open_dataset", "resize"]
