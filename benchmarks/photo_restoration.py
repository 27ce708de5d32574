"""Pix2Pix against classical restoration on held-out photographs.

For x4 super-resolution, denoising at three noise levels (sigma = 0.05,
0.1, 0.2 of the [0, 1] range) and inpainting a 16 x 16 square, trains a
small residual U-Net (base 16 filters, depth 4) twice on random 64 x 64
crops of the training photographs, with pix2pix's loss (PatchGAN + 1000
L1, warm-started from the L1 solution) and with L1 alone, 800 steps of
batch 16 at rate 4e-3 each (`restoration.DEFAULT`), and scores both, the
classical methods (bicubic; non-local means, total variation and wavelet
denoising tuned on training crops; biharmonic inpainting) and the degraded
input on the 148 tiles of the held-out photographs: PSNR, SSIM and the
high-frequency power ratio (1.0 = as sharp as the truth). See
`tfgan_edu.experiments.restoration`.

    python benchmarks/photo_restoration.py [--smoke] [--out PATH]
        [--tasks super_resolution denoise inpaint] [--l1-weight 1000]
        [--learning-rate RATE] [--d-learning-rate RATE] [--[no-]warm-start]

About 20 minutes on the project's 2-core CPU. Prints a Markdown table and
writes JSON (default: benchmarks/results/photo_restoration.json; --smoke:
photo_restoration_smoke.json, seconds, numbers meaningless).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _device import describe_machine, write_results  # noqa: E402

from tfgan_edu.experiments import restoration  # noqa: E402

RESULTS = Path(__file__).parent / "results"


def markdown_table(rows: list[dict]) -> str:
    """The rows as a Markdown table, one line per setting and method."""
    lines = [
        "| task | setting | method | PSNR (dB) | SSIM | HF ratio | seconds |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        setting = next(
            f"{k}={row[k]}" for k in ("factor", "noise_std", "mask_size") if k in row
        )
        lines.append(
            f"| {row['task']} | {setting} | {row['method']} | {row['psnr']:.2f} | "
            f"{row['ssim']:.3f} | {row['hf_ratio']:.3f} | {row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="seconds-long run")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--tasks",
        nargs="+",
        default=None,
        help="run only the settings of these tasks (default: all)",
    )
    parser.add_argument(
        "--l1-weight", type=float, default=None, help="pix2pix's lambda (default 1000)"
    )
    parser.add_argument(
        "--learning-rate", type=float, default=None, help="G's (and D's) rate"
    )
    parser.add_argument(
        "--d-learning-rate", type=float, default=None, help="D's rate (default: G's)"
    )
    parser.add_argument(
        "--warm-start",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="pix2pix's generator starts from the trained L1-only U-Net",
    )
    args = parser.parse_args(argv)
    config = restoration.SMOKE if args.smoke else restoration.DEFAULT
    overrides = {
        "l1_weight": args.l1_weight,
        "learning_rate": args.learning_rate,
        "d_learning_rate": args.d_learning_rate,
        "warm_start": args.warm_start,
    }
    config = dataclasses.replace(
        config, **{k: v for k, v in overrides.items() if v is not None}
    )
    settings = tuple(
        s for s in restoration.SETTINGS if args.tasks is None or s["task"] in args.tasks
    )
    if args.smoke:
        payload = restoration.run_benchmark(config, settings, n_test=4, n_tune=2)
        out = args.out or RESULTS / "photo_restoration_smoke.json"
    else:
        payload = restoration.run_benchmark(config, settings, verbose=True)
        out = args.out or RESULTS / "photo_restoration.json"
    payload["machine"] = describe_machine()
    payload["load_average"] = os.getloadavg()
    payload["date"] = datetime.date.today().isoformat()
    print(markdown_table(payload["rows"]))
    print(f"{payload['seconds']:.0f} s in all, load average {payload['load_average']}")
    write_results(out, payload)
    return payload


if __name__ == "__main__":
    main()
