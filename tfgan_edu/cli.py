"""The `tfgan-edu` command: a thin layer over `tfgan_edu.experiments`.

tfgan-edu train --data ring --loss non_saturating --epochs 30 --out runs/ring
tfgan-edu demo [--out demo_output]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tfgan_edu.losses import FAMILIES

# The demo's budget: at most 3 minutes on 2 CPU cores, both models included.
DEMO_RUNS = (
    {"data": "ring", "epochs": 30, "sample_every": 6},
    {"data": "digits", "epochs": 40, "sample_every": 8},
)


def _parser() -> argparse.ArgumentParser:
    from tfgan_edu.recipes import DATA_SHAPES
    from tfgan_edu.recipes import NAMES as RECIPES

    parser = argparse.ArgumentParser(
        prog="tfgan-edu",
        description="Train GANs with Keras on built-in data and write pictures.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train one GAN and write its report")
    train.add_argument("--data", default="ring", choices=sorted(DATA_SHAPES))
    train.add_argument("--loss", default="non_saturating", choices=sorted(FAMILIES))
    train.add_argument(
        "--recipe",
        default=None,
        choices=RECIPES,
        help="train a named recipe (its loss and settings) instead of the default GAN",
    )
    train.add_argument("--epochs", type=int, default=30)
    train.add_argument("--out", default="tfgan_edu_runs/run", help="output folder")
    train.add_argument("--batch-size", type=int, default=None)
    train.add_argument("--latent-dim", type=int, default=None)
    train.add_argument("--learning-rate", type=float, default=None)
    train.add_argument("--d-steps", type=int, default=1)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--quiet", action="store_true", help="no progress output")

    demo = sub.add_parser(
        "demo", help="train the default models on the ring and on digits (< 3 min)"
    )
    demo.add_argument("--out", default="demo_output", help="output folder")
    demo.add_argument("--quiet", action="store_true", help="no progress output")
    return parser


def _report(result, out) -> None:
    print(f"  samples:  {result.paths['samples']}")
    print(f"  losses:   {result.paths['losses']}")
    print(f"  metrics:  {result.paths['metrics']}")
    print(f"  model:    {result.paths['model']}")
    for key, value in result.metrics.items():
        print(
            f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}"
        )


def _train(args) -> int:
    from tfgan_edu.experiments import train

    what = f"the {args.recipe} recipe" if args.recipe else f"a {args.loss} GAN"
    print(f"Training {what} on {args.data} for {args.epochs} epochs...")
    result = train(
        args.data,
        loss=args.loss,
        recipe=args.recipe,
        epochs=args.epochs,
        out_dir=args.out,
        batch_size=args.batch_size,
        latent_dim=args.latent_dim,
        learning_rate=args.learning_rate,
        d_steps=args.d_steps,
        seed=args.seed,
        verbose=0 if args.quiet else "auto",
    )
    print(f"Done in {result.seconds:.1f} s. Wrote {Path(args.out).resolve()}:")
    _report(result, args.out)
    return 0


def _demo(args) -> int:
    from tfgan_edu.experiments import smoke_mode, train

    start = time.perf_counter()
    out = Path(args.out)
    smoke = smoke_mode()
    results = {}
    for run in DEMO_RUNS:
        data = run["data"]
        epochs = 1 if smoke else run["epochs"]
        print(f"[demo] non-saturating GAN on {data}, {epochs} epochs")
        results[data] = train(
            data,
            epochs=epochs,
            out_dir=out / data,
            sample_every=1 if smoke else run["sample_every"],
            n=2560 if smoke else None,
            verbose=0 if args.quiet else "auto",
        )
        _report(results[data], out / data)
    ring = results["ring"].metrics
    print(
        f"[demo] done in {time.perf_counter() - start:.0f} s. Pictures are in "
        f"{out.resolve()}/ (ring/samples.png, digits/samples.png, */losses.png, "
        "*/samples/)."
    )
    print(
        f"[demo] ring mode coverage: {ring['modes']} of 8 modes captured, "
        f"{ring['high_quality']:.0%} of samples high quality, "
        f"reverse KL {ring['reverse_kl']:.3f}."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tfgan-edu` command.

    Args:
        argv: arguments without the program name. Defaults to `sys.argv[1:]`.

    Returns:
        The process exit status.
    """
    args = _parser().parse_args(argv)
    if args.command == "train":
        return _train(args)
    return _demo(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
