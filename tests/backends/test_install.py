"""`import tfgan_edu` leaves the backend alone and names the extra of a missing one."""

import importlib.util
import json

import pytest

from tfgan_edu import _backend


@pytest.mark.parametrize("backend, extra", [("jax", "jax"), ("torch", "torch")])
def test_a_missing_backend_package_names_its_extra(monkeypatch, backend, extra):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == backend else real_find_spec(name, *a),
    )
    with pytest.raises(ImportError) as info:
        _backend.check_installed(backend)
    message = str(info.value)
    assert f"pip install 'tfgan-edu[{extra}]'" in message
    assert message.endswith(f"Received: KERAS_BACKEND={backend!r}")


def test_installed_backends_pass():
    for backend in _backend.BACKENDS:
        _backend.check_installed(backend)  # make install brings all three


def test_configured_reads_the_environment_then_keras_json(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert _backend.configured() == "torch"
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert _backend.configured() == "tensorflow"  # no keras.json: Keras' default
    (tmp_path / "keras.json").write_text(json.dumps({"backend": "jax"}))
    assert _backend.configured() == "jax"


def test_import_does_not_set_keras_backend():
    """No write to KERAS_BACKEND (the parity workers check the import's effect)."""
    source = importlib.util.find_spec("tfgan_edu").origin
    with open(source) as f:
        text = f.read().replace(" ", "")
    assert 'environ.setdefault("KERAS_BACKEND"' not in text
    assert 'environ["KERAS_BACKEND"]=' not in text
