"""Seconds of training until a result a student can see, per seed.

Two targets, each trained with the package's defaults (what
`tge.experiments.default_gan` and `make demo` use), scored while training
(the scoring time is not counted) and stopped as soon as it passes:

- `ring`: the 8-mode ring; passes when `tge.metrics.mode_coverage` of 2,500
  samples finds all 8 modes and at least half the samples high quality
  (within 3 standard deviations of a mode). Scored after every epoch.
- `mnist_5k`: the demo's DCGAN on the 4,000 real training digits (batch 32,
  EMA 0.99); passes when 1,000 samples pass `tge.metrics.quality_bar`
  (classified confidently at least 0.75 times as often as real held-out
  digits, every class at least 5%). Scored every 4 epochs, up to the demo's
  40 epochs.

The seconds count everything a student waits for in `fit`: tracing and
compiling the step, the data pipeline, the updates and Keras' per-step
work; not the scoring. A run that never passes reports `null` seconds and
its best score.

    python benchmarks/time_to_result.py [--targets ring mnist_5k] [--seeds 0 1 2]
        [--config NAME KEY=VALUE ...]

`--merge` keeps the other targets' and settings' results already in the
JSON file (a result of the same target and setting is replaced), so slow
targets can be timed in runs of their own; it refuses, before training, a
file of another machine or other seeds. `--config` adds a setting to compare with the defaults, e.g.
`--config reuse reuse_fakes=true` or `--config spe8 steps_per_execution=8`
or `--config bf16 precision=mixed_bfloat16` (keys: `jit_compile`,
`steps_per_execution`, `reuse_fakes`, `precision`). Prints a table and writes
JSON (default: benchmarks/results/time_to_result.json), which
`benchmarks/readme_speed.py` turns into the README's speed section.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _device  # noqa: E402, F401  (first: it imports tfgan_edu before TensorFlow)

# isort: split
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _device import describe_machine, write_results  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu import cli, recipes  # noqa: E402
from tfgan_edu.experiments.training import classifier_scores  # noqa: E402

MNIST_DEMO = next(run for run in cli.DEMO_RUNS if run["data"] == "mnist_5k")
RING_SAMPLES, DIGIT_SAMPLES = 2500, 1000
SETTING_KEYS = ("jit_compile", "steps_per_execution", "reuse_fakes", "precision")


def _ring_score(gan):
    stats = tge.metrics.mode_coverage(gan.generate(RING_SAMPLES, seed=0), "ring")
    return {
        "passed": stats["modes"] == 8 and stats["high_quality"] >= 0.5,
        "modes": int(stats["modes"]),
        "high_quality": float(stats["high_quality"]),
    }


def _mnist_score(gan):
    images = np.asarray(gan.generate(DIGIT_SAMPLES, seed=0), dtype="float32")
    scores = classifier_scores(images, "mnist_5k")
    return {
        "passed": bool(scores["passed_quality_bar"]),
        "relative_confidence": float(scores["relative_confidence"]),
        "min_class_fraction": float(scores["min_class_fraction"]),
        "fid": float(scores["fid"]),
    }


# name: (dataset, batch size, epochs at most, score every n epochs, scorer)
TARGETS = {
    "ring": ("ring", recipes.defaults_for("ring").batch_size, 40, 1, _ring_score),
    "mnist_5k": (
        "mnist_5k",
        MNIST_DEMO["batch_size"],
        MNIST_DEMO["epochs"],
        4,
        _mnist_score,
    ),
}


class Milestone(keras.callbacks.Callback):
    """Scores the model every `every` epochs; stops training once it passes.

    `seconds` counts the time spent in `fit` outside the scoring.
    """

    def __init__(self, score, every, steps_per_epoch):
        super().__init__()
        self.score, self.every, self.steps_per_epoch = score, every, steps_per_epoch
        self.rows, self.reached = [], None

    def on_train_begin(self, logs=None):
        self.seconds = 0.0
        self.mark = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self.mark
        if (epoch + 1) % self.every == 0 or epoch + 1 == self.params["epochs"]:
            row = {
                "epoch": epoch + 1,
                "steps": (epoch + 1) * self.steps_per_epoch,
                "seconds": self.seconds,
                **self.score(self.model),
            }
            self.rows.append(row)
            if row["passed"] and self.reached is None:
                self.reached = row
                self.model.stop_training = True
        self.mark = time.perf_counter()


def run(target, seed, settings):
    """Trains `target` with `settings` from `seed` until it passes or runs out.

    Returns:
        A dict: the seed, the settings, `seconds` and `steps` to the first
        passing score (`None` if none passed), and every score taken.
    """
    data, batch_size, epochs, every, score = TARGETS[target]
    precision = settings.get("precision", "float32")
    keras.mixed_precision.set_global_policy(precision)
    try:
        gan = tge.experiments.default_gan(data, seed=seed)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    options = {
        key: settings[key]
        for key in ("jit_compile", "steps_per_execution")
        if key in settings
    }
    if options or "reuse_fakes" in settings:
        config = gan.get_compile_config()
        config.update(options)
        if "reuse_fakes" in settings:
            config["reuse_fakes"] = settings["reuse_fakes"]
        gan.compile_from_config(config)
    dataset = tge.data.load(data, batch_size=batch_size, seed=seed)
    steps_per_epoch = int(dataset.cardinality())
    milestone = Milestone(score, every, steps_per_epoch)
    gan.fit(dataset, epochs=epochs, verbose=0, callbacks=[milestone])
    reached = milestone.reached
    return {
        "seed": seed,
        "jit_compile": bool(gan.jit_compile),
        "steps_per_execution": int(gan.steps_per_execution),
        "reuse_fakes": bool(gan.reuse_fakes),
        "precision": precision,
        "seconds": None if reached is None else reached["seconds"],
        "steps": None if reached is None else reached["steps"],
        "scores": milestone.rows,
    }


def _parse_config(values):
    name, *pairs = values
    settings = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or key not in SETTING_KEYS:
            raise SystemExit(
                f"Expected KEY=VALUE with KEY one of {SETTING_KEYS}. Received: {pair!r}"
            )
        if key == "precision":
            settings[key] = value
        elif key == "steps_per_execution":
            settings[key] = int(value)
        else:
            settings[key] = value.lower() in ("1", "true", "yes", "on")
    return name, settings


def summarize(runs):
    """Median seconds to pass over the seeds (`None` unless all passed)."""
    seconds = [r["seconds"] for r in runs]
    passed = [s for s in seconds if s is not None]
    return {
        "passed": len(passed),
        "seeds": len(runs),
        "median_seconds": statistics.median(seconds)
        if len(passed) == len(runs)
        else None,
        "max_seconds": max(passed) if len(passed) == len(runs) else None,
        "median_steps": (
            statistics.median(r["steps"] for r in runs)
            if len(passed) == len(runs)
            else None
        ),
    }


def _mergeable(out, seeds):
    """The results in `out`, if this run may merge into them, else exits.

    Checked before any training: a merge keeps rows of the same machine
    (the file names one) and the same seeds only.
    """
    previous = json.loads(out.read_text())
    if previous.get("machine") != describe_machine():
        raise SystemExit(
            f"Expected the machine of {out} ({previous.get('machine')}) with "
            f"--merge: its rows would be labelled with this one. Received: "
            f"{describe_machine()}; write to another --out"
        )
    if previous.get("seeds") != seeds:
        raise SystemExit(
            f"Expected the seeds of {out} ({previous.get('seeds')}) with "
            f"--merge. Received: --seeds {seeds}"
        )
    return previous


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--targets", nargs="+", default=list(TARGETS), choices=list(TARGETS)
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument(
        "--config",
        nargs="+",
        action="append",
        default=[],
        metavar="NAME [KEY=VALUE ...]",
        help="a setting to time besides the defaults",
    )
    parser.add_argument("--no-defaults", action="store_true", help="time only --config")
    parser.add_argument(
        "--merge", action="store_true", help="keep the file's other results"
    )
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "time_to_result.json")
    )
    args = parser.parse_args(argv)
    configs = [] if args.no_defaults else [("defaults", {})]
    configs += [_parse_config(values) for values in args.config]
    out = Path(args.out)
    previous = _mergeable(out, args.seeds) if args.merge and out.exists() else None

    results = []
    for target in args.targets:
        for name, settings in configs:
            runs = []
            for seed in args.seeds:
                result = run(target, seed, settings)
                runs.append(result)
                best = result["scores"][-1]
                shown = (
                    "not reached"
                    if result["seconds"] is None
                    else f"{result['seconds']:.1f} s"
                )
                print(
                    f"{target} {name} seed {seed}: {shown} "
                    f"({best['steps']} steps, last score "
                    f"{ {k: v for k, v in best.items() if k not in ('epoch', 'steps', 'seconds')} })",
                    flush=True,
                )
            results.append(
                {
                    "target": target,
                    "config": name,
                    "settings": settings,
                    "runs": runs,
                    **summarize(runs),
                }
            )
    print("\n| target | config | passed | median s | max s | median steps |")
    print("|---|---|---|---|---|---|")
    for row in results:
        med = "-" if row["median_seconds"] is None else f"{row['median_seconds']:.1f}"
        top = "-" if row["max_seconds"] is None else f"{row['max_seconds']:.1f}"
        steps = "-" if row["median_steps"] is None else f"{row['median_steps']:.0f}"
        print(
            f"| {row['target']} | {row['config']} | {row['passed']}/{row['seeds']} "
            f"| {med} | {top} | {steps} |"
        )
    if previous is not None:
        ours = {(r["target"], r["config"]) for r in results}
        results = [
            r for r in previous["results"] if (r["target"], r["config"]) not in ours
        ] + results
    payload = {
        "benchmark": "time_to_result",
        "date": datetime.datetime.now(datetime.timezone.utc).date().isoformat(),
        "machine": describe_machine(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "seeds": args.seeds,
        "results": results,
    }
    write_results(out, payload)
    return payload


if __name__ == "__main__":
    main()
