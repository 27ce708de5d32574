"""Writes the stored expectations the student package checks against.

For every exercise (except the stochastic ones, checked by `verify`), the
reference runs on fresh copies of every case's inputs, and so does every
known mistake; their observations (values, gradients, updated weights) go
to `tfgan_edu/exercises/expected/<name>.npz`. The concept questions'
answers go to `questions.json`. Running it twice gives the same arrays,
bit for bit (`tests/exercises/test_expected.py` checks it).
"""

from __future__ import annotations

import json
from pathlib import Path

import tfgan_edu_solutions as sol
from tfgan_edu.exercises import _expected, _registry
from tfgan_edu.exercises._core import observe_call
from tfgan_edu_solutions.questions import ANSWERS


def records(name: str) -> dict[str, list | None]:
    """The observations of the reference and of each known mistake, by key.

    Args:
        name: the exercise's name.

    Returns:
        `{"case1": [...], ..., "mistake:<name>:case1": [...] or None, ...}`.
    """
    exercise = _registry.EXERCISES[name]
    observe = exercise.observe or observe_call
    reference = sol.reference(name)
    out: dict[str, list | None] = {}
    for index, case in enumerate(exercise.cases, start=1):
        out[f"case{index}"] = observe(reference, case.make(), case)
    for mistake in exercise.mistakes:
        wrong = sol.mistake(name, mistake.name)
        for index, case in enumerate(exercise.cases, start=1):
            try:
                observed = observe(wrong, case.make(), case)
            except Exception:  # noqa: BLE001 - a mistake may crash on a case
                observed = None
            out[f"mistake:{mistake.name}:case{index}"] = observed
    return out


def write_expected(out_dir: str | Path = _expected.EXPECTED_DIR) -> list[Path]:
    """Writes every exercise's `.npz` and `questions.json` into `out_dir`.

    Args:
        out_dir: the folder. Defaults to the student package's
            `tfgan_edu/exercises/expected/`.

    Returns:
        The files written.
    """
    out_dir = Path(out_dir)
    written = []
    for name, exercise in _registry.EXERCISES.items():
        if exercise.verify is not None:
            continue
        written.append(_expected.save(out_dir / f"{name}.npz", records(name)))
    missing = set(_registry.QUESTIONS) - set(ANSWERS)
    if missing:
        raise ValueError(
            f"Expected an answer for every question. Received: missing={sorted(missing)}"
        )
    questions = out_dir / "questions.json"
    answers = {name: ANSWERS[name] for name in _registry.QUESTIONS}
    questions.write_text(json.dumps(answers, indent=1) + "\n", encoding="utf-8")
    written.append(questions)
    return written
