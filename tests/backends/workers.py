"""Running a worker script once per Keras backend, each in its own process.

Keras fixes its backend when it is first imported, so the backend tests
run scripts (`*_worker.py`) in subprocesses with `KERAS_BACKEND` set, one
BLAS and one OpenMP thread each (PyTorch's default pool spins on busy
cores: 8 times slower), and collect what they write.
"""

import os
import subprocess
import sys

import numpy as np

OTHERS = ("jax", "torch")
BACKENDS = ("tensorflow", *OTHERS)


def deterministic_reference(backend):
    """In a worker script on TensorFlow, turns op determinism on.

    The reference must not vary from run to run. Call it only when the
    worker runs as a script: op determinism also turns XLA off for the
    whole process, and pytest imports the workers for their doctests.
    """
    if backend == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


def backend_env(backend, **extra):
    """`os.environ` for a worker on `backend`, plus `extra` variables."""
    env = dict(
        os.environ,
        KERAS_BACKEND=backend,
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        **extra,
    )
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def start(worker, backend, *args, **extra):
    """Starts `python worker *args` on `backend`; returns the `Popen`."""
    return subprocess.Popen(
        [sys.executable, str(worker), *map(str, args)],
        env=backend_env(backend, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait(procs, timeout=900):
    """Waits for `{backend: Popen}`; fails with a worker's output if it failed."""
    for backend, proc in procs.items():
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, f"{backend} worker failed:\n{out}\n{err[-4000:]}"


def run_tensorflow_first(worker, folder, file_pattern):
    """TensorFlow's run, then JAX's and PyTorch's side by side, in `folder`.

    The TensorFlow run writes what the others start from (initial weights,
    saved models). Returns `{backend: {key: array}}` of the `.npz` files
    named `file_pattern.format(backend=...)`.
    """
    wait({"tensorflow": start(worker, "tensorflow", folder)})
    wait({backend: start(worker, backend, folder) for backend in OTHERS})
    return {
        backend: dict(np.load(folder / file_pattern.format(backend=backend)))
        for backend in BACKENDS
    }


def scenario_keys(run, prefix):
    """The sorted keys of `run` starting with `prefix`, except the name lists."""
    return sorted(k for k in run if k.startswith(prefix) and not k.endswith("names"))
