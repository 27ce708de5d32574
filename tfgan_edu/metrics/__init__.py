"""Metrics for generated samples, each checked against an independent reference.

Example:

>>> import numpy as np
>>> import tfgan_edu as tge
>>> x = tge.data.toy2d.sample("grid", n=5000, seed=0)
>>> tge.metrics.mode_coverage(x, "grid")["modes"]
25
>>> tge.metrics.frechet_distance(x, x)
0.0
"""

from tfgan_edu.metrics import features
from tfgan_edu.metrics.classifier_quality import (
    classifier_quality,
    classifier_quality_from_logits,
    quality_bar,
    reference_confident_fraction,
)
from tfgan_edu.metrics.extraction import extract_features
from tfgan_edu.metrics.features import get_extractor, reference_statistics
from tfgan_edu.metrics.frechet import (
    fid,
    frechet_distance,
    frechet_distance_from_statistics,
)
from tfgan_edu.metrics.image_quality import (
    high_frequency_ratio,
    paired_image_quality,
    psnr,
    ssim,
)
from tfgan_edu.metrics.inception_score import inception_score
from tfgan_edu.metrics.kernel_distance import kid, kid_from_features
from tfgan_edu.metrics.mean_std import MeanStd
from tfgan_edu.metrics.mode_coverage import mode_coverage
from tfgan_edu.metrics.moments import (
    load_statistics,
    save_statistics,
    statistics,
)
from tfgan_edu.metrics.precision_recall import density_coverage, precision_recall
from tfgan_edu.metrics.translation import (
    cycle_error,
    domain_accuracy,
    train_domain_classifier,
)

__all__ = [
    "MeanStd",
    "classifier_quality",
    "classifier_quality_from_logits",
    "cycle_error",
    "density_coverage",
    "domain_accuracy",
    "extract_features",
    "features",
    "fid",
    "frechet_distance",
    "frechet_distance_from_statistics",
    "get_extractor",
    "high_frequency_ratio",
    "inception_score",
    "kid",
    "kid_from_features",
    "load_statistics",
    "mode_coverage",
    "paired_image_quality",
    "precision_recall",
    "quality_bar",
    "reference_confident_fraction",
    "reference_statistics",
    "psnr",
    "save_statistics",
    "ssim",
    "statistics",
    "train_domain_classifier",
]
