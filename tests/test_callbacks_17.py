"""Issue 17: `DivergenceGuard` catches finite blow-ups; `EarlyStopping` and
`ReduceLROnPlateau` on `g_loss`/`d_loss`; TensorBoard histograms of the two
networks do not collide; `SampleGrid` images sit at the steps of Keras'
epoch scalars.

The guard's default thresholds (`max_loss=1e6`, `max_weight_growth=10`)
against measured runs (ring, `tge.recipes`, batch 128, a check every 50
batches, seeds 0-4):
- Adam at learning rate 100 (`dcgan` recipe): the logged losses pass 1e6
  at the second batch (all 5 seeds) and reach 1.7e19-3.2e19 within 390
  batches, the largest weight 781 to 3.9e4; the weight norm grows 2.2e3- to
  5.9e3-fold in the first 50 batches. Nothing is ever non-finite, so the
  old guard never fired.
- Healthy runs (`dcgan`, `wgan`, `wgan_gp`, `lsgan`, `sngan`, `r1_gan`;
  975 batches each): largest logged |loss| 3.6 (wgan_gp), largest growth
  of a network's weight norm between two checks 1.21 (sngan).
- `wgan_gp` on the digits images, first epoch (22 batches of 64): largest
  logged |loss| 12.8 to 16.1.
The tests below use seed 0 or 1 of these runs; their margins (e.g. > 100
for a measured minimum of 2.2e3) come from that spread.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.callbacks import (
    DivergenceGuard,
    EarlyStopping,
    ReduceLROnPlateau,
    SampleGrid,
)

RING = tge.data.toy2d.sample("ring", 256, seed=0)


class Recorder(keras.callbacks.Callback):
    """The largest logged |d_loss|, |g_loss| of a run."""

    def __init__(self):
        super().__init__()
        self.max_loss = 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.max_loss = max(self.max_loss, abs(logs["d_loss"]), abs(logs["g_loss"]))


def generator_steps(gan):
    return int(gan.g_optimizer.iterations)


def ring_recipe(name, seed=0, learning_rate=None):
    gan = tge.recipes.get(name)("ring", seed=seed, learning_rate=learning_rate)
    return gan, tge.data.load("ring", batch_size=128, seed=seed)


# ------------------------------------------------------------ DivergenceGuard


def test_adam_at_learning_rate_100_blows_up_finitely_and_is_stopped():
    # Without the new thresholds: the run finishes, every value finite, huge.
    gan, ring = ring_recipe("dcgan", learning_rate=100.0)
    old_guard = DivergenceGuard(max_loss=None, max_weight_growth=None, verbose=0)
    recorder = Recorder()
    gan.fit(ring, epochs=2, callbacks=[old_guard, recorder], verbose=0)
    assert old_guard.stopped is None  # the blind spot of issue 17
    assert generator_steps(gan) == 390  # 2 epochs of 195 batches, all run
    assert recorder.max_loss > 1e12  # measured 1.7e19 to 3.2e19
    assert max(np.abs(w).max() for w in gan.get_weights()) > 500  # 781 to 3.9e4

    # The default guard stops it at once and gives back the initial weights.
    gan, ring = ring_recipe("dcgan", learning_rate=100.0)
    initial = gan.get_weights()
    guard = DivergenceGuard(verbose=0)
    history = gan.fit(ring, epochs=2, callbacks=[guard], verbose=0)
    assert guard.stopped["reason"] == "large_loss"
    # Measured: the loss passes 1e6 at step 2; the recipes run 8 steps per
    # call on vectors, so the guard first reads the logs at step 8.
    assert guard.stopped["step"] <= 8
    assert abs(guard.stopped["value"]) > 1e6
    assert guard.stopped["restored_step"] == 0
    assert "beyond max_loss=1e+06" in guard.message
    assert len(history.history["d_loss"]) == 1
    for restored, start in zip(gan.get_weights(), initial):
        np.testing.assert_array_equal(restored, start)


def test_the_weight_growth_threshold_alone_catches_the_same_run():
    gan, ring = ring_recipe("dcgan", learning_rate=100.0)
    guard = DivergenceGuard(monitor=(), max_loss=None, verbose=0)
    gan.fit(ring, epochs=1, callbacks=[guard], verbose=0)
    assert guard.stopped["reason"] == "weight_growth"
    # The first check: the first report at or after step 50, which is step
    # 56 under the recipes' steps_per_execution=8.
    assert guard.stopped["step"] == 56
    assert guard.stopped["value"] > 100  # measured 2.2e3 to 5.9e3
    assert guard.stopped["restored_step"] == 0
    assert "'mlp_" in guard.message and "-fold" in guard.message


@pytest.mark.parametrize("name", ["dcgan", "wgan_gp"])
def test_healthy_runs_never_trip_the_defaults(name):
    gan, ring = ring_recipe(name, seed=1)
    guard, recorder = DivergenceGuard(verbose=0), Recorder()
    gan.fit(ring, epochs=2, callbacks=[guard, recorder], verbose=0)
    assert guard.stopped is None and generator_steps(gan) == 390
    assert recorder.max_loss < 1e2  # measured at most 3.6 (5 seeds, 6 recipes)


def _two_layer_model():
    model = keras.Sequential(
        [
            keras.Input((2,)),
            keras.layers.Dense(3, name="a"),
            keras.layers.Dense(1, name="b"),
        ]
    )
    model.compile("sgd", "mse")
    return model


def test_the_loss_threshold_is_on_the_magnitude_and_inclusive():
    guard = DivergenceGuard(max_loss=1e3, verbose=0)
    guard.set_model(_two_layer_model())
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    guard.on_train_batch_end(0, {"d_loss": 1e3, "g_loss": -1e3})  # at the threshold
    assert guard.stopped is None
    guard.on_train_batch_end(1, {"d_loss": 0.5, "g_loss": -1001.0})
    assert guard.stopped["reason"] == "large_loss"
    assert guard.stopped["value"] == -1001.0
    assert "g_loss is -1001, beyond max_loss=1000" in guard.message


def test_weight_growth_is_relative_to_the_last_good_check():
    model = _two_layer_model()
    guard = DivergenceGuard(check_every=1, monitor=(), max_weight_growth=10, verbose=0)
    guard.set_model(model)
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    layer = model.get_layer("a")

    def scale(factor):
        layer.set_weights([w * factor for w in layer.get_weights()])

    for batch in range(2):  # 9-fold twice: 81-fold overall, 9-fold per check
        scale(9.0)
        guard.on_train_batch_end(batch, {})
        assert guard.stopped is None
    good = model.get_weights()
    scale(10.5)
    guard.on_train_batch_end(2, {})
    assert guard.stopped["reason"] == "weight_growth"
    assert guard.stopped["value"] == pytest.approx(10.5, rel=1e-6)
    assert guard.stopped["restored_step"] == 2
    assert "'a'" in guard.message
    for restored, expected in zip(model.get_weights(), good):
        np.testing.assert_array_equal(restored, expected)


@pytest.mark.parametrize(
    "kwargs, received",
    [
        ({"max_loss": 0}, "max_loss=0"),
        ({"max_loss": -1.0}, "max_loss=-1.0"),
        ({"max_loss": float("nan")}, "max_loss=nan"),
        ({"max_loss": True}, "max_loss=True"),
        ({"max_loss": "1e6"}, "max_loss='1e6'"),
        ({"max_weight_growth": 1}, "max_weight_growth=1"),
        ({"max_weight_growth": float("inf")}, "max_weight_growth=inf"),
    ],
)
def test_bad_thresholds_are_refused(kwargs, received):
    with pytest.raises(ValueError, match=f"Expected .*Received: {received}"):
        DivergenceGuard(**kwargs)


# ------------------------------------------ EarlyStopping, ReduceLROnPlateau


def tiny_gan(lr=1e-3):
    gan = tge.GAN(
        tge.networks.mlp_generator(4, (2,), hidden_units=(8,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=4,
        seed=0,
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(lr),
        g_optimizer=keras.optimizers.Adam(lr),
        jit_compile=False,
    )
    return gan


def test_keras_own_callbacks_are_refused_before_training():
    """Why the subclasses exist: Keras' auto mode knows only `loss` and
    compiled metrics, and would fail after the first epoch; its
    ReduceLROnPlateau changes `model.optimizer`, which a GAN has not."""
    for callback, match in (
        (keras.callbacks.EarlyStopping("g_loss"), "mode='min' or mode='max'"),
        (keras.callbacks.ReduceLROnPlateau("d_loss"), "tge.callbacks.ReduceLROnP"),
    ):
        gan = tiny_gan()
        with pytest.raises(ValueError, match=match):
            gan.fit(RING, batch_size=64, epochs=2, verbose=0, callbacks=[callback])
        assert all(int(opt.iterations) == 0 for opt in gan.optimizers.values())
    # With an explicit mode, Keras' EarlyStopping runs.
    history = tiny_gan().fit(
        RING,
        batch_size=64,
        epochs=1,
        verbose=0,
        callbacks=[keras.callbacks.EarlyStopping("g_loss", mode="min")],
    )
    assert len(history.history["g_loss"]) == 1


@pytest.mark.parametrize(
    "monitor, mode, expected",
    [
        ("g_loss", "auto", "min"),
        ("d_loss", "auto", "min"),
        ("val_g_loss", "auto", "min"),
        ("g_loss", "max", "max"),
        ("fid", "auto", "auto"),
    ],
)
def test_auto_mode_of_a_loss_is_min(monitor, mode, expected):
    assert EarlyStopping(monitor, mode=mode).mode == expected
    assert ReduceLROnPlateau(monitor, mode=mode).mode == expected


def _feed(callback, values, key):
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {key: value})
        if callback.model.stop_training:
            return epoch
    return None


def test_early_stopping_minimizes_g_loss():
    """1.0, 0.5, 0.7: the drop is an improvement, the rise is not. In "max"
    mode it would stop at the second epoch instead."""
    model = tiny_gan()
    stop = EarlyStopping("g_loss", patience=1)
    stop.set_model(model)
    assert _feed(stop, [1.0, 0.5, 0.7], "g_loss") == 2
    assert stop.best == 0.5
    model.stop_training = False
    wrong = keras.callbacks.EarlyStopping("g_loss", patience=1, mode="max")
    wrong.set_model(model)
    assert _feed(wrong, [1.0, 0.5, 0.7], "g_loss") == 1


def test_early_stopping_on_g_loss_in_a_real_fit():
    gan = tiny_gan()
    stop = EarlyStopping("g_loss", patience=1, min_delta=10.0)  # nothing improves
    history = gan.fit(RING, batch_size=64, epochs=5, callbacks=[stop], verbose=0)
    assert len(history.history["g_loss"]) == 2
    assert stop.stopped_epoch == 1


def test_reduce_lr_on_plateau_reduces_every_player_in_a_real_fit():
    gan = tiny_gan(lr=1e-3)
    reduce = ReduceLROnPlateau("d_loss", factor=0.5, patience=1, min_delta=10.0)
    history = gan.fit(RING, batch_size=64, epochs=3, callbacks=[reduce], verbose=0)
    # Logged: the rate each epoch ran with; reduced after epochs 2 and 3.
    for player in ("d", "g"):
        np.testing.assert_allclose(
            history.history[f"{player}_learning_rate"], [1e-3, 1e-3, 5e-4], rtol=1e-6
        )
        assert float(
            keras.ops.convert_to_numpy(gan.optimizers[player].learning_rate)
        ) == pytest.approx(2.5e-4)


def test_reduce_lr_on_plateau_minimizes_d_loss_and_respects_min_lr():
    gan = tiny_gan(lr=1e-3)
    reduce = ReduceLROnPlateau("d_loss", factor=0.1, patience=1, min_lr=5e-5)
    reduce.set_model(gan)
    _feed(reduce, [1.0, 0.5, 0.4, 0.45, 0.46], "d_loss")  # rises at epochs 4, 5
    for optimizer in gan.optimizers.values():
        assert float(
            keras.ops.convert_to_numpy(optimizer.learning_rate)
        ) == pytest.approx(5e-5)  # 1e-4, then floor
    assert reduce.best == 0.4


def test_reduce_lr_on_plateau_on_a_plain_keras_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    reduce = ReduceLROnPlateau("loss", factor=0.5, patience=1, min_delta=1e9)
    history = model.fit(RING, RING[:, :1], epochs=2, callbacks=[reduce], verbose=0)
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1])
    assert float(
        keras.ops.convert_to_numpy(model.optimizer.learning_rate)
    ) == pytest.approx(0.05)


def test_reduce_lr_on_plateau_needs_a_compiled_model():
    gan = tge.GAN(
        tge.networks.mlp_generator(4, (2,), hidden_units=(8,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=4,
    )
    reduce = ReduceLROnPlateau("d_loss")
    reduce.set_model(gan)
    with pytest.raises(ValueError, match="compile it first"):
        reduce.on_epoch_end(0, {"d_loss": 1.0})


# ------------------------------------------------------------------ TensorBoard


def _events(directory):
    """`[(tag, step, plugin)]` of every summary under `directory`."""
    found = []
    for path in sorted(tf.io.gfile.glob(str(directory / "events.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                found.append(
                    (value.tag, event.step, value.metadata.plugin_data.plugin_name)
                )
    return found


def test_sample_grid_images_sit_at_the_steps_of_keras_epoch_scalars(tmp_path):
    gan = tiny_gan()
    logs = tmp_path / "logs"
    grid = SampleGrid(tmp_path / "png", n=16, log_dir=logs)
    board = keras.callbacks.TensorBoard(logs)
    gan.fit(RING, batch_size=64, epochs=3, callbacks=[grid, board], verbose=0)
    scalar_steps = sorted(
        s for t, s, _ in _events(logs / "train") if t == "epoch_d_loss"
    )
    image_steps = sorted(s for t, s, _ in _events(logs / "samples") if t == "samples")
    assert scalar_steps == [0, 1, 2]  # Keras: step = the 0-based epoch
    assert image_steps == scalar_steps
    assert [p.name for p in grid.paths] == [
        f"samples_epoch_{e:03d}.png" for e in (1, 2, 3)
    ]


def test_tensorboard_histograms_of_the_two_networks_do_not_collide(tmp_path):
    gan = tiny_gan()
    board = keras.callbacks.TensorBoard(tmp_path, histogram_freq=1)
    gan.fit(RING, batch_size=64, epochs=1, callbacks=[board], verbose=0)
    tags = [t for t, s, plugin in _events(tmp_path / "train") if plugin == "histograms"]
    weights = gan.generator.weights + gan.discriminator.weights
    assert len(tags) == len(weights) == 8  # one per weight, none written twice
    assert len(set(tags)) == len(tags)
    assert sorted(tags) == sorted(f"{w.path}/histogram" for w in weights)
    assert {t.split("/")[0] for t in tags} == {"mlp_generator", "mlp_discriminator"}


def test_the_dcgan_pair_has_distinct_weight_paths():
    G = tge.networks.dcgan_generator(8, (28, 28, 1), base_filters=4)
    D = tge.networks.dcgan_discriminator((28, 28, 1), base_filters=4)
    paths = [w.path for w in G.weights + D.weights]
    assert len(set(paths)) == len(paths)
    assert all(
        p.startswith(("dcgan_generator/", "dcgan_discriminator/")) for p in paths
    )
