"""Graded exercises for courses: students write a function, `check` grades it.

Each exercise is a function to write (a loss, a penalty, a metric, one
training step) with fixed inputs. `check(name, fn)` runs the student's
function on fresh copies of the inputs and compares what comes back with
what the reference solution returned, stored in `expected/` (the
references themselves live in the instructor package,
`instructor/tfgan_edu_solutions`, not here): values, shapes and dtypes,
gradients where the function is differentiated in training, and the
weights a training step leaves behind. Each case scores on its own
(partial credit, `CheckResult.score`); a function that calls the library's
own solution (`tge.losses.*`, `tge.penalties.*`, ...) is refused.
Concept questions take a number: `check("fid_mean_shift", 9.0)`. It prints a pass line, or the first
difference with the expected and received values and a hint (naming the
mistake when it is a known one, such as the saturating loss in place of the
non-saturating one), and returns a `CheckResult`. A function that raises,
loops past the time limit or returns nonsense gives a failed result; nothing
escapes `check`.

The exercise notebooks in `notebooks/exercises/` hold one stub per exercise
and a check cell after each; `make_notebook(chapter)` writes them, and
`tfgan-edu grade NOTEBOOK` grades a submitted one (see `grading`).

Example:

>>> import tfgan_edu as tge
>>> from keras import ops
>>> def non_saturating_generator_loss(fake_logits):
...     return ops.mean(ops.softplus(-fake_logits))
>>> result = tge.exercises.check(
...     "non_saturating_generator_loss", non_saturating_generator_loss
... )
✓ non_saturating_generator_loss passed: 3 cases (values, shapes, dtypes and gradients or updates) match the reference.
>>> result.passed
True
>>> def saturating(fake_logits):  # the minimax game's loss: a known mistake
...     return -ops.mean(ops.softplus(fake_logits))
>>> tge.exercises.check("non_saturating_generator_loss", saturating, verbose=False).passed
False
"""

from __future__ import annotations

import builtins

from tfgan_edu.exercises import grading, notebook, projects
from tfgan_edu.exercises._core import (
    Case,
    CaseResult,
    CheckResult,
    Difference,
    Exercise,
    Mistake,
    Question,
    check_exercise,
    check_question,
)
from tfgan_edu.exercises._registry import CHAPTERS, EXERCISES, QUESTIONS

__all__ = [
    "CHAPTERS",
    "Case",
    "CaseResult",
    "CheckResult",
    "Difference",
    "Exercise",
    "ExerciseTable",
    "Mistake",
    "Question",
    "check",
    "check_all",
    "get",
    "grading",
    "list",
    "names",
    "notebook",
    "projects",
    "questions",
]


def get(name: str) -> Exercise:
    """Returns the exercise called `name`.

    Args:
        name: the exercise's name, which is also the name of the function
            the student writes (e.g. `"gradient_penalty"`).

    Returns:
        The `Exercise`.

    Example:

    >>> get("gaussian_kl").chapter
    5
    """
    if name not in EXERCISES:
        raise ValueError(
            f"Unknown exercise. Expected one of {builtins.list(EXERCISES)}. "
            f"Received: name={name!r}"
        )
    return EXERCISES[name]


def names(chapter: int | None = None) -> builtins.list[str]:
    """Names of the exercises, in notebook order, optionally of one chapter.

    Args:
        chapter: a chapter number, or `None` (default) for all chapters.

    Returns:
        A list of exercise names.

    Example:

    >>> names(chapter=1)
    ['minimax_discriminator_loss', 'non_saturating_generator_loss', 'optimal_discriminator', 'mlp_generator', 'mlp_discriminator', 'train_step']
    """
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(
            f"Expected a chapter number in {sorted(CHAPTERS)}. Received: chapter={chapter!r}"
        )
    return [e.name for e in EXERCISES.values() if chapter in (None, e.chapter)]


def questions(chapter: int | None = None) -> builtins.list[Question]:
    """The numeric concept questions, optionally of one chapter.

    Args:
        chapter: a chapter number, or `None` (default) for all chapters.

    Returns:
        A list of `Question`s; answer one with `check(question.name, value)`.

    Example:

    >>> [q.name for q in questions(chapter=4)]
    ['fid_mean_shift', 'inception_score_perfect']
    """
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(
            f"Expected a chapter number in {sorted(CHAPTERS)}. Received: chapter={chapter!r}"
        )
    return [q for q in QUESTIONS.values() if chapter in (None, q.chapter)]


class ExerciseTable(tuple):
    """The exercises as a table: prints as text, shows as Markdown in Jupyter."""

    def rows(self) -> builtins.list[tuple[str, str, str]]:
        return [(str(e.chapter), e.name, e.summary) for e in self]

    def __str__(self) -> str:
        header = ("chapter", "exercise", "what the student writes")
        rows = [header, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        lines = [
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows
        ]
        lines.insert(1, "-" * max(len(line) for line in lines))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:
        lines = ["| chapter | exercise | what the student writes |", "|---|---|---|"]
        for chapter, name, summary in self.rows():
            # A bare `|` (as in KL(p || q)) would end the table cell.
            summary = summary.replace("|", r"\|")
            lines.append(f"| {chapter} | `{name}` | {summary} |")
        return "\n".join(lines)


def list(chapter: int | None = None) -> ExerciseTable:  # noqa: A001 - the API name
    """The exercises with their chapter and a one-line description.

    Args:
        chapter: a chapter number, or `None` (default) for all chapters.

    Returns:
        An `ExerciseTable`: a tuple of `Exercise`s that prints as a table
        (and shows as a Markdown table in a notebook).

    Example:

    >>> print(list(chapter=5))
    chapter  exercise        what the student writes
    ------------------------------------------------------------...
    5        reparameterize  z = mu + sigma * eps with sigma = exp(log_var / 2): ...
    5        gaussian_kl     KL(N(mu, sigma^2) || N(0, I)) in closed form, per example
    """
    return ExerciseTable(get(name) for name in names(chapter))


def check(
    name: str,
    fn,
    *,
    verbose: bool = True,
    timeout: float | None = 60.0,
    language: str | None = None,
) -> CheckResult:
    """Checks a student's function (or a question's number) against the reference.

    Runs `fn` and the reference on the exercise's fixed inputs and compares
    values, shapes, dtypes and, where relevant, gradients (or the weights a
    training step updates). Prints a pass line or the first difference, with
    expected and received values and a hint, and returns the result. A
    function that raises (`NotImplementedError` included) or runs past
    `timeout` gives a failed result: nothing is raised.

    Args:
        name: the exercise's name, e.g. `"gradient_penalty"` (see `list()`),
            or a concept question's (see `questions()`).
        fn: the student's function, or the number answering a question.
        verbose: print the message. Defaults to `True`.
        timeout: seconds each call of `fn` may take, `None` for no limit.
            Defaults to 60 (enforced in the main thread on Unix).
        language: language of the feedback, `"en"` or `"zh_CN"` (Chinese).
            Defaults to `None`: `$TFGAN_EDU_LANGUAGE`, else English.

    Returns:
        A `CheckResult` with `passed` (bool), `message` (str), `score` (the
        fraction of cases passed) and `cases` (one `CaseResult` each).

    Example:

    >>> import numpy as np
    >>> def optimal_discriminator(p_data, p_g):
    ...     raise NotImplementedError
    >>> check("optimal_discriminator", optimal_discriminator).passed
    ✗ optimal_discriminator: not implemented yet: the function raises NotImplementedError.
      Replace `raise NotImplementedError` with your code, run the cell, then run this check again.
    False
    """
    if name in QUESTIONS:
        result = check_question(QUESTIONS[name], fn, language=language)
    else:
        result = check_exercise(get(name), fn, timeout=timeout, language=language)
    if verbose:
        print(result.message)
    return result


def check_all(
    namespace: dict,
    chapter: int | None = None,
    *,
    exercises: builtins.list[str] | None = None,
    verbose: bool = True,
    timeout: float | None = 60.0,
    language: str | None = None,
) -> builtins.list[CheckResult]:
    """Checks every exercise function found in `namespace` and prints a score.

    The last cell of an exercise notebook calls it with `globals()`; the
    grader (`tfgan-edu grade`) calls it the same way. An exercise whose
    function is missing from `namespace` fails. Each exercise is worth one
    point, split evenly over its cases (partial credit).

    Args:
        namespace: where the student's functions live, e.g. `globals()`.
        chapter: check the exercises of this chapter. Defaults to `None`.
        exercises: or check these exercises (and concept questions), by
            name (default: the exercises and questions of `chapter`, or all).
        verbose: print one line per exercise and the score. Defaults to `True`.
        timeout: seconds each call of a student's function may take.
            Defaults to 60.
        language: language of the feedback (see `check`). Defaults to
            `None`: `$TFGAN_EDU_LANGUAGE`, else English.

    Returns:
        One `CheckResult` per exercise, in order.

    Example:

    >>> def slerp(z0, z1, t):
    ...     raise NotImplementedError
    >>> results = check_all({"slerp": slerp}, exercises=["slerp"])
    ✗ slerp: not implemented yet: the function raises NotImplementedError.
    Score: 0 of 1 points (0 of 1 exercises pass).
    """
    if exercises is None:
        exercises = names(chapter) + [q.name for q in questions(chapter)]
    for name in exercises:
        if name not in QUESTIONS:
            get(name)  # unknown names are the caller's error, raised before any work
    results = []
    for name in exercises:
        if name in QUESTIONS and name not in namespace:
            result = CheckResult(
                name,
                False,
                f"✗ {name}: not answered. Set `{name} = <your number>` and run the cell.",
            )
        elif name not in namespace:
            result = CheckResult(
                name,
                False,
                f"✗ {name}: not defined. Run the cell that defines `{name}` "
                "(and keep its name).",
            )
        else:
            result = check(
                name, namespace[name], verbose=False, timeout=timeout, language=language
            )
        results.append(result)
        if verbose:
            print(result.message.splitlines()[0])
    if verbose:
        passed = sum(r.passed for r in results)
        points = sum(r.score for r in results)
        print(
            f"Score: {points:.3g} of {len(results)} points "
            f"({passed} of {len(results)} exercises pass)."
        )
    return results
