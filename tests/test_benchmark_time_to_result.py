"""`benchmarks/time_to_result.py`: the clock stops at the first passing score,
scoring time is not counted, and a merge keeps only results of the same
machine and seeds. The ring run is cut to 3 epochs, so it measures nothing."""

import json
import sys
import types
from pathlib import Path

import keras
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import time_to_result  # noqa: E402


def _tiny_model():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_the_clock_stops_at_the_first_passing_score():
    calls = []

    def score(model):
        calls.append(model)
        return {"passed": len(calls) >= 3, "value": len(calls)}

    milestone = time_to_result.Milestone(score, every=2, steps_per_epoch=5)
    x = np.zeros((10, 2), "float32")
    _tiny_model().fit(
        x, x[:, :1], batch_size=2, epochs=20, verbose=0, callbacks=[milestone]
    )
    # Scored after epochs 2, 4 and 6; the third score passed and stopped fit.
    assert [row["epoch"] for row in milestone.rows] == [2, 4, 6]
    assert [row["steps"] for row in milestone.rows] == [10, 20, 30]
    assert milestone.reached is milestone.rows[-1] and milestone.reached["value"] == 3
    seconds = [row["seconds"] for row in milestone.rows]
    assert 0 < seconds[0] < seconds[1] < seconds[2]


def test_the_scoring_time_is_not_counted(monkeypatch):
    # A clock that only the scoring moves: each score takes 100 "seconds".
    clock = types.SimpleNamespace(now=0.0)
    monkeypatch.setattr(
        time_to_result, "time", types.SimpleNamespace(perf_counter=lambda: clock.now)
    )

    def slow_score(model):
        clock.now += 100.0
        return {"passed": False}

    milestone = time_to_result.Milestone(slow_score, every=1, steps_per_epoch=1)
    x = np.zeros((2, 2), "float32")
    _tiny_model().fit(
        x, x[:, :1], batch_size=2, epochs=3, verbose=0, callbacks=[milestone]
    )
    assert clock.now == 300.0
    assert [row["seconds"] for row in milestone.rows] == [0.0, 0.0, 0.0]


def test_a_short_ring_run_reports_its_scores(tmp_path, monkeypatch):
    data, batch, _, every, score = time_to_result.TARGETS["ring"]
    monkeypatch.setitem(time_to_result.TARGETS, "ring", (data, batch, 3, every, score))
    out = tmp_path / "ttr.json"
    payload = time_to_result.main(
        [
            "--targets",
            "ring",
            "--seeds",
            "0",
            "--config",
            "spe1",
            "steps_per_execution=1",
            "--out",
            str(out),
        ]
    )
    assert json.loads(out.read_text()) == payload
    assert [r["config"] for r in payload["results"]] == ["defaults", "spe1"]
    for row in payload["results"]:
        (run,) = row["runs"]
        assert [s["epoch"] for s in run["scores"]][:1] == [1]
        first_pass = next((s for s in run["scores"] if s["passed"]), None)
        if first_pass is None:
            assert run["seconds"] is None and row["passed"] == 0
            assert run["scores"][-1]["epoch"] == 3
        else:  # stopped at the first passing score
            assert run["scores"][-1] is not None and run["scores"][-1] == first_pass
            assert run["seconds"] == first_pass["seconds"] and row["passed"] == 1
    spe = [r["runs"][0]["steps_per_execution"] for r in payload["results"]]
    assert spe[1] == 1


def _write(path, machine, seeds):
    path.write_text(json.dumps({"machine": machine, "seeds": seeds, "results": []}))


@pytest.mark.parametrize(
    "machine, seeds, message",
    [
        ("another CPU", [0], "Expected the machine of"),
        (None, [0, 1], "Expected the seeds of"),
    ],
)
def test_a_merge_refuses_another_machine_or_other_seeds(
    tmp_path, monkeypatch, machine, seeds, message
):
    # Refused before any training.
    monkeypatch.setattr(time_to_result, "run", lambda *a: pytest.fail("trained"))
    out = tmp_path / "ttr.json"
    _write(out, machine or time_to_result.describe_machine(), seeds)
    argv = ["--targets", "ring", "--seeds", "0", "--merge", "--out", str(out)]
    with pytest.raises(SystemExit, match=message):
        time_to_result.main(argv)


def test_a_config_takes_known_keys_only():
    name, settings = time_to_result._parse_config(
        [
            "bf16",
            "precision=mixed_bfloat16",
            "jit_compile=true",
            "steps_per_execution=8",
        ]
    )
    assert name == "bf16"
    assert settings == {
        "precision": "mixed_bfloat16",
        "jit_compile": True,
        "steps_per_execution": 8,
    }
    with pytest.raises(SystemExit, match="Expected KEY=VALUE.*'fast=yes'"):
        time_to_result._parse_config(["x", "fast=yes"])
