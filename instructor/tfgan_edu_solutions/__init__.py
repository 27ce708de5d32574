"""Reference solutions of `tfgan_edu.exercises` (instructor package).

Not part of the student package `tfgan_edu`: install it with
`pip install instructor/` (or put `instructor/` on `sys.path`). It holds,
per chapter module, the reference implementation of every exercise and the
known wrong answers the checker recognises; `expected.write_expected()`
runs them on every case and writes the observations the student package
compares against (`tfgan_edu/exercises/expected/*.npz`), and
`questions.ANSWERS` the answers of the concept questions.

Example:

>>> import tfgan_edu_solutions as sol
>>> float(sol.reference("non_saturating_generator_loss")([0.0]))  # log 2
0.693...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from tfgan_edu.exercises import _registry

_MODULES = {
    name: importlib.import_module(f"tfgan_edu_solutions.{name}")
    for name in _registry.MODULES
}


def _module_of(name: str):
    for module_name, module in _MODULES.items():
        student = importlib.import_module(f"tfgan_edu.exercises.{module_name}")
        if any(e.name == name for e in student.EXERCISES):
            return module
    raise ValueError(
        f"Expected an exercise name, one of {list(_registry.EXERCISES)}. "
        f"Received: name={name!r}"
    )


def reference(name: str) -> Callable:
    """The reference solution of exercise `name`.

    Args:
        name: the exercise's name.

    Returns:
        The reference function.
    """
    return getattr(_module_of(name), name)


def mistake(exercise: str, name: str) -> Callable:
    """The known wrong implementation `name` of `exercise`.

    Args:
        exercise: the exercise's name.
        name: the mistake's name (`Mistake.name`).

    Returns:
        The wrong implementation.
    """
    return getattr(_module_of(exercise), name)
