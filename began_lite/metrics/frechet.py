"""Fréchet distance between two sets of features, each summarised by a Gaussian."""
import numpy as np
import torch

from began_lite.errors import UserError


def _as_features(features, name: str) -> np.ndarray:
    """A float64 (N, d) array from an array or tensor; UserError for anything else."""
    if isinstance(features, torch.Tensor):
        features = features.detach().cpu().double().numpy()
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] < 2:
        raise UserError(f"{name} has shape {features.shape}; pass an (N, d) array with N >= 2 rows")
    if not np.all(np.isfinite(features)):
        raise UserError(f"{name} holds NaN or infinite values; check the model that produced them")
    return features


def _sqrt_psd(matrix: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh((matrix + matrix.T) / 2)
    # round-off can push zero eigenvalues slightly below zero
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T


def gaussian_frechet_distance(mu_a, sigma_a, mu_b, sigma_b) -> float:
    """||mu_a - mu_b||^2 + tr(sigma_a + sigma_b - 2 (sigma_a^1/2 sigma_b sigma_a^1/2)^1/2)."""
    mu_a, mu_b = np.asarray(mu_a, np.float64), np.asarray(mu_b, np.float64)
    sigma_a, sigma_b = np.asarray(sigma_a, np.float64), np.asarray(sigma_b, np.float64)
    # tr sqrt(sigma_a^1/2 sigma_b sigma_a^1/2) is the sum of the singular values of
    # sigma_a^1/2 sigma_b^1/2; taking them directly avoids square roots of the round-off
    # eigenvalues that near-singular covariances (dead feature units) would otherwise add.
    cross = np.linalg.svd(_sqrt_psd(sigma_a) @ _sqrt_psd(sigma_b), compute_uv=False).sum()
    distance = np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2 * cross
    return float(max(distance, 0.0))


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between the Gaussians fitted to two (N, d) feature sets."""
    a = _as_features(features_a, "features_a")
    b = _as_features(features_b, "features_b")
    if a.shape[1] != b.shape[1]:
        raise UserError(f"features_a has {a.shape[1]} columns and features_b {b.shape[1]}; "
                        "compute both with the same feature extractor")
    # atleast_2d: np.cov of one feature column is a scalar
    return gaussian_frechet_distance(a.mean(0), np.atleast_2d(np.cov(a, rowvar=False)),
                                     b.mean(0), np.atleast_2d(np.cov(b, rowvar=False)))
