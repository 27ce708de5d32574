"""tfgan_edu: generative adversarial networks for learning and teaching.

Every model is a subclassed `keras.Model` whose `train_step` plays the
minimax game, so it trains with the ordinary `model.fit`, on the Keras
backend you configured (`KERAS_BACKEND`: TensorFlow by default; `GAN` also
on JAX and PyTorch).

Importing the package turns on TensorFlow's oneDNN CPU kernels
(`TF_ENABLE_ONEDNN_OPTS=1`), which TensorFlow enables by itself only on CPUs
with AVX-512 VNNI/BF16 or AMX: import `tfgan_edu` before TensorFlow or Keras
for it to count, or set the variable yourself (`0` keeps them off).

Example:

>>> import tfgan_edu as tge
>>> x = tge.data.toy2d.sample("ring", n=4, seed=0)
>>> x.shape
(4, 2)
"""

import os

# Quiet TensorFlow's C++ start-up chatter unless the user asked for it.
# The Keras backend is the user's (KERAS_BACKEND or keras.json): the package
# never sets it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from tfgan_edu import _onednn  # noqa: E402

# TensorFlow's oneDNN CPU kernels on, before TensorFlow is imported (see
# `_onednn`); a value the user set, "0" included, is kept.
_ONEDNN_DEFAULT_TOOK_EFFECT = _onednn.set_default()

from tfgan_edu import _backend  # noqa: E402

# The data pipelines (tf.data) and the metrics use TensorFlow on every
# backend, as Keras 3's own data handling does.
try:
    import tensorflow  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "tfgan_edu needs TensorFlow (for its data pipelines on every Keras "
        "backend). Install it with the package's `cpu` or `gpu` extra: "
        "`pip install 'tfgan-edu[cpu]'` or `pip install 'tfgan-edu[gpu]'`."
    ) from exc

_onednn.warn_if_too_late(_ONEDNN_DEFAULT_TOOK_EFFECT)

# Before Keras fails on a missing backend package with a bare
# ModuleNotFoundError: name the extra that installs it.
_backend.check_installed(_backend.configured())

from tfgan_edu import (  # noqa: E402
    augment,
    callbacks,
    data,
    diagnostics,
    exercises,
    experiments,
    losses,
    metrics,
    networks,
    penalties,
    recipes,
    viz,
)
from tfgan_edu.models import (  # noqa: E402
    ACGAN,
    GAN,
    VAE,
    VAEGAN,
    ConditionalGAN,
    CycleGAN,
    Pix2Pix,
)

__version__ = "0.1.0"

__all__ = [
    "ACGAN",
    "ConditionalGAN",
    "CycleGAN",
    "GAN",
    "Pix2Pix",
    "VAE",
    "VAEGAN",
    "augment",
    "callbacks",
    "data",
    "diagnostics",
    "exercises",
    "experiments",
    "losses",
    "metrics",
    "networks",
    "penalties",
    "recipes",
    "viz",
]
