"""One process of the multi-worker tests (`tests/test_multiworker.py`).

Not a test module: the tests start it as a subprocess, once per worker, with
`TF_CONFIG` set. It trains a small `tge.GAN` and writes what it saw as JSON.

Modes:
    workers: one worker of a `tf.distribute.MultiWorkerMirroredStrategy`
        cluster (`TF_CONFIG` names the cluster and this worker's index).
        One replica (CPU) per worker.
    reference: no cluster. Trains the same GAN twice in this one process:
        on one device (`OneDeviceStrategy`) and under a `MirroredStrategy`
        over two logical CPUs (the same two replicas as two workers, in one
        process).

The data: `STEPS` global batches of `GLOBAL_BATCH` points, in a fixed order
(no shuffling), one pass per epoch. The dataset is the global one on every
worker: `fit` gives it to `strategy.experimental_distribute_dataset`, which
with the auto-shard policy `DATA` splits each global batch into one slice
per replica and hands worker `i` the slice of replica `i` (each worker reads
the whole dataset and keeps its share). So the two workers together see
exactly the global batches a single device sees, in the same order.

Fault tolerance: `keras.callbacks.BackupAndRestore` with one backup folder
per worker (`--backup DIR` gives worker `i` the folder `DIR/worker-<i>`). Keras 3's callback knows
nothing about workers and writes its files from every process; one folder
each keeps two workers from writing the same file. Every worker holds the
same (mirrored) state, so each resumes from its own copy.

Usage:
    python tests/multiworker_worker.py --mode workers --out result.json \
        [--epochs 4] [--backup DIR] [--pause SECONDS] [--mark EPOCH:FILE]
"""

import argparse
import json
import os
import sys
import time

GLOBAL_BATCH = 16
STEPS = 4  # global batches per epoch
LATENT_DIM = 4


def _args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("workers", "reference"), required=True)
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--backup", default="", help="BackupAndRestore folder")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="seconds to sleep after each batch"
    )
    parser.add_argument(
        "--mark",
        default="",
        help="EPOCH:FILE: write FILE after batch 1 of (0-based) epoch EPOCH",
    )
    return parser.parse_args(argv)


def _data():
    """The global dataset: `STEPS` batches of `GLOBAL_BATCH` 2-D points, unshuffled."""
    import numpy as np
    import tensorflow as tf

    x = np.random.default_rng(0).normal(size=(GLOBAL_BATCH * STEPS, 2))
    ds = tf.data.Dataset.from_tensor_slices(x.astype("float32")).batch(GLOBAL_BATCH)
    options = tf.data.Options()
    # DATA: every worker reads all of it and keeps its replica's slice of
    # each global batch (AUTO would fall back to DATA for in-memory data, with
    # a warning, after failing to find files to shard).
    options.experimental_distribute.auto_shard_policy = (
        tf.data.experimental.AutoShardPolicy.DATA
    )
    return ds.with_options(options)


def _callbacks(args, record, task_id):
    import keras

    class Record(keras.callbacks.Callback):
        """Keeps the weights after the first step, sleeps, leaves a mark."""

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            record.setdefault("epochs_run", []).append(epoch)

        def on_train_batch_end(self, batch, logs=None):
            if "first_step_weights" not in record:
                record["first_step_weights"] = [
                    w.tolist() for w in self.model.get_weights()
                ]
                record["first_step_logs"] = {k: float(v) for k, v in logs.items()}
            if args.mark:
                epoch, path = args.mark.split(":", 1)
                if self.epoch == int(epoch) and batch == 1:
                    with open(path, "w") as f:
                        f.write(f"{os.getpid()}\n")
            if args.pause:
                time.sleep(args.pause)

    callbacks = [Record()]
    if args.backup:
        folder = os.path.join(args.backup, f"worker-{task_id}")
        callbacks.append(keras.callbacks.BackupAndRestore(backup_dir=folder))
    return callbacks


def _task_id(strategy):
    """This worker's index in the cluster (0 outside one)."""
    resolver = getattr(strategy, "cluster_resolver", None)
    return (resolver.task_id if resolver is not None else None) or 0


def _train(strategy, args):
    """Trains the GAN under `strategy`; returns what the tests compare."""
    import keras

    import tfgan_edu as tge

    keras.utils.set_random_seed(0)  # the same initial weights in every process
    with strategy.scope():
        gan = tge.GAN(
            tge.networks.mlp_generator(LATENT_DIM, (2,), hidden_units=(16,)),
            tge.networks.mlp_discriminator((2,), hidden_units=(16,)),
            latent_dim=LATENT_DIM,
            seed=3,
        )
        gan.compile(
            d_optimizer=keras.optimizers.Adam(1e-2),
            g_optimizer=keras.optimizers.Adam(1e-2),
            d_steps=2,
            ema_decay=0.9,
            # XLA draws another noise stream; a multi-replica strategy turns
            # it off anyway, so the one-device reference goes without too.
            jit_compile=False,
        )
    record = {"initial_weights": [w.tolist() for w in gan.get_weights()]}
    history = gan.fit(
        _data(),
        epochs=args.epochs,
        verbose=0,
        callbacks=_callbacks(args, record, _task_id(strategy)),
    )
    record.update(
        replicas=strategy.num_replicas_in_sync,
        jit_compile=bool(gan.jit_compile),
        history={k: [float(v) for v in vs] for k, vs in history.history.items()},
        weights=[w.tolist() for w in gan.get_weights()],
    )
    return record


def main(argv=None):
    args = _args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    if args.mode == "workers":
        # Created first, before any other TensorFlow op: it starts this
        # worker's gRPC server and connects to the others (TF_CONFIG).
        strategies = {"workers": tf.distribute.MultiWorkerMirroredStrategy()}
    else:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
        strategies = {
            "one_device": tf.distribute.OneDeviceStrategy("/cpu:0"),
            "mirrored": tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]),
        }
    results = {name: _train(s, args) for name, s in strategies.items()}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(results, f)
    os.replace(tmp, args.out)  # the test never reads a half-written file
    return 0


if __name__ == "__main__":
    sys.exit(main())
