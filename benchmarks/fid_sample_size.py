"""FID and KID against the sample size N, real vs real, in the MNIST classifier's features.

Chapter 4's section 3 as a script: all 4,000 `mnist_5k` training digits
against N of the 1,000 held-out digits (and of the same digits with
Gaussian noise of standard deviation 0.4), 10 random subsets per N, in the
features of the shipped MNIST classifier (`extractor="mnist"`), with the
fit FID ~ FID_inf + c / N (`tfgan_edu.experiments.evaluation_demos`).

    python benchmarks/fid_sample_size.py [--repeats 10]

Prints the table (mean and std over the subsets) and the fits.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from _device import describe_machine  # noqa: E402

from tfgan_edu import metrics  # noqa: E402
from tfgan_edu.experiments import evaluation_demos as demos  # noqa: E402

SIZES = (25, 50, 100, 250, 500, 1000)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args(argv)
    extract = metrics.get_extractor("mnist")
    train_x, _ = demos.split_arrays("mnist_5k", "train")
    test_x, _ = demos.split_arrays("mnist_5k", "test")
    sets = {"real": extract(test_x), "noisy": extract(demos.noisy_images(test_x, 0.4))}
    table = demos.fid_sample_size_table(
        extract(train_x), sets, SIZES, repeats=args.repeats
    )
    print(describe_machine())
    print(table.round(4).to_string())
    for kind, fit in demos.fid_bias_fit(table).items():
        print(f"{kind}: FID ~ {fit['fid_inf']:.3f} + {fit['c']:.2f} / N")


if __name__ == "__main__":
    main()
