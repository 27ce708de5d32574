"""`FusedBatchNormalization` is Keras' BatchNormalization, computed by one TF op.

The reference is `keras.layers.BatchNormalization` itself with the same
weights: outputs, the gradients of a nonlinear loss (input and weights) and
the moving statistics over several training steps must agree within float32
rounding. The op itself is checked in the traced graph, so the tests fail if
the layer quietly took Keras' path.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.networks import FusedBatchNormalization

CONFIGS = [
    {"momentum": 0.9},
    {"momentum": 0.9, "epsilon": 1e-5},
    {"center": False},
    {"scale": False},
    {"center": False, "scale": False, "momentum": 0.5},
]


def _pair(config, shape, seed=0):
    """Keras' layer and the fused one, built with the same random weights."""
    rng = np.random.default_rng(seed)
    keras_layer = keras.layers.BatchNormalization(**config)
    fused = FusedBatchNormalization(**config)
    keras_layer.build(shape)
    fused.build(shape)
    for a, b in zip(keras_layer.weights, fused.weights, strict=True):
        value = rng.normal(1.0, 0.3, a.shape).astype("float32")
        if "variance" in a.path:
            value = np.abs(value)
        a.assign(value)
        b.assign(value)
    return keras_layer, fused


def _loss_and_grads(layer, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * tf.sin(y))  # nonlinear: the gradients mix
    grads = tape.gradient(loss, [x, *layer.trainable_weights])
    return y, grads


def _close(a, b, what):
    a, b = np.asarray(a, "float64"), np.asarray(b, "float64")
    scale = max(np.abs(a).max(), 1.0)
    np.testing.assert_allclose(a, b, rtol=0, atol=2e-6 * scale, err_msg=what)


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_training_matches_keras_batch_normalization(config):
    shape = (8, 5, 6, 7)
    keras_layer, fused = _pair(config, shape)
    rng = np.random.default_rng(1)
    for step in range(3):  # the moving statistics accumulate over steps
        x = tf.constant(rng.normal(2.0, 3.0, shape).astype("float32"))
        y_keras, g_keras = _loss_and_grads(keras_layer, x)
        y_fused, g_fused = _loss_and_grads(fused, x)
        _close(y_keras, y_fused, f"outputs, step {step}")
        for i, (a, b) in enumerate(zip(g_keras, g_fused, strict=True)):
            _close(a, b, f"gradient {i}, step {step}")
        for a, b in zip(
            keras_layer.non_trainable_weights, fused.non_trainable_weights, strict=True
        ):
            _close(a, b, f"{a.path}, step {step}")
    # Inference reads the moving statistics, as Keras' layer does.
    _close(keras_layer(x, training=False), fused(x, training=False), "inference")


def test_the_moving_variance_is_the_biased_batch_variance():
    # As Keras keeps it; the kernel's own is Bessel-corrected. A closed form
    # for one step with momentum 0.
    layer = FusedBatchNormalization(momentum=0.0)
    x = np.random.default_rng(0).normal(size=(2, 3, 3, 4)).astype("float32")
    layer(x, training=True)
    x64 = x.reshape(-1, 4).astype("float64")
    np.testing.assert_allclose(layer.moving_mean.numpy(), x64.mean(0), atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), x64.var(0), rtol=1e-5)


def _op_types(layer, x, training):
    function = tf.function(lambda x: layer(x, training=training))
    graph = function.get_concrete_function(tf.TensorSpec(x.shape, x.dtype)).graph
    return {op.type for op in graph.get_operations()}


def test_training_runs_one_fused_op_and_inference_keras_own():
    x = tf.zeros((4, 8, 8, 3))
    layer = FusedBatchNormalization()
    layer.build(x.shape)
    assert "FusedBatchNormV3" in _op_types(layer, x, training=True)
    assert "FusedBatchNormV3" not in _op_types(layer, x, training=False)
    # Keras' path where the fused kernel does not apply: other ranks, a
    # channels-first axis, renormalization.
    for other, inputs in [
        (FusedBatchNormalization(), tf.zeros((4, 3))),
        (FusedBatchNormalization(axis=1), x),
        (FusedBatchNormalization(renorm=True), x),
    ]:
        other.build(inputs.shape)
        assert "FusedBatchNormV3" not in _op_types(other, inputs, training=True)


def test_a_frozen_layer_uses_its_moving_statistics():
    x = tf.constant(np.random.default_rng(0).normal(size=(4, 3, 3, 2)), "float32")
    keras_layer, fused = _pair({}, x.shape)
    keras_layer.trainable = fused.trainable = False
    _close(keras_layer(x, training=True), fused(x, training=True), "frozen")


@pytest.mark.parametrize("jit_compile", [False, True], ids=["graph", "xla"])
def test_a_model_trains_the_same_with_either_layer(jit_compile):
    """Three `fit` steps of a small conv net: the same weights, within float32."""

    def model(layer_class):
        keras.utils.set_random_seed(0)
        net = keras.Sequential(
            [
                keras.Input((8, 8, 1)),
                keras.layers.Conv2D(4, 3, padding="same", use_bias=False),
                layer_class(momentum=0.9),
                keras.layers.ReLU(),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(1),
            ]
        )
        net.compile(keras.optimizers.SGD(0.1), "mse", jit_compile=jit_compile)
        return net

    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 8, 8, 1)).astype("float32")
    y = rng.normal(size=(48, 1)).astype("float32")
    reference, fused = (
        model(keras.layers.BatchNormalization),
        model(FusedBatchNormalization),
    )
    reference.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    fused.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(reference.weights, fused.weights, strict=True):
        _close(a, b, a.path)


def test_saves_and_loads_as_a_keras_file(tmp_path):
    net = keras.Sequential(
        [keras.Input((4, 4, 2)), FusedBatchNormalization(momentum=0.8)]
    )
    x = np.random.default_rng(0).normal(size=(3, 4, 4, 2)).astype("float32")
    net(x, training=True)
    path = tmp_path / "net.keras"
    net.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.layers[0], FusedBatchNormalization)
    assert loaded.layers[0].momentum == 0.8
    np.testing.assert_array_equal(loaded(x, training=False), net(x, training=False))


def test_mixed_bfloat16_keeps_float32_statistics():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        layer = FusedBatchNormalization()
        reference = keras.layers.BatchNormalization()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    x = tf.constant(np.random.default_rng(0).normal(3, 2, (4, 3, 3, 2)), "bfloat16")
    y, y_ref = layer(x, training=True), reference(x, training=True)
    assert y.dtype == tf.bfloat16
    assert layer.moving_mean.dtype == "float32"
    # The same float32 values, each rounded to bfloat16 (8 significant bits).
    y, y_ref = tf.cast(y, "float32").numpy(), tf.cast(y_ref, "float32").numpy()
    np.testing.assert_allclose(y, y_ref, rtol=2.0**-7, atol=1e-6)


@pytest.mark.parametrize("image_shape", [(28, 28, 1), (32, 32, 3)])
def test_the_dcgan_networks_fuse_their_batch_normalization_on_request(image_shape):
    def pair(fused):
        keras.utils.set_random_seed(0)
        return (
            tge.networks.dcgan_generator(
                16, image_shape, base_filters=8, fused_batch_norm=fused
            ),
            tge.networks.dcgan_discriminator(
                image_shape, base_filters=8, fused_batch_norm=fused
            ),
        )

    (g, d), (g_fused, d_fused) = pair(False), pair(True)
    for plain, fused in [(g, g_fused), (d, d_fused)]:
        # The same layers under the same names; only the class differs.
        assert [layer.name for layer in plain.layers] == [
            layer.name for layer in fused.layers
        ]
        swapped = [
            layer.name
            for layer, other in zip(plain.layers, fused.layers, strict=True)
            if type(layer) is not type(other)
        ]
        assert swapped and all(name.endswith("_bn") for name in swapped)
        assert all(
            isinstance(fused.get_layer(name), FusedBatchNormalization)
            for name in swapped
        )
    z = keras.random.normal((6, 16), seed=1)
    images = g(z, training=True)
    _close(images, g_fused(z, training=True), "generated images")
    _close(d(images, training=True), d_fused(images, training=True), "logits")


@pytest.mark.parametrize("builder", ["dcgan_generator", "dcgan_discriminator"])
def test_fused_batch_norm_must_be_a_bool(builder):
    args = (16,) if builder == "dcgan_generator" else ()
    with pytest.raises(
        ValueError, match="fused_batch_norm.*Received: fused_batch_norm='yes'"
    ):
        getattr(tge.networks, builder)(*args, fused_batch_norm="yes")
