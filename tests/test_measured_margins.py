"""`benchmarks/measured_margins.py`: the spread over seeds behind the measured
tests' thresholds. Its checks must be the tests' own comparisons, its values
the tests' computations, and its report a recomputation of what it stored."""

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from tfgan_edu.metrics import density_coverage, precision_recall

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import measured_margins as margins  # noqa: E402


@pytest.mark.parametrize(
    "op, value, holds, margin",
    [
        (">", 0.5, True, 0.2),
        (">", 0.3, False, 0.0),
        (">=", 0.3, True, 0.0),
        ("<", 0.1, True, 0.2),
        ("<=", 0.4, False, -0.1),
        ("==", 0.3, True, 0.0),
        ("==", 0.5, False, -0.2),
    ],
)
def test_a_check_holds_and_measures_its_margin_like_the_comparison(
    op, value, holds, margin
):
    check = margins.Check("x", op, 0.3)
    assert check.holds(value) is holds
    assert check.margin(value) == pytest.approx(margin)


def test_every_check_names_a_value_its_measurement_returns():
    # The cheap measurements run here; the trained ones are checked by name
    # against the values their functions return (read from their source).
    for name in ("kid_same_vs_shifted", "pr_one_distribution", "pr_mode_collapse"):
        values = margins.MEASUREMENTS[name].measure(0)
        assert {c.value for c in margins.MEASUREMENTS[name].checks} <= set(values)
    for name, measurement in margins.MEASUREMENTS.items():
        assert measurement.test.startswith("tests/"), name
        path = Path(__file__).parents[1] / measurement.test.split("::")[0]
        assert path.exists(), measurement.test


def test_a_run_stores_the_tests_values_and_the_report_recomputes_them(tmp_path):
    out = tmp_path / "margins.json"
    argv = ["--only", "pr_mode_collapse", "--seeds", "6", "1", "--out", str(out)]
    assert margins.main(argv) == 0
    result = json.loads(out.read_text())["results"]["pr_mode_collapse"]
    assert [row["seed"] for row in result["rows"]] == [1, 6]
    # Seed 6 is the test's: the same computation as
    # tests/metrics/test_precision_recall.py::test_mode_collapse_keeps_precision_and_loses_recall.
    rng = np.random.default_rng(6)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    real = centres[rng.integers(0, 4, 800)] + rng.normal(size=(800, 2))
    fake = centres[0] + rng.normal(size=(800, 2))
    row = result["rows"][1]
    assert {"date", "machine", "seconds"} <= set(row)
    assert row["precision"] == precision_recall(real, fake)["precision"]
    assert row["recall"] == precision_recall(real, fake)["recall"]
    coverage = density_coverage(real, fake)["coverage"]
    assert row["abs(coverage - 0.25)"] == abs(coverage - 0.25)
    recall = {c["value"]: c for c in result["checks"]}["recall"]
    values = [r["recall"] for r in result["rows"]]
    assert recall == {
        "value": "recall",
        "op": "<",
        "threshold": 0.3,
        "min": min(values),
        "max": max(values),
        "smallest_margin": 0.3 - max(values),
        "holds_on": sum(v < 0.3 for v in values),
    }
    # --report measures nothing and gives the same checks back.
    stored = out.read_text()
    assert margins.main(["--report", "--out", str(out)]) == 0
    assert json.loads(out.read_text()) == json.loads(stored)
    # Another seed is added; the stored ones are kept as they were.
    argv = ["--only", "pr_mode_collapse", "--seeds", "2", "--out", str(out)]
    assert margins.main(argv) == 0
    rows = json.loads(out.read_text())["results"]["pr_mode_collapse"]["rows"]
    assert [r["seed"] for r in rows] == [1, 2, 6]
    assert [rows[0], rows[2]] == result["rows"]
