"""The README's speed section is `benchmarks/readme_speed.py`'s rendering of
the benchmarks' JSON: a number edited by hand, or JSON re-measured without
regenerating the README, fails here."""

import json
import shutil
from pathlib import Path

import pytest

from tests._scripts import load_script

ROOT = Path(__file__).parents[1]


readme_speed = load_script("benchmarks/readme_speed.py")


def test_the_readme_section_is_the_rendering_of_the_results():
    text = (ROOT / "README.md").read_text()
    assert readme_speed.replace_block(text, readme_speed.render()) == text


def test_every_measured_row_of_every_machine_appears_with_its_rate():
    files = readme_speed.throughput_files()
    assert files[0].name == "throughput_cpu.json" and all(f.exists() for f in files)
    block = readme_speed.render()
    for path in files:
        throughput = json.loads(path.read_text())
        assert f"{throughput['date']}, {throughput['device']}" in block
        for row in throughput["rows"]:
            if row.get("steps_per_s") is not None:
                assert (
                    f"| {readme_speed._runner(row)} | {row['steps_per_s']:.2f} |"
                    in block
                )


def test_a_changed_number_is_noticed(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(readme_speed.RESULTS, results)
    path = results / "time_to_result.json"
    payload = json.loads(path.read_text())
    payload["date"] = "1999-01-01"
    path.write_text(json.dumps(payload))
    assert readme_speed.render(results) != readme_speed.render()
    assert "1999-01-01" in readme_speed.render(results)


def test_a_run_that_never_passed_shows_its_best_score(tmp_path):
    results = tmp_path / "results"
    shutil.copytree(readme_speed.RESULTS, results)
    failed = {
        "seed": 0,
        "seconds": None,
        "steps": None,
        "scores": [
            {
                "epoch": 4,
                "seconds": 20.0,
                "relative_confidence": 0.61,
                "min_class_fraction": 0.02,
            },
            {
                "epoch": 8,
                "seconds": 41.5,
                "relative_confidence": 0.72,
                "min_class_fraction": 0.047,
            },
        ],
    }
    payload = json.loads((results / "time_to_result.json").read_text())
    payload["results"] = [
        {
            "target": "mnist_5k",
            "config": "defaults",
            "settings": {},
            "runs": [failed],
            "passed": 0,
            "seeds": 1,
            "median_seconds": None,
            "max_seconds": None,
            "median_steps": None,
        }
    ]
    (results / "time_to_result.json").write_text(json.dumps(payload))
    block = readme_speed.render(results)
    assert (
        "| mnist_5k | defaults | 0/1 | - | - | - | 8 epochs in up to 42 s; best: "
        "relative confidence 0.720 (bar 0.75), rarest class 0.047 (bar 0.05) |"
    ) in block


def test_a_readme_without_markers_is_refused():
    with pytest.raises(ValueError, match="Expected the markers"):
        readme_speed.replace_block("# README\n", "block")


def test_the_onednn_comparison_appears_row_by_row():
    payload = json.loads((readme_speed.RESULTS / "onednn_cpu.json").read_text())
    block = readme_speed.render()
    assert f"`benchmarks/onednn.py`, {payload['date']}, {payload['machine']}" in block
    for row in payload["rows"]:
        assert (
            f"| {row['workload']} | {'on' if row['xla'] else 'off'} | "
            f"{row['onednn_off']:.2f} | {row['onednn_on']:.2f} | "
            f"{row['ratio_on_to_off']:.2f}x |"
        ) in block
