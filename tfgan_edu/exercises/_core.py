"""The machinery of the graded exercises: `Exercise`, `check` and its report.

An `Exercise` holds a task, a stub and a few `Case`s, each a factory of
fixed inputs; its reference solution is not part of this package (it lives
in the instructor package, `instructor/tfgan_edu_solutions`), only what the
reference returns on every case, stored in `expected/<name>.npz`.
`check_exercise` runs the student's function on fresh copies of every
case's inputs, observes what it returns (and, where it matters, gradients
or the weights a training step leaves behind), compares with the stored
observations, and reports the first observation that differs, with the
expected and received values and a hint. Each case scores on its own
(partial credit). Known mistakes are recognised: when the student's
observation equals the stored one of a listed `Mistake`, the message names
that mistake. A function that calls the library's own solution of the
exercise is refused (see `_guard`).

Feedback speaks English by default, or another language of `LANGUAGES`
(`language=` of `check_exercise` and `check_question`, else the
`TFGAN_EDU_LANGUAGE` environment variable). Its texts come from the
catalog `locale/<language>.json` shipped with the package: `messages`
(the checker's own sentences, by key, as in `MESSAGES`), `phrases`
(regular expressions and their replacements for what `compare` reports),
and per exercise and question its title, summary, task, hint, the hints of
its known mistakes and its cases' descriptions. What a catalog lacks stays
English.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import math
import numbers
import os
import re
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

from tfgan_edu.exercises import _expected, _guard

# Used to tell a student's frame from the checker's in a traceback.
_PACKAGE_DIR = __file__.rsplit("/", 1)[0]

# ---------------------------------------------------------------- languages

LANGUAGES = ("en", "zh_CN")
LANGUAGE_VAR = "TFGAN_EDU_LANGUAGE"
_LOCALE_DIR = Path(__file__).with_name("locale")
# The checker's own sentences; a catalog's `messages` has the same keys.
MESSAGES = {
    "not_callable": (
        "✗ {name}: expected a function, received {received}. "
        "Pass the function itself: check('{name}', {name})."
    ),
    "not_implemented": (
        "✗ {name}: not implemented yet: the function raises NotImplementedError.\n"
        "  Replace `raise NotImplementedError` with your code, run the cell, "
        "then run this check again."
    ),
    "timed_out": "✗ {name}: ran longer than the time limit of {seconds:g} s. "
    "Is there an endless loop?",
    "raised": "✗ {name}: calling your function raised {error}{where}",
    "where": " (in {file}, line {line}: `{code}`)",
    "your_code": "your code",
    "failed": "✗ {name}: {problem}",
    "hint": "  Hint: {hint}",
    "case": "  case {index} of {total}: {description}",
    "expected": "  expected: {value}",
    "received": "  received: {value}",
    "partial_credit": "  Partial credit: {passed} of {total} cases pass.",
    "passed": "✓ {name} passed: {total} cases ({what}) match the reference.",
    "passed_what": "values, shapes, dtypes",
    "passed_what_gradients": "values, shapes, dtypes and gradients or updates",
    "passed_distribution": "✓ {name} passed: shapes, dtypes and the distribution match.",
    "verified_case": "random inputs: shapes, dtypes and the distribution",
    "refused_tampered": (
        "✗ {name}: refused (score 0): your function calls `sys.setprofile`, "
        "which removes the checker's call recorder."
    ),
    "refused_names": (
        "✗ {name}: refused (score 0): your function names {calls}, "
        "the library's own solution of this exercise.\n"
        "  Write the computation yourself; the library's functions are what "
        "you are re-deriving here."
    ),
    "refused_calls": (
        "✗ {name}: refused (score 0): your function calls {calls}, "
        "the library's own solution of this exercise.\n"
        "  Write the computation yourself; the library's functions are what "
        "you are re-deriving here."
    ),
    "question_not_number": "✗ {name}: expected a number, received {received}.",
    "question_not_one_number": "✗ {name}: expected one number, received {received}.",
    "question_right": "✓ {name}: {value} is right.",
    "question_wrong": "✗ {name}: {value} is not right.",
}


def resolve_language(language: str | None = None) -> str:
    """The language of the feedback: `language`, else `$TFGAN_EDU_LANGUAGE`, else English.

    Args:
        language: one of `LANGUAGES` (`"en"`, `"zh_CN"`), or `None`
            (default) for the environment variable `TFGAN_EDU_LANGUAGE`,
            and English where that is unset or empty.

    Returns:
        The language code.

    Example:

    >>> resolve_language("zh_CN")
    'zh_CN'
    >>> resolve_language("fr")
    Traceback (most recent call last):
    ...
    ValueError: Expected one of ['en', 'zh_CN']. Received: language='fr'
    """
    source = "language"
    if language is None:
        language = os.environ.get(LANGUAGE_VAR) or "en"
        source = f"${LANGUAGE_VAR}"
    if language not in LANGUAGES:
        raise ValueError(
            f"Expected one of {list(LANGUAGES)}. Received: {source}={language!r}"
        )
    return language


@functools.cache
def catalog(language: str) -> dict[str, Any]:
    """The texts of `language` (`locale/<language>.json`; empty for English).

    Args:
        language: one of `LANGUAGES`.

    Returns:
        A dict with `messages`, `phrases`, `exercises` and `questions` (see
        the module docstring).
    """
    language = resolve_language(language)
    if language == "en":
        return {"messages": {}, "phrases": [], "exercises": {}, "questions": {}}
    with open(_LOCALE_DIR / f"{language}.json", encoding="utf-8") as file:
        return json.load(file)


def text(key: str, language: str = "en", **fields) -> str:
    """One of the checker's sentences (`MESSAGES[key]`) in `language`, filled in.

    Example:

    >>> text("partial_credit", passed=2, total=3)
    '  Partial credit: 2 of 3 cases pass.'
    """
    template = catalog(language)["messages"].get(key) or MESSAGES[key]
    return template.format(**fields)


def phrase(english: str, language: str = "en") -> str:
    """What `compare` reports (`"the returned value: differs"`, ...) in `language`.

    The catalog's `phrases` are `[pattern, replacement]` pairs of regular
    expressions, applied in order; text that no pattern matches stays English.
    """
    for pattern, replacement in catalog(language)["phrases"]:
        english = re.sub(pattern, replacement, english)
    return english


def exercise_text(exercise, field: str, language: str = "en") -> str:
    """An exercise's (or question's) `field` (`"hint"`, `"task"`, ...) in `language`.

    Falls back to the English field where the catalog has no entry.
    """
    section = "questions" if isinstance(exercise, Question) else "exercises"
    entry = catalog(language)[section].get(exercise.name, {})
    return entry.get(field) or getattr(exercise, field)


def mistake_hint(exercise, mistake, language: str = "en") -> str:
    """The hint of one of `exercise`'s known mistakes in `language`."""
    entry = catalog(language)["exercises"].get(exercise.name, {})
    return entry.get("mistakes", {}).get(mistake.name) or mistake.hint


def case_description(exercise, index: int, language: str = "en") -> str:
    """The description of case `index` (from 0) of `exercise` in `language`."""
    entry = catalog(language)["exercises"].get(exercise.name, {})
    cases = entry.get("cases", [])
    if index < len(cases) and cases[index]:
        return cases[index]
    return exercise.cases[index].description


@dataclasses.dataclass(frozen=True)
class Case:
    """One set of fixed inputs of an exercise.

    Args:
        description: what the inputs are, shown when the case fails.
        make: a function returning a fresh `dict` of the arguments, in the
            order of the exercise's signature (called once per function
            checked, so no function sees inputs another one changed).
        grad_wrt: names of tensor arguments to differentiate the output
            with respect to (the gradient of `sum(output * w)` for fixed
            random weights `w`). Defaults to `()`.
    """

    description: str
    make: Callable[[], dict[str, Any]]
    grad_wrt: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A known wrong answer, recognised in a failed check.

    Args:
        name: the name of the wrong implementation in the instructor
            package; what it returns on each case is stored with the
            exercise's expectations (`mistake:<name>:case<i>`).
        hint: what is wrong and how to fix it, shown when the student's
            function behaves exactly like that implementation.
    """

    name: str
    hint: str


@dataclasses.dataclass(frozen=True)
class Difference:
    """The first observation where a function differs from the reference.

    Args:
        what: what was observed (`"the returned value"`, `"the gradient with
            respect to real_logits"`, ...).
        problem: how it differs.
        expected: the expected value, formatted.
        received: the received value, formatted.
        path: the keys or indices leading to the differing element inside a
            returned tuple or dict. Defaults to `()`.
    """

    what: str
    problem: str
    expected: str = ""
    received: str = ""
    path: tuple = ()

    def lines(self, language: str = "en") -> list[str]:
        """The difference as report lines, in `language` (default English)."""
        out = [phrase(f"{self.what}: {self.problem}", language)]
        if self.expected or self.received:
            out.append(text("expected", language, value=_indent(self.expected)))
            out.append(text("received", language, value=_indent(self.received)))
        return out


@dataclasses.dataclass(frozen=True)
class CaseResult:
    """The outcome of one case of a check.

    Args:
        description: the case's inputs, in words.
        passed: whether the function matched the reference on this case.
        message: `"passed"`, or the first difference on this case.
    """

    description: str
    passed: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        """The case as a JSON-serializable dict."""
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    """The outcome of `tfgan_edu.exercises.check`.

    Args:
        name: the exercise's (or question's) name.
        passed: whether the function matched the reference on every case.
        message: the printed report: a pass line, or the first difference
            with expected and received values and a hint.
        score: the partial credit, in [0, 1]: the fraction of cases passed
            (0 for a refused submission). Defaults to 1 if `passed`, else 0.
        cases: one `CaseResult` per case. Defaults to `()`.
    """

    name: str
    passed: bool
    message: str
    score: float | None = None
    cases: tuple[CaseResult, ...] = ()

    def __post_init__(self):
        if self.score is None:
            object.__setattr__(self, "score", float(self.passed))

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"CheckResult(name={self.name!r}, passed={self.passed})"

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-serializable dict (`name`, `passed`, `message`,
        `score`, `cases`)."""
        return {
            "name": self.name,
            "passed": self.passed,
            "message": self.message,
            "score": self.score,
            "cases": [case.to_dict() for case in self.cases],
        }


@dataclasses.dataclass(frozen=True)
class Exercise:
    """A graded exercise: a task, a stub and its test cases.

    Args:
        name: the function's name, also the exercise's name.
        chapter: the chapter it belongs to.
        title: a short title.
        summary: one line for the table of exercises.
        task: the task in Markdown (with the maths), the notebook's text.
        stub: the source of the stub the student completes; it raises
            `NotImplementedError`.
        cases: the fixed inputs the student's function is compared on.
        hint: the general hint shown with any failure.
        mistakes: known wrong answers, each with its own hint.
        solutions: the library's own implementations of the exercise, as
            `"module:qualname"`; a submission that calls one is refused.
        observe: `observe(fn, inputs, case) -> [(what, value), ...]`: what to
            compare. Defaults to the returned value and the gradients of
            `case.grad_wrt`.
        verify: for a stochastic exercise, `verify(fn) -> Difference | None`
            replaces the comparison with stored observations.
        rtol: relative tolerance of value comparisons. Defaults to 1e-5.
        atol: absolute tolerance. Defaults to 1e-6.
    """

    name: str
    chapter: int
    title: str
    summary: str
    task: str
    stub: str
    cases: Sequence[Case]
    hint: str
    mistakes: Sequence[Mistake] = ()
    solutions: Sequence[str] = ()
    observe: Callable | None = None
    verify: Callable | None = None
    rtol: float = 1e-5
    atol: float = 1e-6


# --------------------------------------------------------------- observing


def observe_call(fn: Callable, inputs: dict[str, Any], case: Case):
    """Calls `fn(*inputs)`; returns its value and the gradients `case` asks for."""
    inputs = dict(inputs)
    for name in case.grad_wrt:
        inputs[name] = tf.convert_to_tensor(inputs[name])
    with tf.GradientTape(persistent=True) as tape:
        for name in case.grad_wrt:
            tape.watch(inputs[name])
        value = fn(*inputs.values())
        projection = _projection(value) if case.grad_wrt else None
    observed = [("the returned value", value)]
    for name in case.grad_wrt:
        if projection is None:
            grad = UNAVAILABLE
        else:
            grad = tape.gradient(projection, inputs[name])
            if isinstance(grad, tf.IndexedSlices):  # from a gather: densify
                grad = tf.convert_to_tensor(grad)
        observed.append((f"the gradient with respect to `{name}`", grad))
    del tape
    return observed


def _projection(value):
    """`sum(value * w)` with fixed weights `w`, or None if `value` is no tensor."""
    try:
        value = tf.convert_to_tensor(value)
    except (TypeError, ValueError):
        return None
    if not value.dtype.is_floating:
        return None
    weights = np.random.default_rng(1234).uniform(0.5, 1.5, size=value.shape.as_list())
    return tf.reduce_sum(value * tf.constant(weights, dtype=value.dtype))


class _Unavailable:
    def __repr__(self) -> str:
        return "unavailable"


UNAVAILABLE = _Unavailable()
"""What an observation holds when it could not be made (no gradient, say)."""


# --------------------------------------------------------------- comparing


def is_tensor_like(value) -> bool:
    """Whether `value` is a TensorFlow tensor or variable, or a NumPy array or scalar."""
    return isinstance(value, (tf.Tensor, tf.Variable, np.ndarray, np.generic))


def _describe_type(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return f"a {value.dtype.name} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} NumPy array of shape {value.shape}"
    return f"a {type(value).__name__}"


def _format(value, mark=None) -> str:
    if isinstance(value, (tf.Tensor, tf.Variable)):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.size > 12:
        flat = value.ravel()
        text = np.array2string(flat[:6], precision=5, separator=", ")
        out = f"array of shape {value.shape}, first values {text[:-1]}, ...]"
        if mark is not None:
            index = np.unravel_index(mark, value.shape)
            out += f"; at index {tuple(int(i) for i in index)}: {flat[mark]:.6g}"
        return out
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=5, separator=", ")
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def _indent(text: str) -> str:
    return text.replace("\n", "\n            ")


def compare(what: str, expected, received, rtol: float, atol: float):
    """Compares one observation; returns a `Difference` or None.

    Tensors and arrays must agree in type family, shape, dtype, where they
    are finite, and in value (`rtol`, `atol`); numbers (a reference returning
    a Python or NumPy scalar) in value; integers exactly; tuples, lists and
    dicts element by element.
    """
    if received is UNAVAILABLE:
        return Difference(
            what, "could not be computed: the returned value is not a tensor"
        )
    if expected is None:  # not connected in the reference: None or zeros will do
        if received is None or not np.any(np.asarray(received)):
            return None
        return Difference(
            what, "should be zero", "None (no dependence)", _format(received)
        )
    if isinstance(expected, dict):
        if not isinstance(received, dict):
            return Difference(
                what,
                "expected a dict",
                _format(sorted(expected)),
                _describe_type(received),
            )
        if sorted(expected) != sorted(received):
            return Difference(
                what, "has other keys", repr(sorted(expected)), repr(sorted(received))
            )
        for key in expected:
            diff = compare(f"{what}[{key!r}]", expected[key], received[key], rtol, atol)
            if diff:
                return dataclasses.replace(diff, path=(key, *diff.path))
        return None
    if isinstance(expected, (tuple, list)):
        if not isinstance(received, (tuple, list)) or len(received) != len(expected):
            return Difference(
                what,
                f"expected a tuple of {len(expected)} values",
                f"a tuple of {len(expected)}",
                _describe_type(received)
                if not isinstance(received, (tuple, list))
                else f"a {type(received).__name__} of {len(received)}",
            )
        for i, (e, r) in enumerate(zip(expected, received)):
            diff = compare(f"{what}[{i}]", e, r, rtol, atol)
            if diff:
                return dataclasses.replace(diff, path=(i, *diff.path))
        return None
    if isinstance(expected, (bool, np.bool_)):
        if received is None or not isinstance(received, (bool, np.bool_)):
            return Difference(
                what, "expected a bool", repr(expected), _describe_type(received)
            )
        if bool(expected) != bool(received):
            return Difference(
                what, "differs", repr(bool(expected)), repr(bool(received))
            )
        return None
    if isinstance(expected, numbers.Integral):
        if isinstance(received, (bool, np.bool_)) or not isinstance(
            received, numbers.Integral
        ):
            return Difference(
                what,
                "expected an integer",
                repr(int(expected)),
                _describe_type(received),
            )
        if int(expected) != int(received):
            return Difference(what, "differs", repr(int(expected)), repr(int(received)))
        return None
    if isinstance(expected, (float, np.floating)):
        return _compare_number(what, float(expected), received, rtol, atol)
    if is_tensor_like(expected):
        return _compare_array(what, expected, received, rtol, atol)
    raise TypeError(  # a reference that returns something else is a bug here
        f"Cannot compare a reference value of type {type(expected).__name__}. "
        f"Received: expected={expected!r}"
    )


def _compare_number(what, expected: float, received, rtol, atol):
    if isinstance(received, (tf.Tensor, tf.Variable)):
        received = received.numpy()
    if (
        received is None
        or isinstance(received, (bool, np.bool_, str))
        or np.ndim(received) != 0
    ):
        return Difference(
            what,
            "expected a number (a Python float)",
            _format(expected),
            _describe_type(received)
            + ("" if received is None else f": {_format(received)}"),
        )
    try:
        value = float(received)
    except (TypeError, ValueError):
        return Difference(
            what, "expected a number", _format(expected), _describe_type(received)
        )
    if math.isnan(value) and not math.isnan(expected):
        return Difference(what, "is NaN", _format(expected), "nan")
    if not np.isclose(value, expected, rtol=rtol, atol=atol, equal_nan=True):
        return Difference(what, "differs", _format(expected), _format(value))
    return None


def _compare_array(what, expected, received, rtol, atol):
    expected = np.asarray(expected)
    if received is None:
        return Difference(
            what,
            "is None: nothing was returned, or the output does not depend on "
            "this input in a differentiable way (NumPy or Python code inside "
            "the function cuts the gradient)"
            if "gradient" in what
            else "is None: did you forget `return`?",
            f"a {expected.dtype} tensor of shape {expected.shape}",
            "None",
        )
    if isinstance(received, (list, tuple)):
        return Difference(
            what,
            "expected a tensor or array",
            f"a {expected.dtype} tensor of shape {expected.shape}",
            f"a Python {type(received).__name__}: {received!r:.80}",
        )
    if isinstance(received, tf.IndexedSlices):
        received = tf.convert_to_tensor(received)
    try:
        array = np.asarray(received.numpy() if hasattr(received, "numpy") else received)
    except Exception:  # noqa: BLE001 - anything unconvertible is a wrong type
        array = None
    if array is None or array.dtype == object:
        return Difference(
            what,
            "expected a tensor or array",
            f"a {expected.dtype} tensor of shape {expected.shape}",
            _describe_type(received),
        )
    if array.shape != expected.shape:
        return Difference(
            what,
            "has the wrong shape",
            f"shape {expected.shape}",
            f"shape {array.shape}: {_format(array)}",
        )
    if array.dtype != expected.dtype:
        return Difference(
            what,
            "has the wrong dtype",
            str(expected.dtype),
            f"{array.dtype} ({_describe_type(received)})",
        )
    if array.dtype.kind in "fc":
        bad = np.isnan(array) & ~np.isnan(expected)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            return Difference(
                what,
                f"contains NaN ({int(bad.sum())} of {array.size} values)",
                _format(expected, first),
                _format(array, first),
            )
    if array.dtype.kind in "fc":
        close = np.isclose(array, expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        close = array == expected
    if not close.all():
        first = int(np.flatnonzero(~close.ravel())[0])
        problem = "differs"
        if array.size > 1:
            problem += f" at {int((~close).sum())} of {array.size} positions"
        return Difference(
            what, problem, _format(expected, first), _format(array, first)
        )
    return None


# ----------------------------------------------------------------- running


_TIMED_OUT = "ran longer than the time limit"


class CheckTimeout(BaseException):
    """Raised inside a student's function that runs past the time limit.

    A `BaseException`, so an `except Exception` in the student's code does not
    swallow it.

    Args:
        message: what happened.
        seconds: the time limit that ran out. Defaults to `None`.
    """

    def __init__(self, message: str, seconds: float | None = None):
        super().__init__(message)
        self.seconds = seconds


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raises `CheckTimeout` in the block after `seconds` (main thread, Unix only)."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _raise(signum, frame):
        raise CheckTimeout(f"{_TIMED_OUT} of {seconds:g} s", seconds)

    previous = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _StudentError(Exception):
    def __init__(self, name, exc):
        super().__init__(str(exc))
        self.exc = exc
        self.name = name


def _student_frame(exc: BaseException, language: str = "en") -> str:
    """`line N: code` of the innermost frame outside the checker, if any."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith(_PACKAGE_DIR)
    ]
    if not frames:
        return ""
    own = [f for f in frames if "site-packages" not in f.filename] or frames
    frame = own[-1]
    where = (
        text("your_code", language)
        if frame.filename.startswith("<")
        else frame.filename
    )
    code = (frame.line or "").strip()
    return text("where", language, file=where, line=frame.lineno, code=code)


# What a student's function may raise and still give a failed result: any
# `Exception`, the time limit, and `SystemExit` (a `sys.exit()` or `exit()`
# in the function would otherwise end the notebook's kernel or the grader).
# `KeyboardInterrupt` (the user's own Ctrl-C) still stops the check.
_STUDENT_FAILURES = (Exception, CheckTimeout, SystemExit)


def _run_student(exercise: Exercise, fn, case: Case, timeout):
    inputs = case.make()
    observe = exercise.observe or observe_call
    try:
        with time_limit(timeout):
            return observe(fn, inputs, case)
    except _STUDENT_FAILURES as exc:  # the student's function failed
        raise _StudentError(exercise.name, exc) from exc


def _failure_message(
    exercise: Exercise, fn, exc: BaseException, language: str = "en"
) -> str:
    name = exercise.name
    hint = text("hint", language, hint=exercise_text(exercise, "hint", language))
    if isinstance(exc, NotImplementedError):
        return text("not_implemented", language, name=name)
    if isinstance(exc, CheckTimeout):
        seconds = float("nan") if exc.seconds is None else exc.seconds
        return text("timed_out", language, name=name, seconds=seconds) + "\n" + hint
    if isinstance(exc, SystemExit):
        error = f"SystemExit: sys.exit({exc.code!r}) was called"
    else:
        error = f"{type(exc).__name__}: {exc}"
    where = _student_frame(exc, language)
    return text("raised", language, name=name, error=error, where=where) + "\n" + hint


def _element(value, path):
    for key in path:
        value = value[key]
    return value


def _known_mistake(
    exercise: Exercise, case_index: int, received, index: int, path: tuple
) -> Mistake | None:
    """The listed mistake that makes the student's difference, if any.

    The student's function first differs from the reference in observation
    `index`, at `path` inside it (an element of a returned tuple); a mistake
    matches when its stored observation agrees with the student's there.
    """
    stored = _expected.load(exercise.name)
    what, value = received[index]
    for mistake in exercise.mistakes:
        wrong = stored.get(f"mistake:{mistake.name}:case{case_index}")
        if wrong is None:  # the mistake raised on this case: it cannot match
            continue
        try:
            same = compare(
                what,
                _element(wrong[index][1], path),
                _element(value, path),
                exercise.rtol,
                exercise.atol,
            )
        except Exception:  # noqa: BLE001 - another structure cannot match
            continue
        if same is None:
            return mistake
    return None


def _refused(
    exercise: Exercise, calls: list[str], how: str, language: str = "en"
) -> CheckResult:
    if _guard.TAMPERED in calls:
        message = text("refused_tampered", language, name=exercise.name)
    else:
        names = ", ".join(f"`{c}`" for c in calls)
        message = text(f"refused_{how}", language, name=exercise.name, calls=names)
    cases = tuple(
        CaseResult(case_description(exercise, i, language), False, "refused")
        for i in range(len(exercise.cases))
    )
    return CheckResult(exercise.name, False, message, 0.0, cases)


def check_exercise(
    exercise: Exercise,
    fn,
    timeout: float | None = 60.0,
    language: str | None = None,
) -> CheckResult:
    """Checks `fn` against `exercise`; never raises for a faulty `fn`.

    Every case is run (a case that fails does not stop the others), and the
    score is the fraction of cases passed. A case where `fn` raises (any
    `Exception`, or `SystemExit` from `sys.exit()`) or runs past `timeout`
    fails; only `KeyboardInterrupt` stops the check. The message reports the first
    failing case. A function that calls one of `exercise.solutions` (or
    the instructor package) scores 0.

    Args:
        exercise: the exercise.
        fn: the student's function.
        timeout: seconds each call of `fn` may take (`None`: no limit).
            Defaults to 60.
        language: the language of the message, one of `LANGUAGES`.
            Defaults to `None`: `$TFGAN_EDU_LANGUAGE`, else English.

    Returns:
        A `CheckResult`.
    """
    name = exercise.name
    language = resolve_language(language)
    if not callable(fn):
        return CheckResult(
            name,
            False,
            text("not_callable", language, name=name, received=_describe_type(fn)),
        )
    named = _guard.static_calls(fn, exercise.solutions)
    if named:
        return _refused(exercise, named, "names", language)
    timed_out = []
    with _guard.record_calls(exercise.solutions) as calls:
        result = _check_cases(exercise, fn, timeout, language, timed_out)
    if timed_out:
        # The time limit's exception may fire inside the recorder, which
        # Python then removes: that is no tampering (and no case runs after).
        calls = [c for c in calls if c != _guard.TAMPERED]
    if calls:
        return _refused(exercise, calls, "calls", language)
    return result


def _check_verified(
    exercise: Exercise, fn, timeout, language: str, timed_out: list
) -> CheckResult:
    name = exercise.name
    description = text("verified_case", language)
    try:
        with time_limit(timeout):
            diff = exercise.verify(fn)
    except _STUDENT_FAILURES as exc:  # the student's function failed
        if isinstance(exc, CheckTimeout):
            timed_out.append(1)
        message = _failure_message(exercise, fn, exc, language)
        return CheckResult(
            name, False, message, 0.0, (CaseResult(description, False, message),)
        )
    if diff is not None:
        result = _fail(exercise, diff, "", None, language)
        return dataclasses.replace(
            result, cases=(CaseResult(description, False, result.message),)
        )
    return CheckResult(
        name,
        True,
        text("passed_distribution", language, name=name),
        1.0,
        (CaseResult(description, True, "passed"),),
    )


def _check_cases(
    exercise: Exercise, fn, timeout, language: str = "en", timed_out=None
) -> CheckResult:
    name = exercise.name
    timed_out = [] if timed_out is None else timed_out
    if exercise.verify is not None:
        return _check_verified(exercise, fn, timeout, language, timed_out)
    stored = _expected.load(name)
    total = len(exercise.cases)
    outcomes: list[CaseResult] = []
    first_failure = None
    stop = None  # a failure that every remaining case would repeat
    for index, case in enumerate(exercise.cases, start=1):
        description = case_description(exercise, index - 1, language)
        if stop is not None:
            outcomes.append(CaseResult(description, False, stop))
            continue
        expected = stored[f"case{index}"]
        try:
            received = _run_student(exercise, fn, case, timeout)
        except _StudentError as err:
            message = _failure_message(exercise, fn, err.exc, language)
            if isinstance(err.exc, (NotImplementedError, CheckTimeout)):
                stop = message
            if isinstance(err.exc, CheckTimeout):
                timed_out.append(index)
            outcomes.append(CaseResult(description, False, message))
            first_failure = first_failure or message
            continue
        message = None
        for position, ((what, e), (_, r)) in enumerate(zip(expected, received)):
            diff = compare(what, e, r, exercise.rtol, exercise.atol)
            if diff is not None:
                where = text(
                    "case", language, index=index, total=total, description=description
                )
                mistake = _known_mistake(exercise, index, received, position, diff.path)
                message = _fail(exercise, diff, where, mistake, language).message
                break
        outcomes.append(CaseResult(description, message is None, message or "passed"))
        if message is not None:
            first_failure = first_failure or message
    passed = sum(o.passed for o in outcomes)
    score = passed / total
    if first_failure is not None:
        if 0 < passed:
            first_failure += "\n" + text(
                "partial_credit", language, passed=passed, total=total
            )
        return CheckResult(name, False, first_failure, score, tuple(outcomes))
    gradients = any(case.grad_wrt for case in exercise.cases) or exercise.observe
    what = text("passed_what_gradients" if gradients else "passed_what", language)
    return CheckResult(
        name,
        True,
        text("passed", language, name=name, total=total, what=what),
        1.0,
        tuple(outcomes),
    )


def _fail(
    exercise,
    diff: Difference,
    where: str,
    mistake: Mistake | None,
    language: str = "en",
) -> CheckResult:
    lines = diff.lines(language)
    out = [text("failed", language, name=exercise.name, problem=lines[0])]
    if where:
        out.append(where)
    out += lines[1:]
    if mistake is not None:
        hint = mistake_hint(exercise, mistake, language)
    else:
        hint = exercise_text(exercise, "hint", language)
    out.append(text("hint", language, hint=hint))
    return CheckResult(exercise.name, False, "\n".join(out))


# --------------------------------------------------------------- questions


@dataclasses.dataclass(frozen=True)
class Question:
    """A numeric concept question, answered with one number.

    The answer is not part of the question: the instructor package computes
    it and stores it in `expected/questions.json`.

    Args:
        name: the question's name, used in `check(name, value)`.
        chapter: the chapter it belongs to.
        text: the question in Markdown.
        hint: shown with a wrong answer.
        rtol: relative tolerance of the answer. Defaults to 1e-3.
        atol: absolute tolerance. Defaults to 1e-3.
    """

    name: str
    chapter: int
    text: str
    hint: str
    rtol: float = 1e-3
    atol: float = 1e-3


def check_question(
    question: Question, value, language: str | None = None
) -> CheckResult:
    """Checks a number against a question's stored answer.

    Args:
        question: the question.
        value: the student's answer, a real number.
        language: the language of the message, one of `LANGUAGES`.
            Defaults to `None`: `$TFGAN_EDU_LANGUAGE`, else English.

    Returns:
        A `CheckResult` (score 1 or 0).
    """
    name = question.name
    language = resolve_language(language)
    answer = _expected.answers()[name]
    received = _describe_type(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (numbers.Real, np.ndarray, tf.Tensor)
    ):
        message = text("question_not_number", language, name=name, received=received)
        return CheckResult(name, False, message)
    try:
        number = float(value)
    except (TypeError, ValueError):
        message = text(
            "question_not_one_number", language, name=name, received=received
        )
        return CheckResult(name, False, message)
    shown = f"{number:.6g}"
    if np.isclose(number, answer, rtol=question.rtol, atol=question.atol):
        return CheckResult(
            name, True, text("question_right", language, name=name, value=shown)
        )
    hint = text("hint", language, hint=exercise_text(question, "hint", language))
    message = text("question_wrong", language, name=name, value=shown)
    return CheckResult(name, False, message + "\n" + hint)
