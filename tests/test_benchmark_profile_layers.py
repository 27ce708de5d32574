"""`benchmarks/profile_layers.py`: every layer of both DCGAN networks is timed
in Keras and in the PyTorch twins, and the sums add up. A tiny run (batch 2,
one repeat, one PyTorch thread), so its times mean nothing."""

import json
import sys
from pathlib import Path

import keras
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))

pytest.importorskip("torch")
import profile_layers  # noqa: E402
import throughput  # noqa: E402


def test_every_layer_is_timed_and_the_summary_adds_up(tmp_path):
    out = tmp_path / "profile.json"
    argv = ["--repeats", "1", "--batch-size", "2", "--torch-threads", "1"]
    assert profile_layers.main([*argv, "--out", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert payload["batch_size"] == 2 and payload["torch_threads"] == 1
    assert isinstance(payload["tensorflow_onednn"], bool)
    generator, discriminator = throughput.workloads()["dcgan"].keras_networks()
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        net = payload["networks"][name]
        expected = [
            type(layer).__name__
            for layer in throughput._layers(model)
            if not isinstance(layer, keras.layers.InputLayer)
        ]
        assert [row["layer"] for row in net["keras"]] == expected
        assert "Conv2DTranspose" in expected or "Conv2D" in expected
        for side in ("keras", "torch"):
            rows, summary = net[side], net[f"{side}_summary"]
            assert all(row["ms"] > 0 for row in rows)
            assert summary["total_ms"] == pytest.approx(sum(r["ms"] for r in rows))
            gemm = [r["ms"] for r in rows if r["layer"] in profile_layers.GEMM_LAYERS]
            assert len(gemm) >= 3 and summary["gemm_ms"] == pytest.approx(sum(gemm))
    # The PyTorch twin of the generator ends in its tanh, the discriminator in its logit.
    assert payload["networks"]["generator"]["torch"][-1]["layer"] == "Tanh"
    assert payload["networks"]["discriminator"]["torch"][-1]["layer"] == "Linear"
