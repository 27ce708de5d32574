"""`benchmarks/onednn.py`: each child runs with the oneDNN setting it was given."""

import json
import platform
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

import onednn  # noqa: E402

pytestmark = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"),
    reason="TensorFlow's oneDNN switch is measured on x86 CPUs",
)


def test_a_tiny_run_measures_both_settings_and_checks_them(tmp_path):
    out = tmp_path / "onednn.json"
    payload = onednn.main(
        [
            "--workloads=ring",
            "--rounds=1",
            "--steps=2",
            "--ring-batch-size=16",
            f"--out={out}",
        ]
    )
    assert json.loads(out.read_text()) == payload
    assert "oneDNN" not in payload["machine"]  # the setting is per row, not the machine
    rows = payload["rows"]
    assert [(r["workload"], r["xla"]) for r in rows] == [
        ("ring", False),
        ("ring", True),
    ]
    for row in rows:
        assert len(row["all_off"]) == len(row["all_on"]) == 1
        assert min(row["onednn_off"], row["onednn_on"]) > 0
        assert row["ratio_on_to_off"] == pytest.approx(
            row["onednn_on"] / row["onednn_off"]
        )


def test_the_summary_takes_medians_per_setting():
    def result(rate):
        return {"rows": [{"workload": "ring", "xla": False, "steps_per_s": rate}]}

    results = [("0", result(1.0)), ("1", result(3.0)), ("0", result(2.0))]
    results += [("1", result(5.0)), ("0", result(9.0)), ("1", result(4.0))]
    (row,) = onednn.summarize(results)
    assert (row["onednn_off"], row["onednn_on"]) == (2.0, 4.0)
    assert row["ratio_on_to_off"] == 2.0


def test_a_child_that_ignored_its_setting_is_an_error(monkeypatch, tmp_path):
    def measure(*args):
        return [("0", {"onednn": True, "machine": "m", "rows": []})]

    monkeypatch.setattr(onednn, "measure", measure)
    with pytest.raises(RuntimeError, match="Expected oneDNN off .* Received: "):
        onednn.main(["--workloads=ring", f"--out={tmp_path / 'x.json'}"])


@pytest.mark.parametrize(
    "argv", [["--workloads=gan"], ["--rounds=0"], ["--steps=0"], ["--workloads="]]
)
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        onednn.main(argv)
    assert "Received" in capsys.readouterr().err
