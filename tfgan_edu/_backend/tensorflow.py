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
# Whether `compile(steps_per_execution=n)` with n > 1 works: its `tf.function` loops over the steps.
SEVERAL_STEPS_PER_CALL = True


class TrainerMixin:
    """Nothing to add to Keras' TensorFlow trainer (the JAX backend's has state plumbing)."""


def train_step(model, step, data):
    """Runs the model's step `step` on `data`: Keras calls `train_step(data)` here.

    Every op of the step waits for the batch. Without that, ops that do not
    read it, such as each optimizer's `iterations.assign_add(1)`, ran
    before `get_next` failed: a batch refused as it arrived (or the end of a
    dataset of unknown size) still advanced the step counts, which Adam's
    bias correction reads, though no weight moved.

    Returns:
        `step(data)`, the logs (see `_multi_worker_logs`).
    """
    batch = tf.nest.flatten(data, expand_composites=True)  # Keras pads with None
    with tf.control_dependencies([t for t in batch if tf.is_tensor(t)]):
        return _multi_worker_logs(model, step(data))


def test_step(model, step, data):
    """Runs the model's evaluation step `step` on `data` (see `train_step`)."""
    return _multi_worker_logs(model, step(data))


def _multi_worker_logs(model, logs):
    """`logs`, each scalar made a 1-element vector under `MultiWorkerMirroredStrategy`.

    Across workers, Keras 3's trainer reduces a step's per-replica logs with
    `strategy.reduce("MEAN", value, axis=0)`, which fails on a scalar
    ("Invalid reduction dimension 0 for input with 0 dimensions",
    tensorflow/tensorflow#72388). The logs are running means of trackers
    whose state is summed over replicas, so every replica holds the same
    value: the mean over the replicas' 1-element vectors is that value (bit
    for bit with two workers, `(a + a) / 2`) and a scalar again. Tested by
    `tests/test_multiworker.py`; a no-op under every other strategy.
    """
    strategy = model.distribute_strategy
    if not (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    ):
        return logs
    return {
        name: tf.reshape(value, (1,)) if value.shape.rank == 0 else value
        for name, value in logs.items()
    }


def _gradients(model, player, tape, loss):
    """The gradients of `loss` for player `player`'s variables, from `tape`, dense."""
    return _dense(tape.gradient(loss, model._variables(player)))


def _dense(grads):
    """`grads` with each `tf.IndexedSlices` made a dense tensor (see `apply_gradients`)."""
    return [
        tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads
    ]


def apply_gradients(optimizer, grads, variables):
    """One step of `optimizer` along `grads`, sparse gradients made dense first.

    The gradient of an `Embedding` is a `tf.IndexedSlices` that repeats a
    row once per lookup. Keras' optimizers on TensorFlow apply their
    element-wise updates to those slices before the repeats are summed, so
    Adam's second moment gets `sum(g_i^2)` where it should get
    `(sum g_i)^2` (a conditional GAN's label embedding sees each class many
    times a batch). Dense gradients give the update that JAX and PyTorch
    compute, to float32 round-off.
    """
    grads = [
        tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads
    ]
    optimizer.apply_gradients(zip(grads, variables))


def minimize(model, player, loss_fn, weight):
    """One gradient step of `player` on `loss_fn`'s loss (see `AdversarialModel._minimize`).

    The tape records only `loss_fn`: what the step computed before (the
    fakes of a discriminator step) is a constant here.
    """
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        scaled_loss = model._scale_loss(player, loss * weight)
    grads = _gradients(model, player, tape, scaled_loss)
    return aux, model._apply_gradients(player, grads)


def minimize_jointly(model, loss_fn, weight):
    """One step of several players from one forward pass (see `AdversarialModel._minimize_jointly`)."""
    with tf.GradientTape(persistent=True) as tape:
        losses, aux = loss_fn()
        scaled = {
            player: model._scale_loss(player, loss * weight)
            for player, loss in losses.items()
        }
    grads = {
        player: _gradients(model, player, tape, loss) for player, loss in scaled.items()
    }
    del tape
    for player, player_grads in grads.items():
        model._apply_gradients(player, player_grads)
    return aux


class Forward:
    """A player's forward pass kept for `minimize_through`: its outputs and tape."""

    def __init__(self, player, outputs, tape):
        self.player, self.outputs, self.tape = player, outputs, tape


def forward(model, player, fn):
    """Runs `fn()`, player `player`'s forward pass, under a tape kept for later.

    See `AdversarialModel._forward`.
    """
    tape = tf.GradientTape()
    with tape:
        outputs = fn()
    return Forward(player, outputs, tape)


def minimize_through(model, forward, loss_fn, weight):
    """One step of `forward.player` on `loss_fn(forward.outputs)` (see `AdversarialModel._minimize_through`).

    The forward pass's tape resumes recording: the outputs are not computed
    again.
    """
    with forward.tape:
        loss, aux = loss_fn(forward.outputs)
        scaled_loss = model._scale_loss(forward.player, loss * weight)
    grads = _gradients(model, forward.player, forward.tape, scaled_loss)
    return aux, model._apply_gradients(forward.player, grads)


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


def check_range(values, upper, name, upper_name):
    """`values`, checked at run time to lie in `[0, upper)` before they are used.

    `name` and `upper_name` name the values and the bound in the message.

    `tf.debugging` assertions: an out-of-range value raises
    `InvalidArgumentError` when the step runs (XLA drops the assertions).
    """
    checks = [
        tf.debugging.assert_non_negative(values, message=f"Expected {name} >= 0."),
        tf.debugging.assert_less(
            values,
            tf.cast(upper, values.dtype),
            message=f"Expected {name} < {upper_name}={upper}.",
        ),
    ]
    with tf.control_dependencies(checks):
        return tf.identity(values)
