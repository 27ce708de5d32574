"""`train_on_batch` and `test_on_batch`: Keras packs `(x, y, sample_weight)`.

Both must take the same step as `fit` and `evaluate` on a one-batch dataset.
"""

import numpy as np
import pytest
import tensorflow as tf

from tests.models import test_conditional_gan as conditional
from tests.models import test_gan as unconditional


def _assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


def _twins(build):
    """Two compiled models with the same weights and noise seed."""
    a, b = build(), build()
    b.set_weights(a.get_weights())
    return a, b


def _assert_same_logs(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-6, err_msg=key)


def test_gan_train_on_batch_is_one_fit_step():
    x = unconditional.points(16)
    by_batch, by_fit = _twins(
        lambda: unconditional.compiled(unconditional.tiny_gan(seed=3))
    )

    logs = by_batch.train_on_batch(x, return_dict=True)
    history = by_fit.fit(tf.data.Dataset.from_tensors(x), epochs=1, verbose=0)

    _assert_same_logs(logs, {k: v[-1] for k, v in history.history.items()})
    _assert_same_weights(by_batch, by_fit)
    assert set(logs) >= {"d_loss", "g_loss"}


def test_gan_test_on_batch_is_evaluate():
    x = unconditional.points(16)
    a, b = _twins(lambda: unconditional.compiled(unconditional.tiny_gan(seed=3)))
    logs = a.test_on_batch(x, return_dict=True)
    expected = b.evaluate(tf.data.Dataset.from_tensors(x), verbose=0, return_dict=True)
    _assert_same_logs(logs, expected)


@pytest.mark.parametrize("make", ["cgan", "acgan"])
def test_conditional_train_on_batch_is_one_fit_step(make):
    def build():
        gan = conditional.tiny_cgan() if make == "cgan" else conditional.tiny_acgan()
        return conditional.compiled(gan)

    x, y = conditional.labelled(16)
    by_batch, by_fit = _twins(build)
    logs = by_batch.train_on_batch(x, y, return_dict=True)
    history = by_fit.fit(tf.data.Dataset.from_tensors((x, y)), epochs=1, verbose=0)

    _assert_same_logs(logs, {k: v[-1] for k, v in history.history.items()})
    _assert_same_weights(by_batch, by_fit)


def test_conditional_train_on_batch_without_labels():
    gan = conditional.compiled(conditional.tiny_cgan())
    with pytest.raises(ValueError, match="trains on \\(samples, labels\\) batches"):
        gan.train_on_batch(conditional.labelled(16)[0])
