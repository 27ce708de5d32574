"""`scripts/probe_bad_inputs.py`: every bad input of its catalog is refused
clearly and before any work, and its classifier tells the outcomes apart."""

import json
import sys

import pytest

from tests._scripts import load_script

probe = load_script("scripts/probe_bad_inputs.py")


def test_the_classifier_tells_each_outcome_apart():
    def clear():
        raise ValueError("Expected a positive number. Received: n=0")

    def unclear():
        raise ValueError("something went wrong")

    def late():
        raise probe.Late("after 2 step(s): Expected ... Received: ...")

    def escapes():
        sys.exit(3)

    def silent():
        return 42

    def argparse_choice():
        raise probe.Refused(
            "exit 2: error: argument --data: invalid choice: 'x' "
            "(choose from 'ring', 'grid')"
        )

    outcomes = [clear, unclear, late, escapes, silent, argparse_choice]
    assert [probe.classify(f)[0] for f in outcomes] == [
        "clear",
        "unclear",
        "late",
        "escaped",
        "silent",
        "clear",
    ]


def test_a_cli_refusal_and_a_cli_that_starts_training_are_told_apart(tmp_path):
    with pytest.raises(probe.Refused, match=r"exit 2: .*Received: --batch-size=0"):
        probe.run_cli(["train", "--batch-size", "0"])
    # Good arguments reach training (stubbed): the probe reports them accepted.
    out = str(tmp_path / "run")
    assert probe.run_cli(["train", "--quiet", "--out", out]) == "training started"
    assert probe.classify(lambda: probe.run_cli(["train", "--out", out]))[0] == "silent"


def test_a_fit_that_updated_before_refusing_is_late():
    import numpy as np

    model = probe.compiled(probe.gan())
    x = probe.points(16)
    x[12, 0] = np.nan  # batch 1 of 8: refused after batch 0's D and G updates
    with pytest.raises(probe.Late, match=r"after 2 step\(s\)"):
        probe.fit_refused(model, probe.dataset(x))


@pytest.mark.slow
def test_every_bad_input_of_the_catalog_is_refused_clearly(tmp_path):
    out = tmp_path / "probe.json"
    result = probe.main(["--out", str(out)])
    not_clear = [r for r in result["probes"] if r["outcome"] != "clear"]
    assert not not_clear, json.dumps(not_clear, indent=1)
    assert result["tried"] == len(probe.PROBES) >= 90
    assert json.loads(out.read_text())["counts"]["clear"] == result["tried"]
