"""`tge.recipes`: each method's paper settings, on vectors and images."""

import keras
import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu import recipes

# name -> (loss, d_steps, gp weight, r1 weight, clip, optimizer class, lr, beta_1);
# lr is the 2-D rate (`recipes.VECTOR_LEARNING_RATES`): these are built on "ring".
EXPECTED = {
    "dcgan": ("non_saturating", 1, 0.0, 0.0, None, keras.optimizers.Adam, 1e-3, 0.5),
    "wgan": ("wasserstein", 5, 0.0, 0.0, 0.1, keras.optimizers.RMSprop, 5e-4, None),
    "wgan_gp": ("wasserstein", 5, 10.0, 0.0, None, keras.optimizers.Adam, 1e-3, 0.0),
    "lsgan": ("least_squares", 1, 0.0, 0.0, None, keras.optimizers.Adam, 2e-3, 0.5),
    "sngan": ("hinge", 5, 0.0, 0.0, None, keras.optimizers.Adam, 1e-3, 0.5),
    "r1_gan": (
        "non_saturating",
        1,
        0.0,
        10.0,
        None,
        keras.optimizers.RMSprop,
        1e-3,
        None,
    ),
}


@pytest.mark.parametrize("name", recipes.NAMES)
def test_paper_settings(name):
    loss, d_steps, gp, r1, clip, opt_class, lr, beta_1 = EXPECTED[name]
    gan = recipes.get(name)("ring", seed=0)
    assert gan.loss_family.name == loss and gan.d_steps == d_steps
    assert gan.gradient_penalty_weight == gp and gan.r1_weight == r1
    assert gan.clip_value == clip
    for opt in (gan.d_optimizer, gan.g_optimizer):
        assert type(opt) is opt_class
        assert float(opt.learning_rate) == pytest.approx(lr)
        if beta_1 is not None:
            assert float(opt.beta_1) == pytest.approx(beta_1)
    assert gan.d_optimizer is not gan.g_optimizer


def _layer_types(model):
    return {type(layer).__name__ for layer in model._flatten_layers()}


@pytest.mark.parametrize("name", recipes.NAMES)
def test_image_discriminator_normalization(name):
    gan = recipes.get(name)((32, 32, 1), seed=0)
    types = _layer_types(gan.discriminator)
    # Keras' "auto" (XLA off on a CPU); one step per compiled call.
    assert gan.data_shape == (32, 32, 1) and gan.jit_compile is False
    assert gan.steps_per_execution == 1
    if name == "sngan":
        assert "SpectralNormalization" in types and "BatchNormalization" not in types
    elif name == "wgan_gp":
        assert "LayerNormalization" in types and "BatchNormalization" not in types
    elif name == "r1_gan":
        assert "BatchNormalization" not in types
    else:
        assert "BatchNormalization" in types


@pytest.mark.parametrize("name", recipes.NAMES)
def test_one_training_epoch_runs(name):
    gan = recipes.get(name)("ring", seed=0)
    history = gan.fit(tge.data.load("ring", batch_size=64, n=256), epochs=1, verbose=0)
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_steps_per_execution_follows_the_backend(monkeypatch):
    """8 steps per call for vectors where Keras' trainer loops (TensorFlow,
    JAX); 1 where it runs one step per call (PyTorch), images 1 everywhere."""
    from tfgan_edu import _backend

    assert recipes.dcgan("ring", seed=0).steps_per_execution == 8
    monkeypatch.setattr(_backend.current(), "SEVERAL_STEPS_PER_CALL", False)
    assert recipes.dcgan("ring", seed=0).steps_per_execution == 1
    assert tge.experiments.default_gan("ring", seed=0).steps_per_execution == 1


def test_learning_rate_override_and_unknown_name():
    assert float(
        recipes.wgan_gp("ring", learning_rate=3e-4).d_optimizer.learning_rate
    ) == (pytest.approx(3e-4))
    with pytest.raises(ValueError, match="Received: name='began'"):
        recipes.get("began")


@pytest.mark.parametrize(
    "kwargs, received",
    [
        (dict(learning_rate=0), "learning_rate=0"),
        (dict(learning_rate=-1e-3), "learning_rate=-0.001"),
        (dict(learning_rate=float("nan")), "learning_rate=nan"),
        (dict(latent_dim=0), "latent_dim=0"),
    ],
)
def test_zeros_are_refused_not_replaced_by_the_defaults(kwargs, received):
    """`x or default` turned 0 into the default; `None` alone means the default."""
    for build in (recipes.dcgan, tge.experiments.default_gan):
        with pytest.raises(ValueError, match=rf"Received: {received}$"):
            build("ring", **kwargs)
    with pytest.raises(ValueError, match=rf"Received: {received}$"):
        tge.experiments.default_vaegan("ring", **kwargs)


def test_none_takes_the_defaults():
    gan = recipes.dcgan("ring", latent_dim=None, learning_rate=None)
    assert gan.latent_dim == recipes.TOY_DEFAULTS.latent_dim
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(
        recipes.VECTOR_LEARNING_RATES["dcgan"]
    )


# The papers' settings, which the recipes use on images: (lr, clip).
PAPER_IMAGE_SETTINGS = {
    "dcgan": (2e-4, None),
    "wgan": (5e-5, 0.01),
    "wgan_gp": (1e-4, None),
    "lsgan": (2e-4, None),
    "sngan": (1e-4, None),
    "r1_gan": (1e-4, None),
}


@pytest.mark.parametrize("name", recipes.NAMES)
def test_papers_learning_rates_on_images(name):
    lr, clip = PAPER_IMAGE_SETTINGS[name]
    gan = recipes.get(name)((32, 32, 1), seed=0)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(lr)
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(lr)
    assert gan.clip_value == clip
