"""Runs the multi-device scenarios of `test_distribution.py` on one Keras backend.

Run as `KERAS_BACKEND=<backend> python distribution_worker.py <folder>` with
`XLA_FLAGS=--xla_force_host_platform_device_count=2` (two CPU devices for
JAX). Writes `<folder>/<backend>.npz`.

JAX (`keras.distribution.DataParallel` over both devices):

- `one`: a `tge.GAN` of ring MLPs trained for 3 `train_on_batch` steps on
  one device (no distribution set): per step, the losses; the weights after
  the first and the third step;
- `data_parallel`: the same GAN, from the same initial weights, with the
  same seed (so the same noise stream), under the distribution: the same
  records, plus the devices its variables live on and, seen inside the
  traced step, the batch size and the batch's sharding;
- `r1_one` / `r1_data_parallel`: the same with the R1 penalty (an input
  gradient), `d_steps=2`, an EMA generator and the diagnostics;
- `fit`: `fit` for one epoch on 64 samples in batches of 32, from NumPy
  and from a `tf.data.Dataset`, then `evaluate` and `generate`;
- `mixed`: networks built before the distribution was set: the error.

PyTorch: Keras has no torch distribution library: what a user gets from
`keras.distribution.DataParallel()`, and what training does under a
`DataParallel` given explicit devices (compared with no distribution).
"""

import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import ops  # noqa: E402

import tfgan_edu as tge  # noqa: E402

LATENT_DIM = 4
BATCH = 32
STEPS = 3
BACKEND = keras.backend.backend()
REAL = tge.data.toy2d.sample("ring", n=2 * BATCH, seed=0).astype("float32")


class TracedGAN(tge.GAN):
    """A `tge.GAN` that records what its step sees of the batch while traced."""

    seen = []

    def _train_step(self, data):
        real, _ = self._unpack(data)
        TracedGAN.seen.append(("batch_size", int(real.shape[0])))
        if BACKEND == "jax":
            import jax

            jax.debug.inspect_array_sharding(
                real, callback=lambda s: TracedGAN.seen.append(("sharding", s))
            )
        return super()._train_step(data)


def make_gan(init=None, **options):
    """Ring MLPs (8 hidden units), seed 0, Adam 1e-2, from `init` if given."""
    generator = tge.networks.mlp_generator(
        latent_dim=LATENT_DIM, output_shape=(2,), hidden_units=(8, 8)
    )
    discriminator = tge.networks.mlp_discriminator(
        input_shape=(2,), hidden_units=(8, 8)
    )
    gan = TracedGAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)
    if init is not None:
        gan.set_weights(init)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-2),
        g_optimizer=keras.optimizers.Adam(1e-2),
        **options,
    )
    if getattr(gan, "ema_generator", None) is not None:
        gan.ema_generator.set_weights(gan.generator.get_weights())
    return gan


def weights_of(gan):
    return [np.asarray(ops.convert_to_numpy(w)) for w in gan.weights]


def train(gan, out, name):
    """3 steps: `<name>_losses` (one row a step), `<name>_w1_*`, `<name>_w3_*`."""
    rows = []
    for step in range(1, STEPS + 1):
        logs = gan.train_on_batch(REAL[:BATCH], return_dict=True)
        rows.append([float(logs[k]) for k in sorted(logs)])
        if step in (1, STEPS):
            for i, w in enumerate(weights_of(gan)):
                out[f"{name}_w{step}_{i}"] = w
    out[f"{name}_losses"] = np.array(rows)
    out[f"{name}_names"] = np.array(sorted(logs))


def device_ids(variable):
    """The ids of the devices holding `variable`'s value."""
    return np.array(sorted(d.id for d in variable.value.sharding.device_set))


def run_jax(out):
    import jax

    out["devices"] = np.array([d.platform for d in jax.devices()])
    r1 = dict(r1_weight=1.0, d_steps=2, ema_decay=0.9, diagnostics=True)

    # One device: no distribution is set yet.
    keras.utils.set_random_seed(0)
    init = weights_of(make_gan())
    out["init"] = np.concatenate([np.ravel(w) for w in init])
    train(make_gan(init), out, "one")
    train(make_gan(init, **r1), out, "r1_one")
    out["one_weight_devices"] = device_ids(make_gan(init).generator.weights[0])
    early = [
        tge.networks.mlp_generator(latent_dim=LATENT_DIM, output_shape=(2,)),
        tge.networks.mlp_discriminator(input_shape=(2,)),
    ]

    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices())
    )
    TracedGAN.seen.clear()
    gan = make_gan(init)
    train(gan, out, "data_parallel")
    out["seen_batch_size"] = np.array(
        [v for k, v in TracedGAN.seen if k == "batch_size"]
    )
    out["seen_sharding"] = np.array(
        [str(v.spec) for k, v in TracedGAN.seen if k == "sharding"]
    )
    out["weight_devices"] = device_ids(gan.generator.weights[0])
    out["weight_spec"] = np.array(str(gan.generator.weights[0].value.sharding.spec))
    out["optimizer_devices"] = device_ids(gan.d_optimizer.variables[-1])
    out["seed_devices"] = device_ids(gan.seed_generator.state)
    train(make_gan(init, **r1), out, "r1_data_parallel")

    # fit, from NumPy and from tf.data, one epoch of 2 steps each.
    import tensorflow as tf

    gan = make_gan()
    rows = []
    for data in (REAL, tf.data.Dataset.from_tensor_slices(REAL).batch(BATCH)):
        history = gan.fit(data, batch_size=BATCH if data is REAL else None, verbose=0)
        rows.append([v[-1] for _, v in sorted(history.history.items())])
    out["fit_losses"] = np.array(rows)
    out["fit_iterations"] = np.array(int(gan.g_optimizer.iterations))
    logs = gan.evaluate(REAL, batch_size=BATCH, verbose=0, return_dict=True)
    out["evaluate_losses"] = np.array([logs[k] for k in sorted(logs)])
    out["generated"] = gan.generate(8, seed=0)
    out["fit_weight_devices"] = device_ids(gan.discriminator.weights[0])

    # Networks built before the distribution: their weights are on one device.
    gan = TracedGAN(*early, latent_dim=LATENT_DIM, seed=0)
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    try:
        gan.train_on_batch(REAL[:BATCH])
        out["mixed_error"] = np.array("")
    except ValueError as exc:
        out["mixed_error"] = np.array(str(exc))


def run_torch(out):
    try:
        keras.distribution.DataParallel()
        out["default_error"] = np.array("")
    except Exception as exc:  # What a user gets, whatever its type.
        out["default_error"] = np.array(f"{type(exc).__name__}: {exc}")

    keras.utils.set_random_seed(0)
    init = weights_of(make_gan())
    train(make_gan(init), out, "one")
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=["cpu:0", "cpu:1"])
    )
    gan = make_gan(init)
    train(gan, out, "data_parallel")
    out["weight_devices"] = np.array(sorted({str(w.value.device) for w in gan.weights}))
    out["data_parallel_repr"] = np.array(repr(keras.distribution.distribution()))


def main(folder):
    out = {"backend": np.array(BACKEND)}
    {"jax": run_jax, "torch": run_torch}[BACKEND](out)
    np.savez(os.path.join(folder, f"{BACKEND}.npz"), **out)


if __name__ == "__main__":
    main(sys.argv[1])
