"""Evaluation: Parzen window, mode coverage, Frechet distance, classifier features."""
from began_lite.metrics.frechet import frechet_distance, gaussian_frechet_distance  # noqa: F401
