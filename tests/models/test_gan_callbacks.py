"""`tge.GAN` with the standard Keras callbacks: logs, checkpoints, resuming."""

import glob

import keras
import numpy as np
import pytest

import tfgan_edu as tge


def ring_gan():
    return tge.experiments.default_gan("ring", seed=0)


def ring_data(n=1024, seed=0):
    return tge.data.load("ring", batch_size=256, n=n, seed=seed)


def test_tensorboard_csv_logger_and_validation(tmp_path):
    gan = ring_gan()
    history = gan.fit(
        ring_data(),
        epochs=2,
        verbose=0,
        validation_data=ring_data(n=512, seed=1),
        callbacks=[
            keras.callbacks.TensorBoard(tmp_path / "tb"),
            keras.callbacks.CSVLogger(tmp_path / "log.csv"),
        ],
    )
    assert {"val_d_loss", "val_g_loss"} <= set(history.history)
    assert glob.glob(str(tmp_path / "tb" / "train" / "events.out.tfevents.*"))
    assert glob.glob(str(tmp_path / "tb" / "validation" / "events.out.tfevents.*"))
    header = (tmp_path / "log.csv").read_text().splitlines()[0].split(",")
    assert {"epoch", "d_loss", "g_loss", "real_score", "fake_score"} <= set(header)


def test_model_checkpoint_writes_a_loadable_gan(tmp_path):
    gan = ring_gan()
    path = tmp_path / "gan.keras"
    gan.fit(
        ring_data(),
        epochs=1,
        verbose=0,
        callbacks=[keras.callbacks.ModelCheckpoint(path)],
    )
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.generate(5, seed=0), gan.generate(5, seed=0))


class _StopAt(keras.callbacks.Callback):
    """Simulates a crash at the end of an epoch."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt("simulated crash")


def test_backup_and_restore_resumes_an_interrupted_run(tmp_path):
    backup = keras.callbacks.BackupAndRestore(tmp_path / "backup")
    gan = ring_gan()
    with pytest.raises(KeyboardInterrupt):
        gan.fit(ring_data(), epochs=4, verbose=0, callbacks=[backup, _StopAt(1)])
    saved_weights = [np.array(w) for w in gan.get_weights()]
    saved_steps = int(gan.d_optimizer.iterations)
    assert saved_steps == 8  # 2 epochs x 4 batches

    # A fresh process would rebuild the model from scratch: do the same.
    resumed = ring_gan()
    resumed.fit(
        ring_data(),
        epochs=4,
        verbose=0,
        callbacks=[
            keras.callbacks.BackupAndRestore(tmp_path / "backup"),
            _Check(saved_weights),
        ],
    )
    # Two epochs were left: the optimizers continued from their saved state.
    assert int(resumed.d_optimizer.iterations) == saved_steps + 8
    assert int(resumed.g_optimizer.iterations) == saved_steps + 8


class _Check(keras.callbacks.Callback):
    """Checks, when training (re)starts, that the backed-up weights are in."""

    def __init__(self, expected):
        super().__init__()
        self.expected = expected

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self, "first_epoch"):
            self.first_epoch = epoch
            for got, want in zip(self.model.get_weights(), self.expected):
                np.testing.assert_array_equal(got, want)
            assert epoch == 2
