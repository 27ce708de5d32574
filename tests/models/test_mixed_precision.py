"""Mixed precision: every player's loss is scaled, so float16 gradients do not underflow.

Under a `"mixed_float16"` policy the networks compute in float16, whose
smallest positive number is 6e-8. The discriminator here ends in a fixed
`x * 1e-9` layer, so the gradient reaching its float16 part is about 3e-11
(`dL/dlogit` is about 1/32 per sample of a batch of 16): zero in float16
unless the loss is scaled first (by `LossScaleOptimizer`'s initial 2**15,
which brings it to about 1e-6).
Adam with a negligible epsilon moves a weight by about its learning rate
for any nonzero gradient, however small, and not at all for a zero one, so
"did the weights move" is the test.
"""

import keras
import numpy as np
import pytest

import tfgan_edu as tge

LATENT = 4


@pytest.fixture
def policy():
    def set_policy(name):
        keras.mixed_precision.set_dtype_policy(name)

    yield set_policy
    keras.mixed_precision.set_dtype_policy("float32")


def _adam():
    # Keras' default epsilon (1e-7) would swamp a 5e-10 gradient.
    return keras.optimizers.Adam(1e-2, epsilon=1e-30)


def _gan():
    generator = tge.networks.mlp_generator(
        latent_dim=LATENT, output_shape=(2,), hidden_units=(8,)
    )
    x = keras.Input((2,))
    h = keras.layers.Dense(8, activation="relu")(x)
    # In float32 (1e-9 is 0 in float16): the gradient it passes back, about
    # 3e-11 per logit, is cast to float16 at the Dense layer's output.
    logit = keras.layers.Rescaling(1e-9, dtype="float32")(keras.layers.Dense(1)(h))
    return tge.GAN(generator, keras.Model(x, logit), latent_dim=LATENT, seed=0)


def _d_weights_moved(gan, **compile_kwargs):
    gan.compile(g_optimizer=keras.optimizers.Adam(1e-2), **compile_kwargs)
    before = [w.copy() for w in gan.discriminator.get_weights()]
    real = tge.data.toy2d.sample("ring", n=16, seed=0).astype("float32")
    logs = gan.train_on_batch(real, return_dict=True)
    after = gan.discriminator.get_weights()
    return max(float(np.max(np.abs(a - b))) for a, b in zip(after, before)), logs


def test_every_player_gets_a_loss_scale_optimizer(policy):
    policy("mixed_float16")
    gan = _gan()
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    assert all(
        isinstance(opt, keras.optimizers.LossScaleOptimizer)
        for opt in gan.optimizers.values()
    )
    policy("mixed_bfloat16")  # bfloat16 has float32's range: no scaling
    gan = _gan()
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    assert not any(
        isinstance(opt, keras.optimizers.LossScaleOptimizer)
        for opt in gan.optimizers.values()
    )


def test_scaled_loss_keeps_a_tiny_gradient(policy):
    policy("mixed_float16")
    moved, logs = _d_weights_moved(_gan(), d_optimizer=_adam())
    # Adam's first step moves every weight with a nonzero gradient by ~lr.
    assert moved > 5e-3
    # The losses are float32 and see the (tiny, but nonzero) logits.
    assert abs(logs["d_loss"] - 2 * np.log(2)) < 1e-3


def test_without_scaling_the_same_gradient_underflows(policy):
    policy("mixed_float16")
    unscaled = keras.optimizers.LossScaleOptimizer(_adam(), initial_scale=1.0)
    moved, _ = _d_weights_moved(_gan(), d_optimizer=unscaled)
    assert moved == 0.0


def test_float32_reference_moves(policy):
    """In float32 the same gradient (~5e-10) is representable: the weights move."""
    moved, _ = _d_weights_moved(_gan(), d_optimizer=_adam())
    assert moved > 5e-3


def test_a_reloaded_model_keeps_its_scaling(policy, tmp_path):
    policy("mixed_float16")
    gan = _gan()
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    gan.save(tmp_path / "gan.keras")
    reloaded = keras.models.load_model(tmp_path / "gan.keras")
    assert all(
        type(opt) is keras.optimizers.LossScaleOptimizer
        for opt in reloaded.optimizers.values()
    )


def test_the_discriminators_logits_are_float32(policy):
    """The networks compute in float16; every discriminator's logits in float32."""
    from tfgan_edu.networks import conditional as cond

    policy("mixed_float16")
    nets = tge.networks
    image = np.zeros((2, 32, 32, 1), "float32")
    labels = np.array([0, 1], "int32")
    cases = {
        "mlp": (nets.mlp_discriminator((2,)), np.zeros((2, 2), "float32")),
        "mlp_sn": (
            nets.mlp_discriminator((2,), spectral_norm=True),
            np.zeros((2, 2), "float32"),
        ),
        "dcgan": (nets.dcgan_discriminator((32, 32, 1), base_filters=4), image),
        "patchgan": (
            nets.patchgan_discriminator((32, 32, 1), base_filters=4, n_layers=1),
            image,
        ),
        "conditional_mlp": (
            cond.conditional_mlp_discriminator((2,), 3),
            [np.zeros((2, 2), "float32"), labels],
        ),
        "projection": (
            cond.conditional_dcgan_discriminator(
                (32, 32, 1), 3, base_filters=4, mode="projection"
            ),
            [image, labels],
        ),
    }
    for name, (net, x) in cases.items():
        out = net(x)
        assert keras.backend.standardize_dtype(out.dtype) == "float32", name
    acgan = cond.acgan_discriminator((32, 32, 1), 3, base_filters=4)
    assert [keras.backend.standardize_dtype(o.dtype) for o in acgan(image)] == [
        "float32",
        "float32",
    ]
    # The hidden layers do run in float16.
    assert nets.dcgan_discriminator((32, 32, 1)).layers[1].compute_dtype == "float16"
