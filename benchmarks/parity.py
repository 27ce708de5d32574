"""Backend parity, measured: how far JAX and PyTorch land from TensorFlow.

Runs the parity workers of `tests/backends` (`parity_worker.py`: `GAN` and
its options; `parity_models_worker.py`: the other six models), each on
TensorFlow, then JAX and PyTorch in processes of their own, from the same
initial weights and injected noise, and prints, per scenario, the largest
`|other - tensorflow|` over every logged loss and weight after 3 steps,
with the largest value compared (for scale). The tests assert these stay
within their tolerance; this prints the numbers that the README and the
tests' docstrings quote.

    .venv/bin/python benchmarks/parity.py    # about 3 minutes on 2 cores

Writes `benchmarks/results/parity.json`.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _device import describe_machine, write_results

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The tests' own runner: TensorFlow first, then JAX and PyTorch side by side.
from tests.backends.workers import OTHERS, run_tensorflow_first  # noqa: E402

WORKERS = {
    "gan": ROOT / "tests" / "backends" / "parity_worker.py",
    "models": ROOT / "tests" / "backends" / "parity_models_worker.py",
}
# Scenario prefixes of each worker's output (see the workers' docstrings).
SCENARIOS = {
    "gan": ("plain", "r1", "gp", "clip", "joint", "resume"),
    "models": ("cgan", "acgan", "vae", "vaegan", "pix2pix", "cyclegan"),
}


def _keys(run, scenario):
    return [
        k
        for k in run
        if k.startswith(f"{scenario}_")
        and not k.endswith("names")
        and "loaded" not in k
    ]


def main():
    rows, start = [], time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for name, worker in WORKERS.items():
            pattern = "{backend}.npz" if name == "gan" else "models_{backend}.npz"
            runs = run_tensorflow_first(worker, Path(folder), pattern)
            for scenario in SCENARIOS[name]:
                keys = _keys(runs["tensorflow"], scenario)
                row = {
                    "scenario": scenario,
                    "values": int(sum(runs["tensorflow"][k].size for k in keys)),
                    "largest": float(
                        max(np.max(np.abs(runs["tensorflow"][k])) for k in keys)
                    ),
                }
                for backend in OTHERS:
                    row[backend] = float(
                        max(
                            np.max(np.abs(runs[backend][k] - runs["tensorflow"][k]))
                            for k in keys
                        )
                    )
                rows.append(row)
    print(f"{'scenario':10} {'values':>7} {'largest':>9} {'jax':>9} {'torch':>9}")
    for row in rows:
        print(
            f"{row['scenario']:10} {row['values']:7d} {row['largest']:9.3g} "
            f"{row['jax']:9.2e} {row['torch']:9.2e}"
        )
    worst = {b: max(row[b] for row in rows) for b in OTHERS}
    print(f"largest difference: jax {worst['jax']:.2e}, torch {worst['torch']:.2e}")
    write_results(
        Path(__file__).parent / "results" / "parity.json",
        {
            "machine": describe_machine(),
            "date": time.strftime("%Y-%m-%d"),
            "seconds": round(time.perf_counter() - start, 1),
            "rows": rows,
            "largest": worst,
        },
    )


if __name__ == "__main__":
    main()
