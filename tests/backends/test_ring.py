"""The ring of 8 on TensorFlow, JAX and PyTorch: the `dcgan` recipe finds every mode.

`ring_worker.py` trains the recipe (MLPs, batch 128, Adam 1e-3, 30 epochs:
5,850 generator steps) for seeds 0, 1 and 2 on one backend; the three
backends run side by side, each in its own process. Measured on this
machine (2-core Intel Xeon, 2026-12-05), modes (high-quality fraction) for
seeds 0, 1, 2: TensorFlow 8 (.50), 8 (.20), 8 (.50); JAX 8 (.61),
8 (.67), 8 (.76); PyTorch 8 (.45), 8 (.21), 8 (.54); about 13, 23 and 60 s
a seed, run one backend at a time beside other jobs (PyTorch with one
OpenMP thread: with its default two, on busy cores, 8 times slower). The issue's bar is 8 modes on at least 2 of the 3 seeds
per backend; the worker skips seed 2 when seeds 0 and 1 already decide it
(the answer is the same, a third of the time is saved). The runs are not
compared number for number (each backend draws its own noise).
"""

import json
from pathlib import Path

import pytest

from tests.backends.workers import BACKENDS, start, wait

pytestmark = [pytest.mark.xdist_group("backends"), pytest.mark.slow]

WORKER = Path(__file__).with_name("ring_worker.py")


@pytest.fixture(scope="module")
def coverage(tmp_path_factory):
    """`{backend: {seed: {"modes", "high_quality", "seconds"}}}`."""
    folder = tmp_path_factory.mktemp("ring")
    wait({b: start(WORKER, b, folder / f"{b}.json") for b in BACKENDS}, timeout=1800)
    return {b: json.loads((folder / f"{b}.json").read_text()) for b in BACKENDS}


@pytest.mark.parametrize("backend", BACKENDS)
def test_eight_modes_on_two_of_three_seeds(coverage, backend):
    run = coverage[backend]
    assert run["backend"] == backend
    # The worker stops once the seeds run decide the answer (2 of 3).
    modes = {seed: run[seed]["modes"] for seed in ("0", "1", "2") if seed in run}
    print(f"\n{backend}: modes {modes}")
    assert list(modes)[:2] == ["0", "1"], modes
    assert sum(m == 8 for m in modes.values()) >= 2, modes
