"""Evaluation: Parzen window, mode coverage, Frechet distance, classifier features."""
from began_lite.metrics.frechet import frechet_distance, gaussian_frechet_distance  # noqa: F401
from began_lite.metrics.modes import mode_coverage  # noqa: F401
from began_lite.metrics.parzen import (parzen_log_density, parzen_log_likelihood,  # noqa: F401
                                       select_parzen_sigma)
from began_lite.metrics.classifier import (MnistClassifier, classifier_features,  # noqa: F401
                                           classifier_frechet_distance, mnist_classifier)
