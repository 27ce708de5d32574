"""Refusing submissions that call the library's own solution of an exercise.

A student could answer `minimax_discriminator_loss` with
`tge.losses.minimax_discriminator_loss`. Two checks stop that:

- statically, the source of the submitted function is searched for the
  solution's dotted name (`losses.minimax_discriminator_loss`, any import
  of it, or the instructor package `tfgan_edu_solutions`);
- dynamically, while the student's function runs, a profile hook
  (`sys.setprofile`) records every Python call whose code belongs to one
  of the solution functions (matched by module and function name, so
  aliases, `from ... import`, wrappers and AutoGraph's converted copies
  are caught) or to the instructor package.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import sys
from collections.abc import Callable, Sequence

_INSTRUCTOR_PACKAGE = "tfgan_edu_solutions"
TAMPERED = "sys.setprofile"
"""Recorded when the checked code replaced the call recorder."""


def _parts(solution: str) -> tuple[str, str]:
    module, qualname = solution.split(":")
    return module, qualname.rsplit(".", 1)[-1]


def static_calls(fn: Callable, solutions: Sequence[str]) -> list[str]:
    """The solutions the source of `fn` names (empty if the source is unknown).

    Args:
        fn: the submitted function.
        solutions: `"module:qualname"` of the library's solutions.

    Returns:
        The dotted names found, e.g. `["tfgan_edu.losses.minimax_discriminator_loss"]`.

    Example:

    >>> def mine(r, f):
    ...     return tge.losses.minimax_discriminator_loss(r, f)
    >>> static_calls(mine, ["tfgan_edu.losses:minimax_discriminator_loss"])
    ['tfgan_edu.losses.minimax_discriminator_loss']
    """
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return []
    found = []
    for solution in solutions:
        module, name = _parts(solution)
        last = module.rsplit(".", 1)[-1]
        pattern = (
            rf"\b{re.escape(last)}\.{re.escape(name)}\b"
            rf"|\bfrom\s+{re.escape(module)}\s+import\b[^\n]*\b{re.escape(name)}\b"
        )
        if re.search(pattern, source):
            found.append(f"{module}.{solution.split(':')[1]}")
    if re.search(rf"\b{_INSTRUCTOR_PACKAGE}\b", source):
        found.append(_INSTRUCTOR_PACKAGE)
    return found


@contextlib.contextmanager
def record_calls(solutions: Sequence[str]):
    """Records calls of the solutions (and of the instructor package) in the block.

    Args:
        solutions: `"module:qualname"` of the library's solutions.

    Yields:
        A list that receives the dotted name of each solution called, once.

    Example:

    >>> import tfgan_edu as tge
    >>> with record_calls(["tfgan_edu.losses:non_saturating_generator_loss"]) as calls:
    ...     _ = tge.losses.non_saturating_generator_loss([0.0])
    >>> calls
    ['tfgan_edu.losses.non_saturating_generator_loss']
    """
    watched = {}
    for solution in solutions:
        module, name = _parts(solution)
        watched[(module, name)] = f"{module}.{solution.split(':')[1]}"
    calls: list[str] = []

    def profile(frame, event, arg):
        if event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        name = frame.f_code.co_name
        if name.startswith("tf__"):  # AutoGraph's converted copy
            name = name[4:]
        hit = watched.get((module, name))
        if hit is None and module.split(".")[0] == _INSTRUCTOR_PACKAGE:
            hit = f"{module}.{name}"
        if hit is not None and hit not in calls:
            calls.append(hit)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        if sys.getprofile() is not profile:  # the student's code removed the hook
            calls.append(TAMPERED)
        sys.setprofile(previous)
