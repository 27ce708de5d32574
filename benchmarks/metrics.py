"""Speed of the sample-based metrics, and the FID route against `scipy.linalg.sqrtm`.

FID on two sets of `n` x `d` features (10,000 x 2,048 by default, the size
of Inception pool features) is timed three ways on the same statistics:

- `tge.metrics.frechet_distance`: float64 mean/covariance by `syrk` over
  chunks, then `tr((S_a S_b)^(1/2))` from the Cholesky factor of one
  covariance, `sygst` and `eigvalsh` (the package's route);
- the symmetric eigen-decomposition route `eigvalsh(S_a^1/2 S_b S_a^1/2)`
  (what the package used before);
- the TTUR / TF-GAN route `scipy.linalg.sqrtm(S_a @ S_b)` (`--no-sqrtm`
  skips it: it takes minutes at d = 2,048 on a 2-core CPU).

It also prints two floors of a float64 route on this CPU: the arithmetic
one, the flops of the two covariances (`2 n d^2`, 84 GFLOP at the default
size) and of the trace (`8/3 d^3`) divided by the measured float64 `dgemm`
rate; and the kernel one, the sum of the times of the LAPACK/BLAS calls
the package's route makes (two `dsyrk` over all rows at once, `dpotrf`,
`dsygst`, `eigvalsh`) with no Python, chunking or checks around them.

It also times KID (100 subsets of 1,000), precision/recall and
density/coverage on the same features, and feature extraction (images/s)
through the shipped digits classifier and through a plain callable.

    python benchmarks/metrics.py [--n 10000] [--dim 2048] [--repeats 3]
                                 [--no-sqrtm] [--out FILE]

Prints a table and writes JSON (default:
benchmarks/results/metrics_<device>.json). Wall and process CPU seconds
are both recorded; on a shared machine run it with
`OPENBLAS_NUM_THREADS=1`, whose CPU seconds hardly depend on the load.
"""

from __future__ import annotations

import argparse
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
import scipy  # noqa: E402
import scipy.linalg  # noqa: E402
import tensorflow as tf  # noqa: E402
from _device import describe_device  # noqa: E402  (benchmarks/ is on sys.path)

import tfgan_edu as tge  # noqa: E402
from tfgan_edu.metrics.features import get_extractor  # noqa: E402
from tfgan_edu.metrics.frechet import trace_sqrt_product  # noqa: E402


def _features(n, dim, seed):
    """Two correlated, full-rank float32 feature sets with different statistics."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(dim, dim)) / np.sqrt(dim)
    a = np.maximum(
        rng.normal(size=(n, dim)) @ mixing, 0.0
    )  # ReLU-like, as pool features
    b = np.maximum(rng.normal(0.05, 1.1, size=(n, dim)) @ mixing, 0.0)
    return a.astype(np.float32), b.astype(np.float32)


def _fid_terms(mu_a, sigma_a, mu_b, sigma_b, trace_sqrt):
    return float(
        np.sum((mu_a - mu_b) ** 2)
        + np.trace(sigma_a)
        + np.trace(sigma_b)
        - 2.0 * trace_sqrt
    )


def _eigen_trace_sqrt(sigma_a, sigma_b):
    w, v = np.linalg.eigh(sigma_a)
    root = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    product = root @ sigma_b @ root
    return np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(product), 0.0, None)))


def _sqrtm_trace_sqrt(sigma_a, sigma_b):
    return np.trace(scipy.linalg.sqrtm(sigma_a @ sigma_b)).real


_CPU_SECONDS: list[float] = []
"""CPU seconds of each `_timed` call, in order (see `_timed`)."""


def _timed(function, *args):
    """Returns `(wall seconds, value)`; appends the process CPU seconds to `_CPU_SECONDS`.

    CPU time is the steadier number on a shared machine when BLAS runs on
    one thread (`OPENBLAS_NUM_THREADS=1`): it barely changes with load,
    while wall time does.
    """
    start, cpu = time.perf_counter(), time.process_time()
    value = function(*args)
    _CPU_SECONDS.append(time.process_time() - cpu)
    return time.perf_counter() - start, value


def measure_fid(n, dim, repeats, sqrtm=True, seed=0):
    """Times FID on `n` x `dim` features by the three routes.

    Returns:
        A dict with the median seconds of each part and route, the FID
        values and their differences to the package's.
    """
    a, b = _features(n, dim, seed)
    times = {"total": [], "statistics": [], "trace_sqrt": []}
    cpu = {key: [] for key in times}
    for _ in range(repeats):
        seconds, value = _timed(tge.metrics.frechet_distance, a, b)
        times["total"].append(seconds)
        cpu["total"].append(_CPU_SECONDS[-1])
        seconds, ((mu_a, sigma_a), (mu_b, sigma_b)) = _timed(
            lambda: (tge.metrics.statistics(a), tge.metrics.statistics(b))
        )
        times["statistics"].append(seconds)
        cpu["statistics"].append(_CPU_SECONDS[-1])
        times["trace_sqrt"].append(_timed(trace_sqrt_product, sigma_a, sigma_b)[0])
        cpu["trace_sqrt"].append(_CPU_SECONDS[-1])
    row = {"n": n, "dim": dim, "fid": value}
    for key in times:
        row[f"ours_{key}_s"] = statistics.median(times[key])
        row[f"ours_{key}_cpu_s"] = statistics.median(cpu[key])
    row["ours_total_all_s"] = times["total"]
    seconds, trace = _timed(_eigen_trace_sqrt, sigma_a, sigma_b)
    row.update(
        eigen_trace_sqrt_s=seconds,
        eigen_trace_sqrt_cpu_s=_CPU_SECONDS[-1],
        eigen_fid=_fid_terms(mu_a, sigma_a, mu_b, sigma_b, trace),
    )
    if sqrtm:
        seconds, trace = _timed(_sqrtm_trace_sqrt, sigma_a, sigma_b)
        row.update(
            sqrtm_trace_sqrt_s=seconds,
            sqrtm_trace_sqrt_cpu_s=_CPU_SECONDS[-1],
            sqrtm_fid=_fid_terms(mu_a, sigma_a, mu_b, sigma_b, trace),
        )
    return row, (a, b)


def measure_float64_floor(n, dim, repeats):
    """The arithmetic lower bound of float64 FID on this CPU.

    The two covariances cost `2 n d^2` flops as `syrk` (each computes half of
    a symmetric `d x d` product over `n` rows), and the trace about `8/3 d^3`
    (Cholesky `d^3/3`, `sygst` `d^3`, tridiagonal reduction `4/3 d^3`). Dividing
    by the rate of a float64 `d x d` matrix product (the fastest dense kernel
    of the BLAS) gives the time no float64 route can beat here.

    Returns:
        A dict with the flop counts, the measured GFLOP/s and the floor in s.
    """
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(dim, dim)), rng.normal(size=(dim, dim))
    seconds = statistics.median(_timed(np.dot, x, y)[0] for _ in range(repeats))
    gflops = 2.0 * dim**3 / seconds / 1e9
    covariance_gflop = 2.0 * n * dim**2 / 1e9
    trace_gflop = 8.0 / 3.0 * dim**3 / 1e9
    return {
        "dgemm_gflops": gflops,
        "covariance_gflop": covariance_gflop,
        "trace_gflop": trace_gflop,
        "floor_s": (covariance_gflop + trace_gflop) / gflops,
    }


def measure_kernel_floor(a, b, repeats):
    """The time of the BLAS/LAPACK calls of the package's FID route alone.

    Each kernel is timed on its own (median of `repeats`) on the
    benchmark's features: `dsyrk` of all centred rows of each set at once
    (the package accumulates chunks), then `dpotrf`, `dsygst` and
    `eigvalsh` on the resulting covariances.

    Returns:
        A dict of median seconds per kernel and their sum, `floor_s`.
    """

    def median_seconds(function, *args, **kwargs):
        runs = [_timed(lambda: function(*args, **kwargs)) for _ in range(repeats)]
        return statistics.median(seconds for seconds, _ in runs), runs[-1][1]

    row = {}
    scatters = []
    for name, features in (("a", a), ("b", b)):
        centred = np.subtract(features, features.mean(0, dtype=np.float64))
        row[f"dsyrk_{name}_s"], scatter = median_seconds(
            scipy.linalg.blas.dsyrk, 1.0, centred.T, lower=1
        )
        del centred
        scatter = scatter + np.tril(scatter, -1).T  # full symmetric
        scatters.append(scatter / (len(features) - 1))
    sigma_a, sigma_b = scatters
    row["dpotrf_s"], (cholesky, _) = median_seconds(
        scipy.linalg.lapack.dpotrf, sigma_a, lower=1, clean=1
    )
    row["dsygst_s"], (reduced, _) = median_seconds(
        scipy.linalg.lapack.dsygst, sigma_b, cholesky, itype=2, lower=1
    )
    row["eigvalsh_s"], _ = median_seconds(np.linalg.eigvalsh, reduced, UPLO="L")
    row["floor_s"] = sum(row.values())
    return row


def measure_other_metrics(a, b):
    """Seconds for KID, precision/recall and density/coverage on the same features."""
    rows = []
    for name, function in [
        ("kid (100 subsets of 1000)", lambda: tge.metrics.kid_from_features(a, b)),
        ("precision_recall (k=3)", lambda: tge.metrics.precision_recall(a, b)),
        ("density_coverage (k=5)", lambda: tge.metrics.density_coverage(a, b)),
    ]:
        seconds, value = _timed(function)
        rows.append(
            {
                "metric": name,
                "seconds": seconds,
                "cpu_seconds": _CPU_SECONDS[-1],
                "value": str(value),
            }
        )
    return rows


def measure_extraction(num_images, repeats, batch_size=256):
    """Images/s of `extract_features` through the digits classifier and a callable."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, size=(num_images, 32, 32, 1)).astype(np.float32)
    extractors = {
        "digits classifier (128-d)": get_extractor("digits"),
        "flatten callable (1024-d)": lambda x: x.reshape(len(x), -1),
    }
    rows = []
    for name, extractor in extractors.items():
        tge.metrics.extract_features(extractor, images[:batch_size])  # warm up
        rates = []
        for _ in range(repeats):
            seconds, _ = _timed(
                tge.metrics.extract_features, extractor, images, batch_size
            )
            rates.append(num_images / seconds)
        rows.append(
            {
                "extractor": name,
                "images": num_images,
                "batch_size": batch_size,
                "images_per_s": statistics.median(rates),
                "all": rates,
            }
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--no-sqrtm", action="store_true")
    parser.add_argument("--out", default=None)
    args = parser.parse_args(argv)

    kind, device = describe_device()
    load_before = os.getloadavg()
    fid_row, (a, b) = measure_fid(args.n, args.dim, args.repeats, not args.no_sqrtm)
    fid_row["float64_floor"] = measure_float64_floor(args.n, args.dim, args.repeats)
    fid_row["kernel_floor"] = measure_kernel_floor(a, b, args.repeats)
    other_rows = measure_other_metrics(a, b)
    extraction_rows = measure_extraction(args.images, args.repeats)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")

    print(
        f"\nFID on 2 x {args.n} x {args.dim} float32 features, {device}, "
        f"OPENBLAS_NUM_THREADS={threads}, load average {load_before[0]:.1f}"
    )
    print(
        "| route | wall s | CPU s | FID | difference to ours |\n|---|---|---|---|---|"
    )
    print(
        f"| ours: frechet_distance (statistics + trace) | {fid_row['ours_total_s']:.2f} | "
        f"{fid_row['ours_total_cpu_s']:.2f} | {fid_row['fid']:.6f} | 0 |"
    )
    for key, label in (
        ("statistics", "of which: mean and covariance of both sets"),
        ("trace_sqrt", "of which: tr sqrt(S_a S_b) (Cholesky, sygst, eigvalsh)"),
    ):
        print(
            f"| {label} | {fid_row[f'ours_{key}_s']:.2f} | "
            f"{fid_row[f'ours_{key}_cpu_s']:.2f} | | |"
        )
    for route, label in (
        ("eigen", "eigh of S_a^1/2 S_b S_a^1/2 (trace only)"),
        ("sqrtm", "scipy.linalg.sqrtm(S_a S_b) (trace only)"),
    ):
        if f"{route}_fid" in fid_row:
            print(
                f"| {label} | {fid_row[f'{route}_trace_sqrt_s']:.2f} | "
                f"{fid_row[f'{route}_trace_sqrt_cpu_s']:.2f} | "
                f"{fid_row[f'{route}_fid']:.6f} | "
                f"{fid_row[f'{route}_fid'] - fid_row['fid']:.2e} |"
            )
    floor = fid_row["float64_floor"]
    print(
        f"\nfloat64 floor: {floor['covariance_gflop']:.1f} GFLOP (covariances) + "
        f"{floor['trace_gflop']:.1f} GFLOP (trace) at this CPU's dgemm rate of "
        f"{floor['dgemm_gflops']:.1f} GFLOP/s = {floor['floor_s']:.2f} s at best"
    )
    kernels = fid_row["kernel_floor"]
    print(
        "kernel floor: "
        + " + ".join(
            f"{key[:-2]} {value:.2f}"
            for key, value in kernels.items()
            if key != "floor_s"
        )
        + f" = {kernels['floor_s']:.2f} s for the LAPACK/BLAS calls alone"
    )
    print(
        "\n| metric on the same features | wall s | CPU s | value |\n|---|---|---|---|"
    )
    for row in other_rows:
        print(
            f"| {row['metric']} | {row['seconds']:.2f} | {row['cpu_seconds']:.2f} | "
            f"{row['value']} |"
        )
    print("\n| extractor | images/s (32x32x1, batch 256) |\n|---|---|")
    for row in extraction_rows:
        print(f"| {row['extractor']} | {row['images_per_s']:.0f} |")

    out = Path(args.out or Path(__file__).parent / "results" / f"metrics_{kind}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "benchmark": "metrics",
                "device": device,
                "numpy": np.__version__,
                "scipy": scipy.__version__,
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
                "repeats": args.repeats,
                "openblas_num_threads": threads,
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
                "fid": fid_row,
                "other_metrics": other_rows,
                "extraction": extraction_rows,
            },
            indent=2,
        )
    )
    print(f"wrote {out}")
    return fid_row, other_rows, extraction_rows


if __name__ == "__main__":
    main()
