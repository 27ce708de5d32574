"""Tests of the training callbacks."""

import keras
import matplotlib.image
import numpy as np
import pytest

from tfgan_edu.callbacks import SampleGrid


class _StandIn(keras.Model):
    """The smallest GAN-like model: a generator, `generate`, a no-op step."""

    def __init__(self, generator, latent_dim):
        super().__init__()
        self.generator = generator
        self.latent_dim = latent_dim
        self.calls = []

    def call(self, z):
        return self.generator(z)

    def generate(self, n, seed=None):
        self.calls.append((n, seed))
        z = np.random.default_rng(seed).standard_normal((n, self.latent_dim))
        return keras.ops.convert_to_numpy(self.generator(z.astype("float32")))

    def train_step(self, data):
        return {"d_loss": 0.0, "g_loss": 0.0}


def _image_model(latent_dim=4):
    z = keras.Input((latent_dim,))
    x = keras.layers.Dense(8 * 8, activation="tanh")(z)
    generator = keras.Model(z, keras.layers.Reshape((8, 8, 1))(x))
    return _StandIn(generator, latent_dim)


def _points_model(latent_dim=3):
    z = keras.Input((latent_dim,))
    return _StandIn(keras.Model(z, keras.layers.Dense(2)(z)), latent_dim)


def _fit(model, callback, epochs):
    model.compile()
    data = np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32)
    model.fit(data, epochs=epochs, batch_size=4, callbacks=[callback], verbose=0)


def _pixels(path):
    return matplotlib.image.imread(path)


def test_writes_one_grid_per_epoch(tmp_path):
    callback = SampleGrid(tmp_path / "grids", n=9)
    model = _image_model()
    _fit(model, callback, epochs=2)
    names = [p.name for p in callback.paths]
    assert names == ["samples_epoch_001.png", "samples_epoch_002.png"]
    assert all(p.exists() and p.parent == tmp_path / "grids" for p in callback.paths)
    assert model.calls == [(9, 0), (9, 0)]  # the model's own sampling, seed 0


def test_every_skips_epochs_but_keeps_the_last(tmp_path):
    callback = SampleGrid(tmp_path, every=2)
    _fit(_image_model(), callback, epochs=5)
    assert [p.name for p in callback.paths] == [
        "samples_epoch_002.png",
        "samples_epoch_004.png",
        "samples_epoch_005.png",
    ]


def test_same_seed_gives_identical_pictures(tmp_path):
    paths = {}
    for run, seed in [("a", 0), ("b", 0), ("c", 1)]:
        keras.utils.set_random_seed(0)  # the same generator weights each run
        callback = SampleGrid(tmp_path / run, n=16, seed=seed)
        _fit(_image_model(), callback, epochs=2)
        paths[run] = callback.paths
    for a, b in zip(paths["a"], paths["b"], strict=True):
        np.testing.assert_array_equal(_pixels(a), _pixels(b))
    assert not np.array_equal(_pixels(paths["a"][0]), _pixels(paths["c"][0]))


def test_samples_come_from_generate_with_the_seed(tmp_path):
    model = _image_model()
    callback = SampleGrid(tmp_path, n=5, seed=3)
    callback.set_model(model)
    callback.on_train_begin()
    callback.save(0)
    assert model.calls == [(5, 3)]


def test_seed_none_keeps_one_noise_for_the_run(tmp_path):
    model = _image_model()
    _fit(model, SampleGrid(tmp_path, n=4, seed=None), epochs=2)
    (first, seed), (second, again) = model.calls
    assert first == second == 4 and seed == again and isinstance(seed, int)


def test_points_are_drawn_as_a_scatter_with_real_data(tmp_path):
    real = np.random.default_rng(1).normal(size=(50, 2))
    callback = SampleGrid(tmp_path, n=20, real=real)
    callback.set_model(_points_model())
    callback.set_params({"epochs": 1})
    callback.on_train_begin()
    callback.on_epoch_end(0)
    (path,) = callback.paths
    assert path == tmp_path / "samples_epoch_001.png"
    assert _pixels(path).ndim == 3


def test_unsupported_outputs_and_models_raise(tmp_path):
    z = keras.Input((3,))
    model = _StandIn(keras.Model(z, keras.layers.Dense(5)(z)), 3)
    callback = SampleGrid(tmp_path)
    callback.set_model(model)
    callback.on_train_begin()
    with pytest.raises(
        ValueError, match=r"Received: generator output of shape \(64, 5\)"
    ):
        callback.on_epoch_end(0)

    callback.set_model(keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)]))
    with pytest.raises(ValueError, match="Received: model of type Sequential"):
        callback.on_train_begin()


@pytest.mark.parametrize(
    "kwargs, message",
    [({"every": 0}, "Received: every=0"), ({"n": 0}, "Received: n=0")],
)
def test_invalid_arguments_raise(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        SampleGrid(tmp_path, **kwargs)
