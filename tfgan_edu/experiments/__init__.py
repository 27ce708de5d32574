"""Experiments: default models and complete training runs with reports."""

from tfgan_edu.experiments.training import (
    IMAGE_DEFAULTS,
    TOY_DEFAULTS,
    Defaults,
    TrainResult,
    default_gan,
    defaults_for,
    evaluate_samples,
    smoke_mode,
    train,
)

__all__ = [
    "IMAGE_DEFAULTS",
    "TOY_DEFAULTS",
    "Defaults",
    "TrainResult",
    "default_gan",
    "defaults_for",
    "evaluate_samples",
    "smoke_mode",
    "train",
]
