"""What `Pix2Pix` and `CycleGAN` share: two players, a loss family, image pairs.

Both models train generators against discriminators on image batches, with
one optimizer for all generator weights and one for all discriminator
weights. `ImageTranslation` holds their `compile` and the checks of image
batches in `fit` and `evaluate`; the helpers below check networks and data.

Example:

>>> float(l1_distance([0.0, 2.0], [1.0, 1.0]))
1.0
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from tfgan_edu.models import _common
from tfgan_edu.models._base import AdversarialModel


class ImageTranslation(AdversarialModel):
    """Base of the image-to-image models: two players and pairs of image batches.

    One optimizer for all generator weights (`g_optimizer`) and one for all
    discriminator weights (`d_optimizer`). Subclasses set `PLAYERS` (which
    networks each one trains), `DEFAULT_LOSS`, `NAMES` (what the two halves
    of a batch are) and `image_shapes` (their `(H, W, C)`), and implement
    `train_step` and `test_step`.
    """

    DRAWS_NOISE = False
    NAMES = ("first", "second")

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
        self._check_compile_kwargs(
            kwargs,
            takes="d_optimizer, g_optimizer, loss",
            own="metrics are computed by the model itself",
        )
        family = self._get_loss(loss)
        self._compile_players(
            {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer}, kwargs
        )
        self.loss_family = family

    def evaluate(self, x=None, y=None, **kwargs):
        """The losses on held-out batches (no update); arguments as `fit`."""
        self._check_compiled()
        x, y = self._check_fit_data(x, y)
        return super().evaluate(x, y, **kwargs)

    def _check_fit_data(self, x, y):
        """Checks pairs of image batches: shapes, dtypes, and (arrays) the range.

        `x` is a `tf.data.Dataset` of pairs of image batches, or an array
        of first images with as many second images as `y`.
        """
        check_image_pairs(x, y, *self.image_shapes, type(self).__name__, self.NAMES)
        return x, y

    def _batch_assertions(self, batch, index):
        """Both halves of a dataset's batch: finite, in [-1, 1]."""
        return [
            check
            for images, what in zip(batch[:2], self.NAMES)
            for check in _common.value_assertions(
                images, index, f"{what} images", (-1, 1)
            )
        ]

    def _unpack(self, data):
        """The two float32 image batches of a `train_step`/`test_step` batch."""
        return unpack_pair(data, *self.image_shapes, self.NAMES)


# ---------------------------------------------------------------- helpers


def image_shape_of(label, net, index=0):
    """The `(H, W, C)` shape of input `index` of a functional model, or None."""
    inputs = getattr(net, "inputs", None)
    if not inputs or len(inputs) <= index:
        return None
    shape = tuple(inputs[index].shape[1:])
    if len(shape) != 3 or any(d is None for d in shape):
        raise ValueError(
            f"Expected `{label}` to take images of a fixed shape (height, width, "
            f"channels). Received: input of shape {_common.shape_str(inputs[index].shape)}"
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
        _common.check_not_empty(array)
        _common.check_finite(array, f"{what} images")
        _common.check_value_range(
            array,
            f"{what} images scaled to",
            (-1, 1),
            "rescale them, e.g. `x / 127.5 - 1` for uint8 pixels.",
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
            f"Expected {what} images of shape {_common.shape_str((None, *expected))}, "
            "the shape the networks were built for. Received: images of shape "
            f"{_common.shape_str((None, *shape))}"
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
