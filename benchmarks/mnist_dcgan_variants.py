"""What moves the demo's DCGAN towards the MNIST quality bar: one change at a time.

Trains the demo's DCGAN (`tge.recipes.build_gan("mnist_5k", ...)`: 28x28
networks, batch normalization, non-saturating loss, Adam 2e-4 / beta_1 0.5,
batch 64, EMA 0.99, 40 epochs of the 4,000 `mnist_5k` training digits) with
one setting changed, and scores the sampling generator every 10 epochs on
1,000 fixed noise vectors (and on the same vectors scaled by 0.8, the
truncation trick) with the shipped MNIST classifier
(`tge.experiments.classifier_scores`): the fraction classified with
confidence >= 0.9 (the real held-out digits: 0.974; the bar: 0.75 times
that, 0.73), the FID in the classifier's features, and the rarest class.

    python benchmarks/mnist_dcgan_variants.py --name base
    python benchmarks/mnist_dcgan_variants.py --name augment --augment translation
    python benchmarks/mnist_dcgan_variants.py --name decay --decay
    python benchmarks/mnist_dcgan_variants.py --name r1 --r1 5 --normalization none
    python benchmarks/mnist_dcgan_variants.py --name batch32 --batch-size 32
    python benchmarks/mnist_dcgan_variants.py --name filters96 --filters 96

Each run prints one line per 10 epochs and adds (or replaces) its entry,
by name and seed, in the JSON file (default:
benchmarks/results/mnist_dcgan_variants.json). About 4 minutes per run on
an idle 2-core CPU.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _device  # noqa: E402, F401  (first: it imports tfgan_edu before TensorFlow)

# isort: split
import keras  # noqa: E402
import numpy as np  # noqa: E402
from _device import describe_machine, write_results  # noqa: E402

from tfgan_edu import data, recipes  # noqa: E402
from tfgan_edu.experiments.training import classifier_scores  # noqa: E402

TRAIN_DIGITS = 4000
TRUNCATIONS = (1.0, 0.8)


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True, help="the variant's name")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--ema", type=float, default=0.99, help="EMA decay")
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--d-learning-rate", type=float, default=None)
    parser.add_argument("--decay", action="store_true", help="linear decay to 0")
    parser.add_argument("--augment", default=None, help="DiffAugment policy")
    parser.add_argument("--loss", default="non_saturating")
    parser.add_argument("--label-smoothing", type=float, default=0.0)
    parser.add_argument("--r1", type=float, default=0.0, help="R1 gamma")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=64, help="base_filters")
    parser.add_argument(
        "--normalization", default="batch", choices=["batch", "layer", "none"]
    )
    parser.add_argument("--spectral-norm", action="store_true")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent / "results" / "mnist_dcgan_variants.json",
    )
    return parser.parse_args(argv)


def build(args: argparse.Namespace):
    """The demo's GAN with the variant's settings, compiled."""
    total_steps = args.epochs * (TRAIN_DIGITS // args.batch_size)
    rates = iter([args.d_learning_rate or args.learning_rate, args.learning_rate])

    def optimizer():  # called for D, then for G
        rate = next(rates)
        if args.decay:
            rate = keras.optimizers.schedules.PolynomialDecay(
                rate, total_steps, end_learning_rate=0.0
            )
        return keras.optimizers.Adam(rate, beta_1=0.5)

    recipes.DATASET_DEFAULTS["mnist_5k"] = dataclasses.replace(
        recipes.MNIST_5K_DEFAULTS, base_filters=args.filters
    )
    regularizers = {"r1_weight": args.r1} if args.r1 else {}
    return recipes.build_gan(
        "mnist_5k",
        latent_dim=recipes.MNIST_5K_DEFAULTS.latent_dim,
        seed=args.seed,
        normalization=None if args.normalization == "none" else args.normalization,
        spectral_norm=args.spectral_norm,
        optimizer=optimizer,
        loss=args.loss,
        ema_decay=args.ema,
        augment=args.augment,
        label_smoothing=args.label_smoothing,
        **regularizers,
    )


class Score(keras.callbacks.Callback):
    """Scores the sampling generator every 10 epochs and after the last."""

    def __init__(self, epochs: int, latent_dim: int):
        super().__init__()
        self.epochs = epochs
        self.noise = np.random.default_rng(123).standard_normal((1000, latent_dim))
        self.rows: list[dict] = []
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        epoch += 1
        if epoch % 10 and epoch != self.epochs:
            return
        row = {"epoch": epoch, "seconds": time.perf_counter() - self.start}
        for scale in TRUNCATIONS:
            z = (self.noise * scale).astype("float32")
            images = np.asarray(
                self.model.sampling_generator.predict(z, batch_size=250, verbose=0)
            )
            scores = classifier_scores(images, "mnist_5k")
            row[f"confident_{scale}"] = scores["confident_fraction"]
            row[f"fid_{scale}"] = scores["fid"]
            row[f"min_class_{scale}"] = scores["min_class_fraction"]
        self.rows.append(row)
        print(
            f"epoch {epoch:>3} ({row['seconds']:.0f} s): confident "
            f"{row['confident_1.0']:.3f}, FID {row['fid_1.0']:.2f}, rarest class "
            f"{row['min_class_1.0']:.3f}; truncated x0.8: confident "
            f"{row['confident_0.8']:.3f}",
            flush=True,
        )


def main(argv=None) -> dict:
    args = parse(argv)
    gan = build(args)
    dataset = data.load("mnist_5k", batch_size=args.batch_size, seed=args.seed)
    score = Score(args.epochs, gan.latent_dim)
    gan.fit(dataset, epochs=args.epochs, verbose=0, callbacks=[score])
    settings = {k: v for k, v in vars(args).items() if k != "out"}
    runs = []
    if args.out.exists():
        runs = json.loads(args.out.read_text())["runs"]
    runs = [r for r in runs if (r["name"], r["seed"]) != (args.name, args.seed)]
    runs.append(
        {
            "name": args.name,
            "seed": args.seed,
            "settings": settings,
            "rows": score.rows,
            "load_average": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d"),
        }
    )
    payload = {"machine": describe_machine(), "runs": runs}
    write_results(args.out, payload)
    return payload


if __name__ == "__main__":
    main()
