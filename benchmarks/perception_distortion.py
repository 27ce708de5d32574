"""Pix2Pix's perception-distortion trade-off over its L1 weight lambda.

For x4 super-resolution or denoising at `noise_std` 0.2 (sigma = 0.1 of
the [0, 1] range), trains the small residual U-Net of
`benchmarks/photo_restoration.py` once with L1 alone
(`restoration.DEFAULT`: 800 steps of batch 16 at rate 4e-3), then, for
each lambda, a Pix2Pix (PatchGAN + lambda * L1) warm-started from it on
the same batches, and scores the degraded input, the L1-only U-Net and
every Pix2Pix on the 148 tiles of the held-out photographs: PSNR, SSIM
and the high-frequency power ratio (1.0 = as sharp as the truth). The
trade-off (Blau and Michaeli, 2018): a smaller lambda should buy
sharpness (HF ratio towards, or past, 1) with PSNR. See
`tfgan_edu.experiments.restoration.perception_distortion`.

    python benchmarks/perception_distortion.py [--smoke] [--out PATH]
        [--task super_resolution|denoise] [--l1-weights 100 300 1000 3000]
        [--seed 0]

About (1 + number of lambdas) x 2 minutes on the project's 2-core CPU.
Prints a Markdown table and writes JSON (default:
benchmarks/results/perception_distortion.json; --smoke:
perception_distortion_smoke.json, seconds, numbers meaningless).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import math
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _device import describe_machine, write_results  # noqa: E402

from tfgan_edu.experiments import restoration  # noqa: E402

RESULTS = Path(__file__).parent / "results"
DEGRADATIONS = {"super_resolution": {"factor": 4}, "denoise": {"noise_std": 0.2}}
"""Each task's degradation, as in `restoration.SETTINGS`."""


def markdown_table(rows: list[dict]) -> str:
    """The rows as a Markdown table, one line per method and lambda."""
    lines = [
        "| method | lambda (L1 weight) | PSNR (dB) | SSIM | HF ratio | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        weight = "" if row["l1_weight"] is None else f"{row['l1_weight']:g}"
        lines.append(
            f"| {row['method']} | {weight} | {row['psnr']:.2f} | {row['ssim']:.3f} | "
            f"{row['hf_ratio']:.3f} | {row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="seconds-long run")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--task", choices=sorted(DEGRADATIONS), default="super_resolution"
    )
    parser.add_argument(
        "--l1-weights",
        type=float,
        nargs="+",
        default=[100.0, 300.0, 1000.0, 3000.0],
        help="pix2pix's lambdas (default: 100 300 1000 3000)",
    )
    parser.add_argument("--seed", type=int, default=0, help="TrainConfig.seed")
    args = parser.parse_args(argv)
    config = restoration.SMOKE if args.smoke else restoration.DEFAULT
    config = dataclasses.replace(config, seed=args.seed)
    degradation = DEGRADATIONS[args.task]
    if args.smoke:
        n_test = 4
        out = args.out or RESULTS / "perception_distortion_smoke.json"
    else:
        n_test = None
        out = args.out or RESULTS / "perception_distortion.json"
    start = time.perf_counter()
    table = restoration.perception_distortion(
        args.task, config, tuple(args.l1_weights), n_test=n_test, **degradation
    )
    rows = [
        {
            k: None if isinstance(v, float) and math.isnan(v) else v
            for k, v in row.items()
        }
        for row in table.to_dict("records")
    ]
    payload = {
        "task": args.task,
        **degradation,
        "l1_weights": args.l1_weights,
        "rows": rows,
        # `l1_weight` and `warm_start` are not read: see `l1_weights`.
        "config": dataclasses.asdict(config),
        "train_photos": list(restoration.photos.TRAIN_PHOTOS),
        "test_photos": list(restoration.photos.TEST_PHOTOS),
        "test_tiles": len(restoration.photos.held_out_patches()[1][:n_test]),
        "seconds": time.perf_counter() - start,
        "machine": describe_machine(),
        "load_average": os.getloadavg(),
        "date": datetime.date.today().isoformat(),
    }
    print(f"{args.task} {degradation}, seed {args.seed}:")
    print(markdown_table(rows))
    print(f"{payload['seconds']:.0f} s in all, load average {payload['load_average']}")
    write_results(out, payload)
    return payload


if __name__ == "__main__":
    main()
