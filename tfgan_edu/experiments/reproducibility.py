"""One call that makes a training run repeatable."""

from __future__ import annotations

import keras
import tensorflow as tf

from tfgan_edu._checks import check_int


def reproducible(seed: int, deterministic_ops: bool = True) -> None:
    """Seeds every random number generator and makes TensorFlow's ops deterministic.

    Seeds Python's `random`, NumPy's global generator (`np.random.seed`),
    TensorFlow's global seed and Keras' (`keras.utils.set_random_seed`,
    which also seeds Keras' `SeedGenerator`s created with `seed=None`, such
    as `GAN(seed=None)`'s noise), then calls
    `tf.config.experimental.enable_op_determinism()`, so that ops whose
    parallel reductions could sum in a varying order use deterministic
    kernels. Two runs of the same script in fresh processes, or two runs
    after `reproducible(seed)` in one process that build the same models,
    then give identical weights and an identical `History`.

    Caveats:
    - Op determinism is process-global and cannot be turned off once on.
      It may slow some ops down, and ops without a deterministic kernel
      raise an error when they run. Call this at the top of a script, or
      pass `deterministic_ops=False` to seed only.
    - Randomness that does not come from these generators is not covered:
      `np.random.default_rng(None)` (e.g. `tge.data.load(..., seed=None)`;
      pass a `seed` there) and the order of `tf.data` work with
      nondeterministic options.
    - Results are repeatable on one machine and software version; other
      CPUs, GPUs or library versions may round differently.

    Args:
        seed: a non-negative integer.
        deterministic_ops: also call
            `tf.config.experimental.enable_op_determinism()`. Defaults to
            `True`.

    Example:

    >>> import numpy as np
    >>> reproducible(0, deterministic_ops=False)
    >>> a = np.random.random()
    >>> reproducible(0, deterministic_ops=False)
    >>> a == np.random.random()
    True
    """
    check_int("seed", seed, minimum=0)
    if not isinstance(deterministic_ops, bool):
        raise ValueError(
            "Expected `deterministic_ops` to be True or False. "
            f"Received: deterministic_ops={deterministic_ops!r}"
        )
    # Seeds Python's `random`, `np.random`, TensorFlow and Keras' global seed.
    keras.utils.set_random_seed(int(seed))
    if deterministic_ops:
        tf.config.experimental.enable_op_determinism()
