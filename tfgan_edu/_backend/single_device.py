"""The multi-device helpers of a backend that trains on one device.

The JAX and PyTorch layers (`tfgan_edu._backend.jax`, `.torch`) train on a
single device for now; both re-export these, so the models call the same
four functions on every backend (TensorFlow's own versions read the
`tf.distribute` strategy).

Example:

>>> num_replicas(None), replica_weight(64), global_batch(64)
(1, 1.0, None)
"""

from __future__ import annotations

import contextlib


def num_replicas(model):
    """1: one device."""
    return 1


def variable_scope(model):
    """The scope to create `model`'s state in: none is needed on one device."""
    return contextlib.nullcontext()


def replica_weight(batch_size):
    """1: one device, so no replica's share of the batch to weight."""
    return 1.0


def global_batch(batch_size):
    """`None`: one replica."""
    return None
