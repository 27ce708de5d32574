"""Throughput of `GAN.fit` against a minimal hand-written training step.

Both train the same 32x32 DCGAN (same networks, optimizers, loss and batch)
with XLA on and off. The hand-written step is the least a GAN step can do:
noise, one discriminator update, one generator update, nothing logged. The
ratio fit/baseline shows what the `keras.Model` abstraction costs.

    python benchmarks/throughput.py [--steps 30] [--repeats 3] [--out FILE]

Prints a table and writes JSON (default:
benchmarks/results/throughput_<device>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _device import describe_device  # noqa: E402  (benchmarks/ is on sys.path)

import tfgan_edu as tge  # noqa: E402

IMAGE_SHAPE = (32, 32, 1)
LATENT_DIM = 64


def _networks(base_filters, seed):
    keras.utils.set_random_seed(seed)
    return (
        tge.networks.dcgan_generator(
            LATENT_DIM, IMAGE_SHAPE, base_filters=base_filters
        ),
        tge.networks.dcgan_discriminator(IMAGE_SHAPE, base_filters=base_filters),
    )


def _adam():
    return keras.optimizers.Adam(2e-4, beta_1=0.5)


def _dataset(batch_size):
    images = np.random.default_rng(0).uniform(-1, 1, (batch_size * 8, *IMAGE_SHAPE))
    return (
        tf.data.Dataset.from_tensor_slices(images.astype("float32"))
        .batch(batch_size, drop_remainder=True)
        .cache()
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


class _BatchClock(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


class FitRunner:
    """`GAN.fit` for one epoch of `steps + 1` batches."""

    def __init__(self, base_filters, batch_size, jit):
        generator, discriminator = _networks(base_filters, seed=0)
        self.gan = tge.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)
        self.gan.compile(_adam(), _adam(), loss="non_saturating", jit_compile=jit)
        self.dataset = _dataset(batch_size)
        self.call_overheads = []

    def __call__(self, steps):
        """Returns the steady-state steps/s over the last `steps` steps."""
        clock = _BatchClock()
        start = time.perf_counter()
        self.gan.fit(
            self.dataset,
            epochs=1,
            steps_per_epoch=steps + 1,
            verbose=0,
            callbacks=[clock],
        )
        total = time.perf_counter() - start
        in_steps = clock.times[-1] - clock.times[0]
        # Whatever the call took beyond its steps (at the same rate).
        self.call_overheads.append(total - in_steps * (steps + 1) / steps)
        return steps / in_steps


class BaselineRunner:
    """A minimal `tf.function` training step over the same networks."""

    def __init__(self, base_filters, batch_size, jit):
        self.generator, self.discriminator = _networks(base_filters, seed=0)
        self.d_optimizer, self.g_optimizer = _adam(), _adam()
        self.iterator = iter(_dataset(batch_size))
        self.seed = keras.random.SeedGenerator(0)
        self.step = tf.function(self._step, jit_compile=jit)

    def _step(self, real):
        G, D = self.generator, self.discriminator
        z = keras.random.normal((tf.shape(real)[0], LATENT_DIM), seed=self.seed)
        fake = G(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = tge.losses.non_saturating_discriminator_loss(
                D(real, training=True), D(fake, training=True)
            )
        grads = tape.gradient(d_loss, D.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, D.trainable_variables))
        z = keras.random.normal((tf.shape(real)[0], LATENT_DIM), seed=self.seed)
        with tf.GradientTape() as tape:
            g_loss = tge.losses.non_saturating_generator_loss(
                D(G(z, training=True), training=True)
            )
        grads = tape.gradient(g_loss, G.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, G.trainable_variables))
        return g_loss

    def __call__(self, steps):
        """Returns the steady-state steps/s over the last `steps` steps."""
        float(self.step(next(self.iterator)))
        start = time.perf_counter()
        for _ in range(steps):
            float(self.step(next(self.iterator)))  # wait for the step, as fit does
        return steps / (time.perf_counter() - start)


def measure(
    base_filters=64, batch_size=64, steps=30, repeats=3, jit_modes=(False, True)
):
    """Measures steps/s of fit and of the baseline, interleaved, per XLA mode.

    Returns:
        A list of dicts, one per XLA mode, with the median steps/s of each
        and their ratio.
    """
    rows = []
    for jit in jit_modes:
        runners = {
            "fit": FitRunner(base_filters, batch_size, jit),
            "baseline": BaselineRunner(base_filters, batch_size, jit),
        }
        for runner in runners.values():  # trace and compile, untimed
            runner(3)
        rates = {name: [] for name in runners}
        for _ in range(repeats):  # interleave so load changes hit both alike
            for name, runner in runners.items():
                rates[name].append(runner(steps))
        fit, base = (
            statistics.median(rates["fit"]),
            statistics.median(rates["baseline"]),
        )
        rows.append(
            {
                "xla": jit,
                "fit_steps_per_s": fit,
                "baseline_steps_per_s": base,
                "ratio": fit / base,
                "fit_call_overhead_s": statistics.median(runners["fit"].call_overheads),
                "fit_all": rates["fit"],
                "baseline_all": rates["baseline"],
            }
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    kind, device = describe_device()
    rows = measure(args.base_filters, args.batch_size, args.steps, args.repeats)
    print(
        f"\nDCGAN 32x32x1, batch {args.batch_size}, base_filters {args.base_filters}, "
        f"{args.steps} steps x {args.repeats} repeats (median), {device}"
    )
    print(
        "| XLA | fit steps/s | hand-written steps/s | ratio | fit per-call overhead |\n"
        "|---|---|---|---|---|"
    )
    for row in rows:
        print(
            f"| {'on' if row['xla'] else 'off'} | {row['fit_steps_per_s']:.2f} | "
            f"{row['baseline_steps_per_s']:.2f} | {row['ratio']:.3f} | "
            f"{row['fit_call_overhead_s']:.2f} s |"
        )
    out = Path(
        args.out or Path(__file__).parent / "results" / f"throughput_{kind}.json"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "throughput",
                "device": device,
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
                "batch_size": args.batch_size,
                "base_filters": args.base_filters,
                "steps": args.steps,
                "repeats": args.repeats,
                "rows": rows,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return rows


if __name__ == "__main__":
    main()
