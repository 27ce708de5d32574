"""The JAX side of the per-backend layer: stateless steps.

Keras' JAX trainer jit-compiles `train_step(state, data)`, a pure function
of the state `(trainable, non-trainable, optimizer, metrics variables)`
that returns `(logs, new_state)` (`keras/src/backend/jax/trainer.py`). A
model's step is written as stateful code (networks called, variables and
trackers updated, noise drawn from a `SeedGenerator`); it runs here inside
one `keras.StatelessScope` that maps every variable to its value in the
state and records every assignment, so the same code is pure under `jit`:

- `train_step` opens that scope, runs the step, and reads the new state
  back from it;
- `minimize` differentiates the player's loss with `jax.value_and_grad`
  with respect to the player's variable values, running the loss function
  in an inner scope where those values are the traced arguments (and
  carrying out the non-trainable updates it made, such as the seed
  generator's state), then applies the gradients with
  `optimizer.stateless_apply` and records the new values in the scope.

The players' optimizers are not Keras' single `model.optimizer`, so
`TrainerMixin` puts all their variables where Keras' trainer keeps the
optimizer's state, and in the state's shardings.

Several devices: under `keras.distribution.DataParallel` (set before the
networks and the model are built) Keras replicates the variables, shards
the batch along its `batch` axis and passes the state's shardings to `jit`,
which partitions the step over the devices (SPMD). The step is the same
code: it sees the global batch, so its losses are global means and its
noise is drawn for the global batch; `num_replicas`, `replica_weight` and
`global_batch` keep their one-replica values, and the numbers match one
device up to float32 round-off (`tests/backends/test_distribution.py`).

Example:

```python
keras.distribution.set_distribution(keras.distribution.DataParallel())
gan = tge.GAN(tge.networks.mlp_generator(latent_dim=16, output_shape=(2,)),
              tge.networks.mlp_discriminator(input_shape=(2,)), latent_dim=16)
gan.compile(d_optimizer="adam", g_optimizer="adam")
gan.fit(tge.data.load("ring", batch_size=256), epochs=1)  # on every device
```
"""

from __future__ import annotations

import jax
import keras
from keras.src.backend.common.stateless_scope import get_stateless_scope

from tfgan_edu._backend.single_device import (  # noqa: F401 - this backend's API
    global_batch,
    num_replicas,
    replica_weight,
    variable_scope,
)

NAME = "jax"
# Whether `compile(steps_per_execution=n)` with n > 1 works: its jitted function loops over the steps.
SEVERAL_STEPS_PER_CALL = True


class _StepScope(keras.StatelessScope):
    """The scope of one step: every variable of the state, and their list."""

    def __init__(self, variables, values):
        super().__init__(state_mapping=list(zip(variables, values)))
        self.variables = list(variables)


def _step_scope():
    scope = get_stateless_scope()
    while scope is not None and not isinstance(scope, _StepScope):
        scope = scope.original_scope
    if scope is None:
        raise RuntimeError(
            "On the JAX backend a player's update runs inside the model's "
            "train_step (under fit or train_on_batch). Received: a call "
            "outside any step."
        )
    return scope


class TrainerMixin:
    """Keras' JAX trainer state plumbing, with every player's optimizer.

    Keras keeps `model.optimizer.variables` in the third slot of the state
    (and of its shardings under a distribution); here that slot holds the
    variables of all the players' optimizers, in the order of `PLAYERS`.
    """

    def _players_optimizer_variables(self):
        variables = []
        for optimizer in self.optimizers.values():
            variables.extend(optimizer.variables)
        return variables

    def _get_jax_state(
        self,
        trainable_variables=False,
        non_trainable_variables=False,
        optimizer_variables=False,
        metrics_variables=False,
        purge_model_variables=False,
    ):
        groups = self._state_groups(
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        )
        state = tuple([v.value for v in group] for group in groups)
        if purge_model_variables:
            # As Keras does: the state's buffers are donated to the step.
            for group in groups:
                for v in group:
                    v._value = None
        return state

    def _purge_model_variables(
        self,
        trainable_variables=False,
        non_trainable_variables=False,
        optimizer_variables=False,
        metrics_variables=False,
    ):
        groups = self._state_groups(
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        )
        for group in groups:
            for v in group:
                v._value = None

    def jax_state_sync(self):
        state = getattr(self, "_jax_state", None)
        if not state or self._jax_state_synced:
            return
        pairs = [
            (self.trainable_variables, state.get("trainable_variables")),
            (self.non_trainable_variables, state.get("non_trainable_variables")),
            (self._players_optimizer_variables(), state.get("optimizer_variables")),
            (self.metrics_variables, state.get("metrics_variables")),
        ]
        for refs, values in pairs:
            if values:
                for ref, value in zip(refs, values):
                    ref.assign(value)
        self._jax_state_synced = True

    def _get_state_sharding_spec(self):
        """The shardings of the state's four groups, for `jit` under a distribution.

        Keras' JAX trainer passes them as the step's `out_shardings` when a
        `keras.distribution` is set; the optimizer group is every player's
        optimizer variables, as in `_get_jax_state`.

        Returns:
            `(trainable, non_trainable, optimizer, metrics)` lists of
            `jax.sharding.Sharding`.

        Raises:
            ValueError: some variables of the state live on one device and
                others on the distribution's mesh.
        """
        groups = self._state_groups(True, True, True, True)
        shardings = tuple([v.value.sharding for v in group] for group in groups)
        self._check_sharding_consistency(*shardings)
        return shardings

    def _check_sharding_consistency(self, *shardings):
        """Raises if the state mixes one-device and mesh-wide variables.

        Keras' version skips the players' optimizers and only warns before
        `jit` fails with "Received incompatible devices"; this one checks the
        whole state and says how to fix it.
        """
        if keras.distribution.distribution() is None:
            return
        groups = self._state_groups(True, True, True, True)
        local, mesh = None, None
        for group, group_shardings in zip(groups, shardings):
            for variable, sharding in zip(group, group_shardings):
                if isinstance(sharding, jax.sharding.SingleDeviceSharding):
                    local = variable if local is None else local
                else:
                    mesh = variable if mesh is None else mesh
        if local is not None and mesh is not None:
            raise ValueError(
                "Expected every variable of the model, its networks and its "
                "optimizers to be created under the distribution: call "
                "`keras.distribution.set_distribution(...)` (or enter "
                "`distribution.scope()`) before building the networks and the "
                f"model. Received: {local.path!r} on one device and "
                f"{mesh.path!r} on the mesh."
            )

    def _state_groups(self, trainable, non_trainable, optimizer, metrics):
        groups = []
        if trainable:
            groups.append(self.trainable_variables)
        if non_trainable:
            groups.append(self.non_trainable_variables)
        if optimizer:
            groups.append(self._players_optimizer_variables())
        if metrics:
            groups.append(self.metrics_variables)
        return groups


def _run_stateless(groups, state, step, data):
    variables = [v for group in groups for v in group]
    values = [v for group in state for v in group]
    with _StepScope(variables, values) as scope:
        logs = step(data)
    new_state = tuple([scope.get_current_value(v) for v in group] for group in groups)
    return logs, new_state


def train_step(model, step, state, data):
    """Keras' JAX `train_step(state, data)`: runs `step(data)` statelessly.

    Args:
        model: the model.
        step: its step, `data -> logs`, written as stateful code.
        state: `(trainable, non_trainable, optimizer, metrics)` values.
        data: the batch.

    Returns:
        `(logs, new_state)`.
    """
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model._players_optimizer_variables(),
        model.metrics_variables,
    )
    return _run_stateless(groups, state, step, data)


def test_step(model, step, state, data):
    """Keras' JAX `test_step(state, data)`, state `(trainable, non_trainable, metrics)`."""
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.metrics_variables,
    )
    return _run_stateless(groups, state, step, data)


def apply_gradients(optimizer, grads, variables):
    """One step of `optimizer` along `grads`, recorded in the step's scope."""
    scope = _step_scope()
    values = [scope.get_current_value(v) for v in variables]
    opt_values = [scope.get_current_value(v) for v in optimizer.variables]
    new_values, new_opt_values = optimizer.stateless_apply(opt_values, grads, values)
    for variable, value in zip(variables, new_values):
        scope.add_update((variable, value))
    for variable, value in zip(optimizer.variables, new_opt_values):
        scope.add_update((variable, value))


def _differentiable(scope, variables, loss_fn):
    """`values -> (loss, aux, updates)`: `loss_fn` with `variables` bound to `values`.

    `updates` are the values, after `loss_fn`, of every other variable of
    the step (the seed generator's state, batch-norm statistics).
    """
    own = {id(v) for v in variables}
    others = [v for v in scope.variables if id(v) not in own]

    def fn(values):
        mapping = list(zip(variables, values))
        mapping += [(v, scope.get_current_value(v)) for v in others]
        with keras.StatelessScope(state_mapping=mapping) as inner:
            loss, aux = loss_fn()
        updates = [inner.get_current_value(v) for v in others]
        return loss, aux, updates

    return others, fn


def minimize(model, player, loss_fn, weight):
    """One gradient step of `player` on `loss_fn`'s loss (see `AdversarialModel._minimize`)."""
    scope = _step_scope()
    variables = model._variables(player)
    others, fn = _differentiable(scope, variables, loss_fn)

    def scaled(values):
        loss, aux, updates = fn(values)
        return model._scale_loss(player, loss * weight), (aux, updates)

    values = [scope.get_current_value(v) for v in variables]
    (_, (aux, updates)), grads = jax.value_and_grad(scaled, has_aux=True)(values)
    for variable, value in zip(others, updates):
        scope.add_update((variable, value))
    return aux, model._apply_gradients(player, grads)


def minimize_jointly(model, loss_fn, weight):
    """One step of several players from one forward pass (see `AdversarialModel._minimize_jointly`).

    The loss function runs once, under `jax.vjp` with respect to every
    player's variables; each player's gradient is the pullback of its own
    loss.
    """
    scope = _step_scope()
    players = [player.name for player in model.PLAYERS]
    variables = [v for name in players for v in model._variables(name)]
    sizes = [len(model._variables(name)) for name in players]
    others, fn = _differentiable(scope, variables, loss_fn)

    def scaled(values):
        losses, aux, updates = fn(values)
        scaled_losses = {
            name: model._scale_loss(name, loss * weight)
            for name, loss in losses.items()
        }
        return scaled_losses, (aux, updates)

    values = [scope.get_current_value(v) for v in variables]
    losses, pullback, (aux, updates) = jax.vjp(scaled, values, has_aux=True)
    for variable, value in zip(others, updates):
        scope.add_update((variable, value))
    grads = {}
    for name in losses:
        cotangent = {
            other: jax.numpy.ones_like(loss)
            if other == name
            else jax.numpy.zeros_like(loss)
            for other, loss in losses.items()
        }
        (all_grads,) = pullback(cotangent)
        start = sum(sizes[: players.index(name)])
        grads[name] = all_grads[start : start + sizes[players.index(name)]]
    for name, player_grads in grads.items():
        model._apply_gradients(name, player_grads)
    return aux


class Forward:
    """A player's forward pass kept for `minimize_through`: its outputs and pullback."""

    def __init__(self, player, outputs, pullback):
        self.player, self.outputs, self.pullback = player, outputs, pullback


def forward(model, player, fn):
    """Runs `fn()`, player `player`'s forward pass, under `jax.vjp`.

    The pullback (with respect to the player's variables) is kept for
    `minimize_through`; the other variables' updates (the seed generator's
    state, batch-norm statistics) are recorded in the step's scope. See
    `AdversarialModel._forward`.
    """
    scope = _step_scope()
    variables = model._variables(player)
    others, fn_of_values = _differentiable(scope, variables, lambda: (fn(), None))

    def primal(values):
        outputs, _, updates = fn_of_values(values)
        return outputs, updates

    values = [scope.get_current_value(v) for v in variables]
    outputs, pullback, updates = jax.vjp(primal, values, has_aux=True)
    for variable, value in zip(others, updates):
        scope.add_update((variable, value))
    return Forward(player, outputs, pullback)


def minimize_through(model, forward, loss_fn, weight):
    """One step of `forward.player` on `loss_fn(forward.outputs)` (see `AdversarialModel._minimize_through`).

    The gradient of the loss with respect to the outputs (every variable at
    its current value in the step) is pulled back through the forward
    pass's `jax.vjp`: the outputs are not computed again.
    """
    scope = _step_scope()
    variables = scope.variables

    def scaled(outputs):
        mapping = [(v, scope.get_current_value(v)) for v in variables]
        with keras.StatelessScope(state_mapping=mapping) as inner:
            loss, aux = loss_fn(outputs)
        updates = [inner.get_current_value(v) for v in variables]
        return model._scale_loss(forward.player, loss * weight), (aux, updates)

    (_, (aux, updates)), output_grads = jax.value_and_grad(scaled, has_aux=True)(
        forward.outputs
    )
    for variable, value in zip(variables, updates):
        scope.add_update((variable, value))
    (grads,) = forward.pullback(output_grads)
    return aux, model._apply_gradients(forward.player, grads)


def input_gradients(fn, x):
    """The gradient of the scalar `fn(x)` with respect to `x`, itself differentiable."""
    return jax.grad(fn)(x)


def update_moving_average(averages, values, decay):
    """`average <- decay * average + (1 - decay) * value`, for each pair (recorded in the scope)."""
    for average, value in zip(averages, values):
        average.assign(decay * average.value + (1.0 - decay) * value.value)


def check_range(values, upper, name, upper_name):
    """`values` unchanged: a jit-compiled step cannot raise on a value.

    `fit` checks NumPy data before training; a dataset's values are the
    caller's to keep in `[0, upper)`, as under TensorFlow's XLA.
    """
    return values
