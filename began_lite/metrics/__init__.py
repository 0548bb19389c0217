"""Evaluation: Parzen window, mode coverage, Frechet distance, classifier features."""
