"""Training throughput of `GAN.fit`, a hand-written TF step and PyTorch.

Two workloads: `dcgan`, the 32x32x1 DCGAN of `tge.networks.dcgan_generator`
and `dcgan_discriminator` (latent 64, 64 base filters, batch 64, Adam(2e-4,
beta_1=0.5)), and `ring`, the MLP pair `tge.recipes.build_gan` builds for
2-D vectors (hidden units (128, 128), latent 16, batch 256, Adam(1e-3,
beta_1=0.5)); both with the non-saturating loss. Runners, TF ones with XLA
off and on:

- `fit`: `GAN.fit`, as a user trains;
- `fit_spe8`: `fit` with `compile(steps_per_execution=8)`;
- `fit_reuse`: `fit` with `compile(reuse_fakes=True)` (G's update reuses
  the D step's fakes: one G forward pass less);
- `fit_bf16`: `fit` with the networks built under
  `keras.mixed_precision.set_global_policy("mixed_bfloat16")` (the policy
  is reset to float32 afterwards);
- `fit_bf16_reuse`: both of the above;
- `fit_fused_bn`: `fit` with the DCGAN's batch normalization computed by
  TensorFlow's fused kernel (`fused_batch_norm=True` of the networks;
  `dcgan` only, the ring's MLPs have none);
- `hand_written`: the least a GAN step can do in a `tf.function`: noise,
  one D update, one G update on fresh noise, nothing logged;
- `torch_eager`, `torch_compile`, `torch_eager_bf16`: the same networks as
  PyTorch modules (`benchmarks/_torch_nets.py`), the same optimizers and
  losses, the standard two-pass step (D on real and detached fakes, then G
  on fresh noise); eager, with `torch.compile` on both networks, and eager
  under `torch.autocast("cpu", dtype=torch.bfloat16)`. Skipped, with a
  message, where PyTorch is missing; a `torch.compile` failure is recorded
  in its row.

Every runner is warmed up untimed (tracing, XLA or Inductor compilation),
then the runners take turns for `--repeats` rounds of `--steps` steps each
(so load changes hit all of them alike); a row reports the median steps/s
and keeps every value. Ratios are taken within the run: to `torch_eager`
(float32) of the same workload and to `hand_written` with the same XLA mode
(PyTorch rows count as XLA off).

FLOPs. The forward FLOPs of a network per sample, `F`, count the
multiply-adds of its `Dense`, `Conv2D` and `Conv2DTranspose` layers, 2 FLOPs
each: `2 * in * out` for `Dense`, `2 * H_out * W_out * kh * kw * C_in *
C_out` for `Conv2D`, `2 * H_in * W_in * kh * kw * C_in * C_out` for
`Conv2DTranspose` (biases, normalization and activations are left out). A
backward pass costs two forwards (input and weight gradients). One GAN step
on a batch of `B`:

    D step: G forward (F_G) + D forward and backward on real and fake (6 F_D)
    G step: G forward and backward (3 F_G) + D forward (F_D)
            + D's input gradient (F_D)
    FLOPs per step = B * (4 F_G + 8 F_D);  with reuse_fakes B * (3 F_G + 8 F_D)

A row's GFLOP/s is that count times its steps/s, and `gemm_fraction` its
share of the machine's float32 GEMM rate (`tf.matmul` of two 2048x2048
float32 matrices, median of a few runs; the bfloat16 rate is recorded too).

    python benchmarks/throughput.py [--workloads dcgan,ring] [--runners ...]
        [--steps 30] [--repeats 3] [--out FILE]

Prints a Markdown table per workload and writes JSON (default:
benchmarks/results/throughput_<cpu|gpu>.json).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import math
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _device  # noqa: E402, F401  (first: it imports tfgan_edu before TensorFlow)

# isort: split
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _device import (  # noqa: E402
    describe_device,
    describe_machine,
    tensorflow_onednn,
    write_results,
)

import tfgan_edu as tge  # noqa: E402

WORKLOADS = ("dcgan", "ring")
TF_RUNNERS = (
    "fit",
    "fit_spe8",
    "fit_reuse",
    "fit_bf16",
    "fit_bf16_reuse",
    "fit_fused_bn",
    "hand_written",
)
TORCH_RUNNERS = ("torch_eager", "torch_compile", "torch_eager_bf16")
RUNNERS = TF_RUNNERS + TORCH_RUNNERS
SPE = 8  # steps_per_execution of `fit_spe8`


@dataclasses.dataclass(frozen=True)
class Workload:
    """One network pair and its training settings."""

    name: str
    sample_shape: tuple
    latent_dim: int
    batch_size: int
    learning_rate: float
    base_filters: int = 64

    def keras_networks(self, seed=0, fused_batch_norm=False):
        """`(generator, discriminator)` from `tfgan_edu.networks`."""
        keras.utils.set_random_seed(seed)
        if self.name == "dcgan":
            return (
                tge.networks.dcgan_generator(
                    self.latent_dim,
                    self.sample_shape,
                    base_filters=self.base_filters,
                    fused_batch_norm=fused_batch_norm,
                ),
                tge.networks.dcgan_discriminator(
                    self.sample_shape,
                    base_filters=self.base_filters,
                    fused_batch_norm=fused_batch_norm,
                ),
            )
        # As `tge.recipes.build_gan` builds them for vectors.
        return (
            tge.networks.mlp_generator(
                self.latent_dim, self.sample_shape, hidden_units=(128, 128)
            ),
            tge.networks.mlp_discriminator(self.sample_shape, hidden_units=(128, 128)),
        )

    def torch_networks(self, seed=0):
        """The same networks as `torch.nn` modules (`_torch_nets`)."""
        import _torch_nets
        import torch

        torch.manual_seed(seed)
        if self.name == "dcgan":
            return (
                _torch_nets.DCGANGenerator(
                    self.latent_dim, self.sample_shape, self.base_filters
                ),
                _torch_nets.DCGANDiscriminator(self.sample_shape, self.base_filters),
            )
        return (
            _torch_nets.mlp_generator(self.latent_dim, self.sample_shape[0]),
            _torch_nets.mlp_discriminator(self.sample_shape[0]),
        )

    def samples(self, n_batches=8):
        """`n_batches` batches of uniform [-1, 1] "real" samples (NHWC), float32."""
        shape = (self.batch_size * n_batches, *self.sample_shape)
        return np.random.default_rng(0).uniform(-1, 1, shape).astype("float32")

    def dataset(self):
        return (
            tf.data.Dataset.from_tensor_slices(self.samples())
            .batch(self.batch_size, drop_remainder=True)
            .cache()
            .repeat()
            .prefetch(tf.data.AUTOTUNE)
        )


def workloads(dcgan_batch=64, ring_batch=256, base_filters=64):
    """The two workloads, by name."""
    return {
        "dcgan": Workload("dcgan", (32, 32, 1), 64, dcgan_batch, 2e-4, base_filters),
        "ring": Workload("ring", (2,), 16, ring_batch, 1e-3),
    }


# ------------------------------------------------------------------ FLOPs


def _layers(model):
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _layers(layer)
        else:
            yield layer


def forward_flops(model):
    """Forward FLOPs per sample of `model`'s Dense/Conv2D/Conv2DTranspose layers.

    Two FLOPs per multiply-add; biases, normalization and activations are
    left out. A wrapper (e.g. `SpectralNormalization`) counts as the layer
    it wraps. Channels-last convolutions.

    Args:
        model: a built functional `keras.Model` (nested models are counted).

    Returns:
        An int.

    Example:

    >>> forward_flops(keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)]))
    24
    """
    total = 0
    for layer in _layers(model):
        inner = getattr(layer, "layer", layer)
        counted = (
            keras.layers.Dense,
            keras.layers.Conv2D,
            keras.layers.Conv2DTranspose,
        )
        if not isinstance(inner, counted):  # (Conv2DTranspose is no Conv2D)
            continue
        in_shape, out_shape = layer.input.shape, layer.output.shape
        if isinstance(inner, keras.layers.Conv2DTranspose):
            kh, kw = inner.kernel_size
            total += (
                2 * in_shape[1] * in_shape[2] * kh * kw * in_shape[3] * out_shape[3]
            )
        elif isinstance(inner, keras.layers.Conv2D):
            kh, kw = inner.kernel_size
            c_in = in_shape[3] // inner.groups
            total += 2 * out_shape[1] * out_shape[2] * kh * kw * c_in * out_shape[3]
        else:
            rows = math.prod(in_shape[1:-1])
            total += 2 * rows * in_shape[-1] * inner.units
    return total


def step_flops(generator, discriminator, batch_size, reuse_fakes=False):
    """FLOPs of one GAN step: `B * (4 F_G + 8 F_D)`, `3 F_G` with `reuse_fakes`."""
    g_passes = 3 if reuse_fakes else 4
    return batch_size * (
        g_passes * forward_flops(generator) + 8 * forward_flops(discriminator)
    )


def gemm_gflops(dtype="float32", size=2048, runs=5):
    """Median GFLOP/s of `tf.matmul` of two `size x size` matrices of `dtype`."""
    rng = np.random.default_rng(0)
    a, b = (tf.cast(rng.standard_normal((size, size)), dtype) for _ in range(2))
    tf.matmul(a, b).numpy()  # warm-up
    start = time.perf_counter()
    tf.matmul(a, b).numpy()
    inner = max(1, int(0.2 / max(time.perf_counter() - start, 1e-9)))
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(inner):
            c = tf.matmul(a, b)
        c.numpy()
        rates.append(2 * size**3 * inner / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


# ---------------------------------------------------------------- runners


def _adam(workload):
    return keras.optimizers.Adam(workload.learning_rate, beta_1=0.5)


class _BatchClock(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


class FitRunner:
    """`GAN.fit` for one epoch; `steps_per_execution`, `reuse_fakes`, bf16, fused BN."""

    def __init__(
        self,
        workload,
        jit,
        spe=1,
        reuse_fakes=False,
        precision="float32",
        fused_batch_norm=False,
    ):
        self.spe = spe
        if precision == "mixed_bfloat16":
            keras.mixed_precision.set_global_policy("mixed_bfloat16")
        try:
            generator, discriminator = workload.keras_networks(
                fused_batch_norm=fused_batch_norm
            )
            self.gan = tge.GAN(
                generator, discriminator, latent_dim=workload.latent_dim, seed=0
            )
            self.gan.compile(
                _adam(workload),
                _adam(workload),
                loss="non_saturating",
                reuse_fakes=reuse_fakes,
                jit_compile=jit,
                steps_per_execution=spe,
            )
        finally:
            keras.mixed_precision.set_global_policy("float32")
        self.dataset = workload.dataset()

    def __call__(self, steps):
        """Returns the steps/s of the last `steps` (rounded up to `spe`) steps.

        The clock fires after each execution of `spe` steps; the first tick
        only starts it, so `steps + spe` steps run.
        """
        executions = math.ceil(steps / self.spe)
        total_steps = (executions + 1) * self.spe
        clock = _BatchClock()
        self.gan.fit(
            self.dataset,
            epochs=1,
            steps_per_epoch=total_steps,
            verbose=0,
            callbacks=[clock],
        )
        steps_per_tick = total_steps / len(clock.times)
        timed = (len(clock.times) - 1) * steps_per_tick
        return timed / (clock.times[-1] - clock.times[0])


class HandWrittenRunner:
    """A minimal `tf.function` training step over the same networks."""

    def __init__(self, workload, jit):
        self.latent_dim = workload.latent_dim
        self.generator, self.discriminator = workload.keras_networks()
        self.d_optimizer, self.g_optimizer = _adam(workload), _adam(workload)
        self.iterator = iter(workload.dataset())
        self.seed = keras.random.SeedGenerator(0)
        self.step = tf.function(self._step, jit_compile=jit)

    def _step(self, real):
        G, D = self.generator, self.discriminator
        z = keras.random.normal((tf.shape(real)[0], self.latent_dim), seed=self.seed)
        fake = G(z, training=True)
        with tf.GradientTape() as tape:
            d_loss = tge.losses.non_saturating_discriminator_loss(
                D(real, training=True), D(fake, training=True)
            )
        grads = tape.gradient(d_loss, D.trainable_variables)
        self.d_optimizer.apply_gradients(zip(grads, D.trainable_variables))
        z = keras.random.normal((tf.shape(real)[0], self.latent_dim), seed=self.seed)
        with tf.GradientTape() as tape:
            g_loss = tge.losses.non_saturating_generator_loss(
                D(G(z, training=True), training=True)
            )
        grads = tape.gradient(g_loss, G.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, G.trainable_variables))
        return g_loss

    def __call__(self, steps):
        """Returns the steps/s over `steps` steps after one untimed step."""
        float(self.step(next(self.iterator)))
        start = time.perf_counter()
        for _ in range(steps):
            float(self.step(next(self.iterator)))  # wait for the step, as fit does
        return steps / (time.perf_counter() - start)


class TorchRunner:
    """The same GAN step in PyTorch: `mode` is "eager", "compile" or "eager_bf16"."""

    def __init__(self, workload, mode, threads=None):
        import torch

        self.torch = torch
        torch.set_num_threads(threads or os.cpu_count())
        G, D = workload.torch_networks()
        self.generator, self.discriminator = G, D
        if mode == "compile":
            G, D = torch.compile(G), torch.compile(D)
        self.G, self.D = G, D
        # Keras' Adam: beta_2 0.999, epsilon 1e-7.
        self.g_optimizer, self.d_optimizer = (
            torch.optim.Adam(
                net.parameters(), workload.learning_rate, betas=(0.5, 0.999), eps=1e-7
            )
            for net in (self.generator, self.discriminator)
        )
        samples = workload.samples()
        if samples.ndim == 4:
            samples = samples.transpose(0, 3, 1, 2)  # NHWC -> NCHW
        self.batches = torch.from_numpy(np.ascontiguousarray(samples)).split(
            workload.batch_size
        )
        self.batch_size, self.latent_dim = workload.batch_size, workload.latent_dim
        self.bf16 = mode == "eager_bf16"
        self.ones = torch.ones(workload.batch_size, 1)
        self.zeros = torch.zeros(workload.batch_size, 1)
        self.index = 0

    def _autocast(self):
        return self.torch.autocast("cpu", dtype=self.torch.bfloat16, enabled=self.bf16)

    def step(self, real):
        torch, bce = (
            self.torch,
            self.torch.nn.functional.binary_cross_entropy_with_logits,
        )
        G, D = self.G, self.D
        # D on real and detached fakes (no graph through G is recorded).
        z = torch.randn(self.batch_size, self.latent_dim)
        with self._autocast():
            with torch.no_grad():
                fake = G(z)
            real_logits, fake_logits = D(real).float(), D(fake).float()
            d_loss = bce(real_logits, self.ones) + bce(fake_logits, self.zeros)
        self.d_optimizer.zero_grad()
        d_loss.backward()
        self.d_optimizer.step()
        # G on fresh noise, through the updated D; only G's gradients.
        z = torch.randn(self.batch_size, self.latent_dim)
        with self._autocast():
            g_loss = bce(D(G(z)).float(), self.ones)
        self.g_optimizer.zero_grad()
        g_loss.backward(inputs=list(self.generator.parameters()))
        self.g_optimizer.step()
        return g_loss.item()  # waits for the step, as the TF runners do

    def __call__(self, steps):
        """Returns the steps/s over `steps` steps after one untimed step."""
        batches = self.batches

        def next_batch():
            self.index = (self.index + 1) % len(batches)
            return batches[self.index]

        self.step(next_batch())
        start = time.perf_counter()
        for _ in range(steps):
            self.step(next_batch())
        return steps / (time.perf_counter() - start)


def _make(name, workload, jit, torch_threads=None):
    """`(runner, row fields)` of runner `name` (TF runners: with XLA `jit`)."""
    fields = {
        "runner": name,
        "xla": jit,
        "steps_per_execution": 1,
        "precision": "float32",
        "reuse_fakes": False,
        "fused_batch_norm": False,
    }
    if name == "fit":
        return FitRunner(workload, jit), fields
    if name == "fit_spe8":
        fields["steps_per_execution"] = SPE
        return FitRunner(workload, jit, spe=SPE), fields
    if name == "fit_reuse":
        fields["reuse_fakes"] = True
        return FitRunner(workload, jit, reuse_fakes=True), fields
    if name == "fit_bf16":
        fields["precision"] = "mixed_bfloat16"
        return FitRunner(workload, jit, precision="mixed_bfloat16"), fields
    if name == "fit_bf16_reuse":
        fields["precision"] = "mixed_bfloat16"
        fields["reuse_fakes"] = True
        runner = FitRunner(workload, jit, precision="mixed_bfloat16", reuse_fakes=True)
        return runner, fields
    if name == "fit_fused_bn":
        fields["fused_batch_norm"] = True
        return FitRunner(workload, jit, fused_batch_norm=True), fields
    if name == "hand_written":
        return HandWrittenRunner(workload, jit), fields
    mode = name.removeprefix("torch_")
    fields["precision"] = "bfloat16 autocast" if mode == "eager_bf16" else "float32"
    return TorchRunner(workload, mode, torch_threads), fields


def bf16_dtypes(workload):
    """Dtypes under `mixed_bfloat16`: G's output, D's logits, the losses.

    Builds the networks under the policy (then resets it to float32) and
    runs them on one batch.
    """
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        G, D = workload.keras_networks()
    finally:
        keras.mixed_precision.set_global_policy("float32")
    z = keras.random.normal((workload.batch_size, workload.latent_dim), seed=0)
    fake = G(z, training=True)
    fake_logits = D(fake, training=True)
    real_logits = D(workload.samples(1), training=True)
    return {
        "generator_output": str(fake.dtype.name),
        "discriminator_logits": str(fake_logits.dtype.name),
        "d_loss": str(
            tge.losses.non_saturating_discriminator_loss(
                real_logits, fake_logits
            ).dtype.name
        ),
        "g_loss": str(tge.losses.non_saturating_generator_loss(fake_logits).dtype.name),
    }


def measure(workload, runners=RUNNERS, steps=30, repeats=3, torch_threads=None):
    """Steps/s of each runner on `workload`, warmed up, then interleaved.

    Args:
        workload: a `Workload`.
        runners: names from `RUNNERS`. Defaults to all.
        steps: timed steps per round. Defaults to 30.
        repeats: rounds. Defaults to 3.
        torch_threads: `torch.set_num_threads` of the PyTorch runners.
            Defaults to `None`: `os.cpu_count()`.

    Returns:
        A list of row dicts (runner, xla, steps_per_execution, precision,
        reuse_fakes, steps_per_s, all, error) in the order of `runners`,
        each TF runner with XLA off then on.
    """
    entries = []  # (runner or None, fields)
    torch_missing = None
    for name in runners:
        if name == "fit_fused_bn" and workload.name != "dcgan":
            continue  # no batch normalization to fuse
        if name in TORCH_RUNNERS:
            if torch_missing is None:
                try:
                    import torch  # noqa: F401

                    torch_missing = ""
                except ImportError as error:
                    torch_missing = f"PyTorch is missing ({error}): skipped"
                    print(torch_missing)
            jits = (False,)
        else:
            jits = (False, True)
        for jit in jits:
            if name in TORCH_RUNNERS and torch_missing:
                entries.append((None, {"runner": name, "error": torch_missing}))
                continue
            runner, fields = _make(name, workload, jit, torch_threads)
            try:
                runner(1)  # trace and compile, untimed
            except Exception as error:  # torch.compile can fail on a machine
                if name != "torch_compile":
                    raise
                print(f"{workload.name} {name}: {type(error).__name__}: {error}")
                fields["error"] = f"{type(error).__name__}: {error}"[:2000]
                runner = None
            entries.append((runner, fields))
    rates = [[] for _ in entries]
    for _ in range(repeats):  # interleave so load changes hit all alike
        for (runner, _), values in zip(entries, rates, strict=True):
            if runner is not None:
                values.append(runner(steps))
    rows = []
    for (_, fields), values in zip(entries, rates, strict=True):
        row = {
            "runner": fields["runner"],
            "xla": fields.get("xla", False),
            "steps_per_execution": fields.get("steps_per_execution", 1),
            "precision": fields.get("precision", "float32"),
            "reuse_fakes": fields.get("reuse_fakes", False),
            "fused_batch_norm": fields.get("fused_batch_norm", False),
            "steps_per_s": statistics.median(values) if values else None,
            "all": values,
        }
        if "error" in fields:
            row["error"] = fields["error"]
        rows.append(row)
    return rows


def _add_ratios_and_flops(workload, rows, gemm):
    G, D = workload.keras_networks()
    torch_eager = next(
        (r["steps_per_s"] for r in rows if r["runner"] == "torch_eager"), None
    )
    hand = {r["xla"]: r["steps_per_s"] for r in rows if r["runner"] == "hand_written"}
    for row in rows:
        rate = row["steps_per_s"]
        flops = step_flops(G, D, workload.batch_size, row["reuse_fakes"])
        row["workload"] = workload.name
        row["ratio_to_torch_eager"] = (
            rate / torch_eager if rate and torch_eager else None
        )
        reference = hand.get(row["xla"])
        row["ratio_to_hand_written"] = rate / reference if rate and reference else None
        row["gflop_per_step"] = flops / 1e9
        row["gflops"] = flops / 1e9 * rate if rate else None
        row["gemm_fraction"] = row["gflops"] / gemm if rate else None


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def _print_table(workload, rows, title):
    print(f"\n{title}")
    print(
        "| runner | XLA | spe | precision | reuse fakes | steps/s (median) | all "
        "| vs torch eager | vs hand-written | GFLOP/step | GFLOP/s | of fp32 GEMM |"
    )
    print("|---" * 12 + "|")
    for r in rows:
        values = ", ".join(f"{v:.2f}" for v in r["all"]) or r.get("error", "")[:60]
        print(
            f"| {r['runner']} | {'on' if r['xla'] else 'off'} "
            f"| {r['steps_per_execution']} | {r['precision']} "
            f"| {'yes' if r['reuse_fakes'] else 'no'} "
            f"| {_fmt(r['steps_per_s'], '.2f')} | {values} "
            f"| {_fmt(r['ratio_to_torch_eager'], '.2f')} "
            f"| {_fmt(r['ratio_to_hand_written'], '.2f')} "
            f"| {r['gflop_per_step']:.4f} | {_fmt(r['gflops'], '.2f')} "
            f"| {_fmt(r['gemm_fraction'], '.1%')} |"
        )


def _subset(parser, value, allowed, option):
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names or any(name not in allowed for name in names):
        parser.error(
            f"Expected a comma-separated subset of {', '.join(allowed)}. "
            f"Received: {option}={value!r}"
        )
    return names


def main(argv=None):
    """Runs the benchmark; returns the JSON payload it writes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--runners", default=",".join(RUNNERS))
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dcgan-batch-size", type=int, default=64)
    parser.add_argument("--ring-batch-size", type=int, default=256)
    parser.add_argument("--base-filters", type=int, default=64)
    parser.add_argument("--gemm-size", type=int, default=2048)
    # On a loaded machine PyTorch's OpenMP threads can wait on each other
    # (100x slower steps measured on 2 busy cores): `1` there.
    parser.add_argument("--torch-threads", type=int, default=os.cpu_count())
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)
    names = _subset(parser, args.workloads, WORKLOADS, "--workloads")
    runners = _subset(parser, args.runners, RUNNERS, "--runners")

    kind, device = describe_device()
    gemm = {
        dtype: gemm_gflops(dtype, args.gemm_size) for dtype in ("float32", "bfloat16")
    }
    print(
        f"GEMM {args.gemm_size}x{args.gemm_size}: float32 {gemm['float32']:.1f} "
        f"GFLOP/s, bfloat16 {gemm['bfloat16']:.1f} GFLOP/s"
    )
    defined = workloads(args.dcgan_batch_size, args.ring_batch_size, args.base_filters)
    rows, dtypes = [], {}
    for name in names:
        workload = defined[name]
        if {"fit_bf16", "fit_bf16_reuse"} & set(runners):
            dtypes[name] = bf16_dtypes(workload)
        workload_rows = measure(
            workload, runners, args.steps, args.repeats, args.torch_threads
        )
        _add_ratios_and_flops(workload, workload_rows, gemm["float32"])
        _print_table(
            workload,
            workload_rows,
            f"{name}: batch {workload.batch_size}"
            + (f", base_filters {workload.base_filters}" if name == "dcgan" else "")
            + f", {args.steps} steps x {args.repeats} repeats (median), {device}",
        )
        rows += workload_rows
    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    payload = {
        "benchmark": "throughput",
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "device": device,
        "machine": describe_machine(),
        "tensorflow": tf.__version__,
        "tensorflow_onednn": tensorflow_onednn(),
        "keras": keras.__version__,
        "torch": torch_version,
        "settings": {
            "workloads": names,
            "runners": runners,
            "steps": args.steps,
            "repeats": args.repeats,
            "batch_size": {n: defined[n].batch_size for n in names},
            "base_filters": args.base_filters,
            "gemm_size": args.gemm_size,
            "torch_threads": args.torch_threads,
            "threads": {
                k: os.environ.get(k)
                for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
            },
        },
        "gemm_gflops": gemm,
        "mixed_bfloat16_dtypes": dtypes,
        "rows": rows,
    }
    out = Path(
        args.out or Path(__file__).parent / "results" / f"throughput_{kind}.json"
    )
    write_results(out, payload)
    return payload


if __name__ == "__main__":
    main()
