"""Experiments: default models, complete training runs with reports,
the fastest compile settings for a machine (`tune_step`), reproducibility, hyperparameter sweeps, photo restoration against classical
methods (`restoration`), and the chapter notebooks' helpers
(`discrete_tokens` for chapter 0, `hand_written` and `minimax_demos` for
chapter 1, `chapters`, `evaluation_demos` for chapter 4, `demos` for
chapter 6)."""

from tfgan_edu.experiments import (
    chapters,
    demos,
    discrete_tokens,
    evaluation_demos,
    hand_written,
    minimax_demos,
    restoration,
)
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
from tfgan_edu.experiments.tuning import TuneResult, tune_step

__all__ = [
    "Comparison",
    "TrainResult",
    "TuneResult",
    "chapters",
    "compare",
    "default_gan",
    "default_vae",
    "default_vaegan",
    "demos",
    "discrete_tokens",
    "evaluation_demos",
    "hand_written",
    "minimax_demos",
    "restoration",
    "evaluate_samples",
    "plot_sweep_heatmap",
    "plot_sweep_spread",
    "reproducible",
    "smoke_mode",
    "summarize_sweep",
    "sweep",
    "train",
    "tune_step",
]
