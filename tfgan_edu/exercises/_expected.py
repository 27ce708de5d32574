"""The stored expected observations the checks compare against.

The reference solutions are not part of the student package: an
instructor-side script (`instructor/make_expected.py`) runs them, and the
known wrong answers, on every case's fixed inputs and stores what they
return (values, gradients, updated weights) in one small `.npz` file per
exercise under `tfgan_edu/exercises/expected/`. A file holds float and
integer arrays plus `__spec__`, a JSON description of the nesting
(tuples, dicts, numbers, `None`), so that loading it needs no pickle.
"""

from __future__ import annotations

import functools
import json
import numbers
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf

EXPECTED_DIR = Path(__file__).parent / "expected"
"""Where the stored observations live: `<exercise name>.npz`, `questions.json`."""


def encode(value, arrays: dict[str, np.ndarray]) -> Any:
    """The JSON spec of an observed value; its arrays are added to `arrays`.

    Args:
        value: a returned value: a tensor, array, number, bool, `None`, or
            a tuple, list or dict of those.
        arrays: the arrays collected so far, keyed `a0`, `a1`, ...

    Returns:
        A JSON-serializable spec that `decode` turns back into the value.

    Example:

    >>> arrays = {}
    >>> encode((1.5, np.zeros(2, np.float32)), arrays)
    {'t': 'list', 'v': [{'t': 'float', 'v': 1.5}, {'t': 'array', 'k': 'a0'}]}
    """
    if value is None:
        return {"t": "none"}
    if type(value).__name__ == "_Unavailable":
        return {"t": "unavailable"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, numbers.Integral):
        return {"t": "int", "v": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"t": "float", "v": float(value)}
    if isinstance(value, (tf.Tensor, tf.Variable, np.ndarray, np.generic)):
        key = f"a{len(arrays)}"
        arrays[key] = np.asarray(value)
        return {"t": "array", "k": key}
    if isinstance(value, (tuple, list)):
        return {"t": "list", "v": [encode(v, arrays) for v in value]}
    if isinstance(value, dict):
        return {"t": "dict", "v": [[k, encode(v, arrays)] for k, v in value.items()]}
    raise TypeError(
        "Expected a tensor, array, number, bool, None, tuple, list or dict. "
        f"Received: value of type {type(value).__name__}"
    )


def decode(spec, arrays) -> Any:
    """The value `encode` described (arrays come back as NumPy arrays).

    Args:
        spec: what `encode` returned.
        arrays: a mapping of the stored arrays.

    Returns:
        The value.

    Example:

    >>> decode({"t": "list", "v": [{"t": "int", "v": 3}, {"t": "none"}]}, {})
    (3, None)
    """
    from tfgan_edu.exercises._core import UNAVAILABLE

    kind = spec["t"]
    if kind == "none":
        return None
    if kind == "unavailable":
        return UNAVAILABLE
    if kind in ("bool", "int", "float"):
        return spec["v"]
    if kind == "array":
        return arrays[spec["k"]]
    if kind == "list":
        return tuple(decode(v, arrays) for v in spec["v"])
    return {k: decode(v, arrays) for k, v in spec["v"]}


def save(path, records: dict[str, list | None]) -> Path:
    """Writes observations, keyed e.g. `case1` or `mistake:_lerp:case2`.

    Args:
        path: the `.npz` file to write.
        records: key -> list of `(what, value)` observations, or `None`
            for a known mistake that raised on that case.

    Returns:
        The path written.
    """
    arrays: dict[str, np.ndarray] = {}
    spec = {
        key: None if obs is None else [[what, encode(v, arrays)] for what, v in obs]
        for key, obs in records.items()
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, __spec__=np.array(json.dumps(spec)), **arrays)
    return path


def read(path) -> dict[str, list | None]:
    """The observations `save` wrote, as key -> `[(what, value), ...]` or `None`."""
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if k != "__spec__"}
        spec = json.loads(str(data["__spec__"]))
    return {
        key: None if obs is None else [(what, decode(v, arrays)) for what, v in obs]
        for key, obs in spec.items()
    }


@functools.cache
def load(name: str) -> dict[str, list | None]:
    """The stored observations of exercise `name` (cached)."""
    path = EXPECTED_DIR / f"{name}.npz"
    if not path.exists():
        raise FileNotFoundError(
            f"No stored expectations for exercise {name!r} at {path}: an "
            "instructor regenerates them with `python instructor/make_expected.py`."
        )
    return read(path)


@functools.cache
def answers() -> dict[str, float]:
    """The stored answers of the concept questions, name -> number."""
    return json.loads((EXPECTED_DIR / "questions.json").read_text(encoding="utf-8"))
