"""`tune_step`: time a compiled model's training step under several
`jit_compile` / `steps_per_execution` settings and keep the fastest.

Which setting is fastest depends on the machine, not only on the model:
whether XLA's fused kernels beat the oneDNN kernels TensorFlow calls without
it depends on the CPU (or GPU), and `steps_per_execution` pays off only when
a step is short enough for Keras' per-step loop to matter.
`benchmarks/throughput.py` measures both on the machine at hand; `tune_step` does the same for any model in a few
seconds per candidate, and leaves the model's weights, optimizer state and
noise seed as it found them.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu import _backend
from tfgan_edu.models._base import AdversarialModel

# The settings a backend can run well. Keras' JAX trainer without `jit`
# runs op by op (orders of magnitude slower), and `torch.compile` of a
# two-player step is slow to compile and fragile, so each backend tries
# the compilation mode it trains well with.
_JIT_CANDIDATES = {"tensorflow": (False, True), "jax": (True,), "torch": (False,)}


@dataclasses.dataclass
class TuneResult:
    """What `tune_step` measured.

    Attributes:
        best: the fastest setting, `{"jit_compile": ..., "steps_per_execution": ...}`.
        rows: one dict per candidate: its setting, `steps_per_s` (the
            steady-state training steps per second) and `first_call_s` (the
            seconds of its first short `fit`: tracing, compiling and three
            calls).
    """

    best: dict
    rows: list

    def table(self):
        """The measurements as a Markdown table, fastest first."""
        lines = [
            "| jit_compile | steps_per_execution | steps/s | first call (s) |",
            "|---|---|---|---|",
        ]
        for row in sorted(self.rows, key=lambda r: -r["steps_per_s"]):
            lines.append(
                f"| {row['jit_compile']} | {row['steps_per_execution']} | "
                f"{row['steps_per_s']:.2f} | {row['first_call_s']:.1f} |"
            )
        return "\n".join(lines)


class _ExecutionClock(keras.callbacks.Callback):
    """Times the end of every compiled call (every `steps_per_execution` steps)."""

    def on_train_begin(self, logs=None):
        self.times = []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())


def _repeating(data, y, batch_size):
    """`data` as an endless `tf.data.Dataset` of the batches `fit` would see."""
    if isinstance(data, tf.data.Dataset):
        if y is not None:
            raise ValueError(
                "Expected `y=None` with a tf.data.Dataset (its elements hold "
                f"the labels). Received: y of type {type(y).__name__}"
            )
        return data.repeat()
    if batch_size is None:
        raise ValueError(
            "Expected `batch_size` (an int >= 1) with array data. Received: "
            "batch_size=None"
        )
    elements = data if y is None else (data, y)
    rows = len(data)
    if rows < batch_size:
        raise ValueError(
            f"Expected at least one full batch of {batch_size} samples. "
            f"Received: {rows} samples"
        )
    return (
        tf.data.Dataset.from_tensor_slices(elements)
        .batch(batch_size, drop_remainder=True)
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


def _state(model):
    """Every variable `fit` changes: weights, BN statistics, seeds, metrics, optimizers."""
    variables = list(model.variables)
    for optimizer in model.optimizers.values():
        variables.extend(optimizer.variables)
    seen, unique = set(), []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            unique.append(variable)
    return unique


def _fit_rate(model, dataset, executions, steps_per_execution):
    """Steps/s over `executions` compiled calls after the first (in one `fit`)."""
    clock = _ExecutionClock()
    model.fit(
        dataset,
        epochs=1,
        steps_per_epoch=(executions + 1) * steps_per_execution,
        verbose=0,
        callbacks=[clock],
    )
    elapsed = clock.times[-1] - clock.times[0]
    return executions * steps_per_execution / elapsed


def tune_step(
    model,
    data,
    y=None,
    *,
    batch_size=None,
    jit_compile=None,
    steps_per_execution=None,
    seconds=3.0,
    apply=True,
    verbose=True,
):
    """Times each compile setting on `data` and sets the fastest on `model`.

    Each candidate is traced (and compiled) once, then trained for about
    `seconds`; its steady-state steps per second are compared. Afterwards
    every variable the timing changed (weights, batch-norm statistics,
    optimizer moments and step counts, the noise seed, the metrics) is put
    back, so the model trains on from where it was, only faster.

    Args:
        model: a compiled `tfgan_edu` model (`GAN`, `ConditionalGAN`,
            `VAE`, `VAEGAN`, `Pix2Pix`, `CycleGAN`).
        data: what `model.fit` takes: a `tf.data.Dataset` of batches, or
            an array of samples (with `batch_size`).
        y: labels or targets for array data (`ConditionalGAN`, `Pix2Pix`).
        batch_size: batch size for array data.
        jit_compile: the values of `jit_compile` to try. Default: `False`
            and `True` on TensorFlow, `True` on JAX, `False` on PyTorch.
        steps_per_execution: the values of `steps_per_execution` to try.
            Default `(1, 8)`: 8 steps per compiled call saves Keras'
            per-step work (callbacks, logs), which matters for small models;
            `(1,)` on PyTorch, whose trainer runs one step per call.
        seconds: the time to train each candidate for (after its first
            call). Default 3.
        apply: set the fastest setting on `model` (as `compile` would, so
            that a saved model keeps it). Default `True`.
        verbose: print the table of `TuneResult.table`.

    Returns:
        A `TuneResult`.

    Raises:
        ValueError: a model that is not a compiled `tfgan_edu` model, empty
            candidate lists, or data `fit` cannot take.

    Example:

    >>> import tfgan_edu as tge
    >>> gan = tge.experiments.default_gan("ring", seed=0)
    >>> data = tge.data.toy2d.sample("ring", n=512, seed=0)
    >>> result = tge.experiments.tune_step(
    ...     gan, data, batch_size=128, seconds=0.2, verbose=False,
    ...     jit_compile=(False,), steps_per_execution=(1, 4))
    >>> sorted(result.best)
    ['jit_compile', 'steps_per_execution']
    >>> gan.steps_per_execution == result.best["steps_per_execution"]
    True
    """
    if not isinstance(model, AdversarialModel):
        raise ValueError(
            "Expected a tfgan_edu model (GAN, ConditionalGAN, VAE, VAEGAN, "
            f"Pix2Pix or CycleGAN). Received: {type(model).__name__}"
        )
    model._check_compiled()
    if jit_compile is None:
        jit_compile = _JIT_CANDIDATES[keras.backend.backend()]
    if steps_per_execution is None:
        several = _backend.current().SEVERAL_STEPS_PER_CALL
        steps_per_execution = (1, 8) if several else (1,)
    jit_modes = tuple(jit_compile)
    executions = tuple(steps_per_execution)
    if not jit_modes or not executions:
        raise ValueError(
            "Expected at least one value of `jit_compile` and of "
            f"`steps_per_execution`. Received: jit_compile={jit_modes}, "
            f"steps_per_execution={executions}"
        )
    for value in executions:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(
                "Expected `steps_per_execution` values to be ints >= 1. "
                f"Received: {value!r}"
            )
        if value < 1:
            raise ValueError(
                "Expected `steps_per_execution` values to be ints >= 1. "
                f"Received: {value}"
            )
    if seconds <= 0:
        raise ValueError(f"Expected `seconds` > 0. Received: seconds={seconds}")
    dataset = _repeating(data, y, batch_size)

    variables = _state(model)
    saved = [keras.ops.convert_to_numpy(v.value) for v in variables]
    original = (model.jit_compile, model.steps_per_execution)
    rows = []
    try:
        for jit in jit_modes:
            for spe in executions:
                _set(model, jit, int(spe))
                start = time.perf_counter()
                # The first call traces and compiles; two more calls give a
                # first rate to size the timed run.
                rate = _fit_rate(model, dataset, 2, int(spe))
                first_call = time.perf_counter() - start
                calls = max(3, int(np.ceil(rate * seconds / spe)))
                rate = _fit_rate(model, dataset, calls, int(spe))
                rows.append(
                    {
                        "jit_compile": bool(jit),
                        "steps_per_execution": int(spe),
                        "steps_per_s": rate,
                        "first_call_s": first_call,
                    }
                )
    finally:
        for variable, value in zip(variables, saved):
            variable.assign(value)
        _set(model, *original)
    fastest = max(rows, key=lambda r: r["steps_per_s"])
    result = TuneResult(
        best={
            "jit_compile": fastest["jit_compile"],
            "steps_per_execution": fastest["steps_per_execution"],
        },
        rows=rows,
    )
    if apply:
        _set(model, **result.best)
    if verbose:
        print(result.table())
    return result


def _set(model, jit_compile, steps_per_execution):
    """Sets the compile options on a compiled model, as `compile` would have."""
    model.jit_compile = jit_compile
    model.steps_per_execution = steps_per_execution
    model._compile_kwargs = {
        **getattr(model, "_compile_kwargs", {}),
        "jit_compile": jit_compile,
        "steps_per_execution": steps_per_execution,
    }
    # Traced again, with the new settings, at the next `fit`.
    model.train_function = None
    model.test_function = None
