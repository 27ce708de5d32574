"""Which machine a benchmark ran on, for its table and JSON file."""

from __future__ import annotations

import json
import os
import platform

# The package first, as a user's script imports it: its TensorFlow settings
# (the oneDNN default, read when TensorFlow is imported) are what the
# benchmarks measure.
from tfgan_edu import _onednn

# isort: split
import tensorflow as tf

# The CPU features that decide which kernels oneDNN (TensorFlow, PyTorch)
# and XLA can use: bfloat16 dot products (AVX512_BF16) and Intel's matrix
# tiles (AMX).
_CPU_FLAGS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")


def cpu_model() -> str:
    """The CPU's model name and its notable features, e.g. `"Intel Xeon ... (avx512f, amx_bf16)"`.

    Read from `/proc/cpuinfo` (Linux); elsewhere `platform.processor()`.
    """
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or platform.machine()
    model, flags = platform.machine(), set()
    for line in info.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name":
            model = " ".join(value.split())
        elif key.strip() == "flags":
            flags = set(value.split())
    notable = [flag for flag in _CPU_FLAGS if flag in flags]
    return f"{model} ({', '.join(notable)})" if notable else model


def tensorflow_onednn() -> bool:
    """Whether TensorFlow runs its oneDNN CPU kernels in this process.

    `TF_ENABLE_ONEDNN_OPTS`, read when TensorFlow was imported; `tfgan_edu`
    sets its default to on.
    """
    return bool(_onednn.enabled())


def describe_device() -> tuple[str, str]:
    """`("gpu", name)` of the first GPU, else `("cpu", "<CPU model> xN cores")`."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return "gpu", tf.config.experimental.get_device_details(gpus[0]).get(
            "device_name", "GPU"
        )
    return "cpu", f"{cpu_model()} x{os.cpu_count()} cores"


def describe_machine() -> str:
    """The CPU model, CPU count, Python version and TensorFlow's oneDNN, in one line."""
    onednn = "on" if tensorflow_onednn() else "off"
    return (
        f"{cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"TensorFlow oneDNN {onednn}"
    )


def write_results(out, payload: dict) -> None:
    """Writes a benchmark's `payload` as indented JSON to `out` and says so."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2))
    print(f"wrote {out}")
