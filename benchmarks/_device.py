"""Which machine a benchmark ran on, for its table and JSON file."""

from __future__ import annotations

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
