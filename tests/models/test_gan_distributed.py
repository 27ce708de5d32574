"""`tge.GAN` under `tf.distribute.MirroredStrategy` on two logical CPUs.

Logical devices must be configured before TensorFlow starts, so each run is a
fresh Python process.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import tensorflow as tf

    replicas = int(sys.argv[1])
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    import keras
    import numpy as np
    import tfgan_edu as tge

    if replicas > 1:
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    else:
        strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    keras.utils.set_random_seed(0)
    with strategy.scope():
        gan = tge.GAN(
            tge.networks.mlp_generator(4, (2,), hidden_units=(16,)),
            tge.networks.mlp_discriminator((2,), hidden_units=(16,)),
            latent_dim=4,
            seed=3,
        )
        gan.compile(
            d_optimizer=keras.optimizers.Adam(1e-2),
            g_optimizer=keras.optimizers.Adam(1e-2),
            d_steps=2,
            ema_decay=0.9,  # the averaged generator is updated in a merge call
            # Requested under 2 replicas, where it must be switched off (XLA
            # draws a different noise stream, so the 1-device run goes without).
            jit_compile=replicas > 1,
        )
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    ds = tf.data.Dataset.from_tensor_slices(x).batch(32)
    history = gan.fit(ds, epochs=1, steps_per_epoch=1, verbose=0)
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "jit_compile": bool(gan.jit_compile),
        "history": {k: v[0] for k, v in history.history.items()},
        "weights": [w.tolist() for w in gan.get_weights()],
    }))
    """
)


def _run(replicas):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(replicas)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_two_replicas_take_the_same_first_step_as_one_device():
    one, two = _run(1), _run(2)
    assert two["replicas"] == 2 and one["replicas"] == 1
    assert two["jit_compile"] is False
    # Losses are averaged over the global batch and each replica gets its
    # slice of one global noise draw, so the numbers agree to float error.
    for key in ("d_loss", "g_loss", "real_score", "fake_score"):
        assert two["history"][key] == pytest.approx(one["history"][key], rel=1e-5), key
    for a, b in zip(one["weights"], two["weights"]):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-4, atol=1e-6)
