"""`tge.GAN` on more than one device: JAX's `DataParallel`, and PyTorch's one device.

Each backend runs `distribution_worker.py` in a process of its own (the
backend is fixed when Keras is imported), JAX with two host CPU devices
(`XLA_FLAGS=--xla_force_host_platform_device_count=2`).

Under `keras.distribution.DataParallel` Keras' JAX trainer shards the batch
over the devices and replicates the variables; `jit` partitions the step
(SPMD), so the step sees the global batch: its losses are means over the
global batch, its noise is drawn for the global batch from the same seed
state, and the numbers are those of one device up to the order of the sums.

Tolerance: on this machine (2026-12-05), `np.max(np.abs(one - data_parallel))`
over 3 steps was 1.2e-7 for the losses (one float32 ulp at 1) and 6e-8 for
the weights, for the plain GAN and for R1 with `d_steps=2`, an EMA generator
and the diagnostics. `ATOL` is 1e-5, about 80 times the largest, room for
other CPUs' reductions, and still a thousandth of what one step changes (an
Adam step at learning rate 1e-2 moves each weight by about 1e-2;
`test_the_steps_did_train` checks they moved).
"""

from pathlib import Path

import numpy as np
import pytest

from tests.backends.workers import OTHERS, scenario_keys, start, wait

pytestmark = pytest.mark.xdist_group("backends")

ATOL = 1e-5
WORKER = Path(__file__).with_name("distribution_worker.py")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`{backend: {key: array}}` of the JAX and PyTorch workers' results."""
    folder = tmp_path_factory.mktemp("distribution")
    # Two host devices, even where JAX could see an accelerator.
    devices = dict(
        XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu"
    )
    wait({b: start(WORKER, b, folder, **devices) for b in OTHERS}, timeout=600)
    return {b: dict(np.load(folder / f"{b}.npz")) for b in OTHERS}


def test_jax_sees_two_cpu_devices(runs):
    assert str(runs["jax"]["backend"]) == "jax"
    assert list(runs["jax"]["devices"]) == ["cpu", "cpu"]


@pytest.mark.parametrize("scenario", ["", "r1_"])
@pytest.mark.parametrize("after", ["w1_", "w3_"])
def test_data_parallel_matches_one_device(runs, scenario, after):
    """Losses (step 1, then all 3) and weights after step 1 and step 3."""
    run = runs["jax"]
    one, parallel = f"{scenario}one_", f"{scenario}data_parallel_"
    assert list(run[f"{one}names"]) == list(run[f"{parallel}names"])
    losses = run[f"{one}losses"], run[f"{parallel}losses"]
    assert losses[0].shape == (3, len(run[f"{one}names"]))
    steps = 1 if after == "w1_" else 3
    np.testing.assert_allclose(losses[1][:steps], losses[0][:steps], rtol=0, atol=ATOL)
    keys = scenario_keys(run, one + after)
    # 12 weights: G and D (3 dense layers each), + the EMA generator's 6.
    assert len(keys) == (12 if scenario == "" else 18)
    for key in keys:
        other = key.replace(one, parallel, 1)
        np.testing.assert_allclose(run[other], run[key], rtol=0, atol=ATOL, err_msg=key)


def test_the_steps_did_train(runs):
    """The compared weights moved: agreement is not that of untouched weights."""
    run = runs["jax"]
    first = run["data_parallel_w3_0"]
    init = run["init"][: first.size].reshape(first.shape)
    assert np.max(np.abs(first - init)) > 1e-3
    assert np.max(np.abs(first - run["data_parallel_w1_0"])) > 1e-3


def test_the_state_lives_on_both_devices(runs):
    run = runs["jax"]
    assert list(run["one_weight_devices"]) == [0]
    # A network's weight, a player optimizer's slot, the noise seed state:
    # replicated (no axis split) on both devices.
    for key in ("weight_devices", "optimizer_devices", "seed_devices"):
        assert list(run[key]) == [0, 1], key
    assert str(run["weight_spec"]) == "P(None, None)"


def test_the_step_sees_the_global_batch_sharded(runs):
    """SPMD: the traced step sees all 32 samples, split along `batch`.

    So the losses are already global means: `replica_weight` is 1 and
    `global_batch` is `None` (one replica's view), as on one device.
    """
    run = runs["jax"]
    assert list(run["seen_batch_size"]) == [32]
    assert list(run["seen_sharding"]) == ["P('batch',)"]


def test_fit_evaluate_and_generate_run(runs):
    """One epoch of 64 samples in batches of 32, from NumPy and from tf.data."""
    run = runs["jax"]
    assert run["fit_losses"].shape == (2, 4)
    assert np.all(np.isfinite(run["fit_losses"]))
    assert int(run["fit_iterations"]) == 4  # 2 fits x 2 steps
    assert np.all(np.isfinite(run["evaluate_losses"]))
    assert run["generated"].shape == (8, 2)
    assert np.all(np.isfinite(run["generated"]))
    assert list(run["fit_weight_devices"]) == [0, 1]


def test_networks_built_before_the_distribution_say_so(runs):
    message = str(runs["jax"]["mixed_error"])
    assert message.startswith("Expected every variable of the model")
    assert "set_distribution" in message
    assert "kernel' on one device" in message and "on the mesh" in message


def test_torch_trains_on_one_device(runs):
    """Keras has no torch distribution library: `DataParallel` does nothing.

    Without devices it fails on the missing library; with explicit devices
    it can be set, and training is exactly that of no distribution, on the
    one torch device.
    """
    run = runs["torch"]
    assert str(run["default_error"]) == (
        "AttributeError: 'NoneType' object has no attribute 'list_devices'"
    )
    assert str(run["data_parallel_repr"]).startswith("<DataParallel device_mesh=")
    assert len(run["weight_devices"]) == 1
    keys = scenario_keys(run, "one_")
    assert len(keys) == 1 + 2 * 12
    for key in keys:
        other = key.replace("one_", "data_parallel_", 1)
        np.testing.assert_array_equal(run[other], run[key], err_msg=key)
