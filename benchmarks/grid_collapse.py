"""Mode collapse on the grid of 25 Gaussians, and PacGAN packing as its cure.

A generator that learns ten times faster than its discriminator (Adam 1e-3
against 1e-4, both beta_1 = 0.5) chases the discriminator's current
favourite region and collapses. The same GAN with a packed discriminator
(PacGAN, 4 samples per decision) sees the missing diversity. Both are
`tge.experiments.demos.mlp_gan` (MLP 128x128, latent 16, non-saturating),
trained with `tge.experiments.sweep` on `grid` for every seed.

    python benchmarks/grid_collapse.py [--epochs 10] [--seeds 0 1 2] [--max-workers 2]

Prints a Markdown table (mean and sample standard deviation over the
seeds) and writes JSON (default: benchmarks/results/grid_collapse.json).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _device import describe_machine, write_results  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu.experiments import demos  # noqa: E402

SETTINGS = {"learning_rate": 1e-4, "g_learning_rate": 1e-3}
METRICS = ["modes", "high_quality", "reverse_kl", "final_diversity"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--max-workers", type=int, default=2)
    parser.add_argument("--work-dir", default="tfgan_edu_runs/grid_collapse")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    grid = [{**SETTINGS, "pack": 1}, {**SETTINGS, "pack": 4}]
    start = time.perf_counter()
    table = tge.experiments.sweep(
        demos.mlp_gan,
        grid,
        seeds=args.seeds,
        data="grid",
        epochs=args.epochs,
        out_dir=args.work_dir,
        max_workers=args.max_workers,
    )
    seconds = time.perf_counter() - start

    print(
        f"\nGrid of 25, {args.epochs} epochs x 195 batches of 128, D lr 1e-4, "
        f"G lr 1e-3, seeds {args.seeds}"
    )
    print("| pack | " + " | ".join(METRICS) + " | modes per seed |")
    print("|---" * (len(METRICS) + 2) + "|")
    rows = []
    for pack in (1, 4):
        cells = table[table["pack"] == pack]
        row = {"pack": pack, "modes_per_seed": [int(m) for m in cells["modes"]]}
        for metric in METRICS:
            row[f"{metric}_mean"] = float(cells[metric].mean())
            row[f"{metric}_std"] = float(cells[metric].std(ddof=1))
        rows.append(row)
        print(
            f"| {pack} | "
            + " | ".join(
                f"{row[f'{m}_mean']:.3g} ± {row[f'{m}_std']:.2g}" for m in METRICS
            )
            + f" | {row['modes_per_seed']} |"
        )
    out = Path(args.out or Path(__file__).parent / "results" / "grid_collapse.json")
    columns = ["pack", "seed", *METRICS, "diverged", "failed", "error", "seconds"]
    write_results(
        out,
        {
            "description": __doc__.split("\n\n")[1].replace("\n", " "),
            "settings": SETTINGS,
            "epochs": args.epochs,
            "batch_size": 128,
            "seeds": args.seeds,
            "summary": rows,
            "cells": table[columns].to_dict(orient="records"),
            "wall_seconds_this_call": seconds,
            "machine": describe_machine(),
        },
    )


if __name__ == "__main__":
    main()
