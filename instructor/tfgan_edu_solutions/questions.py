"""Answers of the concept questions of `tfgan_edu.exercises.questions`."""

from __future__ import annotations

import numpy as np

ANSWERS: dict[str, float] = {
    "random_sentence_valid_percent": 100.0 * 10 / 10**3,
    "value_at_equilibrium": float(2 * np.log(0.5)),  # -log 4
    "optimal_d_at_equilibrium": 0.5,
    "transposed_conv_same_output": 7.0 * 2,
    "transposed_conv_valid_output": float((7 - 1) * 2 + 4),
    "acgan_uniform_class_loss": float(np.log(10.0)),
    "projection_embedding_parameters": 10.0 * 128,
    "fid_mean_shift": float(np.sum(np.array([1.0, 2.0, 2.0]) ** 2)),
    "inception_score_perfect": float(np.exp(np.log(10.0))),
    "kl_unit_shift": 0.5 * (1.0 + 1.0**2 - 1.0 - np.log(1.0)),
    "gp_linear_critic": 10.0 * (3.0 - 1.0) ** 2,
    "pix2pix_l1_term": 100.0 * 0.02,
}
