"""The real-vs-real floor of FID and KID: what a perfect generator would score.

FID and KID of two finite samples of the *same* distribution are not 0:
FID is biased upwards by roughly a constant over N, and two splits of a
small dataset also differ a little in truth. A generator's FID means
little without the floor measured the same way: real training digits
against the real held-out digits, in the same features, with the same N.

`real_floor("mnist_5k")` measures, in the features of the dataset's
shipped classifier (`extractor="mnist"`):

- `"full"`: every train image (4,000) against every test image (1,000);
- `"subsample"`: `draws` random sets of `n` train images (1,000 by
  default, the N of a GAN's evaluation) against the 1,000 test images,
  mean, standard deviation, minimum and maximum over the draws;
- `"test_confident_fraction"`: the fraction of the test images the
  classifier labels with confidence >= 0.9, the yardstick of
  `tfgan_edu.metrics.quality_bar`.

Run `python -m tfgan_edu.metrics.real_floor --dataset mnist_5k --out
FILE.json` to print the numbers and write them as JSON.

Example:

>>> floor = real_floor("digits", n=300, draws=2)
>>> sorted(floor)
['dataset', 'draws', 'extractor', 'full', 'n', 'n_test', 'n_train', 'seed', 'subsample', 'test_confident_fraction']
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from tfgan_edu._checks import check_int
from tfgan_edu.metrics import features
from tfgan_edu.metrics.classifier_quality import reference_confident_fraction
from tfgan_edu.metrics.frechet import frechet_distance
from tfgan_edu.metrics.kernel_distance import kid_from_features

KID_SUBSETS: int = 100


def _summary(values: list[float]) -> dict[str, Any]:
    return {
        "mean": float(np.mean(values)),
        "std": float(np.std(values)),
        "min": float(np.min(values)),
        "max": float(np.max(values)),
        "values": [float(v) for v in values],
    }


def real_floor(
    dataset: str = "mnist_5k", n: int = 1000, draws: int = 10, seed: int = 0
) -> dict[str, Any]:
    """FID and KID between a dataset's real train and held-out test images.

    Args:
        dataset: `"mnist_5k"` (features of `extractor="mnist"`) or
            `"digits"` (`extractor="digits"`). Defaults to `"mnist_5k"`.
        n: train images per random draw, at most the train split's size.
            Defaults to 1,000.
        draws: number of random draws of `n` train images. Defaults to 10.
        seed: seeds the draws and KID's subsets. Defaults to 0.

    Returns:
        A dict: `"full"` (`{"fid", "kid", "kid_std"}` of all train images
        against all test images; KID on `KID_SUBSETS` subsets of
        `min(n_train, n_test)`), `"subsample"` (`{"fid": summary, "kid":
        summary}` over the draws, each summary a dict of `"mean"`, `"std"`,
        `"min"`, `"max"` and `"values"`), the settings (`"dataset"`,
        `"extractor"`, `"n"`, `"draws"`, `"seed"`, `"n_train"`,
        `"n_test"`), and `"test_confident_fraction"` (see
        `reference_confident_fraction`, threshold 0.9).
    """
    features.check_reference_dataset(dataset)
    check_int("draws", draws)
    check_int("seed", seed, minimum=0)
    extractor_name = features.REFERENCE_EXTRACTORS[dataset]
    train_images = features.dataset_arrays(dataset, "train")[0]
    if isinstance(n, bool) or not isinstance(n, int) or not 2 <= n <= len(train_images):
        raise ValueError(
            f"Expected `n` to be an integer in [2, {len(train_images)}] (the "
            f"{dataset} train images). Received: n={n!r}"
        )
    extractor = features.get_extractor(extractor_name)
    train = extractor(train_images)
    test = extractor(features.dataset_arrays(dataset, "test")[0])
    full_kid = kid_from_features(
        train, test, KID_SUBSETS, min(len(train), len(test)), seed=seed
    )
    rng = np.random.default_rng(seed)
    fids, kids = [], []
    for draw in range(draws):
        part = train[rng.choice(len(train), size=n, replace=False)]
        fids.append(frechet_distance(part, test))
        kids.append(
            kid_from_features(
                part, test, KID_SUBSETS, min(n, len(test)), seed=seed + draw
            ).mean
        )
    return {
        "dataset": dataset,
        "extractor": extractor_name,
        "n_train": len(train),
        "n_test": len(test),
        "n": n,
        "draws": draws,
        "seed": seed,
        "full": {
            "fid": frechet_distance(train, test),
            "kid": full_kid.mean,
            "kid_std": full_kid.std,
        },
        "subsample": {"fid": _summary(fids), "kid": _summary(kids)},
        "test_confident_fraction": reference_confident_fraction(dataset, "test"),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: measure the floor, print it, optionally write JSON.

    Args:
        argv: arguments (`--dataset`, `--n`, `--draws`, `--seed`, `--out`).
            Defaults to `None` (`sys.argv[1:]`).

    Returns:
        The exit status, 0.
    """
    parser = argparse.ArgumentParser(
        prog="python -m tfgan_edu.metrics.real_floor",
        description="FID/KID of real train vs held-out test images "
        "in the features of the dataset's shipped classifier.",
    )
    parser.add_argument(
        "--dataset", choices=features.REFERENCE_DATASETS, default="mnist_5k"
    )
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="JSON file to write")
    args = parser.parse_args(argv)
    floor = real_floor(args.dataset, args.n, args.draws, args.seed)
    full, sub = floor["full"], floor["subsample"]
    print(
        f"{floor['dataset']} in extractor={floor['extractor']!r} features: "
        f"train ({floor['n_train']}) vs test ({floor['n_test']}): "
        f"FID {full['fid']:.4f}, KID {full['kid']:.5f} +- {full['kid_std']:.5f}"
    )
    print(
        f"{floor['n']} random train vs test ({floor['draws']} draws): "
        f"FID {sub['fid']['mean']:.4f} +- {sub['fid']['std']:.4f} "
        f"[{sub['fid']['min']:.4f}, {sub['fid']['max']:.4f}], "
        f"KID {sub['kid']['mean']:.5f} +- {sub['kid']['std']:.5f}"
    )
    print(
        "test images classified with confidence >= 0.9: "
        f"{floor['test_confident_fraction']:.4f}"
    )
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(floor, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
