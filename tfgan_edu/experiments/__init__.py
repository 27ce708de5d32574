"""Experiments: default models and complete training runs with reports."""

from tfgan_edu.experiments.training import (
    TrainResult,
    default_gan,
    evaluate_samples,
    smoke_mode,
    train,
)

__all__ = ["TrainResult", "default_gan", "evaluate_samples", "smoke_mode", "train"]
