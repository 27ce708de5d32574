"""The PyTorch side of the per-backend layer: autograd, one device.

Keras' torch trainer calls `train_step(data)` eagerly. A player's step
evaluates its loss, takes the gradient of that loss with respect to the
player's variables alone with `torch.autograd.grad` (the counterpart of a
`GradientTape` on the player's variables: the other player's parameters
get no `.grad`, so nothing has to be zeroed between the players' updates),
and applies it with `optimizer.apply` under `torch.no_grad`, as Keras'
torch trainer does.

Devices: training runs on the one device Keras' torch backend picks (the
first CUDA device if there is one, else the CPU). Keras has no
`keras.distribution` for torch: `keras.distribution.DataParallel()` fails
with `AttributeError: 'NoneType' object has no attribute 'list_devices'`,
and a `DataParallel` given explicit devices can be set but is ignored
(training is exactly that of no distribution,
`tests/backends/test_distribution.py`). Keras' torch trainer has no
multi-device path of its own, and wrapping the networks in
`torch.nn.parallel.DistributedDataParallel` would not synchronize them:
DDP "doesn't work with `torch.autograd.grad`" (its docstring), which is
how the players take their gradients here. For several devices, use the
JAX backend (`keras.distribution.DataParallel`) or TensorFlow
(`tf.distribute`).
"""

from __future__ import annotations

import torch

from tfgan_edu._backend.single_device import (  # noqa: F401 - this backend's API
    global_batch,
    num_replicas,
    replica_weight,
    variable_scope,
)

NAME = "torch"
# Whether `compile(steps_per_execution=n)` with n > 1 works: Keras' PyTorch trainer runs one step per call.
SEVERAL_STEPS_PER_CALL = False


class TrainerMixin:
    """Nothing to add to Keras' torch trainer."""


def train_step(model, step, data):
    """Runs the model's step `step` on `data`: Keras calls `train_step(data)` here."""
    return step(data)


def test_step(model, step, data):
    """Runs the model's evaluation step `step` on `data`."""
    with torch.no_grad():
        return step(data)


def _grads(loss, variables, retain_graph=False):
    values = [variable.value for variable in variables]
    grads = torch.autograd.grad(
        loss, values, allow_unused=True, retain_graph=retain_graph
    )
    # A variable the loss does not reach has a zero gradient.
    return [torch.zeros_like(v) if g is None else g for v, g in zip(values, grads)]


def apply_gradients(optimizer, grads, variables):
    """One step of `optimizer` along `grads`."""
    with torch.no_grad():
        optimizer.apply(grads, variables)


def minimize(model, player, loss_fn, weight):
    """One gradient step of `player` on `loss_fn`'s loss (see `AdversarialModel._minimize`)."""
    loss, aux = loss_fn()
    grads = _grads(model._scale_loss(player, loss * weight), model._variables(player))
    return aux, model._apply_gradients(player, grads)


def minimize_jointly(model, loss_fn, weight):
    """One step of several players from one forward pass (see `AdversarialModel._minimize_jointly`)."""
    losses, aux = loss_fn()
    players = list(losses)
    grads = {
        player: _grads(
            model._scale_loss(player, losses[player] * weight),
            model._variables(player),
            retain_graph=i < len(players) - 1,
        )
        for i, player in enumerate(players)
    }
    for player, player_grads in grads.items():
        model._apply_gradients(player, player_grads)
    return aux


class Forward:
    """A player's forward pass kept for `minimize_through`: its outputs, with their graph."""

    def __init__(self, player, outputs):
        self.player, self.outputs = player, outputs


def forward(model, player, fn):
    """Runs `fn()`, player `player`'s forward pass; autograd keeps its graph.

    See `AdversarialModel._forward`.
    """
    return Forward(player, fn())


def minimize_through(model, forward, loss_fn, weight):
    """One step of `forward.player` on `loss_fn(forward.outputs)` (see `AdversarialModel._minimize_through`).

    The gradient flows back through the graph that `forward` recorded: the
    outputs are not computed again.
    """
    loss, aux = loss_fn(forward.outputs)
    grads = _grads(
        model._scale_loss(forward.player, loss * weight),
        model._variables(forward.player),
    )
    return aux, model._apply_gradients(forward.player, grads)


def input_gradients(fn, x):
    """The gradient of the scalar `fn(x)` with respect to `x`, itself differentiable.

    The graph of the gradient is kept (`create_graph=True`), so that a
    penalty on it can be differentiated with respect to the critic's
    weights.
    """
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    total = fn(x)
    (grad,) = torch.autograd.grad(total, x, create_graph=True, allow_unused=True)
    return torch.zeros_like(x) if grad is None else grad


def update_moving_average(averages, values, decay):
    """`average <- decay * average + (1 - decay) * value`, for each pair, outside autograd."""
    with torch.no_grad():
        for average, value in zip(averages, values):
            average.assign(decay * average.value + (1.0 - decay) * value.value)


def check_range(values, upper, name, upper_name):
    """`values`, checked to lie in `[0, upper)` (eagerly: a `ValueError` if not)."""
    low, high = int(values.min()), int(values.max())
    if low < 0 or high >= upper:
        raise ValueError(
            f"Expected {name} in [0, {upper_name}={upper}). Received: {name} in "
            f"[{low}, {high}]"
        )
    return values
