"""Where a DCGAN step's time goes on each backend: the GAN step against plain Keras.

For the DCGAN of `benchmarks/backends.py` (28x28, 64 base filters, latent
64, batch 64), each backend (in its own process) times:

- `gan`: one `tge.GAN.fit` step (a D update and a G update through D);
- `g_only`: plain `keras.Model.fit` of the generator alone on an MSE loss
  (one forward and backward pass of G);
- `d_only`: plain `keras.Model.fit` of the discriminator alone on a
  logistic loss (one forward and backward pass of D on 64 images).

A GAN step runs G forward twice and backward once, and D forward three
times and backward twice, so `gan / (g_only + 2 * d_only)` near 1 says the
package adds nothing, and the plain-Keras columns say what the backend's
kernels cost. (On JAX on a CPU, the generator's transposed convolutions
dominate: see the printed table.)

    python benchmarks/backend_overhead.py [--backends tensorflow,jax,torch]

Writes `benchmarks/results/backend_overhead.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

STEPS = 6


def _worker():
    import keras
    import numpy as np

    import tfgan_edu as tge

    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (64 * (STEPS + 2), 28, 28, 1)).astype("float32")
    z = rng.standard_normal((len(images), 64)).astype("float32")

    def per_step(model, *data):
        model.fit(*(d[:128] for d in data), batch_size=64, epochs=1, verbose=0)
        start = time.perf_counter()
        model.fit(*(d[128:] for d in data), batch_size=64, epochs=1, verbose=0)
        return (time.perf_counter() - start) / STEPS

    def nets():
        return (
            tge.networks.dcgan_generator(64, (28, 28, 1), base_filters=64),
            tge.networks.dcgan_discriminator((28, 28, 1), base_filters=64),
        )

    gan = tge.GAN(*nets(), latent_dim=64, seed=0)
    gan.compile(d_optimizer="adam", g_optimizer="adam")
    generator, discriminator = nets()
    generator.compile(optimizer="adam", loss="mse")
    discriminator.compile(
        optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True)
    )
    ones = np.ones((len(images), 1), "float32")
    result = {
        "backend": keras.backend.backend(),
        "gan": per_step(gan, images),
        "g_only": per_step(generator, z, images),
        "d_only": per_step(discriminator, images, ones),
    }
    result["ratio"] = result["gan"] / (result["g_only"] + 2 * result["d_only"])
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax,torch")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker()
    rows = []
    for backend in args.backends.split(","):
        env = dict(
            os.environ,
            KERAS_BACKEND=backend,
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            TF_CPP_MIN_LOG_LEVEL="2",
        )
        out = subprocess.run(
            [sys.executable, __file__, "--worker"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(
        f"{'backend':10} {'gan ms':>8} {'G only ms':>10} {'D only ms':>10} {'gan/(G+2D)':>11}"
    )
    for r in rows:
        print(
            f"{r['backend']:10} {1e3 * r['gan']:8.0f} {1e3 * r['g_only']:10.0f} "
            f"{1e3 * r['d_only']:10.0f} {r['ratio']:11.2f}"
        )
    load = os.getloadavg()
    print(f"load average {load[0]:.1f}, {os.cpu_count()} CPUs")
    out = Path(__file__).parent / "results" / "backend_overhead.json"
    out.write_text(json.dumps({"rows": rows, "load": load}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
