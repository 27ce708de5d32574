"""Chapter 3's budget: class control of the three conditional GANs vs steps.

Trains `tge.experiments.chapters.conditional_gan(kind, (32, 32, 1))` for
each of chapter 3's kinds on `mnist_5k` (train split, 4,000 labelled digits,
batch 64: 62 steps per epoch) and, after every `--every` epochs, prints the
fraction of 100 samples per class that the shipped MNIST classifier
(`"mnist_logits"`) labels as the requested class, the weakest class, the
relative within-class diversity and the training seconds so far (wall time,
so it depends on what else runs on the machine).

    python benchmarks/chapter3_budget.py [--epochs 12] [--every 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu.experiments import chapters  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--every", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spectral-norm", action="store_true")
    parser.add_argument(
        "--normalization", default="layer", choices=["layer", "batch", "none"]
    )
    parser.add_argument(
        "--grids", default=None, help="folder for a sample grid per check"
    )
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--kinds", nargs="+", default=list(chapters.CONDITIONAL_KINDS))
    args = parser.parse_args(argv)
    ds = tge.data.load(
        "mnist_5k",
        batch_size=64,
        split="train",
        with_labels=True,
        image_size=32,
        seed=args.seed,
    )
    real = tge.metrics.features.dataset_arrays("mnist_5k", "test")  # (images, labels)
    print(f"{args}", flush=True)
    print(f"{int(ds.cardinality())} steps per epoch; load {os.getloadavg()[0]:.1f}")
    print(
        "| model | epochs | steps | train s | judged as requested | weakest class | diversity |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind in args.kinds:
        gan = chapters.conditional_gan(
            kind,
            (32, 32, 1),
            seed=args.seed,
            normalization=None if args.normalization == "none" else args.normalization,
            spectral_norm=args.spectral_norm,
            learning_rate=args.learning_rate,
        )
        seconds = 0.0
        for end in range(args.every, args.epochs + 1, args.every):
            start = time.perf_counter()
            gan.fit(ds, initial_epoch=end - args.every, epochs=end, verbose=0)
            seconds += time.perf_counter() - start
            r = chapters.class_control(gan, 100, real=real)
            if args.grids:
                os.makedirs(args.grids, exist_ok=True)
                fig = tge.viz.plot_images(
                    gan.generate(100, seed=1), ncols=10, title=kind
                )
                tge.viz.save_figure(
                    fig, os.path.join(args.grids, f"{kind}_{end:03d}.png")
                )
            weakest = int(np.argmin(r["per_class_accuracy"]))
            print(
                f"| {kind} | {end} | {end * int(ds.cardinality())} | {seconds:.0f} "
                f"| {r['accuracy']:.3f} | {weakest} ({r['per_class_accuracy'][weakest]:.2f}) "
                f"| {r['diversity']:.2f} |",
                flush=True,
            )
    print(
        f"real test digits judged correctly: {r['real_accuracy']:.3f}; load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
