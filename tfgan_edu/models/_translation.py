"""What `Pix2Pix` and `CycleGAN` share: two optimizers, a loss family, saving.

Both models train generators against discriminators on image batches, with
one optimizer for all generator weights and one for all discriminator
weights. This base class holds `compile` (with its checks), the compile
config that lets a reloaded model resume, and the checks of image
batches in `fit`.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu import losses as losses_module
from tfgan_edu.models.gan import (
    _shape_str,
    check_compile_kwargs,
    compile_keras_model,
)


class _ImageTranslation(keras.Model):
    """Base of the image-to-image models: compile and its config.

    Subclasses set `_default_loss` and implement `_generator_variables`,
    `_discriminator_variables`, `train_step`, `test_step` and `get_config`.
    """

    _default_loss = "non_saturating"

    # ------------------------------------------------------------- compile

    def compile(self, d_optimizer, g_optimizer, loss=None, **kwargs):
        """Configures training: the two optimizers and the adversarial loss.

        Args:
            d_optimizer: optimizer of the discriminator(s) (instance or name).
            g_optimizer: optimizer of the generator(s); a different object.
            loss: a loss family of `tfgan_edu.losses` by name
                (`"minimax"`, `"non_saturating"`, `"wasserstein"`,
                `"least_squares"`, `"hinge"`) or a `(generator_loss,
                discriminator_loss)` pair of callables of logits. Defaults to
                `None`: the model's own default (`"non_saturating"` for
                `Pix2Pix`, `"least_squares"` for `CycleGAN`).
            **kwargs: `jit_compile` (default `"auto"`), `run_eagerly`,
                `steps_per_execution`, as in `keras.Model.compile`.
        """
        check_compile_kwargs(
            self,
            kwargs,
            takes="d_optimizer, g_optimizer, loss",
            own="metrics are computed by the model itself",
        )
        family = losses_module.get(self._default_loss if loss is None else loss)
        d_optimizer = keras.optimizers.get(d_optimizer)
        g_optimizer = keras.optimizers.get(g_optimizer)
        if d_optimizer is None or g_optimizer is None:
            raise ValueError(
                "Both players need an optimizer. Received: "
                f"d_optimizer={d_optimizer!r}, g_optimizer={g_optimizer!r}"
            )
        if d_optimizer is g_optimizer:
            raise ValueError(
                "Expected two different optimizer objects: the generators and the "
                "discriminators each keep their own step count and moment "
                "estimates. Received the same object for d_optimizer and "
                "g_optimizer."
            )
        self._check_strategy()
        compile_keras_model(self, kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_family = family
        # Optimizer state now, so a reloaded model can restore it.
        with self.distribute_strategy.scope():
            if not self.d_optimizer.built:
                self.d_optimizer.build(self._discriminator_variables())
            if not self.g_optimizer.built:
                self.g_optimizer.build(self._generator_variables())

    def _check_strategy(self):
        """Raises when the model cannot train under the current strategy."""

    def _check_compiled(self):
        if not getattr(self, "d_optimizer", None):
            raise RuntimeError(
                f"Call `{type(self).__name__}.compile(d_optimizer=..., "
                "g_optimizer=...)` before `fit` or `evaluate`."
            )

    def _discriminator_variables(self):
        raise NotImplementedError

    def _generator_variables(self):
        raise NotImplementedError

    def _score(self, logits):
        """Mean D output, as a probability for the sigmoid loss families."""
        logits = ops.cast(logits, "float32")
        return ops.mean(
            ops.sigmoid(logits) if self.loss_family.probabilistic else logits
        )

    # -------------------------------------------------------- serialization

    def get_compile_config(self):
        if not getattr(self, "d_optimizer", None):
            return {}
        return {
            "d_optimizer": keras.optimizers.serialize(self.d_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.g_optimizer),
            "loss": losses_module.serialize(self.loss_family),
            **self._compile_kwargs,
        }

    def compile_from_config(self, config):
        config = dict(config)
        loss = losses_module.deserialize(config.pop("loss"))
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config.pop("d_optimizer")),
            g_optimizer=keras.optimizers.deserialize(config.pop("g_optimizer")),
            loss=loss,
            **config,
        )


# ---------------------------------------------------------------- helpers


def check_network(label, net):
    """Raises a `TypeError` unless `net` is a Keras layer or model."""
    if not isinstance(net, keras.layers.Layer):
        raise TypeError(
            f"Expected `{label}` to be a keras.Model (or Layer). Received: {label}={net!r}"
        )


def image_shape_of(label, net, index=0):
    """The `(H, W, C)` shape of input `index` of a functional model, or None."""
    inputs = getattr(net, "inputs", None)
    if not inputs or len(inputs) <= index:
        return None
    shape = tuple(inputs[index].shape[1:])
    if len(shape) != 3 or any(d is None for d in shape):
        raise ValueError(
            f"Expected `{label}` to take images of a fixed shape (height, width, "
            f"channels). Received: input of shape {_shape_str(inputs[index].shape)}"
        )
    return tuple(int(d) for d in shape)


def apply(label, net, inputs, what):
    """`net(inputs)` in inference mode, with a clear error if it fails."""
    try:
        return net(inputs, training=False)
    except Exception as exc:
        raise ValueError(
            f"`{label}` could not be applied to {what}. Error: {exc}"
        ) from exc


def check_image_pairs(x, y, first_shape, second_shape, model, names):
    """Checks `fit`/`evaluate` data of two image batches before any work.

    Args:
        x: a `tf.data.Dataset` of pairs, or a NumPy array (with `y`).
        y: the second images for NumPy `x`, else None.
        first_shape, second_shape: the expected `(H, W, C)` of each half.
        model: the model's class name, for messages.
        names: what the halves are, e.g. `("degraded", "clean")`.
    """
    if x is None:
        raise ValueError(f"{model} trains on pairs of image batches. Received: x=None")
    if isinstance(x, tf.data.Dataset):
        spec = x.element_spec
        if not isinstance(spec, tuple) or len(spec) != 2:
            raise ValueError(
                f"Expected a dataset of ({names[0]}, {names[1]}) image batches. "
                f"Received: element_spec={spec}"
            )
        for part, expected, what in zip(spec, (first_shape, second_shape), names):
            if not isinstance(part, tf.TensorSpec):
                raise ValueError(
                    f"Expected a dataset of ({names[0]}, {names[1]}) image "
                    f"batches. Received: element_spec={spec}"
                )
            check_image_spec(tuple(part.shape[1:]), part.dtype, expected, what)
        return
    if y is None:
        raise ValueError(
            f"{model}.fit() needs both halves: pass a dataset of "
            f"({names[0]}, {names[1]}) pairs, or arrays as x ({names[0]}) and y "
            f"({names[1]}). Received: y=None"
        )
    for array, expected, what in zip((x, y), (first_shape, second_shape), names):
        array = np.asarray(array)
        check_image_spec(tuple(array.shape[1:]), array.dtype, expected, what)
        if array.size and (array.min() < -1.0 - 1e-3 or array.max() > 1.0 + 1e-3):
            raise ValueError(
                f"Expected {what} images scaled to [-1, 1]. Received values in "
                f"[{array.min():g}, {array.max():g}]; rescale them, e.g. "
                "`x / 127.5 - 1` for uint8 pixels."
            )
    if len(x) != len(y):
        raise ValueError(
            f"Expected as many {names[1]} images as {names[0]} images. Received: "
            f"len(x)={len(x)}, len(y)={len(y)}"
        )


def check_image_spec(shape, dtype, expected, what):
    """Raises a `ValueError` unless images of `shape` and `dtype` fit `expected`."""
    dtype = keras.backend.standardize_dtype(dtype)
    if "int" in dtype or dtype == "bool":
        raise ValueError(
            f"Expected {what} images as floats scaled to [-1, 1]. Received "
            f"dtype={dtype}; convert uint8 pixels with `x / 127.5 - 1`."
        )
    known = all(d is not None for d in shape)
    if len(shape) != len(expected) or (
        known and tuple(int(d) for d in shape) != tuple(expected)
    ):
        raise ValueError(
            f"Expected {what} images of shape {_shape_str((None, *expected))}, "
            "the shape the networks were built for. Received: images of shape "
            f"{_shape_str((None, *shape))}"
        )


def unpack_pair(data, first_shape, second_shape, names):
    """The two float32 image batches of a `train_step`/`test_step` batch."""
    if not isinstance(data, (tuple, list)) or len(data) < 2:
        raise ValueError(
            "Expected batches of two image tensors (such as (degraded, clean) or "
            f"(a, b)). Received: {type(data).__name__}"
        )
    first, second = data[0], data[1]
    check_image_spec(tuple(first.shape[1:]), first.dtype, first_shape, names[0])
    check_image_spec(tuple(second.shape[1:]), second.dtype, second_shape, names[1])
    return ops.cast(first, "float32"), ops.cast(second, "float32")


def l1_distance(a, b):
    """Mean absolute difference, a float32 scalar."""
    return ops.mean(ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32")))
