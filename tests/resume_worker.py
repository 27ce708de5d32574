"""Trains a ring GAN with `BackupAndRestore`; `tests/test_exact_resume.py` kills it.

Run as a script (one process per run):

    python tests/resume_worker.py BACKUP_DIR OUT.npz [--epochs 6]
        [--pause-at EPOCH] [--seed 0] [--no-follow]

It trains `tge.GAN` (small MLPs) on a shuffled `tge.data.load("ring", ...)`
pipeline with `keras.callbacks.BackupAndRestore(BACKUP_DIR,
save_freq="epoch")` and `tge.data.pipeline.FollowEpochs()`, then writes the
final weights (generator, discriminator, both optimizers' variables, the
seed generator) and the `History` it saw to `OUT.npz`.

With `--pause-at E`, in the middle of epoch `E` (after its 5th step, so the
backup of epoch `E - 1` is on disk and epoch `E` is half done) it writes
`BACKUP_DIR.paused` and sleeps, waiting for the test's `SIGKILL`. Run again
without `--pause-at`, it resumes from the backup.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgan_edu as tge  # noqa: E402

PAUSE_STEP = 5


class PauseMidEpoch(keras.callbacks.Callback):
    """Signals, then sleeps, in the middle of epoch `epoch` (for a `kill -9`)."""

    def __init__(self, epoch, marker):
        super().__init__()
        self.epoch, self.marker, self.current = epoch, marker, None

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == PAUSE_STEP:
            with open(self.marker, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(600)  # killed long before this ends


def build(seed):
    generator = tge.networks.mlp_generator(
        latent_dim=4, output_shape=(2,), hidden_units=(32, 32)
    )
    discriminator = tge.networks.mlp_discriminator(
        input_shape=(2,), hidden_units=(32, 32)
    )
    gan = tge.GAN(
        generator=generator, discriminator=discriminator, latent_dim=4, seed=seed
    )
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5),
        loss="non_saturating",
    )
    gan.generate(2, seed=0)  # builds the networks (BackupAndRestore needs it)
    return gan


def final_state(gan):
    """Every variable the model and its optimizers hold, by path."""
    state = {}
    for variable in gan.variables:
        state[f"model/{variable.path}"] = np.asarray(variable)
    for name, optimizer in (("d", gan.d_optimizer), ("g", gan.g_optimizer)):
        for variable in optimizer.variables:
            state[f"{name}_optimizer/{variable.path}"] = np.asarray(variable)
    return state


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("backup_dir")
    parser.add_argument("out")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--pause-at", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n", type=int, default=2048)
    parser.add_argument(
        "--no-follow",
        action="store_true",
        help="leave out FollowEpochs (control; only for models whose fit does not add it)",
    )
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    data = tge.data.load("ring", batch_size=128, n=args.n, seed=args.seed)
    gan = build(args.seed)
    callbacks = [keras.callbacks.BackupAndRestore(args.backup_dir, save_freq="epoch")]
    if not args.no_follow:
        callbacks.append(tge.data.pipeline.FollowEpochs())
    if args.pause_at is not None:
        callbacks.append(PauseMidEpoch(args.pause_at, args.backup_dir + ".paused"))
    history = gan.fit(data, epochs=args.epochs, verbose=0, callbacks=callbacks)
    logs = {
        f"history/{key}": np.asarray(values) for key, values in history.history.items()
    }
    np.savez(
        args.out,
        epochs=np.asarray(history.epoch),
        **logs,
        **final_state(gan),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
