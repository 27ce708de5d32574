"""Argument checks shared by every module of the package (private).

Each raises a `ValueError` that names the argument, what was expected and
what was received, in the Keras style ("Expected ... Received: name=value").
This module imports nothing from the package, so any module may use it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np


def check_int(name: str, value: Any, minimum: int = 1, note: str = "") -> int:
    """Returns `value` as an `int`, or raises unless it is an integer >= `minimum`.

    Python and NumPy integers are accepted; bools, floats (even `2.0`) and
    strings are not.

    Args:
        name: the argument's name, quoted in the message.
        value: what the caller received.
        minimum: the smallest valid value. Defaults to 1.
        note: appended to the expectation, e.g. `" (epochs)"` or `" or None"`.

    Example:

    >>> check_int("epochs", 3)
    3
    >>> check_int("epochs", 0, note=" (epochs)")
    Traceback (most recent call last):
    ...
    ValueError: Expected `epochs` to be an integer >= 1 (epochs). Received: epochs=0
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < minimum
    ):
        raise ValueError(
            f"Expected `{name}` to be an integer >= {minimum}{note}. "
            f"Received: {name}={value!r}"
        )
    return int(value)


def check_non_negative(name: str, value: Any) -> float:
    """Returns `value` as a `float`, or raises unless it is a finite number >= 0.

    Example:

    >>> check_non_negative("gamma", 10)
    10.0
    >>> check_non_negative("gamma", float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: Expected `gamma` to be a finite number >= 0. Received: gamma=nan
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"Expected `{name}` to be a finite number >= 0. Received: {name}={value!r}"
        )
    return float(value)


def check_positive_number(name: str, value: Any) -> float:
    """Returns `value` as a `float`, or raises unless it is a finite number > 0.

    Example:

    >>> check_positive_number("learning_rate", 2e-4)
    0.0002
    >>> check_positive_number("learning_rate", 0)
    Traceback (most recent call last):
    ...
    ValueError: Expected `learning_rate` to be a finite number > 0. Received: learning_rate=0
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(
            f"Expected `{name}` to be a finite number > 0. Received: {name}={value!r}"
        )
    return float(value)


def check_choice(name: str, value: Any, choices: tuple) -> None:
    """Raises a `ValueError` unless `value` is one of `choices`.

    Example:

    >>> check_choice("split", "train", ("train", "test"))
    >>> check_choice("split", "val", ("train", "test"))
    Traceback (most recent call last):
    ...
    ValueError: Expected `split` to be one of 'train', 'test'. Received: split='val'
    """
    if value not in choices:
        raise ValueError(
            f"Expected `{name}` to be one of {', '.join(map(repr, choices))}. "
            f"Received: {name}={value!r}"
        )
