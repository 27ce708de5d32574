"""The `tfgan-edu` command: a thin layer over `tfgan_edu.experiments`.

tfgan-edu train --data ring --loss non_saturating --epochs 30 --out runs/ring
tfgan-edu demo [--out demo_output]
tfgan-edu exercises [--chapter N] [--write DIR]
tfgan-edu grade NOTEBOOK.ipynb [--out report.json] [--chapter N] [--timeout S]
tfgan-edu grade NOTEBOOK.ipynb --language zh_CN
tfgan-edu grade NOTEBOOK.ipynb --gradescope [results.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tfgan_edu.losses import FAMILIES

# The demo: the ring (30 epochs of an MLP pair) and a DCGAN on the 4,000
# real MNIST training digits (40 epochs = 5,000 steps of batch 32: on seed
# 0, twice the steps of batch 64 in the same epochs lifted the confident
# fraction from 0.658 to 0.699 and FID from 6.40 to 5.57,
# benchmarks/mnist_dcgan_variants.py); on the 2-core Xeon VM, otherwise
# idle, 5,000 steps trained in 260 s (benchmarks/results/
# mnist_dcgan_idle_seed0.json). Quality over seeds: benchmarks/mnist_dcgan.py,
# benchmarks/results/mnist_dcgan.json. `batch_size`
# `None` is the dataset's default; `smoke_n` is the number of training
# examples in smoke mode (one epoch).
DEMO_RUNS = (
    {
        "data": "ring",
        "epochs": 30,
        "batch_size": None,
        "sample_every": 6,
        "smoke_n": 2560,
    },
    {
        "data": "mnist_5k",
        "epochs": 40,
        "batch_size": 32,
        "sample_every": 8,
        "smoke_n": 512,
    },
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
        "demo",
        help="train the default GANs on the ring and on real MNIST digits",
    )
    demo.add_argument("--out", default="demo_output", help="output folder")
    demo.add_argument("--quiet", action="store_true", help="no progress output")

    exercises = sub.add_parser(
        "exercises", help="list the graded exercises, or write their notebooks"
    )
    exercises.add_argument("--chapter", type=int, default=None, help="one chapter only")
    exercises.add_argument(
        "--write",
        metavar="DIR",
        default=None,
        help="write the exercise notebooks into DIR",
    )

    grade = sub.add_parser(
        "grade", help="run a submitted exercise notebook and write a JSON score report"
    )
    grade.add_argument("notebook", help="the submitted .ipynb file")
    grade.add_argument(
        "--out", default=None, help="the JSON report to write (default: print it)"
    )
    grade.add_argument(
        "--chapter",
        type=int,
        default=None,
        help="grade this chapter's exercises (default: the notebook's metadata)",
    )
    grade.add_argument(
        "--timeout", type=float, default=900.0, help="seconds for all cells (900)"
    )
    grade.add_argument(
        "--cell-timeout", type=float, default=120.0, help="seconds per cell (120)"
    )
    grade.add_argument(
        "--check-timeout",
        type=float,
        default=60.0,
        help="seconds per call of a student's function while checking (60)",
    )
    grade.add_argument(
        "--language",
        default=None,
        help="language of the exercises' feedback: en or zh_CN (default: "
        "$TFGAN_EDU_LANGUAGE, else en)",
    )
    grade.add_argument(
        "--gradescope",
        nargs="?",
        metavar="PATH",
        const="/autograder/results/results.json",
        default=None,
        help="also write Gradescope's results.json (default PATH: "
        "/autograder/results/results.json)",
    )
    grade.add_argument(
        "--visibility",
        default="visible",
        choices=("visible", "hidden", "after_due_date", "after_published"),
        help="Gradescope visibility of the tests (visible)",
    )
    return parser


def _report(result, out) -> None:
    print(f"  samples:  {result.paths['samples']}")
    print(f"  losses:   {result.paths['losses']}")
    print(f"  metrics:  {result.paths['metrics']}")
    print(f"  model:    {result.paths['model']}")
    for key, value in result.metrics.items():
        if isinstance(value, float):
            value = f"{value:.4g}"
        elif isinstance(value, list):
            value = " ".join(f"{v:.3g}" for v in value)
        print(f"  {key}: {value}")


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
            batch_size=run["batch_size"],
            out_dir=out / data,
            sample_every=1 if smoke else run["sample_every"],
            n=run["smoke_n"] if smoke else None,
            verbose=0 if args.quiet else "auto",
        )
        _report(results[data], out / data)
    ring, digits = results["ring"].metrics, results["mnist_5k"].metrics
    print(
        f"[demo] done in {time.perf_counter() - start:.0f} s. Pictures are in "
        f"{out.resolve()}/ (ring/samples.png, mnist_5k/samples.png, */losses.png, "
        "*/samples/)."
    )
    print(
        f"[demo] ring mode coverage: {ring['modes']} of 8 modes captured, "
        f"{ring['high_quality']:.0%} of samples high quality, "
        f"reverse KL {ring['reverse_kl']:.3f}."
    )
    print(
        f"[demo] MNIST digits: FID {digits['fid']:.2f} in the MNIST classifier's "
        f"features (real train vs test: {digits['fid_real_floor']:.2f}); "
        f"{digits['confident_fraction']:.0%} of samples classified with "
        f"confidence >= 0.9 (real test digits: "
        f"{digits['real_confident_fraction']:.0%}); rarest class "
        f"{digits['min_class_fraction']:.1%} of samples."
    )
    return 0


def _exercises(args) -> int:
    from tfgan_edu import exercises
    from tfgan_edu.exercises.notebook import write_notebooks

    if args.write:
        chapters = None if args.chapter is None else [args.chapter]
        for path in write_notebooks(args.write, chapters=chapters):
            print(path)
        return 0
    print(exercises.list(chapter=args.chapter))
    return 0


def _grade(args) -> int:
    import json

    from tfgan_edu.exercises._core import resolve_language
    from tfgan_edu.exercises.grading import (
        grade_notebook,
        write_gradescope,
        write_report,
    )

    try:
        language = resolve_language(args.language)
    except ValueError as error:
        print(f"tfgan-edu grade: {error}", file=sys.stderr)
        return 2
    report = grade_notebook(
        args.notebook,
        chapter=args.chapter,
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        check_timeout=args.check_timeout,
        language=language,
    )
    for exercise in report["exercises"]:
        print(exercise["message"].splitlines()[0], file=sys.stderr)
    print(
        f"Score: {report['score']} of {report['max_score']} "
        f"({report['seconds']:.0f} s)"
        + (f"; {report['error']}" if "error" in report else ""),
        file=sys.stderr,
    )
    if args.gradescope:
        write_gradescope(report, args.gradescope, visibility=args.visibility)
    if args.out:
        write_report(report, args.out)
    else:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tfgan-edu` command.

    Args:
        argv: arguments without the program name. Defaults to `sys.argv[1:]`.

    Returns:
        The process exit status.
    """
    args = _parser().parse_args(argv)
    commands = {
        "train": _train,
        "demo": _demo,
        "exercises": _exercises,
        "grade": _grade,
    }
    return commands[args.command](args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
