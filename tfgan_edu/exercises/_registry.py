"""Every exercise, by chapter, in the order the notebooks present them."""

from __future__ import annotations

from tfgan_edu.exercises import (
    conditional,
    dcgan,
    discrete,
    evaluation,
    minimax,
    questions,
    stability,
    translation,
    vae,
)
from tfgan_edu.exercises._core import Exercise, Question

CHAPTERS: dict[int, tuple[str, str]] = {
    0: ("What is a GAN?", "what_is_a_gan"),
    1: ("The minimax game", "minimax_game"),
    2: ("DCGAN on images", "dcgan_images"),
    3: ("Conditional GANs", "conditional_gans"),
    4: ("Evaluating GANs", "evaluation"),
    5: ("GANs and VAEs", "gan_vs_vae"),
    6: ("Training instability", "training_instability"),
    7: ("Image-to-image translation", "image_translation"),
}
"""Chapter number -> (title, slug of its exercise notebook's file name)."""

_CHAPTER_MODULES = (
    discrete,
    minimax,
    dcgan,
    conditional,
    evaluation,
    vae,
    stability,
    translation,
)

MODULES: tuple[str, ...] = tuple(
    m.__name__.rsplit(".", 1)[-1] for m in _CHAPTER_MODULES
)
"""The chapter modules' names (the instructor package mirrors them)."""

EXERCISES: dict[str, Exercise] = {
    exercise.name: exercise
    for module in _CHAPTER_MODULES
    for exercise in module.EXERCISES
}

QUESTIONS: dict[str, Question] = {q.name: q for q in questions.QUESTIONS}
"""The numeric concept questions, by name, in chapter order."""
