"""`benchmarks/throughput.py`: the PyTorch twins, the FLOP count, a smoke run.

The PyTorch networks must be the Keras ones layer for layer: their parameter
counts are compared with `count_params()`. The analytic FLOP count is checked
against a value worked out by hand for a tiny Dense/Conv network. The smoke
run uses tiny batches, 2 steps and 1 repeat (and one PyTorch thread: on a
loaded machine OpenMP threads wait on each other), so its rates mean nothing;
it checks the JSON and the ratios.
"""

import json
import os
import sys
from pathlib import Path

import keras
import pytest

from tfgan_edu.networks import FusedBatchNormalization

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import throughput  # noqa: E402

torch = pytest.importorskip("torch")
_torch_nets = pytest.importorskip("_torch_nets")


@pytest.mark.parametrize("name", ["dcgan", "ring"])
@pytest.mark.parametrize("base_filters", [64, 3])
def test_torch_networks_have_the_keras_parameter_counts(name, base_filters):
    workload = throughput.workloads(base_filters=base_filters)[name]
    for keras_net, torch_net in zip(
        workload.keras_networks(), workload.torch_networks(), strict=True
    ):
        trainable, total = _torch_nets.parameter_counts(torch_net)
        keras_trainable = sum(
            int(keras.ops.size(w)) for w in keras_net.trainable_weights
        )
        assert (trainable, total) == (keras_trainable, keras_net.count_params())
    if name == "dcgan" and base_filters == 64:
        # dcgan_generator's docstring: 920,321 for 32x32x1 at 64 filters.
        assert _torch_nets.parameter_counts(workload.torch_networks()[0])[1] == 920_321


def test_torch_networks_map_the_keras_shapes():
    workload = throughput.workloads(base_filters=4)["dcgan"]
    G, D = workload.torch_networks()
    images = G(torch.zeros(5, 64))
    assert tuple(images.shape) == (5, 1, 32, 32)
    assert tuple(D(images).shape) == (5, 1)


def test_forward_flops_of_a_tiny_network_by_hand():
    inputs = keras.Input((8, 8, 2))
    # Conv2D 3x3, stride 2, same: 4x4x5 outputs, each 3*3*2 MACs.
    x = keras.layers.Conv2D(5, 3, strides=2, padding="same")(inputs)
    # Conv2DTranspose 4x4, stride 2: each of 4x4x5 inputs scatters 4*4*3.
    x = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same")(x)
    x = keras.layers.BatchNormalization()(x)  # not counted
    x = keras.layers.Flatten()(x)  # 8 * 8 * 3 = 192
    outputs = keras.layers.Dense(7)(x)
    model = keras.Model(inputs, outputs)
    conv = 4 * 4 * 5 * (3 * 3 * 2)
    transpose = 4 * 4 * 5 * (4 * 4 * 3)
    dense = 192 * 7
    assert throughput.forward_flops(model) == 2 * (conv + transpose + dense)

    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4)])  # 24
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])  # 8
    assert throughput.step_flops(g, d, batch_size=10) == 10 * (4 * 24 + 8 * 8)
    assert throughput.step_flops(g, d, 10, reuse_fakes=True) == 10 * (3 * 24 + 8 * 8)


def _check_rows(payload, runners):
    rows = payload["rows"]
    expected = [
        (name, xla)
        for name in runners
        if name != "fit_fused_bn"  # the ring's MLPs have no batch normalization
        for xla in ((False,) if name.startswith("torch") else (False, True))
    ]
    assert [(r["runner"], r["xla"]) for r in rows] == expected
    eager = next(r for r in rows if r["runner"] == "torch_eager")
    hand = {r["xla"]: r for r in rows if r["runner"] == "hand_written"}
    for row in rows:
        assert "error" not in row, row
        assert row["steps_per_s"] > 0 and len(row["all"]) == 1
        assert row["ratio_to_torch_eager"] == pytest.approx(
            row["steps_per_s"] / eager["steps_per_s"]
        )
        assert row["ratio_to_hand_written"] == pytest.approx(
            row["steps_per_s"] / hand[row["xla"]]["steps_per_s"]
        )
        assert row["gflops"] == pytest.approx(
            row["gflop_per_step"] * row["steps_per_s"]
        )
        assert row["gemm_fraction"] == pytest.approx(
            row["gflops"] / payload["gemm_gflops"]["float32"]
        )
    assert eager["ratio_to_torch_eager"] == 1.0
    assert hand[True]["ratio_to_hand_written"] == 1.0


def test_smoke_run_writes_every_runner_and_the_ratios(tmp_path):
    runners = [r for r in throughput.RUNNERS if r != "torch_compile"]
    out = tmp_path / "throughput.json"
    payload = throughput.main(
        [
            "--workloads=ring",
            f"--runners={','.join(runners)}",
            "--steps=2",
            "--repeats=1",
            "--ring-batch-size=16",
            "--gemm-size=64",
            "--torch-threads=1",
            f"--out={out}",
        ]
    )
    assert json.loads(out.read_text()) == payload
    assert set(payload) == {
        "benchmark",
        "date",
        "device",
        "machine",
        "tensorflow",
        "tensorflow_onednn",
        "keras",
        "torch",
        "settings",
        "gemm_gflops",
        "mixed_bfloat16_dtypes",
        "rows",
    }
    assert set(payload["gemm_gflops"]) == {"float32", "bfloat16"}
    assert min(payload["gemm_gflops"].values()) > 0
    # The logit layer is float32 under the policy, and so are the losses.
    assert payload["mixed_bfloat16_dtypes"]["ring"] == {
        "generator_output": "bfloat16",
        "discriminator_logits": "float32",
        "d_loss": "float32",
        "g_loss": "float32",
    }
    assert keras.mixed_precision.global_policy().name == "float32"
    _check_rows(payload, runners)
    spe = {r["runner"]: r["steps_per_execution"] for r in payload["rows"]}
    assert spe["fit_spe8"] == 8 and spe["fit"] == 1
    # One G forward less per step with reuse_fakes.
    flop = {r["runner"]: r["gflop_per_step"] for r in payload["rows"]}
    assert flop["fit_reuse"] < flop["fit"] == flop["torch_eager"]


def test_the_fused_batch_norm_runner_trains_the_fused_layers():
    workload = throughput.workloads(dcgan_batch=4, base_filters=4)["dcgan"]
    runner, fields = throughput._make("fit_fused_bn", workload, jit=False)
    assert fields["fused_batch_norm"] is True
    layers = runner.gan.generator.layers + runner.gan.discriminator.layers
    norms = [type(layer) for layer in layers if "_bn" in layer.name]
    assert len(norms) == 5  # G: project_bn, up_1_bn, up_2_bn; D: down_2_bn, down_3_bn
    assert set(norms) == {FusedBatchNormalization}
    assert runner(1) > 0


def test_fit_with_steps_per_execution_times_whole_executions():
    workload = throughput.workloads(ring_batch=16)["ring"]
    runner = throughput.FitRunner(workload, jit=False, spe=4)
    before = int(runner.gan.d_optimizer.iterations)
    assert runner(2) > 0
    # 2 steps round up to one timed execution of 4, after one untimed one.
    assert int(runner.gan.d_optimizer.iterations) - before == 8


@pytest.mark.slow
def test_torch_compile_runner(tmp_path):
    workload = throughput.workloads(ring_batch=16)["ring"]
    rows = throughput.measure(
        workload, ["torch_eager", "torch_compile"], steps=2, repeats=1, torch_threads=1
    )
    compiled = rows[1]
    assert compiled["runner"] == "torch_compile"
    # A failure is recorded in the row, not raised.
    assert compiled.get("error") or compiled["steps_per_s"] > 0
