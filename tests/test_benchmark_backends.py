"""`benchmarks/backends.py`: `tge.GAN.fit` steps/s on each Keras backend.

The script is run as a user runs it (a subprocess, which starts one worker
process per backend) in its quick mode with the fewest steps, and its JSON
is checked against the raw timings it records. A fake `tensorflow` package
that raises `ModuleNotFoundError` stands in for a machine without
TensorFlow (a JAX/PyTorch GPU machine): every backend is then skipped with
its reason, and no traceback escapes.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("backends")

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "backends.py"
BACKENDS = ("tensorflow", "jax", "torch")
MODELS = ("ring", "dcgan")
DATA = ("numpy", "tf.data")


def _run(out, *args, pythonpath=None):
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",  # PyTorch's pool on shared cores, as `make test`
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.pop("KERAS_BACKEND", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(pythonpath), *filter(None, [env.get("PYTHONPATH")])]
        )
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr[-4000:]}"
    return proc, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_run_measures_every_model_on_every_backend(tmp_path):
    steps, repeats = 2, 2
    proc, result = _run(
        tmp_path / "quick.json",
        f"--steps={steps}",
        f"--repeats={repeats}",
        "--warmup=1",
    )
    assert set(result) == {
        "benchmark",
        "machine",
        "versions",
        "settings",
        "rows",
        "backends",
    }
    machine = result["machine"]
    assert machine["cores"] >= 1 and machine["cpu"]
    assert "load average" in machine["load_start"]
    assert "load average" in machine["load_end"]
    assert result["settings"].pop("env") == {
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }
    assert result["settings"] == {
        "steps": steps,
        "repeats": repeats,
        "rounds": 1,
        "warmup": 1,
        "image_size": 28,
        "data": list(DATA),
        "quick": True,
    }
    assert [(r["model"], r["data"], r["backend"]) for r in result["rows"]] == [
        (m, d, b) for m in MODELS for d in DATA for b in BACKENDS
    ]
    for backend in BACKENDS:
        entry = result["backends"][backend]
        assert entry["status"] == "ok", entry
        assert entry["device"] == "cpu" or entry["device"].startswith("gpu: ")
        assert entry["versions"]["keras"] == result["versions"]["keras"]
        assert len(entry["runs"]) == 1
        assert "load average" in entry["runs"][0]["load_before"]
    reference = {}
    for row in result["rows"]:
        key = f"{row['model']}/{row['data']}"
        raw = result["backends"][row["backend"]]["models"][key]
        rates = raw["steps_per_s"]
        assert len(rates) == repeats and min(rates) > 0
        # Each call's wall time holds its timed steps (and one more step).
        for rate, wall in zip(rates, raw["fit_call_s"], strict=True):
            assert wall >= steps / rate
        assert row["steps_per_s"] == pytest.approx(statistics.median(rates))
        assert (row["min"], row["max"]) == (min(rates), max(rates))
        if row["backend"] == "tensorflow":
            reference[key] = row["steps_per_s"]
        assert row["ratio_to_tensorflow"] == pytest.approx(
            row["steps_per_s"] / reference[key]
        )
    # Keras resolves jit_compile="auto" to XLA on JAX, eager on PyTorch.
    assert result["backends"]["jax"]["models"]["ring/numpy"]["jit_compile"] is True
    assert result["backends"]["torch"]["models"]["ring/numpy"]["jit_compile"] is False
    # 28x28 DCGAN with 64 base filters and latent 64: 534,273 generator
    # parameters (dcgan_generator's docstring) plus the discriminator's.
    assert result["backends"]["jax"]["models"]["dcgan/numpy"]["parameters"] > 534_273
    for backend in BACKENDS:
        for data in DATA:
            assert f"| ring MLPs | {data} | {backend} |" in proc.stdout
            assert f"| DCGAN 28x28 | {data} | {backend} |" in proc.stdout


def test_without_tensorflow_every_backend_is_skipped_with_its_reason(tmp_path):
    fake = tmp_path / "no_tensorflow" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'tensorflow'\", "
        'name="tensorflow")\n'
    )
    proc, result = _run(
        tmp_path / "no_tf.json", "--models=ring", pythonpath=fake.parent
    )
    assert "Traceback" not in proc.stdout + proc.stderr
    entries = result["backends"]
    assert {b: e["status"] for b, e in entries.items()} == dict.fromkeys(
        BACKENDS, "skipped"
    )
    assert entries["tensorflow"]["reason"].startswith("TensorFlow is missing")
    for backend in ("jax", "torch"):
        reason = entries[backend]["reason"]
        assert reason.startswith("TensorFlow is missing: tfgan_edu needs it")
        assert f"skipping the {backend} backend" in reason
        # The device is recorded before tfgan_edu is imported.
        device = entries[backend]["device"]
        assert device == "cpu" or device.startswith("gpu: ")
    for row in result["rows"]:
        assert row["steps_per_s"] is None and row["ratio_to_tensorflow"] is None
    for backend in BACKENDS:
        assert (
            f"| ring MLPs | numpy | {backend} | " in proc.stdout
            and "skipped (TensorFlow is missing), see below" in proc.stdout
        )
        assert f"\n{backend}: TensorFlow is missing" in proc.stdout


def test_unknown_backend_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--backends=jax,mxnet", "--quick"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Expected a comma-separated subset of tensorflow, jax, torch" in proc.stderr
    assert "Received: --backends='jax,mxnet'" in proc.stderr
