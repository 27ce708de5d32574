"""`DivergenceGuard` and SampleGrid's TensorBoard images."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import tfgan_edu as tge
from tfgan_edu.callbacks import DivergenceGuard, SampleGrid

RING = tge.data.toy2d.sample("ring", 256, seed=0)


def tiny_gan(lr, generator=None, **compile_kwargs):
    gan = tge.GAN(
        generator or tge.networks.mlp_generator(4, (2,), hidden_units=(8,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=4,
        seed=0,
    )
    gan.compile(
        d_optimizer=keras.optimizers.SGD(lr),
        g_optimizer=keras.optimizers.SGD(lr),
        jit_compile=False,
        **compile_kwargs,
    )
    return gan


def all_finite(model):
    return all(np.isfinite(w).all() for w in model.get_weights())


def test_a_run_made_to_diverge_stops_and_keeps_finite_weights(capsys):
    gan = tiny_gan(lr=1e25)  # steps of 1e25: the losses blow up within a few
    guard = DivergenceGuard(check_every=1)
    history = gan.fit(RING, batch_size=16, epochs=3, callbacks=[guard], verbose=0)
    assert guard.stopped is not None
    assert guard.stopped["reason"] == "non_finite_loss"
    assert guard.stopped["epoch"] == 0  # 16 batches per epoch: no further
    assert guard.stopped["restored_step"] == guard.stopped["step"] - 1
    assert len(history.history["d_loss"]) == 1  # fit stopped in the first epoch
    assert all_finite(gan)
    assert "DivergenceGuard:" in capsys.readouterr().out
    assert (
        f"at epoch 1, batch {guard.stopped['batch'] + 1} (step {guard.stopped['step']})"
        in guard.message
    )
    # The restored model samples finite points, and D's optimizer state is
    # the copy's (finite too).
    assert np.isfinite(gan.generate(10, seed=0)).all()
    assert all(np.isfinite(v.numpy()).all() for v in gan.d_optimizer.variables)


def test_weights_are_checked_without_loss_monitoring():
    gan = tiny_gan(lr=1e25)
    guard = DivergenceGuard(check_every=2, monitor=(), verbose=0)
    gan.fit(RING, batch_size=16, epochs=2, callbacks=[guard], verbose=0)
    assert guard.stopped["reason"] == "non_finite_weights"
    assert guard.stopped["step"] % 2 == 0
    assert guard.stopped["restored_step"] == guard.stopped["step"] - 2
    assert all_finite(gan)


class ConstantSample(keras.layers.Layer):
    def build(self, input_shape):
        self.c = self.add_weight(shape=(2,), initializer="zeros", name="c")

    def call(self, z):
        return ops.zeros((ops.shape(z)[0], 1)) + self.c


def test_a_collapsed_generator_is_stopped_at_the_first_check():
    z = keras.Input((4,))
    collapsed = keras.Model(z, ConstantSample()(z))
    gan = tiny_gan(lr=1e-3, generator=collapsed, diagnostics=True)
    guard = DivergenceGuard(check_every=3, min_diversity=0.1, verbose=0)
    gan.fit(RING, batch_size=16, epochs=1, callbacks=[guard], verbose=0)
    assert guard.stopped["reason"] == "collapse"
    assert (guard.stopped["step"], guard.stopped["value"]) == (3, 0.0)
    assert "the generator collapsed" in guard.message


def test_a_healthy_run_is_left_alone():
    gan = tiny_gan(lr=1e-3, diagnostics=True)
    guard = DivergenceGuard(check_every=4, min_diversity=1e-3, verbose=0)
    history = gan.fit(RING, batch_size=16, epochs=2, callbacks=[guard], verbose=0)
    assert guard.stopped is None and guard.message is None
    assert len(history.history["d_loss"]) == 2


def test_the_window_mean_is_recovered_from_running_means():
    """Per-batch diversities 1, 1, 1, 0.1, 0.1, 0.1 reach the logs as running
    means; the second window (batches 4-6) has mean 0.1 exactly."""
    guard = DivergenceGuard(check_every=3, monitor=(), min_diversity=0.5, verbose=0)
    guard.set_model(keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)]))
    guard.on_train_begin()
    guard.on_epoch_begin(0)
    values = [1.0, 1.0, 1.0, 0.1, 0.1, 0.1]
    for batch in range(6):
        running = float(np.mean(values[: batch + 1]))
        guard.on_train_batch_end(batch, {"diversity": running})
        if batch == 2:
            assert guard.stopped is None
    assert guard.stopped["reason"] == "collapse"
    assert guard.stopped["value"] == pytest.approx(0.1, rel=1e-6)
    assert guard.stopped["batch"] == 5


def test_missing_entries_and_bad_arguments():
    gan = tiny_gan(lr=1e-3)
    with pytest.raises(ValueError, match="diagnostics=True"):
        gan.fit(
            RING,
            batch_size=16,
            epochs=1,
            verbose=0,
            callbacks=[DivergenceGuard(check_every=1, min_diversity=0.1)],
        )
    with pytest.raises(ValueError, match="monitors 'gp'"):
        gan.fit(
            RING,
            batch_size=16,
            epochs=1,
            verbose=0,
            callbacks=[DivergenceGuard(monitor="gp")],
        )
    with pytest.raises(ValueError, match="Received: check_every=0"):
        DivergenceGuard(check_every=0)
    with pytest.raises(ValueError, match="Received: min_diversity=-1"):
        DivergenceGuard(min_diversity=-1)
    with pytest.raises(ValueError, match="Received: monitor="):
        DivergenceGuard(monitor=[1])


def _summary_steps(log_dir):
    steps = []
    for path in sorted(tf.io.gfile.glob(str(log_dir / "samples" / "events.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                if value.tag == "samples":
                    png = value.tensor.string_val[2]  # width, height, PNG bytes
                    steps.append((event.step, tf.image.decode_png(png).shape[-1]))
    return steps


def test_sample_grid_writes_tensorboard_images(tmp_path):
    gan = tiny_gan(lr=1e-3)
    grid = SampleGrid(None, n=32, log_dir=tmp_path / "logs", real=RING[:64])
    gan.fit(RING, batch_size=64, epochs=2, callbacks=[grid], verbose=0)
    assert grid.paths == []  # no directory: TensorBoard only
    # At the 0-based epoch, the step of Keras' epoch scalars.
    assert _summary_steps(tmp_path / "logs") == [(0, 4), (1, 4)]
    with pytest.raises(ValueError, match="directory=None, log_dir=None"):
        SampleGrid(None)


class _Poison(keras.callbacks.Callback):
    """Records every optimizer's state after each batch; NaN `d_loss` at `at`."""

    def __init__(self, at):
        super().__init__()
        self.at = at
        self.states = []

    def on_train_batch_end(self, batch, logs=None):
        self.states.append(
            {
                name: [ops.convert_to_numpy(v).copy() for v in opt.variables]
                for name, opt in self.model.optimizers.items()
            }
        )
        if batch == self.at:
            logs["d_loss"] = float("nan")


def test_every_optimizer_of_a_vaegan_is_restored():
    """The encoder's optimizer (`e_optimizer`) is restored with the others."""
    vaegan = tge.VAEGAN(
        encoder=tge.networks.mlp_encoder((2,), 2, hidden_units=(8,)),
        decoder=tge.networks.mlp_decoder(2, (2,), hidden_units=(8,)),
        discriminator=tge.networks.mlp_discriminator((2,), hidden_units=(8,)),
        latent_dim=2,
        seed=0,
    )
    vaegan.compile(
        e_optimizer=keras.optimizers.Adam(1e-2),
        g_optimizer=keras.optimizers.Adam(1e-2),
        d_optimizer=keras.optimizers.Adam(1e-2),
        jit_compile=False,
    )
    poison, guard = _Poison(at=2), DivergenceGuard(check_every=1, verbose=0)
    vaegan.fit(RING, batch_size=64, epochs=1, callbacks=[poison, guard], verbose=0)
    assert guard.stopped["reason"] == "non_finite_loss"
    assert guard.stopped["restored_step"] == 2  # the state after batch 1
    good, undone = poison.states[1], poison.states[2]
    assert sorted(vaegan.optimizers) == ["d", "e", "g"]
    # The undone step moved the encoder's moments; the guard put them back.
    assert any(not np.array_equal(a, b) for a, b in zip(good["e"], undone["e"]))
    for name, optimizer in vaegan.optimizers.items():
        for variable, saved in zip(optimizer.variables, good[name], strict=True):
            np.testing.assert_array_equal(ops.convert_to_numpy(variable), saved)


def test_checks_count_steps_under_steps_per_execution(monkeypatch):
    """Keras reports every 4 steps: the weights are checked at the first
    report at or after each multiple of `check_every=10` steps."""
    gan = tge.experiments.default_gan("ring", seed=0)
    gan.steps_per_execution = 4
    gan.train_function = None
    guard = tge.callbacks.DivergenceGuard(check_every=10, verbose=0)
    checked = []
    take = guard._take_snapshot

    def recording(*args):
        checked.append(guard._step)
        take(*args)

    monkeypatch.setattr(guard, "_take_snapshot", recording)
    real = tge.data.toy2d.sample("ring", n=48 * 32, seed=0)
    gan.fit(real, batch_size=32, epochs=1, shuffle=False, verbose=0, callbacks=[guard])
    assert checked == [0, 12, 20, 32, 40]
    assert guard.stopped is None
