"""`tge.GAN` on TensorFlow, JAX and PyTorch: the same numbers from the same start.

Each backend runs `parity_worker.py` in a process of its own (the backend is
fixed when Keras is imported): TensorFlow first, which writes the initial
weights and a saved model, then JAX and PyTorch side by side. Every scenario
starts from the same weights and draws the same noise (see the worker).

Tolerance: on this machine, running the three workers by hand into one
folder and taking `np.max(np.abs(tensorflow - other))` over every loss and
weight of a scenario gave, for JAX and PyTorch alike, 1.2e-7 (one float32
ulp at 1: the engines sum in different orders) in `plain`, `r1` and `gp`,
at most 6e-8 in `resume`, 0 for the loaded weights, and 3.6e-7 (JAX) and
1.2e-7 (PyTorch) in `joint`. `ATOL` is 1e-5, about 28 times the largest,
room for other CPUs' kernels, and still a thousandth of what one step
changes (an Adam step at learning rate 1e-2 moves each weight by about
1e-2).
"""

from pathlib import Path

import numpy as np
import pytest

from tests.backends.workers import OTHERS, run_tensorflow_first, scenario_keys

pytestmark = pytest.mark.xdist_group("backends")

ATOL = 1e-5
WORKER = Path(__file__).with_name("parity_worker.py")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """`{backend: {key: array}}` of the three workers' results."""
    folder = tmp_path_factory.mktemp("parity")
    return run_tensorflow_first(WORKER, folder, "{backend}.npz")


@pytest.mark.parametrize("backend", OTHERS)
@pytest.mark.parametrize(
    "scenario", ["plain", "r1", "gp", "clip", "reuse", "joint", "resume"]
)
def test_losses_and_weights_match_tensorflow(runs, backend, scenario):
    reference, other = runs["tensorflow"], runs[backend]
    keys = scenario_keys(reference, f"{scenario}_")
    assert keys == scenario_keys(other, f"{scenario}_")
    # plain: 4 terms x 3 steps; r1: also r1 and the 5 diagnostics; gp: gp;
    # reuse: `reuse_fakes` (`_forward`/`_minimize_through`); joint: two
    # players from one forward pass (`_minimize_jointly`).
    assert f"{scenario}_losses" in keys and len(keys) > 1
    for key in keys:
        np.testing.assert_allclose(
            other[key], reference[key], rtol=0, atol=ATOL, err_msg=key
        )


def test_the_steps_did_train(runs):
    """The compared weights moved: parity is not that of untouched weights."""
    run = runs["tensorflow"]
    assert np.max(np.abs(run["resume_w0"] - run["loaded_w0"])) > 1e-4
    assert {"r1", "d_grad_norm", "diversity"} <= set(run["r1_names"])
    assert "gp" in set(run["gp_names"])
    # EMA: the averaged generator (6 weights) is compared too.
    n_ema = len(scenario_keys(run, "r1_w")) - len(scenario_keys(run, "plain_w"))
    assert n_ema == 6


@pytest.mark.parametrize("backend", ("tensorflow", *OTHERS))
def test_instance_noise_runs_and_anneals(runs, backend):
    """Finite losses and weights; not compared, as each backend draws its own noise."""
    run = runs[backend]
    assert run["noise_losses"].shape == (3, 4)
    assert np.all(np.isfinite(run["noise_losses"]))
    assert np.all(np.isfinite(run["noise_w0"]))


@pytest.mark.parametrize("backend", OTHERS)
def test_diff_augment_shifts_as_on_tensorflow_and_trains(runs, backend):
    """`translation`'s gather gives TensorFlow's pixels; a GAN trains through it."""
    for axis in (1, 2):
        np.testing.assert_array_equal(
            runs[backend][f"shift{axis}"], runs["tensorflow"][f"shift{axis}"]
        )
    assert np.all(np.isfinite(runs[backend]["augment_losses"]))


def test_the_shift_is_the_reference_shift(runs):
    """TensorFlow's shift against NumPy: row `i` reads row `i - offset`, else -1."""
    images = np.random.default_rng(2).uniform(-1, 1, (3, 5, 4, 2)).astype("float32")
    for axis in (1, 2):
        expected = np.full_like(images, -1.0)
        for b, offset in enumerate((-2, 0, 3)):
            for i in range(images.shape[axis]):
                if 0 <= i - offset < images.shape[axis]:
                    src = np.take(images[b], i - offset, axis=axis - 1)
                    dst = [slice(None)] * 3
                    dst[axis - 1] = i
                    expected[b][tuple(dst)] = src
        np.testing.assert_array_equal(runs["tensorflow"][f"shift{axis}"], expected)


@pytest.mark.parametrize("backend", OTHERS)
def test_a_tensorflow_file_loads_exactly(runs, backend):
    """The `.keras` file saved on TensorFlow loads the same weights elsewhere."""
    for key in scenario_keys(runs["tensorflow"], "loaded_"):
        np.testing.assert_array_equal(runs[backend][key], runs["tensorflow"][key])


@pytest.mark.parametrize("backend", OTHERS)
def test_import_keeps_the_backend_and_undeclared_models_say_so(runs, backend):
    """`import tfgan_edu` ran on the backend the environment asked for."""
    run = runs[backend]
    assert str(run["backend"]) == backend
    message = str(run["undeclared_error"])
    assert message.startswith(
        "Undeclared runs on the Keras backends ['tensorflow'] only"
    )
    assert f"Received: keras.backend.backend()='{backend}'" in message
