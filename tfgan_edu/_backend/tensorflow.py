"""The TensorFlow side of the per-backend layer: tapes and `tf.distribute`.

Keras' TensorFlow trainer calls `train_step(data)` inside its
`tf.function` (with XLA where `jit_compile` allows): the step runs as
written, every gradient is taken with a `tf.GradientTape` that records only
what the player's loss function computes, and multi-replica training uses
the replica context of `tf.distribute`.
"""

from __future__ import annotations

import tensorflow as tf

NAME = "tensorflow"


class TrainerMixin:
    """Nothing to add to Keras' TensorFlow trainer (the JAX backend's has state plumbing)."""


def train_step(model, step, data):
    """Runs the model's step `step` on `data`: Keras calls `train_step(data)` here.

    Returns:
        `step(data)`, the logs.
    """
    return step(data)


def test_step(model, step, data):
    """Runs the model's evaluation step `step` on `data` (see `train_step`)."""
    return step(data)


def gradients(tape, loss, variables):
    """`tape.gradient(loss, variables)`."""
    return tape.gradient(loss, variables)


def apply_gradients(optimizer, grads, variables):
    """One step of `optimizer` along `grads`."""
    optimizer.apply_gradients(zip(grads, variables))


def minimize(model, player, loss_fn, weight):
    """One gradient step of `player` on `loss_fn`'s loss (see `AdversarialModel._minimize`).

    The tape records only `loss_fn`: what the step computed before (the
    fakes of a discriminator step) is a constant here.
    """
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        scaled_loss = loss * weight
    grads = model._gradients(player, tape, scaled_loss)
    model._apply_gradients(player, grads)
    return aux, grads


def minimize_jointly(model, loss_fn, weight):
    """One step of several players from one forward pass (see `AdversarialModel._minimize_jointly`)."""
    with tf.GradientTape(persistent=True) as tape:
        losses, aux = loss_fn()
        scaled = {player: loss * weight for player, loss in losses.items()}
    grads = {
        player: model._gradients(player, tape, loss) for player, loss in scaled.items()
    }
    del tape
    for player, player_grads in grads.items():
        model._apply_gradients(player, player_grads)
    return aux


def input_gradients(fn, x):
    """The gradient of the scalar `fn(x)` with respect to `x`, itself differentiable.

    A critic that ignores `x` has a zero gradient (not `None`).
    """
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = fn(x)
    return tape.gradient(total, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def num_replicas(model):
    """The number of replicas of `model`'s `tf.distribute` strategy."""
    return model.distribute_strategy.num_replicas_in_sync


def variable_scope(model):
    """The scope to create `model`'s state in: its strategy's (mirrored variables)."""
    return model.distribute_strategy.scope()


def replica_weight(batch_size):
    """`local_batch / global_batch` under a multi-replica strategy, else 1.

    Keras sums gradients over replicas, so each replica's loss is scaled by
    its share of the global batch.
    """
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return 1.0
    local = tf.cast(batch_size, "float32")
    return local / ctx.all_reduce(tf.distribute.ReduceOp.SUM, local)


def global_batch(batch_size):
    """`(global batch size, this replica's offset in it)`, or `None` on one replica."""
    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        return None
    sizes = ctx.all_gather(tf.reshape(batch_size, (1,)), axis=0)
    replica = tf.cast(ctx.replica_id_in_sync_group, sizes.dtype)
    return tf.reduce_sum(sizes), tf.reduce_sum(sizes[:replica])


def update_moving_average(averages, values, decay):
    """`average <- decay * average + (1 - decay) * value`, for each pair.

    Under several replicas the (mirrored) averages are updated in a merge
    call, as Keras optimizers update mirrored weights.
    """

    def blend(average, value):
        return average.assign(decay * average + (1.0 - decay) * value)

    ctx = tf.distribute.get_replica_context()
    if ctx is None or ctx.num_replicas_in_sync == 1:
        for average, value in zip(averages, values):
            blend(average, value)
        return

    def merge_fn(strategy, pairs):
        for average, value in pairs:
            strategy.extended.update(average, blend, args=(value,), group=False)

    pairs = [(a.value, v.value) for a, v in zip(averages, values)]
    ctx.merge_call(merge_fn, args=(pairs,))
