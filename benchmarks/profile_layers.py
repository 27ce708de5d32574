"""Where a DCGAN step's time goes: each layer's forward and backward pass, in
Keras on TensorFlow and in the PyTorch twins of `benchmarks/_torch_nets.py`.

The throughput benchmark compares whole steps; this script splits them. For
every layer of the DCGAN generator and discriminator (the throughput
workload: 32x32x1, base_filters 64, batch 64) it times, on a batch of the
layer's own input shape, the forward pass and the gradients with respect to
the input and the weights (the work a training step asks of it), in a
`tf.function` (XLA off, as the package's default on a CPU) and in PyTorch
eager, and prints the medians side by side with their share of the sum.
Layers that both frameworks hand to the same oneDNN kernels (convolutions,
matrix products) take about the same time; what is left for a framework to
win is the rest.

    python benchmarks/profile_layers.py [--repeats 20] [--out FILE]

Writes JSON (default benchmarks/results/profile_layers_cpu.json). Timings
need an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _device  # noqa: E402, F401  (first: it imports tfgan_edu before TensorFlow)

# isort: split
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _device import cpu_model, tensorflow_onednn, write_results  # noqa: E402
from throughput import _layers, workloads  # noqa: E402

# Layers whose arithmetic is a convolution or a matrix product.
GEMM_LAYERS = (
    "Dense",
    "Conv2D",
    "Conv2DTranspose",
    "Linear",
    "Conv2d",
    "ConvTranspose2d",
)


def _median_ms(fn, repeats):
    fn()  # traced / warmed
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def keras_rows(model, batch_size, repeats):
    """`[{"layer", "shape", "ms"}]`: forward + both gradients of each layer."""
    rows = []
    rng = np.random.default_rng(0)
    for layer in _layers(model):
        if isinstance(layer, keras.layers.InputLayer):
            continue
        shape = (batch_size, *layer.input.shape[1:])
        x = tf.constant(rng.uniform(-1, 1, shape).astype("float32"))
        weights = layer.trainable_variables

        @tf.function(jit_compile=False)
        def step(x, layer=layer, weights=weights):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = layer(x, training=True)
                loss = tf.reduce_sum(y * y)
            return tape.gradient(loss, [x, *weights])

        def run(step=step, x=x):
            for grad in step(x):
                grad.numpy() if grad is not None else None

        rows.append(
            {
                "layer": type(layer).__name__,
                "shape": list(layer.output.shape[1:]),
                "ms": _median_ms(run, repeats),
            }
        )
    return rows


def torch_rows(module, input_shape, batch_size, repeats):
    """The same for a PyTorch twin, layer by layer in its order of execution."""
    import torch

    layers = []
    hooks = [
        m.register_forward_hook(lambda m, i, o: layers.append((m, i[0].shape)))
        for m in module.modules()
        if not list(m.children())
    ]
    with torch.no_grad():
        module(torch.zeros((batch_size, *input_shape)))
    for hook in hooks:
        hook.remove()
    module.train()
    rows = []
    for layer, shape in layers:
        x = torch.empty(shape).uniform_(-1, 1).requires_grad_(True)
        weights = [p for p in layer.parameters() if p.requires_grad]

        def run(layer=layer, x=x, weights=weights):
            y = layer(x)
            torch.autograd.grad((y * y).sum(), [x, *weights])

        with torch.no_grad():
            out = layer(x)
        rows.append(
            {
                "layer": type(layer).__name__,
                "shape": list(out.shape[1:]),
                "ms": _median_ms(run, repeats),
            }
        )
    return rows


def summarize(rows):
    total = sum(r["ms"] for r in rows)
    gemm = sum(r["ms"] for r in rows if r["layer"] in GEMM_LAYERS)
    return {"total_ms": total, "gemm_ms": gemm, "gemm_share": gemm / total}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=None,
        help="PyTorch's threads (default: its own choice; 1 on a busy machine, "
        "where its OpenMP threads wait on each other)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "profile_layers_cpu.json",
    )
    args = parser.parse_args(argv)
    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    workload = workloads(dcgan_batch=args.batch_size)["dcgan"]
    generator, discriminator = workload.keras_networks()
    t_generator, t_discriminator = workload.torch_networks()
    h, w, c = workload.sample_shape
    nets = {
        "generator": (
            keras_rows(generator, args.batch_size, args.repeats),
            torch_rows(
                t_generator, (workload.latent_dim,), args.batch_size, args.repeats
            ),
        ),
        "discriminator": (
            keras_rows(discriminator, args.batch_size, args.repeats),
            torch_rows(t_discriminator, (c, h, w), args.batch_size, args.repeats),
        ),
    }
    payload = {
        "date": date.today().isoformat(),
        "device": f"{cpu_model()} x{os.cpu_count()} cores",
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "tensorflow_onednn": tensorflow_onednn(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "batch_size": args.batch_size,
        "repeats": args.repeats,
        "networks": {},
    }
    for name, (k_rows, t_rows) in nets.items():
        for framework, rows in (("Keras on TensorFlow", k_rows), ("PyTorch", t_rows)):
            print(f"\n{name}, {framework} (batch {args.batch_size}): median ms")
            print("| layer | output | forward + gradients, ms |")
            print("|---|---|---|")
            for row in rows:
                print(f"| {row['layer']} | {row['shape']} | {row['ms']:.2f} |")
        k_sum, t_sum = summarize(k_rows), summarize(t_rows)
        print(
            f"sum: TF {k_sum['total_ms']:.1f} ms ({k_sum['gemm_share']:.0%} in "
            f"convolutions and matrix products), PyTorch {t_sum['total_ms']:.1f} ms "
            f"({t_sum['gemm_share']:.0%}); TF convolutions / PyTorch's "
            f"{k_sum['gemm_ms'] / t_sum['gemm_ms']:.2f}, the rest "
            f"{(k_sum['total_ms'] - k_sum['gemm_ms']) / (t_sum['total_ms'] - t_sum['gemm_ms']):.2f}"
        )
        payload["networks"][name] = {
            "keras": k_rows,
            "torch": t_rows,
            "keras_summary": k_sum,
            "torch_summary": t_sum,
        }
    write_results(args.out, payload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
