"""`tge.experiments.tune_step`: it times each setting, keeps the fastest,
and leaves the model's training exactly where it was."""

import keras
import numpy as np
import pytest

import tfgan_edu as tge
from tfgan_edu.data import toy2d
from tfgan_edu.experiments import tuning


def _ring_gan():
    return tge.experiments.default_gan("ring", seed=0)


def _state(gan):
    return [keras.ops.convert_to_numpy(v.value) for v in tuning._state(gan)]


def test_best_is_the_fastest_row_and_is_applied():
    gan = _ring_gan()
    data = toy2d.sample("ring", n=512, seed=0)
    result = tge.experiments.tune_step(
        gan,
        data,
        batch_size=128,
        jit_compile=(False,),
        steps_per_execution=(1, 4),
        seconds=0.3,
        verbose=False,
    )
    assert len(result.rows) == 2
    fastest = max(result.rows, key=lambda r: r["steps_per_s"])
    assert result.best == {
        "jit_compile": False,
        "steps_per_execution": fastest["steps_per_execution"],
    }
    assert all(row["steps_per_s"] > 0 for row in result.rows)
    assert gan.steps_per_execution == fastest["steps_per_execution"]
    assert gan.jit_compile is False
    # Kept like a compile option, so a saved model keeps it.
    assert (
        gan.get_compile_config()["steps_per_execution"]
        == (fastest["steps_per_execution"])
    )
    assert result.table().count("\n") == 3


def test_default_candidates_follow_the_backend(monkeypatch):
    from tfgan_edu import _backend

    data = toy2d.sample("ring", n=512, seed=0)
    kwargs = dict(batch_size=128, jit_compile=(False,), seconds=0.1, verbose=False)
    rows = tge.experiments.tune_step(_ring_gan(), data, **kwargs).rows
    assert [row["steps_per_execution"] for row in rows] == [1, 8]
    # Keras' PyTorch trainer runs one step per call: only 1 is tried there.
    monkeypatch.setattr(_backend.current(), "SEVERAL_STEPS_PER_CALL", False)
    rows = tge.experiments.tune_step(_ring_gan(), data, **kwargs).rows
    assert [row["steps_per_execution"] for row in rows] == [1]


def test_training_after_tuning_is_the_training_without_it():
    data = toy2d.sample("ring", n=512, seed=1)
    tuned, plain = _ring_gan(), _ring_gan()
    before = _state(tuned)
    tge.experiments.tune_step(
        tuned,
        data,
        batch_size=128,
        jit_compile=(False,),
        steps_per_execution=(1, 3),
        seconds=0.2,
        verbose=False,
    )
    # Weights, BN statistics, optimizer moments and step counts, the noise
    # seed and the metrics are back to their values before the timing.
    for a, b in zip(before, _state(tuned)):
        np.testing.assert_array_equal(a, b)
    assert int(tuned.g_optimizer.iterations.numpy()) == 0
    # `steps_per_execution` does not change the arithmetic: both models
    # train on to the same weights.
    tuned.steps_per_execution = 1
    for gan in (tuned, plain):
        gan.fit(data, batch_size=128, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(tuned.get_weights(), plain.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_steps_per_execution_survives_save_and_load(tmp_path):
    gan = _ring_gan()
    tuning._set(gan, False, 5)
    path = tmp_path / "gan.keras"
    gan.save(path)
    assert tge.models.load(path).steps_per_execution == 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"steps_per_execution": ()}, "at least one value"),
        ({"jit_compile": ()}, "at least one value"),
        ({"steps_per_execution": (0,)}, "ints >= 1. Received: 0"),
        ({"steps_per_execution": (2.5,)}, "ints >= 1. Received: 2.5"),
        ({"seconds": 0}, "seconds` > 0"),
        ({"batch_size": None}, "Expected `batch_size`"),
        ({"batch_size": 1024}, "at least one full batch of 1024 samples"),
    ],
)
def test_bad_arguments_fail_before_any_training(kwargs, message):
    gan = _ring_gan()
    before = _state(gan)
    args = {"batch_size": 128, **kwargs}
    with pytest.raises(ValueError, match=message):
        tge.experiments.tune_step(
            gan, toy2d.sample("ring", n=512, seed=0), verbose=False, **args
        )
    for a, b in zip(before, _state(gan)):
        np.testing.assert_array_equal(a, b)


def test_refuses_a_plain_keras_model_and_an_uncompiled_gan():
    with pytest.raises(ValueError, match="Expected a tfgan_edu model"):
        tge.experiments.tune_step(keras.Sequential(), np.zeros((4, 2)))
    gan = tge.GAN(
        tge.networks.mlp_generator(4, (2,)),
        tge.networks.mlp_discriminator((2,)),
        latent_dim=4,
    )
    with pytest.raises(RuntimeError, match="compile"):
        tge.experiments.tune_step(gan, np.zeros((8, 2)), batch_size=4)
