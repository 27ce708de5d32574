"""`FusedBatchNormalization`: Keras' BatchNormalization in one TensorFlow op.

Keras 3's `BatchNormalization` computes a training batch's moments and the
normalization as separate ops (`ops.moments`, then `tf.nn.batch_normalization`),
and their gradients as separate ops again. TensorFlow has one kernel for the
whole of it, `FusedBatchNormV3`, with one kernel for its gradient; TF-Keras 2
used it by default for 4-D inputs. This layer is Keras' layer with that
kernel in training on the TensorFlow backend, where it applies: a 4-D
`channels_last` input, no mask, no renormalization, not synchronized. Its
weights, its config, its moving statistics (the biased batch variance, as
Keras keeps it) and its inference are Keras' own, and everywhere else (other
backends, other inputs) it is Keras' layer.

Example:

>>> layer = FusedBatchNormalization(momentum=0.9)
>>> tuple(layer(keras.ops.ones((2, 4, 4, 3)), training=True).shape)
(2, 4, 4, 3)
"""

from __future__ import annotations

import keras


@keras.saving.register_keras_serializable(package="tfgan_edu")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` with TensorFlow's fused training kernel.

    Takes the arguments of `keras.layers.BatchNormalization` and computes
    the same function within float32 rounding (tested against it: outputs,
    gradients and moving statistics); `benchmarks/throughput.py` measures
    what it saves.
    """

    def _fuses(self, inputs, training, mask):
        """Whether this call can run as one `FusedBatchNormV3`."""
        return (
            keras.backend.backend() == "tensorflow"
            and training
            and self.trainable
            and mask is None
            and not self.renorm
            and not self.synchronized
            and len(inputs.shape) == 4
            and self.axis in (-1, 3)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fuses(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        # As Keras' layer: float32 (or wider) statistics under a mixed policy.
        compute_dtype = keras.backend.result_type(inputs.dtype, "float32")
        x = tf.cast(inputs, compute_dtype)
        channels = x.shape[-1]
        gamma = (
            tf.cast(self.gamma, compute_dtype)
            if self.scale
            else tf.ones((channels,), compute_dtype)
        )
        beta = (
            tf.cast(self.beta, compute_dtype)
            if self.center
            else tf.zeros((channels,), compute_dtype)
        )
        outputs, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            x,
            gamma,
            beta,
            epsilon=self.epsilon,
            data_format="NHWC",
            is_training=True,
        )
        # The kernel returns the batch variance with Bessel's correction,
        # n / (n - 1), for TF-Keras 2's moving variance; Keras 3 keeps the
        # biased variance that normalized the batch.
        count = tf.cast(tf.reduce_prod(tf.shape(x)[:-1]), compute_dtype)
        variance = variance * tf.maximum(count - 1.0, 1.0) / count
        self.moving_mean.assign(
            tf.cast(self.moving_mean, compute_dtype) * self.momentum
            + tf.stop_gradient(mean) * (1.0 - self.momentum)
        )
        self.moving_variance.assign(
            tf.cast(self.moving_variance, compute_dtype) * self.momentum
            + tf.stop_gradient(variance) * (1.0 - self.momentum)
        )
        return tf.cast(outputs, self.compute_dtype)
