"""The demo's DCGAN on real MNIST digits: time and quality over seeds.

Trains `tge.experiments.train("mnist_5k", epochs=...)`, the setting of
`tfgan-edu demo` (`tfgan_edu.cli.DEMO_RUNS`), once per seed and scores 1,000
samples with `tge.experiments.classifier_scores`: the FID in the shipped
MNIST classifier's features against the 1,000 held-out digits (beside the
real train-vs-test floor), the fraction of samples classified with
confidence >= 0.9 against that of the real held-out digits, and the rarest
class. A seed passes when `tge.metrics.quality_bar` says so (confident at least
0.75 times as often as the real held-out digits, every class >= 5%).

    python benchmarks/mnist_dcgan.py [--seeds 0 1 2] [--epochs N] [--keep DIR]

Prints a Markdown table and writes JSON (default:
benchmarks/results/mnist_dcgan.json). Train seconds are wall time of
`fit` (XLA compilation and the sample pictures included), so they depend
on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _device import describe_machine, write_results  # noqa: E402

from tfgan_edu import cli, experiments, recipes  # noqa: E402

DEMO = next(run for run in cli.DEMO_RUNS if run["data"] == "mnist_5k")
TRAIN_DIGITS = 4000  # mnist_5k's training split


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=DEMO["epochs"])
    parser.add_argument(
        "--out",
        default=str(Path(__file__).parent / "results" / "mnist_dcgan.json"),
    )
    parser.add_argument(
        "--keep", default=None, help="keep each seed's run folder under this folder"
    )
    args = parser.parse_args(argv)
    settings = recipes.defaults_for("mnist_5k")
    batch_size = DEMO["batch_size"] or settings.batch_size
    steps = args.epochs * (TRAIN_DIGITS // batch_size)
    rows = []
    print(
        "| seed | steps | train s | steps/s | FID | floor | confident | real | min class | pass |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            result = experiments.train(
                "mnist_5k",
                epochs=args.epochs,
                batch_size=batch_size,
                out_dir=Path(args.keep or tmp) / f"seed_{seed}",
                seed=seed,
                sample_every=DEMO["sample_every"],
                verbose=0,
            )
        scores = result.metrics
        row = {
            "seed": seed,
            "steps": steps,
            "train_seconds": result.seconds,
            **scores,
        }
        rows.append(row)
        print(
            f"| {seed} | {steps} | {result.seconds:.0f} | {steps / result.seconds:.1f} "
            f"| {scores['fid']:.2f} | {scores['fid_real_floor']:.2f} "
            f"| {scores['confident_fraction']:.3f} "
            f"| {scores['real_confident_fraction']:.3f} "
            f"| {scores['min_class_fraction']:.3f} | {scores['passed_quality_bar']} |",
            flush=True,
        )
        write_results(  # after every seed, so a long run leaves its results
            Path(args.out),
            {
                "machine": describe_machine(),
                "date": time.strftime("%Y-%m-%d"),
                "settings": {
                    **dataclasses.asdict(settings),
                    "batch_size": batch_size,
                    "epochs": args.epochs,
                    "steps": steps,
                },
                "runs": rows,
            },
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
