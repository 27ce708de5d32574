"""Experiments: default models, complete training runs with reports,
reproducibility, hyperparameter sweeps, the demonstrations of chapter 6 and
the chapter notebooks' helpers (`chapters`)."""

from tfgan_edu.experiments import chapters, demos
from tfgan_edu.experiments.compare import (
    Comparison,
    compare,
    default_vae,
    default_vaegan,
)
from tfgan_edu.experiments.reproducibility import reproducible
from tfgan_edu.experiments.sweep import (
    plot_sweep_heatmap,
    plot_sweep_spread,
    summarize_sweep,
    sweep,
)
from tfgan_edu.experiments.training import (
    TrainResult,
    default_gan,
    evaluate_samples,
    smoke_mode,
    train,
)

__all__ = [
    "Comparison",
    "TrainResult",
    "chapters",
    "compare",
    "default_gan",
    "default_vae",
    "default_vaegan",
    "demos",
    "evaluate_samples",
    "plot_sweep_heatmap",
    "plot_sweep_spread",
    "reproducible",
    "smoke_mode",
    "summarize_sweep",
    "sweep",
    "train",
]
