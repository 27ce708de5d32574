"""`tge.experiments.reproducible`: same seed, same History (in a subprocess,
since op determinism cannot be turned off once on)."""

import json
import subprocess
import sys

import pytest

from tfgan_edu.experiments import reproducible

SCRIPT = r"""
import json
import numpy as np
import tfgan_edu as tge


def run(seed):
    tge.experiments.reproducible(seed)
    # No seed anywhere below: the global seeds cover the weights, the GAN's
    # noise (seed=None), the data (np.random) and fit's shuffling.
    data = np.random.normal(size=(256, 2)).astype("float32")
    gan = tge.GAN(
        tge.networks.mlp_generator(4, (2,), hidden_units=(16,)),
        tge.networks.mlp_discriminator((2,), hidden_units=(16,)),
        latent_dim=4,
    )
    gan.compile(d_optimizer="adam", g_optimizer="adam", diagnostics=True)
    history = gan.fit(data, batch_size=32, epochs=2, verbose=0).history
    return history, [w.tolist() for w in gan.get_weights()]


a, b, c = run(7), run(7), run(8)
print(json.dumps({"same": a == b, "other": a[0] == c[0], "keys": sorted(a[0])}))
"""


def test_two_runs_with_the_same_seed_give_identical_histories():
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["same"] is True  # History and every weight, bit for bit
    assert result["other"] is False  # another seed, another run
    assert "diversity" in result["keys"]


def test_bad_arguments():
    with pytest.raises(ValueError, match="Received: seed=-1"):
        reproducible(-1)
    with pytest.raises(ValueError, match="Received: seed=1.5"):
        reproducible(1.5)
    with pytest.raises(ValueError, match="Received: deterministic_ops='no'"):
        reproducible(0, deterministic_ops="no")
