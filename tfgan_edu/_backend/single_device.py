"""The multi-device helpers of a backend whose step sees the whole batch.

The JAX and PyTorch layers (`tfgan_edu._backend.jax`, `.torch`) re-export
these, so the models call the same four functions on every backend
(TensorFlow's own versions read the `tf.distribute` strategy, whose step
runs once per replica on that replica's share of the batch).

PyTorch trains on one device. JAX trains on one device, or on several
under `keras.distribution.DataParallel`: there `jit` partitions one step
over the devices (SPMD), and the step, traced once, sees the global batch.
Either way the step is that of a single replica: its losses are already
global means and its noise is drawn for the whole batch.

Example:

>>> num_replicas(None), replica_weight(64), global_batch(64)
(1, 1.0, None)
"""

from __future__ import annotations

import contextlib


def num_replicas(model):
    """1: one replica, the whole batch (also under JAX's `DataParallel`)."""
    return 1


def variable_scope(model):
    """The scope to create `model`'s state in: none (a `keras.distribution` is global)."""
    return contextlib.nullcontext()


def replica_weight(batch_size):
    """1: the step's loss is the global batch's mean, so no share to weight."""
    return 1.0


def global_batch(batch_size):
    """`None`: the step's batch is the global batch (no slice of it to find)."""
    return None
