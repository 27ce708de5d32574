"""Test-suite set-up (tests and doctests): quiet, offline, isolated from the home folder."""

import os
import tempfile

# These must be set before TensorFlow, Keras or matplotlib are imported.
_TMP = tempfile.mkdtemp(prefix="tfgan_edu_tests_")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ["KERAS_HOME"] = os.path.join(_TMP, "keras")
os.environ["MPLCONFIGDIR"] = os.path.join(_TMP, "matplotlib")
os.environ["TFDS_DATA_DIR"] = os.path.join(_TMP, "tensorflow_datasets")
os.environ.setdefault("MPLBACKEND", "Agg")

# The package before TensorFlow, as a user's script imports it: its
# TensorFlow settings (the oneDNN default) hold in the tests as they do for
# users, in this process and in the ones it starts.
import tfgan_edu  # noqa: E402, F401

# isort: split
import keras  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_keras_state():
    """Each test starts from a clean Keras session with seeded randomness."""
    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(0)
    yield
