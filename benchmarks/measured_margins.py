"""The spread over seeds behind the margins of the suite's measured tests.

A measured test trains or samples with a fixed seed and compares a number
with a threshold. The seed makes it repeatable on one machine, but another
CPU rounds differently (oneDNN picks its kernels by CPU) and a training run
then takes another path, much as another seed would. So each threshold must
hold over a spread of seeds, not only on the seed the test uses. This
script repeats each test's measurement with the test's procedure for every
seed given (the test's own seed replaced), and prints, per measurement and
checked value, the values per seed, the threshold, and the smallest margin
(value minus threshold for a lower bound, threshold minus value for an
upper one; negative where a seed breaks it).

    python benchmarks/measured_margins.py [--only NAME ...] [--seeds 0 1 2 3 4]

Writes JSON (default benchmarks/results/measured_margins.json), updated after
each measurement, so that a partial run keeps what it measured; the rows of
seeds not measured again are kept (each row names its date and machine),
and `--report`
prints the table of the file, its checks recomputed with the thresholds
written here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import _device  # noqa: E402, F401  (first: it imports tfgan_edu before TensorFlow)

# isort: split
import keras  # noqa: E402
import numpy as np  # noqa: E402
from _device import describe_machine, write_results  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu import experiments, recipes  # noqa: E402
from tfgan_edu.experiments import evaluation_demos as demos  # noqa: E402
from tfgan_edu.metrics.kernel_distance import kid_from_features  # noqa: E402
from tfgan_edu.metrics.precision_recall import (  # noqa: E402
    density_coverage,
    precision_recall,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests import test_recipes_measured  # noqa: E402, I001
from tests.models import test_conditional_gan  # noqa: E402
from tests.models import test_translation_measured as translation  # noqa: E402
from tests.models import test_vae_measured  # noqa: E402


@dataclasses.dataclass(frozen=True)
class Check:
    """The test's `value <op> threshold`, `op` one of `<`, `<=`, `>`, `>=`, `==`."""

    value: str
    op: str
    threshold: float

    def holds(self, measured: float) -> bool:
        return {
            "<": measured < self.threshold,
            "<=": measured <= self.threshold,
            ">": measured > self.threshold,
            ">=": measured >= self.threshold,
            "==": measured == self.threshold,
        }[self.op]

    def margin(self, measured: float) -> float:
        """How far `measured` is from breaking the check (negative: broken)."""
        if self.op == "==":
            return -abs(measured - self.threshold) or 0.0
        if self.op in (">", ">="):
            return measured - self.threshold
        return self.threshold - measured


@dataclasses.dataclass(frozen=True)
class Measurement:
    test: str
    measure: object  # seed -> {value name: number}
    checks: tuple[Check, ...]


# ------------------------------------------------------------ NumPy only


def kid_same_vs_shifted(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(200, 16)), rng.normal(size=(200, 16))
    same = kid_from_features(a, b, num_subsets=10, subset_size=100)
    shifted = kid_from_features(a, b + 0.5, num_subsets=10, subset_size=100)
    return {
        "abs(same) / same std": abs(same.mean) / same.std,
        "shifted / shifted std": shifted.mean / shifted.std,
        "shifted / (abs(same) + same std)": shifted.mean / (abs(same.mean) + same.std),
    }


def pr_one_distribution(seed):
    rng = np.random.default_rng(seed)
    real, fake = rng.normal(size=(1500, 2)), rng.normal(size=(1500, 2))
    pr, dc = precision_recall(real, fake), density_coverage(real, fake)
    return {
        **pr,
        "abs(density - 1)": abs(dc["density"] - 1.0),
        "coverage": dc["coverage"],
    }


def pr_mode_collapse(seed):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    real = centres[rng.integers(0, 4, 800)] + rng.normal(size=(800, 2))
    fake = centres[0] + rng.normal(size=(800, 2))
    pr, dc = precision_recall(real, fake), density_coverage(real, fake)
    return {**pr, "abs(coverage - 0.25)": abs(dc["coverage"] - 0.25)}


def ring_generators_demo(seed):
    real, gens = demos.ring_generators(800, seed=seed)
    table = demos.score_feature_sets(real, gens, modes=True)
    return {
        "collapsed modes": table.loc["collapsed", "modes"],
        "good modes": table.loc["good", "modes"],
        "collapsed precision": table.loc["collapsed", "precision"],
        "collapsed recall": table.loc["collapsed", "recall"],
        "noisy recall": table.loc["noisy", "recall"],
        "noisy precision": table.loc["noisy", "precision"],
    }


def _mnist_test():
    return demos.split_arrays("mnist_5k", "test")[0]


def rank_generators_demo(seed):
    x = _mnist_test()
    reference = tge.metrics.get_extractor("mnist")(x[:600])
    samples = {
        "noisy": demos.noisy_images(x[600:800], 0.5, seed=seed),
        "real": x[800:1000],
    }
    table = demos.rank_generators(samples, reference, kid_subsets=3)
    return {
        "noisy FID - real FID": table.loc["noisy", "FID"] - table.loc["real", "FID"],
        "real precision - noisy precision": table.loc["real", "precision"]
        - table.loc["noisy", "precision"],
    }


def confidence_selection_demo(seed):
    x = _mnist_test()
    pool = np.concatenate([x[500:700], demos.noisy_images(x[700:900], 0.8, seed=seed)])
    pool = pool[np.random.default_rng(seed).permutation(len(pool))]
    reference = tge.metrics.get_extractor("mnist")(x[:500])
    table = demos.confidence_selection(pool, reference, 100, factors=(1, 4))
    return {
        "precision gain of best 100 of 400": table.loc["best 100 of 400", "precision"]
        - table.loc["best 100 of 100", "precision"]
    }


# ------------------------------------------------------------ trained


def _reset(seed):
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(seed)


def domain_classifier_invert(seed):
    _reset(seed)
    train_a, train_b = tge.data.unpaired_arrays("digits", "invert", split="train")
    a, b = tge.data.unpaired_arrays("digits", "invert", split="test")
    classifier = tge.metrics.train_domain_classifier(
        train_a[:320], train_b[:320], epochs=1, batch_size=16, seed=seed
    )
    return {
        "A recognized as A": tge.metrics.domain_accuracy(classifier, a, "a"),
        "B recognized as B": tge.metrics.domain_accuracy(classifier, b, "b"),
        "A taken for B": tge.metrics.domain_accuracy(classifier, a, "b"),
    }


def vae_digits(seed):
    _reset(seed)
    test = test_vae_measured._digits("test")
    vae = experiments.default_vae("digits", seed=seed)
    vae.fit(tge.data.load("digits", batch_size=64, seed=seed), epochs=10, verbose=0)
    logs = vae.evaluate(test, batch_size=120, verbose=0, return_dict=True)
    return {
        "held-out MSE": float(np.mean((vae.reconstruct(test) - test) ** 2)),
        "held-out KL": float(logs["kl"]),
    }


def ring_modes(build):
    """Modes and high-quality fraction of `build("ring")` after 30 epochs of batch 128."""

    def measure(seed):
        _reset(seed)
        gan = build("ring", seed=seed)
        gan.fit(tge.data.load("ring", batch_size=128, seed=seed), epochs=30, verbose=0)
        coverage = tge.metrics.mode_coverage(gan.generate(2500, seed=seed), "ring")
        return {"modes": coverage["modes"], "high quality": coverage["high_quality"]}

    return measure


def cyclegan_thicken(seed):
    _reset(seed)
    task = "thicken"
    train_a, train_b = tge.data.unpaired_arrays("digits", task, split="train")
    test_a, test_b = tge.data.unpaired_arrays("digits", task, split="test")
    judge = tge.metrics.train_domain_classifier(train_a, train_b, seed=seed)
    real = min(
        tge.metrics.domain_accuracy(judge, test_a, "a"),
        tge.metrics.domain_accuracy(judge, test_b, "b"),
    )
    keras.utils.set_random_seed(seed)
    model = translation.small_cyclegan(seed=seed)
    model.fit(
        tge.data.unpaired("digits", task, batch_size=32, seed=seed), epochs=3, verbose=0
    )
    return {
        "real A and B recognized (the lower)": real,
        "A->B recognized as B": tge.metrics.domain_accuracy(
            judge, model.translate(test_a, "a_to_b"), "b"
        ),
        "B->A recognized as A": tge.metrics.domain_accuracy(
            judge, model.translate(test_b, "b_to_a"), "a"
        ),
        "cycle error A": tge.metrics.cycle_error(model.g_ab, model.g_ba, test_a),
        "cycle error B": tge.metrics.cycle_error(model.g_ba, model.g_ab, test_b),
    }


def pix2pix(task, options, epochs):
    def measure(seed):
        _reset(seed)
        train = tge.data.paired("digits", task, batch_size=32, seed=seed, **options)
        test = tge.data.paired(
            "digits", task, batch_size=180, split="test", shuffle=False, **options
        )
        model = translation.small_pix2pix()
        model.compile(
            d_optimizer=translation.adam(),
            g_optimizer=translation.adam(),
            jit_compile=False,
        )
        model.fit(train, epochs=epochs, verbose=0)
        ours = tge.metrics.paired_image_quality(test, model)
        baseline = tge.metrics.paired_image_quality(test)
        return {
            "PSNR gain (dB)": ours["psnr"] - baseline["psnr"],
            "SSIM gain": ours["ssim"] - baseline["ssim"],
        }

    return measure


MEASUREMENTS = {
    "kid_same_vs_shifted": Measurement(
        "tests/metrics/test_kernel_distance.py::test_same_distribution_is_near_zero_and_shift_is_positive (seed 3)",
        kid_same_vs_shifted,
        (
            Check("abs(same) / same std", "<", 3),
            Check("shifted / shifted std", ">", 5),
            Check("shifted / (abs(same) + same std)", ">", 10),
        ),
    ),
    "pr_one_distribution": Measurement(
        "tests/metrics/test_precision_recall.py::test_two_samples_of_one_distribution (seed 4)",
        pr_one_distribution,
        (
            Check("precision", ">", 0.9),
            Check("recall", ">", 0.9),
            Check("abs(density - 1)", "<", 0.1),
            Check("coverage", ">", 0.95),
        ),
    ),
    "pr_mode_collapse": Measurement(
        "tests/metrics/test_precision_recall.py::test_mode_collapse_keeps_precision_and_loses_recall (seed 6)",
        pr_mode_collapse,
        (
            Check("precision", ">", 0.9),
            Check("recall", "<", 0.3),
            Check("abs(coverage - 0.25)", "<", 0.05),
        ),
    ),
    "ring_generators_demo": Measurement(
        "tests/experiments/test_evaluation_demos.py::test_ring_generators_are_good_collapsed_and_noisy (seed 0)",
        ring_generators_demo,
        (
            Check("collapsed modes", "==", 3),
            Check("good modes", "==", 8),
            Check("collapsed precision", ">", 0.9),
            Check("collapsed recall", "<", 0.5),
            Check("noisy recall", ">", 0.9),
            Check("noisy precision", "<", 0.5),
        ),
    ),
    "rank_generators_demo": Measurement(
        "tests/experiments/test_evaluation_demos.py::test_rank_generators_against_formulas (noise seed 0)",
        rank_generators_demo,
        (
            Check("noisy FID - real FID", ">", 0),
            Check("real precision - noisy precision", ">", 0),
        ),
    ),
    "confidence_selection_demo": Measurement(
        "tests/experiments/test_evaluation_demos.py::test_confidence_selection_keeps_the_most_confident (seed 0)",
        confidence_selection_demo,
        (Check("precision gain of best 100 of 400", ">", 0),),
    ),
    "domain_classifier_invert": Measurement(
        "tests/metrics/test_translation.py::test_domain_classifier_separates_inverted_digits (seed 0)",
        domain_classifier_invert,
        (
            Check("A recognized as A", ">=", 0.95),
            Check("B recognized as B", ">=", 0.95),
            Check("A taken for B", "<=", 0.05),
        ),
    ),
    "conditional_digits": Measurement(
        "tests/models/test_conditional_gan.py::test_generated_digits_are_of_the_requested_class (seeds 0, 1)",
        test_conditional_gan.conditional_digits_scores,
        (
            Check("classifier", ">", 0.93),
            Check("accuracy", ">=", 0.8),
            Check("spread ratio", ">", 0.3),
        ),
    ),
    "vae_digits": Measurement(
        "tests/models/test_vae_measured.py::test_vae_reconstructs_held_out_digits (seed 0)",
        vae_digits,
        (Check("held-out MSE", "<", 0.03), Check("held-out KL", ">", 1.0)),
    ),
    "cyclegan_thicken": Measurement(
        "tests/models/test_translation_measured.py::test_cyclegan_translations_land_in_the_target_domain (seed 0)",
        cyclegan_thicken,
        (
            Check("real A and B recognized (the lower)", ">=", 0.95),
            Check("A->B recognized as B", ">=", 0.7),
            Check("B->A recognized as A", ">=", 0.7),
            Check("cycle error A", "<", 0.075),
            Check("cycle error B", "<", 0.075),
        ),
    ),
    "pix2pix_super_resolution": Measurement(
        "tests/models/test_translation_measured.py::test_pix2pix_beats_the_baseline[super_resolution] (seed 0)",
        pix2pix("super_resolution", {"factor": 4}, 3),
        (Check("PSNR gain (dB)", ">", 3.0), Check("SSIM gain", ">", 0.005)),
    ),
    "pix2pix_denoise": Measurement(
        "tests/models/test_translation_measured.py::test_pix2pix_beats_the_baseline[denoise] (seed 0)",
        pix2pix("denoise", {}, 2),
        (Check("PSNR gain (dB)", ">", 8.0), Check("SSIM gain", ">", 0.3)),
    ),
    "ring_default_gan": Measurement(
        "tests/experiments/test_training.py::test_non_saturating_gan_captures_the_ring "
        "(seeds 0-2: their mean modes >= 7, mean high quality > 0.2)",
        ring_modes(experiments.default_gan),
        (Check("modes", ">=", 7), Check("high quality", ">", 0.2)),
    ),
    **{
        f"ring_{name}": Measurement(
            f"tests/test_recipes_measured.py::test_every_recipe_covers_the_ring[{name}] (seed 0)",
            ring_modes(recipes.get(name)),
            (Check("modes", ">=", test_recipes_measured.MIN_MODES.get(name, 7)),),
        )
        for name in recipes.NAMES
    },
}


def measure(name, seeds):
    """The rows of measurement `name`, one per seed: its values and seconds."""
    rows = []
    for seed in seeds:
        start = time.perf_counter()
        values = {k: float(v) for k, v in MEASUREMENTS[name].measure(seed).items()}
        rows.append({"seed": seed, "seconds": time.perf_counter() - start, **values})
        shown = ", ".join(f"{k} {v:.4g}" for k, v in values.items())
        print(f"  seed {seed}: {shown} ({rows[-1]['seconds']:.0f} s)", flush=True)
    return rows


def summarize(name, rows):
    """Per check of measurement `name`: its range over `rows` and smallest margin."""
    checks = []
    for check in MEASUREMENTS[name].checks:
        values = [row[check.value] for row in rows]
        checks.append(
            {
                "value": check.value,
                "op": check.op,
                "threshold": check.threshold,
                "min": min(values),
                "max": max(values),
                "smallest_margin": min(check.margin(v) for v in values),
                "holds_on": sum(check.holds(v) for v in values),
            }
        )
    return checks


def table(results) -> str:
    lines = [
        "| measurement | value | bound | min | max | smallest margin | seeds it holds on |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        for c in result["checks"]:
            lines.append(
                f"| {name} | {c['value']} | {c['op']} {c['threshold']:g} | "
                f"{c['min']:.4g} | {c['max']:.4g} | {c['smallest_margin']:.4g} | "
                f"{c['holds_on']}/{len(result['rows'])} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", nargs="+", choices=sorted(MEASUREMENTS), default=list(MEASUREMENTS)
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "measured_margins.json",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="measure nothing: print the table of what --out holds",
    )
    args = parser.parse_args(argv)
    payload = json.loads(args.out.read_text()) if args.out.exists() else {}
    results = payload.get("results", {})
    names = list(results) if args.report else args.only
    for name in names:
        if not args.report:
            print(f"{name}: {MEASUREMENTS[name].test}", flush=True)
            # Rows of other seeds already stored are kept; a seed measured
            # again replaces its row.
            rows = {row["seed"]: row for row in results.get(name, {}).get("rows", [])}
            when = {"date": date.today().isoformat(), "machine": describe_machine()}
            for row in measure(name, args.seeds):
                rows[row["seed"]] = {**row, **when}
            results[name] = {
                "test": MEASUREMENTS[name].test,
                "rows": sorted(rows.values(), key=lambda row: row["seed"]),
            }
        # The checks are recomputed from the rows with the thresholds above.
        results[name]["checks"] = summarize(name, results[name]["rows"])
        write_results(args.out, {"results": results})
    print(table({name: results[name] for name in names}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
