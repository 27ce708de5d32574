"""`tge.callbacks.LearningRateScheduler`: one schedule for every player."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tests.models.test_gan import compiled, points


def test_sets_both_players_and_logs_the_rates():
    gan = compiled(
        d_optimizer=keras.optimizers.Adam(1e-2), g_optimizer=keras.optimizers.Adam(2e-2)
    )
    seen = []

    def schedule(epoch, lr):
        seen.append((epoch, round(lr, 8)))
        return lr * 0.1 if epoch == 2 else lr

    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(points(32)).batch(16),
        epochs=4,
        verbose=0,
        callbacks=[tge.callbacks.LearningRateScheduler(schedule)],
    )
    np.testing.assert_allclose(
        history.history["d_learning_rate"], [1e-2, 1e-2, 1e-3, 1e-3]
    )
    np.testing.assert_allclose(
        history.history["g_learning_rate"], [2e-2, 2e-2, 2e-3, 2e-3]
    )
    # Called once per optimizer per epoch, with the current rate.
    assert [epoch for epoch, _ in seen] == [0, 0, 1, 1, 2, 2, 3, 3]
    np.testing.assert_allclose(float(gan.d_optimizer.learning_rate), 1e-3, rtol=1e-6)


def test_the_new_rate_is_used_by_the_updates():
    # SGD: a step moves the weights by lr * gradient, so a rate of 0 freezes them.
    gan = compiled()
    before = [np.array(w) for w in gan.get_weights()]
    gan.fit(
        tf.data.Dataset.from_tensor_slices(points(16)).batch(16),
        epochs=2,
        verbose=0,
        callbacks=[tge.callbacks.LearningRateScheduler(lambda epoch, lr: 0.0)],
    )
    trainable = {id(v) for v in gan.trainable_variables}
    for w, v in zip(before, gan.weights, strict=True):
        if id(v) in trainable:
            np.testing.assert_array_equal(w, keras.ops.convert_to_numpy(v))


def test_bad_schedule_and_bad_model():
    with pytest.raises(ValueError, match="Expected `schedule` to be a function"):
        tge.callbacks.LearningRateScheduler(0.1)
    gan = compiled()
    with pytest.raises(ValueError, match="finite learning rate"):
        gan.fit(
            points(16),
            epochs=1,
            verbose=0,
            callbacks=[tge.callbacks.LearningRateScheduler(lambda e, lr: float("nan"))],
        )
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    plain.compile("sgd", "mse")
    with pytest.raises(ValueError, match="keras.callbacks.LearningRateScheduler"):
        plain.fit(
            points(16),
            np.zeros(16),
            verbose=0,
            callbacks=[tge.callbacks.LearningRateScheduler(lambda e, lr: lr)],
        )
