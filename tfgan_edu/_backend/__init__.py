"""The per-backend layer: how a player's gradients are taken and applied.

`tfgan_edu` runs on the Keras backend the user configured
(`KERAS_BACKEND` or `~/.keras/keras.json`); it never sets one. The models
write each training step once, as the algorithm, and leave to this layer
the few operations that differ between the engines, one module per backend
(as Keras splits its own trainer into `keras/src/backend/*/trainer.py`):

| operation | TensorFlow | JAX | PyTorch |
|---|---|---|---|
| `minimize` | `tf.GradientTape` | `jax.value_and_grad` of a stateless loss | `torch.autograd.grad` |
| `minimize_jointly` (several players, one forward pass) | a persistent tape | one `jax.vjp`, pulled back per player | `autograd.grad`, graph retained |
| `forward` / `minimize_through` (an update through an earlier pass) | the pass's tape resumes | the pass's `jax.vjp` | the pass's autograd graph |
| `apply_gradients` | `optimizer.apply_gradients` (sparse gradients made dense) | `optimizer.stateless_apply` | `optimizer.apply` under `no_grad` |
| `input_gradients` (penalties) | a tape watching `x` | `jax.grad` | `autograd.grad(create_graph=True)` |
| `check_range` (labels) | `tf.debugging` assertions | none (jit cannot raise) | an eager check |
| `train_step` | Keras calls `train_step(data)` | Keras calls `train_step(state, data)`: the step runs in a `StatelessScope` and returns the new state | as TensorFlow |

plus the multi-device pieces (`num_replicas`, `replica_weight`,
`global_batch`, `update_moving_average`): `tf.distribute` plumbing on
TensorFlow; on JAX, where `keras.distribution.DataParallel` shards the
batch inside one jitted step that sees the global batch, and on PyTorch
(one device), the trivial single-device versions.

Example:

>>> import keras
>>> current().NAME == keras.backend.backend()
True
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
import os

# The backends the package runs on, with the Python package each needs and
# the extra of `tfgan-edu` that installs it.
BACKENDS = {
    "tensorflow": ("tensorflow", "cpu"),
    "jax": ("jax", "jax"),
    "torch": ("torch", "torch"),
}


def configured():
    """The backend Keras will use, read as Keras reads it, without importing Keras.

    `KERAS_BACKEND` if set, else the `"backend"` of `keras.json` in
    `KERAS_HOME` (default `~/.keras`), else `"tensorflow"`, Keras' default.

    Example:

    >>> import os
    >>> configured() == os.environ.get("KERAS_BACKEND", configured())
    True
    """
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME") or os.path.join(
        os.path.expanduser("~"), ".keras"
    )
    try:
        with open(os.path.join(home, "keras.json")) as f:
            return json.load(f).get("backend", "tensorflow")
    except (OSError, ValueError):
        return "tensorflow"


def check_installed(backend):
    """Raises an ImportError naming the extra to install if `backend` is missing.

    Args:
        backend: a Keras backend name.

    Raises:
        ImportError: `backend` is not one of `BACKENDS`, or its package is
            not installed.

    Example:

    >>> check_installed("mlx")
    Traceback (most recent call last):
    ...
    ImportError: Expected the Keras backend to be one of ['tensorflow', 'jax', 'torch']. Received: KERAS_BACKEND='mlx'
    """
    if backend not in BACKENDS:
        raise ImportError(
            f"Expected the Keras backend to be one of {list(BACKENDS)}. "
            f"Received: KERAS_BACKEND={backend!r}"
        )
    package, extra = BACKENDS[backend]
    if importlib.util.find_spec(package) is None:
        raise ImportError(
            f"Keras is configured for the {backend!r} backend, but the "
            f"`{package}` package is not installed. Install it with "
            f"`pip install 'tfgan-edu[{extra}]'`, or choose another backend "
            "with the KERAS_BACKEND environment variable. Received: "
            f"KERAS_BACKEND={backend!r}"
        )


@functools.cache
def current():
    """The module of this layer for the backend Keras runs on.

    Keras fixes its backend when it is imported, so the answer is cached.

    Returns:
        `tfgan_edu._backend.tensorflow`, `.jax` or `.torch`.
    """
    import keras

    name = keras.backend.backend()
    check_installed(name)
    return importlib.import_module(f"tfgan_edu._backend.{name}")
