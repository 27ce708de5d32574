"""Every model on TensorFlow, JAX and PyTorch: the same numbers from the same start.

`parity_models_worker.py` runs each model for 3 steps from the same initial
weights and the same injected noise, once per backend in its own process
(TensorFlow first: it writes the weights and saved models the others
start from), then reloads the TensorFlow `.keras` file and trains one more
step. `test_parity.py` covers `GAN`'s own options the same way.

Tolerance: on this machine (2-core Intel Xeon, 2026-12-05), the largest
`|other - tensorflow|` per scenario, over every logged loss and weight,
was, for JAX and PyTorch: ConditionalGAN 3.7e-7 and 1.2e-7, ACGAN 2.4e-7,
VAE 4.8e-7 and 2.4e-7, VAEGAN 1.2e-7, Pix2Pix 1.4e-6 and 9.5e-7 (losses
up to 6.3: 1-2 float32 ulps), CycleGAN 1.9e-6 and 3.8e-6 (its values
reach 17, where a float32 ulp is 1.9e-6); `benchmarks/parity.py` prints
these. `atol=1e-5` plus `rtol=1e-5` allows 1e-5 near 0 and 1.8e-4 at 17:
5 to 50 times what was measured, and still far below what one Adam step
(learning rate 1e-2) changes. Before `tfgan_edu._backend.tensorflow.apply_gradients` densified
sparse gradients, the conditional models' label embeddings differed by
3e-2 on TensorFlow (Keras' Adam squared the repeated rows of
`tf.IndexedSlices` before summing them), which this test catches.
"""

from pathlib import Path

import numpy as np
import pytest

from tests.backends.workers import OTHERS, run_tensorflow_first, scenario_keys

pytestmark = pytest.mark.xdist_group("backends")

ATOL = RTOL = 1e-5
WORKER = Path(__file__).with_name("parity_models_worker.py")
SCENARIOS = ("cgan", "acgan", "vae", "vaegan", "pix2pix", "cyclegan")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`{backend: {key: array}}` of the three workers' results."""
    folder = tmp_path_factory.mktemp("parity_models")
    return run_tensorflow_first(WORKER, folder, "models_{backend}.npz")


@pytest.mark.parametrize("backend", OTHERS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_three_steps_match_tensorflow(runs, backend, scenario):
    reference, other = runs["tensorflow"], runs[backend]
    assert str(other["backend"]) == backend
    keys = [
        k
        for k in scenario_keys(reference, f"{scenario}_")
        if "loaded" not in k and "resumed" not in k
    ]
    assert f"{scenario}_losses" in keys and len(keys) > 2
    assert keys == [
        k
        for k in scenario_keys(other, f"{scenario}_")
        if "loaded" not in k and "resumed" not in k
    ]
    for key in keys:
        np.testing.assert_allclose(
            other[key], reference[key], rtol=RTOL, atol=ATOL, err_msg=key
        )


@pytest.mark.parametrize("backend", OTHERS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_a_tensorflow_file_loads_and_resumes(runs, backend, scenario):
    """The `.keras` file saved on TensorFlow loads exactly and trains on as there."""
    reference, other = runs["tensorflow"], runs[backend]
    loaded = scenario_keys(reference, f"{scenario}_loaded")
    assert loaded
    for key in loaded:
        np.testing.assert_array_equal(other[key], reference[key], err_msg=key)
    for key in scenario_keys(reference, f"{scenario}_resumed"):
        np.testing.assert_allclose(
            other[key], reference[key], rtol=RTOL, atol=ATOL, err_msg=key
        )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_steps_did_train(runs, scenario):
    """The compared weights moved, in the 3 steps and in the resumed one."""
    run = runs["tensorflow"]
    assert run[f"{scenario}_losses"].shape[0] == 3
    assert np.all(np.isfinite(run[f"{scenario}_losses"]))
    moved = [
        np.max(np.abs(run[f"{scenario}_resumed_w{i}"] - run[f"{scenario}_loaded{i}"]))
        for i in range(len(scenario_keys(run, f"{scenario}_loaded")))
    ]
    assert max(moved) > 1e-4
