"""What the call recorder (refusing the library's own solutions) costs a check.

Run from the repository root: `python instructor/benchmark_guard.py`. Prints,
for a few exercises, the best of 3 timings of `check` with the recorder and
without it (the model solutions of tests/exercises/solutions.py).
"""

import contextlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tfgan_edu as tge  # noqa: E402
from tests.exercises import solutions  # noqa: E402
from tfgan_edu.exercises import _core  # noqa: E402

NAMES = ("train_step", "gradient_penalty", "dcgan_generator_block", "acgan_class_loss")


def best_time(name: str, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = tge.exercises.check(name, getattr(solutions, name), verbose=False)
        times.append(time.perf_counter() - start)
        assert result.passed, result.message
    return min(times)


if __name__ == "__main__":
    recorder = _core._guard.record_calls
    for name in NAMES:
        best_time(name, 1)  # warm-up: tracing, first calls
        with_recorder = best_time(name)
        _core._guard.record_calls = lambda solutions: contextlib.nullcontext([])
        without = best_time(name)
        _core._guard.record_calls = recorder
        print(
            f"{name}: {with_recorder:.3f} s with the recorder, {without:.3f} s without"
        )
