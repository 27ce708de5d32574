"""tfgan_edu: generative adversarial networks for learning and teaching.

Every model is a subclassed `keras.Model` whose `train_step` plays the
minimax game, so it trains with the ordinary `model.fit`.

Example:

>>> import tfgan_edu as tge
>>> x = tge.data.toy2d.sample("ring", n=4, seed=0)
>>> x.shape
(4, 2)
"""

import os

# Quiet TensorFlow's C++ start-up chatter unless the user asked for it, and
# make sure Keras runs on TensorFlow: every model here is written for it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

try:
    import tensorflow  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError(
        "tfgan_edu needs TensorFlow. Install it with the package's `cpu` or "
        "`gpu` extra: `pip install 'tfgan-edu[cpu]'` or "
        "`pip install 'tfgan-edu[gpu]'`."
    ) from exc

import keras

if keras.backend.backend() != "tensorflow":  # pragma: no cover
    raise ImportError(
        "tfgan_edu runs on Keras 3 with the TensorFlow backend. Unset "
        "KERAS_BACKEND or set it to 'tensorflow' before importing keras. "
        f"Received: KERAS_BACKEND={keras.backend.backend()!r}"
    )

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
