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
        [--seeds 0 1 2] [--tasks super_resolution denoise inpaint]
        [--l1-weight 1000] [--learning-rate RATE] [--d-learning-rate RATE]
        [--[no-]warm-start] [--steps 800]

With `--seeds`, runs everything once per seed (`TrainConfig.seed`: the
networks' initial weights, the training crops and their degradations; the
classical methods, deterministic, are recomputed each time); every row
gets its `seed`, and `summary` (`restoration.summarize`) gives per task,
setting and method the mean and sample std over seeds of PSNR, SSIM and
the HF ratio, and, for the networks, on how many seeds they beat the input
and the best classical method. A seed's rows do not depend on the seeds run
before it: `restoration.train_networks` seeds everything from
`TrainConfig.seed`.

About 20 minutes per seed on the project's 2-core CPU. Prints a Markdown
table per seed and one of the summary, and writes JSON after each seed
(default: benchmarks/results/photo_restoration.json; --smoke:
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


def _setting(row: dict) -> str:
    return next(
        f"{k}={row[k]}" for k in ("factor", "noise_std", "mask_size") if k in row
    )


def markdown_table(rows: list[dict]) -> str:
    """The rows as a Markdown table, one line per seed, setting and method."""
    lines = [
        "| task | setting | seed | method | PSNR (dB) | SSIM | HF ratio | seconds |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['task']} | {_setting(row)} | {row.get('seed', '')} | "
            f"{row['method']} | {row['psnr']:.2f} | {row['ssim']:.3f} | "
            f"{row['hf_ratio']:.3f} | {row['seconds']:.1f} |"
        )
    return "\n".join(lines)


def summary_table(summary: list[dict]) -> str:
    """`restoration.summarize`'s rows as Markdown: mean ± sample std over seeds."""

    def cell(row, metric, digits):
        mean, std = row[f"{metric}_mean"], row[f"{metric}_std"]
        return f"{mean:.{digits}f}" + ("" if std is None else f" ± {std:.{digits}f}")

    lines = [
        "| task | setting | method | seeds | PSNR (dB) | SSIM | HF ratio | "
        "beats input | beats best classical |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in summary:
        beats = [row.get(k) for k in ("beats_input", "beats_best_classical")]
        beats = ["" if b is None else f"{b}/{row['n_seeds']}" for b in beats]
        lines.append(
            f"| {row['task']} | {_setting(row)} | {row['method']} | "
            f"{row['n_seeds']} | {cell(row, 'psnr', 2)} | {cell(row, 'ssim', 3)} | "
            f"{cell(row, 'hf_ratio', 3)} | {beats[0]} | {beats[1]} |"
        )
    return "\n".join(lines)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="seconds-long run")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=[0],
        help="run everything once per seed (default: 0)",
    )
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
    parser.add_argument(
        "--steps", type=int, default=None, help="steps per network (default 800)"
    )
    args = parser.parse_args(argv)
    if len(set(args.seeds)) < len(args.seeds):
        parser.error(f"Expected distinct seeds. Received: --seeds {args.seeds}")
    config = restoration.SMOKE if args.smoke else restoration.DEFAULT
    overrides = {
        "steps": args.steps,
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
        options = {"n_test": 4, "n_tune": 2}
        out = args.out or RESULTS / "photo_restoration_smoke.json"
    else:
        options = {"verbose": True}
        out = args.out or RESULTS / "photo_restoration.json"
    payload = {"rows": [], "seeds": []}
    for seed in args.seeds:
        run = restoration.run_benchmark(
            dataclasses.replace(config, seed=seed), settings, **options
        )
        rows = [{**row, "seed": seed} for row in run.pop("rows")]
        print(f"seed {seed}:")
        print(markdown_table(rows), flush=True)
        seconds = payload.get("seconds", 0.0) + run.pop("seconds")
        # The classical methods do not depend on the seed: the same `params`.
        payload |= run
        payload["rows"] += rows
        payload["seeds"].append(seed)
        payload["seconds"] = seconds
        # The configuration every seed shares, `seed` aside (see `seeds`).
        payload["config"] = dataclasses.asdict(config)
        payload["summary"] = restoration.summarize(payload["rows"])
        payload["machine"] = describe_machine()
        payload["load_average"] = os.getloadavg()
        payload["date"] = datetime.date.today().isoformat()
        write_results(out, payload)  # after every seed: partial results survive
    print(summary_table(payload["summary"]))
    print(f"{payload['seconds']:.0f} s in all, load average {payload['load_average']}")
    return payload


if __name__ == "__main__":
    main()
