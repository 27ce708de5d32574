"""Sparse (`Embedding`) gradients on TensorFlow: the optimizer sees their sum.

A label embedding's gradient is a `tf.IndexedSlices` with one row per
lookup, so a class seen 3 times in a batch has 3 rows. Keras' Adam on
TensorFlow squared those rows before they were summed; the models' layer
(`tfgan_edu._backend.tensorflow.apply_gradients`) densifies them first.
The reference is Adam in float64 NumPy on the dense gradient.
"""

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu._backend import tensorflow as tf_layer


def _adam_step(w, g, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step from zero moments (Keras' form: epsilon outside the sqrt)."""
    m = (1 - beta_1) * g
    v = (1 - beta_2) * g * g
    alpha = lr * np.sqrt(1 - beta_2) / (1 - beta_1)
    return w - alpha * m / (np.sqrt(v) + epsilon)


def test_repeated_rows_are_summed_before_adam():
    w0 = np.array([[1.0, -1.0], [0.5, 0.25], [2.0, 0.0]])
    variable = keras.Variable(w0.astype("float32"))
    values = np.array([[1.0, 2.0], [3.0, -4.0], [0.5, 0.5]])
    indices = np.array([0, 0, 2])
    grad = tf.IndexedSlices(
        tf.constant(values, tf.float32), tf.constant(indices), tf.constant([3, 2])
    )
    optimizer = keras.optimizers.Adam(0.1)
    optimizer.build([variable])
    tf_layer.apply_gradients(optimizer, [grad], [variable])

    dense = np.zeros_like(w0)
    np.add.at(dense, indices, values)  # row 0: [4, -2]
    expected = _adam_step(w0, dense, 0.1)
    np.testing.assert_allclose(variable.numpy(), expected, rtol=0, atol=1e-6)
    # What squaring the rows first gives instead: far off in row 0, where
    # v = (1 + 9, 4 + 16) * (1 - beta_2) instead of (16, 4) * (1 - beta_2).
    wrong_v = (1 - 0.999) * np.array([10.0, 20.0])
    wrong = w0[0] - 0.1 * np.sqrt(1 - 0.999) / 0.1 * 0.1 * dense[0] / np.sqrt(wrong_v)
    assert np.max(np.abs(wrong - expected[0])) > 1e-2
