"""Which machine a benchmark ran on, for its table and JSON file."""

from __future__ import annotations

import json
import os
import platform

import tensorflow as tf


def describe_device() -> tuple[str, str]:
    """`("gpu", name)` of the first GPU, else `("cpu", "<processor> xN cores")`."""
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        return "gpu", tf.config.experimental.get_device_details(gpus[0]).get(
            "device_name", "GPU"
        )
    return (
        "cpu",
        f"{platform.processor() or platform.machine()} x{os.cpu_count()} cores",
    )


def describe_machine() -> str:
    """The processor architecture, CPU count and Python version, in one line."""
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


def write_results(out, payload: dict) -> None:
    """Writes a benchmark's `payload` as indented JSON to `out` and says so."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2))
    print(f"wrote {out}")
