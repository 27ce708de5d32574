"""`import tfgan_edu` turns on TensorFlow's oneDNN CPU kernels, unless told not to.

TensorFlow reads `TF_ENABLE_ONEDNN_OPTS` once, when it is imported, and
turns oneDNN on by itself only on x86 CPUs with AVX-512 VNNI/BF16 or AMX.
The package sets the variable's default before it imports TensorFlow
(`tfgan_edu/__init__.py`), and every notebook's first cell imports the
package before Keras. Each case runs in a fresh interpreter, as a user's
script or kernel does, and asks TensorFlow itself whether oneDNN is on.
"""

import os
import platform
import subprocess
import sys

import pytest

from tfgan_edu._docs import colab

# TensorFlow's oneDNN build is x86's (and aarch64 Linux's, with its own
# default); elsewhere the variable changes nothing to test.
pytestmark = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"),
    reason="TensorFlow's oneDNN default is tested on x86 CPUs",
)

ASK = (
    "from tensorflow.python.util import _pywrap_util_port as port\n"
    "print('oneDNN', port.IsMklEnabled())\n"
)


WARNING = "TensorFlow was imported before tfgan_edu, with its oneDNN CPU kernels off"


def _run(code, setting=None):
    """`(oneDNN on?, stderr)` after `code` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    result = subprocess.run(
        [sys.executable, "-W", "default", "-c", code + "\n" + ASK],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = [line for line in result.stdout.splitlines() if line.startswith("oneDNN")]
    assert len(answer) == 1, result.stdout + result.stderr
    return answer[0] == "oneDNN True", result.stderr


def _onednn(code, setting=None):
    """Whether oneDNN is on after `code` in a fresh interpreter."""
    return _run(code, setting)[0]


def test_importing_the_package_first_turns_onednn_on():
    assert _onednn("import tfgan_edu")


def test_the_users_setting_is_kept():
    assert not _onednn("import tfgan_edu", setting="0")
    assert _onednn("import tfgan_edu", setting="1")


def test_the_notebooks_setup_cell_turns_it_on_before_their_keras_import():
    # A notebook runs the setup cell, then its imports (`import keras` first).
    assert _onednn(colab.SETUP_SOURCE + "\nimport keras\nimport tensorflow")


def test_tensorflow_imported_first_keeps_its_own_default_and_says_so():
    # What the package cannot change: TensorFlow read the variable already.
    # Its own default is on only with AVX-512 VNNI/BF16 or AMX; either way
    # importing the package afterwards changes nothing, and where it left
    # oneDNN off the package warns, naming the fix.
    first = _onednn("import tensorflow")
    for code in (
        "import tensorflow\nimport tfgan_edu",
        "import keras\nimport tfgan_edu",
    ):
        on, stderr = _run(code)
        assert on == first
        assert (WARNING in stderr) == (not first), stderr
        if not first:
            assert "Import tfgan_edu before TensorFlow and Keras" in stderr


def test_no_warning_where_the_user_chose_or_the_package_came_first():
    for code, setting in [
        ("import tensorflow\nimport tfgan_edu", "0"),
        ("import tensorflow\nimport tfgan_edu", "1"),
        ("import tfgan_edu\nimport keras", None),
    ]:
        assert WARNING not in _run(code, setting)[1]
