"""Keras callbacks for GAN training: sample grids from fixed noise, a guard
that stops a diverging or collapsing run and restores good weights, a
learning-rate scheduler and a plateau reducer for models with one optimizer
per player, early stopping that knows `d_loss` and `g_loss` are minimized,
and monitors that log FID or mode coverage into `History` every few
epochs."""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from tfgan_edu import metrics, viz
from tfgan_edu._checks import check_int
from tfgan_edu.metrics import features as metric_features
from tfgan_edu.metrics.extraction import check_source
from tfgan_edu.metrics.mode_coverage import mixture_modes
from tfgan_edu.metrics.moments import check_statistics


class SampleGrid(keras.callbacks.Callback):
    """Saves samples of the model on fixed noise every few epochs.

    After every `every`-th epoch (and after the last epoch, when `fit` says
    how many there are) the callback draws `model.generate(n, seed=seed)`
    and writes `directory/samples_epoch_{epoch:03d}.png` (epochs counted
    from 1): an image grid for images `(n, H, W[, C])` in `[-1, 1]`, or a
    scatter plot (with the `real` points, if given) for 2-D points `(n, 2)`.
    For the models of this package that is the generator (the averaged one
    when a GAN keeps it, `ema_decay`) on the noise
    `np.random.default_rng(seed).standard_normal((n, latent_dim))`, with the
    classes `0, 1, ..., K - 1, 0, ...` for a conditional model (one class
    per column). The same noise every time makes the pictures a film of
    training.

    With `log_dir`, every picture also goes to TensorBoard as an image
    summary `samples` in `log_dir/samples`, next to the `train` run that
    `keras.callbacks.TensorBoard(log_dir)` writes, at the step of Keras'
    epoch scalars (`epoch_d_loss`, ...): the 0-based epoch, so the picture
    of the first epoch (file `samples_epoch_001.png`) sits at step 0 beside
    that epoch's losses.

    The model is duck-typed: anything with a `generate(n, seed=...)` method
    returning a NumPy array works, e.g. `tfgan_edu.GAN` or `tfgan_edu.VAE`.

    Args:
        directory: folder of the pictures, created if missing; `None` to
            write none (then `log_dir` is required).
        every: save after every `every`-th epoch. Defaults to 1.
        n: number of samples. Defaults to 64.
        seed: seed of the fixed noise. Defaults to 0. `None` draws one
            seed at the start of training, kept for the whole run.
        real: real 2-D points `(m, 2)` drawn beside 2-D samples. Defaults to
            `None`.
        log_dir: TensorBoard log folder. Defaults to `None` (no summaries).

    Attributes:
        paths: the files written so far, in order.

    Example:

    >>> import tempfile
    >>> callback = SampleGrid(tempfile.mkdtemp(), every=5, n=16)
    >>> callback.paths
    []
    """

    def __init__(
        self,
        directory: str | os.PathLike | None,
        every: int = 1,
        n: int = 64,
        seed: int | None = 0,
        real: Any = None,
        log_dir: str | os.PathLike | None = None,
    ) -> None:
        super().__init__()
        if directory is None and log_dir is None:
            raise ValueError(
                "`SampleGrid` needs a `directory` for the pictures, a TensorBoard "
                "`log_dir`, or both. Received: directory=None, log_dir=None"
            )
        check_int("every", every, note=" (epochs)")
        check_int("n", n)
        self.directory = None if directory is None else Path(directory)
        self.log_dir = None if log_dir is None else Path(log_dir)
        self._writer = None
        self.every = every
        self.n = n
        self.seed = seed
        self.real = None if real is None else np.asarray(real, dtype=np.float32)
        self.paths: list[Path] = []
        self._noise_seed: int | None = None  # the seed of this run's noise

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(
                "`SampleGrid` needs a model with a `generate(n, seed)` method, "
                "such as `tfgan_edu.GAN`. Received: model of type "
                f"{type(self.model).__name__}"
            )
        self._noise_seed = self.seed
        if self.seed is None:
            self._noise_seed = int(np.random.default_rng().integers(2**31))
        if self.log_dir is not None and self._writer is None:
            self._writer = tf.summary.create_file_writer(str(self.log_dir / "samples"))

    def on_train_end(self, logs: dict | None = None) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        last = (self.params or {}).get("epochs")
        if (epoch + 1) % self.every == 0 or epoch + 1 == last:
            self.save(epoch)

    def save(self, epoch: int) -> Path | None:
        """Draws the samples on the fixed noise and writes the picture.

        Args:
            epoch: the 0-based epoch, as in `on_epoch_end`.

        Returns:
            The `pathlib.Path` written (also appended to `paths`), or `None`
            without a `directory`.
        """
        if self._noise_seed is None:
            self.on_train_begin()
        samples = np.asarray(self.model.generate(self.n, seed=self._noise_seed))
        title = f"epoch {epoch + 1}"
        if samples.ndim in (3, 4):
            fig = viz.plot_images(samples, title=title)
        elif samples.ndim == 2 and samples.shape[1] == 2:
            fig = viz.plot_2d(real=self.real, fake=samples, title=title)
        else:
            raise ValueError(
                "`SampleGrid` draws images (n, H, W[, C]) or 2-D points (n, 2). "
                f"Received: generator output of shape {samples.shape}"
            )
        if self.log_dir is not None:
            self._summarize(
                fig, epoch
            )  # Keras' TensorBoard: epoch scalars at step=epoch
        if self.directory is None:
            plt.close(fig)
            return None
        path = viz.save_figure(
            fig, self.directory / f"samples_epoch_{epoch + 1:03d}.png"
        )
        self.paths.append(path)
        return path

    def _summarize(self, fig, step: int) -> None:
        """Writes `fig` as the TensorBoard image `samples` at `step`."""
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        image = tf.image.decode_png(buffer.getvalue(), channels=4)  # (H, W, 4)
        if self._writer is None:  # `save` called outside `fit`
            self._writer = tf.summary.create_file_writer(str(self.log_dir / "samples"))
        with self._writer.as_default():
            tf.summary.image("samples", image[None], step=step)
        self._writer.flush()


class DivergenceGuard(keras.callbacks.Callback):
    """Stops a run that diverges or collapses, and restores the last good weights.

    After every batch the guard reads the `monitor` entries of the logs
    (the losses by default): each must be finite and, with `max_loss`, at
    most `max_loss` in magnitude. Every `check_every` batches it also checks
    the weights: every weight must be finite; with `max_weight_growth`, the
    L2 norm of each network's trainable weights (each top-level layer of
    the model: a GAN's generator and discriminator) must not exceed
    `max_weight_growth` times its norm at the last good check; and, with
    `min_diversity`, the generator must not have collapsed: the mean
    `diversity` (see `GAN.compile(diagnostics=True)`) of the batches since
    the previous check must stay at or above `min_diversity`. A check that
    passes keeps a copy of the model's weights and of its optimizers' state:
    every optimizer of `model.optimizers` (the players' optimizers of this
    package's models, such as a VAEGAN's `e_optimizer`, `g_optimizer` and
    `d_optimizer`), or Keras' `model.optimizer` for other models.

    When a test fails, the guard sets `model.stop_training`, restores the
    copy of the last good check (so the model holds finite, usable weights,
    and `fit` can be called again, e.g. with a smaller learning rate), and
    reports what happened where: `message` (printed when `verbose`) and
    `stopped` (a dict). The diversity of a window is recovered from the
    running epoch means in the logs, exactly when the batches have equal
    size (the last batch of an epoch may weigh a little differently).
    Under `compile(steps_per_execution=n)` Keras reports every `n` steps:
    the guard then reads the logs every `n` steps, and checks the weights
    at the first report at or after each multiple of `check_every` steps.

    The default thresholds catch finite blow-ups, which need not reach
    `inf` at all: Adam at learning rate 100 on the ring (the `dcgan`
    recipe, batch 128, seeds 0-4) drives the logged losses to 1.7e19-3.2e19
    within 390 steps, every value finite; the losses pass 1e6 at the
    second step and the weight norms grow 2.2e3- to 5.9e3-fold by the
    first check (50 steps). Healthy runs stay far below both: over seeds
    0-4 and 975 steps (5 epochs) each of the `dcgan`, `wgan`, `wgan_gp`,
    `lsgan`, `sngan` and `r1_gan` recipes on the ring, the largest logged
    `|d_loss|` or `|g_loss|` was 3.6 (WGAN-GP) and the largest growth of a
    network's weight norm between checks 50 steps apart 1.21 (SNGAN); the
    `wgan_gp` recipe on the digits images logged up to 16 in its first
    epoch (22 steps, seeds 0-4). So
    `max_loss=1e6` and `max_weight_growth=10` leave margins of 4 orders of
    magnitude and 8x, while the blow-up exceeds them 1e13-fold and
    200-fold (see `tests/test_callbacks_17.py`). The logs hold
    Keras' running means of the epoch, so a single bad batch is diluted;
    a divergence is sustained and is not. Losses that are sums over many
    terms (a VAE's `loss`, summed over pixels) can legitimately be large:
    raise `max_loss` (or pass `None`) when monitoring them.

    Args:
        check_every: batches between weight checks and copies. Defaults to
            50. Smaller is safer and slower (each check copies the weights).
        monitor: log entries that must stay finite (and within `max_loss`),
            checked every batch. Defaults to `("d_loss", "g_loss")`.
        min_diversity: stop when the windowed mean `diversity` falls below
            this (e.g. 0.1); needs `compile(diagnostics=True)`. Defaults to
            `None` (no collapse check).
        restore: restore the last good weights when stopping. Defaults to
            `True`.
        verbose: print the message when stopping. Defaults to 1.
        max_loss: stop when a `monitor` entry exceeds this in magnitude.
            Defaults to `1e6`; `None` checks finiteness only.
        max_weight_growth: stop when a network's weight norm exceeds this
            many times its norm at the last good check (checked every
            `check_every` batches; a network whose norm was 0 is skipped).
            Defaults to `10.0`; `None` disables the check.

    Attributes:
        stopped: `None` while training is healthy; else a dict with `reason`
            (`"non_finite_loss"`, `"large_loss"`, `"non_finite_weights"`,
            `"weight_growth"` or `"collapse"`), `epoch` and `batch` (0-based,
            where it was detected), `step` (batches seen in this `fit`),
            `value` (the offending value: the loss; for non-finite weights,
            the count of non-finite entries; for weight growth, the ratio of
            the norms) and `restored_step` (the step of the restored copy,
            or `None`).
        message: a sentence saying what happened, or `None`.

    Example:

    >>> guard = DivergenceGuard(check_every=10, min_diversity=0.1)
    >>> guard.stopped is None, guard.max_loss, guard.max_weight_growth
    (True, 1000000.0, 10.0)
    """

    def __init__(
        self,
        check_every: int = 50,
        monitor: Sequence[str] = ("d_loss", "g_loss"),
        min_diversity: float | None = None,
        restore: bool = True,
        verbose: int = 1,
        max_loss: float | None = 1e6,
        max_weight_growth: float | None = 10.0,
    ) -> None:
        super().__init__()
        check_int("check_every", check_every, note=" (batches)")
        if isinstance(monitor, str):
            monitor = (monitor,)
        monitor = tuple(monitor)
        if not all(isinstance(key, str) for key in monitor):
            raise ValueError(
                "Expected `monitor` to be a log key or a sequence of log keys. "
                f"Received: monitor={monitor!r}"
            )
        _check_threshold("min_diversity", min_diversity, "> 0", 0.0)
        _check_threshold("max_loss", max_loss, "> 0", 0.0)
        _check_threshold("max_weight_growth", max_weight_growth, "> 1", 1.0)
        self.check_every = check_every
        self.monitor = monitor
        self.min_diversity = None if min_diversity is None else float(min_diversity)
        self.max_loss = None if max_loss is None else float(max_loss)
        self.max_weight_growth = (
            None if max_weight_growth is None else float(max_weight_growth)
        )
        self.restore = bool(restore)
        self.verbose = verbose
        self.stopped: dict | None = None
        self.message: str | None = None
        self._snapshot = None
        self._snapshot_step = None
        self._snapshot_norms: list[tuple[str, float]] = []
        self._step = 0
        self._epoch = 0
        self._window_start = (-1, 0.0)  # (batch, running mean) at the last check
        self._last_batch = -1  # the batch index of the last call this epoch

    # ------------------------------------------------------------ hooks

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.stopped = None
        self.message = None
        self._step = 0
        bad = _non_finite_count(self.model.get_weights())
        if bad:
            raise ValueError(
                "`DivergenceGuard` needs a model with finite weights to start "
                f"from. Received: a model with {bad} non-finite weight entries"
            )
        self._take_snapshot()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch
        self._window_start = (-1, 0.0)
        self._last_batch = -1

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.stopped is not None:
            return
        # With `compile(steps_per_execution=n)` Keras calls back every n
        # steps, with the index of the last one: count steps, not calls.
        previous = self._step
        self._step += batch - self._last_batch
        self._last_batch = batch
        logs = logs or {}
        for key in self.monitor:
            if key not in logs:
                raise ValueError(
                    f"`DivergenceGuard` monitors {key!r}, which the logs do not "
                    f"have. Expected one of {sorted(logs)}. "
                    f"Received: monitor={self.monitor!r}"
                )
            value = float(np.asarray(logs[key]))
            if not math.isfinite(value):
                self._stop("non_finite_loss", batch, value, f"{key} is {value}")
                return
            if self.max_loss is not None and abs(value) > self.max_loss:
                self._stop(
                    "large_loss",
                    batch,
                    value,
                    f"{key} is {value:.4g}, beyond max_loss={self.max_loss:g}",
                )
                return
        if self._step // self.check_every == previous // self.check_every:
            return  # no multiple of `check_every` steps was reached
        bad = _non_finite_count(self.model.get_weights())
        if bad:
            self._stop(
                "non_finite_weights", batch, bad, f"{bad} weights are not finite"
            )
            return
        norms = self._weight_norms()
        if self.max_weight_growth is not None:
            for (name, old), (_, new) in zip(self._snapshot_norms, norms):
                if old > 0 and new > self.max_weight_growth * old:
                    self._stop(
                        "weight_growth",
                        batch,
                        new / old,
                        f"the weight norm of {name!r} grew {new / old:.3g}-fold "
                        f"(from {old:.3g} to {new:.3g}) since step "
                        f"{self._snapshot_step}, beyond "
                        f"max_weight_growth={self.max_weight_growth:g}",
                    )
                    return
        if self.min_diversity is not None:
            diversity = self._window_diversity(batch, logs)
            if diversity < self.min_diversity:
                self._stop(
                    "collapse",
                    batch,
                    diversity,
                    f"diversity fell to {diversity:.3g} (below {self.min_diversity:g}): "
                    "the generator collapsed",
                )
                return
        self._take_snapshot(norms)

    # ---------------------------------------------------------- helpers

    def _window_diversity(self, batch: int, logs: dict) -> float:
        """Mean diversity of the batches since the last check in this epoch."""
        if "diversity" not in logs:
            raise ValueError(
                "`min_diversity` needs the `diversity` log entry: compile the "
                "GAN with `diagnostics=True`. Received: logs with keys "
                f"{sorted(logs)}"
            )
        mean = float(np.asarray(logs["diversity"]))  # running mean of the epoch
        start, start_mean = self._window_start
        self._window_start = (batch, mean)
        if batch <= start:
            return mean
        return ((batch + 1) * mean - (start + 1) * start_mean) / (batch - start)

    def _weight_norms(self) -> list[tuple[str, float]]:
        """`(name, L2 norm of its trainable weights)` per top-level layer."""
        norms = []
        for layer in self.model.layers:
            weights = layer.trainable_weights
            if weights:
                total = sum(
                    float(
                        np.sum(
                            np.square(
                                np.asarray(keras.ops.convert_to_numpy(w), np.float64)
                            )
                        )
                    )
                    for w in weights
                )
                norms.append((layer.name, math.sqrt(total)))
        return norms

    def _optimizers(self):
        return list(model_optimizers(self.model).values())

    def _take_snapshot(self, norms: list[tuple[str, float]] | None = None) -> None:
        optimizer_state = [
            [np.array(keras.ops.convert_to_numpy(v)) for v in opt.variables]
            for opt in self._optimizers()
        ]
        self._snapshot = (self.model.get_weights(), optimizer_state)
        self._snapshot_step = self._step
        self._snapshot_norms = self._weight_norms() if norms is None else norms

    def _stop(self, reason: str, batch: int, value, what: str) -> None:
        self.model.stop_training = True
        restored = None
        if self.restore and self._snapshot is not None:
            weights, optimizer_state = self._snapshot
            self.model.set_weights(weights)
            for opt, values in zip(self._optimizers(), optimizer_state):
                for variable, saved in zip(opt.variables, values):
                    variable.assign(saved)
            restored = self._snapshot_step
        self.stopped = {
            "reason": reason,
            "epoch": self._epoch,
            "batch": batch,
            "step": self._step,
            "value": value,
            "restored_step": restored,
        }
        where = f"epoch {self._epoch + 1}, batch {batch + 1} (step {self._step})"
        if restored is None:
            action = "stopped training"
        else:
            action = f"stopped training and restored the weights of step {restored}"
        self.message = f"DivergenceGuard: {what} at {where}; {action}."
        if self.verbose:
            print(self.message)


def _check_threshold(name: str, value, condition: str, above: float) -> None:
    """Raises unless `value` is `None` or a finite number `> above`."""
    if value is not None and (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= above
    ):
        raise ValueError(
            f"Expected `{name}` to be a number {condition}, or None. "
            f"Received: {name}={value!r}"
        )


def _non_finite_count(arrays) -> int:
    return int(sum(np.size(a) - np.count_nonzero(np.isfinite(a)) for a in arrays))


def model_optimizers(model) -> dict[str, keras.optimizers.Optimizer]:
    """A model's optimizers by player: `model.optimizers`, else Keras' own.

    The models of this package map each player's name to its optimizer
    (`{"d": ..., "g": ...}`; empty before `compile`). Any other Keras model
    has at most `model.optimizer`, returned as `{"": optimizer}`.

    Example:

    >>> import keras
    >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    >>> model.compile("sgd", "mse")
    >>> list(model_optimizers(model))
    ['']
    """
    found = getattr(model, "optimizers", None)
    if isinstance(found, dict):
        return dict(found)
    optimizer = getattr(model, "optimizer", None)
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return {"": optimizer}
    return {}


class LearningRateScheduler(keras.callbacks.Callback):
    """Sets the learning rate of every optimizer of a GAN at each epoch start.

    Keras' own `keras.callbacks.LearningRateScheduler` changes
    `model.optimizer`, which a GAN does not have: it has one optimizer per
    player, `model.optimizers` (`{"d": d_optimizer, "g": g_optimizer}`, and
    `"e"` for a VAEGAN's encoder). This callback applies `schedule` to each
    of them and logs the rates as `<player>_learning_rate`
    (`d_learning_rate`, `g_learning_rate`).

    Args:
        schedule: `fn(epoch, learning_rate) -> new learning_rate`, called
            once per optimizer at the start of every epoch (epochs count
            from 0), as in Keras' scheduler.
        verbose: 1 prints each change. Default 0.

    Example:

    >>> drop = LearningRateScheduler(lambda epoch, lr: lr * 0.1 if epoch == 30 else lr)
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise ValueError(
                "Expected `schedule` to be a function (epoch, learning_rate) -> "
                f"learning_rate. Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose

    def _optimizers(self) -> dict[str, keras.optimizers.Optimizer]:
        found = getattr(self.model, "optimizers", None)
        if not isinstance(found, dict) or not found:
            raise ValueError(
                "LearningRateScheduler sets the optimizers of a compiled GAN "
                "(d_optimizer, g_optimizer, ...). Received: a model without them, "
                f"{type(self.model).__name__}; compile it first, or use "
                "keras.callbacks.LearningRateScheduler for a single-optimizer model."
            )
        return found

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        for prefix, optimizer in self._optimizers().items():
            old = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            new = float(self.schedule(epoch, old))
            if not math.isfinite(new) or new < 0:
                raise ValueError(
                    "Expected the schedule to return a finite learning rate >= 0. "
                    f"Received: {new!r} for the {prefix!r} optimizer at epoch {epoch}"
                )
            optimizer.learning_rate = new
            if self.verbose and new != old:
                print(
                    f"\nEpoch {epoch + 1}: {prefix!r} optimizer learning rate {new:g}."
                )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is None:
            return
        for prefix, optimizer in self._optimizers().items():
            logs[f"{prefix}_learning_rate"] = float(
                keras.ops.convert_to_numpy(optimizer.learning_rate)
            )


def _monitor_mode(monitor: str, mode: str) -> str:
    """`"min"` for `mode="auto"` and a monitor named like a loss, else `mode`.

    Keras' `mode="auto"` infers the direction only for `loss` and for the
    metrics given to `compile`; the losses of this package's models
    (`d_loss`, `g_loss`, ...) are trackers of their own, so Keras raises
    after the first epoch. Every log entry whose name ends in `loss`
    (`d_loss`, `val_g_loss`, `cycle_loss`) is a loss to minimize.
    """
    if mode == "auto" and isinstance(monitor, str) and monitor.endswith("loss"):
        return "min"
    return mode


class EarlyStopping(keras.callbacks.EarlyStopping):
    """`keras.callbacks.EarlyStopping` that knows `g_loss` and `d_loss` are minimized.

    Keras' `mode="auto"` infers the direction of `loss` and of the metrics
    given to `compile`, not of a GAN's `d_loss` or `g_loss`, and raises
    `ValueError` ("Keras isn't able to automatically determine whether that
    metric should be maximized or minimized") at the end of the first
    epoch. This subclass reads `mode="auto"` as `"min"` for every monitor
    whose name ends in `loss`, and otherwise behaves as Keras' callback
    (same arguments, same defaults). With Keras' own class, pass
    `mode="min"`.

    A GAN's losses measure a game, not sample quality: early stopping on
    `g_loss` is a crude signal (see chapter 6); an `FIDMonitor`'s `fid`
    (with `mode="min"`) is a better one.

    Args:
        monitor: the log entry to watch. Defaults to `"val_loss"`, as in
            Keras.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`: `"min"`
            for a monitor ending in `loss`, else Keras' inference.
        **kwargs: the other arguments of `keras.callbacks.EarlyStopping`
            (`patience`, `min_delta`, `restore_best_weights`, ...).

    Example:

    >>> EarlyStopping(monitor="g_loss", patience=3).mode
    'min'
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", **kwargs):
        super().__init__(monitor=monitor, mode=_monitor_mode(monitor, mode), **kwargs)


class ReduceLROnPlateau(keras.callbacks.ReduceLROnPlateau):
    """Reduces every player's learning rate when a monitored loss stops improving.

    Keras' `keras.callbacks.ReduceLROnPlateau` changes `model.optimizer`,
    which a model of this package does not have (it has one optimizer per
    player, `model.optimizers`), and its `mode="auto"` cannot tell the
    direction of `d_loss` or `g_loss`. This subclass multiplies the learning
    rate of every optimizer of `model.optimizers` by `factor` (not below
    `min_lr`) after `patience` epochs without improvement, reads
    `mode="auto"` as `"min"` for a monitor ending in `loss`, and logs the
    rates of the epoch as `<player>_learning_rate` (`d_learning_rate`,
    `g_learning_rate`), as `tfgan_edu.callbacks.LearningRateScheduler`
    does. On a model without players (any other Keras model) it changes
    `model.optimizer`, as Keras' callback does.

    Args:
        monitor: the log entry to watch. Defaults to `"val_loss"`, as in
            Keras.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`: `"min"`
            for a monitor ending in `loss`, else Keras' inference.
        **kwargs: the other arguments of
            `keras.callbacks.ReduceLROnPlateau` (`factor`, `patience`,
            `min_delta`, `cooldown`, `min_lr`, `verbose`).

    Example:

    >>> ReduceLROnPlateau(monitor="d_loss", factor=0.5, patience=2).mode
    'min'
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", **kwargs):
        super().__init__(monitor=monitor, mode=_monitor_mode(monitor, mode), **kwargs)

    def _players(self) -> dict[str, keras.optimizers.Optimizer]:
        found = model_optimizers(self.model)
        if not found:
            raise ValueError(
                "`ReduceLROnPlateau` changes the optimizers of a compiled model. "
                f"Received: a model of type {type(self.model).__name__} without "
                "optimizers; compile it first."
            )
        return found

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        players = self._players()
        if self.monitor_op is None:
            self._set_monitor_op()  # Keras' MonitorCallback: the comparison
        logs = {} if logs is None else logs
        for name, optimizer in players.items():
            key = f"{name}_learning_rate" if name else "learning_rate"
            logs[key] = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available metrics "
                f"are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        reduced = False
        for name, optimizer in players.items():
            old = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
            if old > np.float32(self.min_lr):
                new = max(old * self.factor, self.min_lr)
                optimizer.learning_rate = new
                reduced = True
                if self.verbose > 0:
                    print(
                        f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing the "
                        f"{name or 'model'!r} optimizer's learning rate to {new:g}."
                    )
        if reduced:
            self.cooldown_counter = self.cooldown
            self.wait = 0


class _EpochMonitor(keras.callbacks.Callback):
    """Measures generated samples every few epochs and writes the numbers into `logs`.

    Subclasses set `keys` and implement `measure(samples) -> dict`. Keras
    appends `History` (and the progress bar) after the callbacks passed to
    `fit`, so what `on_epoch_end` writes into `logs` lands in
    `history.history`, and in a `keras.callbacks.TensorBoard` listed after
    the monitor.
    """

    keys: tuple[str, ...] = ()

    def __init__(self, every_n_epochs: int, num_samples: int, seed: int | None) -> None:
        super().__init__()
        check_int("every_n_epochs", every_n_epochs, note=" (epochs)")
        check_int("num_samples", num_samples, minimum=2)
        if seed is not None:
            check_int("seed", seed, minimum=0)
        self.every_n_epochs = int(every_n_epochs)
        self.num_samples = int(num_samples)
        self.seed = seed
        self.epochs: list[int] = []
        self.values: list[dict[str, float]] = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        if not callable(getattr(self.model, "generate", None)):
            raise ValueError(
                f"`{type(self).__name__}` needs a model with a `generate(n, seed)` "
                "method, such as `tfgan_edu.GAN`. Received: model of type "
                f"{type(self.model).__name__}"
            )

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        last = (self.params or {}).get("epochs")
        if (epoch + 1) % self.every_n_epochs and epoch + 1 != last:
            return
        values = self.measure(self.model.generate(self.num_samples, seed=self.seed))
        self.epochs.append(epoch + 1)
        self.values.append(values)
        if logs is not None:
            logs.update(values)

    def measure(self, samples: np.ndarray) -> dict[str, float]:
        raise NotImplementedError


class FIDMonitor(_EpochMonitor):
    """Logs the FID of generated samples against real data every few epochs.

    After every `every_n_epochs`-th epoch (and after the last one), the
    monitor draws `num_samples` samples with `model.generate(num_samples,
    seed=seed)` (the same noise every time, so the curve shows the model
    changing, not the noise) and writes their Fréchet distance to the real
    data (`tfgan_edu.metrics.fid`) into the epoch's logs as `logs[name]`.
    It then appears in `history.history[name]` (one entry per measured
    epoch), in the progress bar, and in a `keras.callbacks.TensorBoard`
    listed after the monitor in `callbacks` (as `epoch_fid`). The epochs
    measured (from 1) are in `epochs`, the values in `values`.

    The real side is summarized once, at the first measurement: the mean
    and covariance of its features. `"digits"` and `"mnist_5k"` use the
    precomputed statistics of that dataset's train split that ship with
    the package (in the features of `extractor="digits"` and
    `extractor="mnist"` respectively).

    FID is biased upwards at small `num_samples` (see chapter 4): compare
    numbers measured with the same `num_samples` only.

    Args:
        real: `"digits"` (the shipped statistics of the digits train
            split, for `extractor="digits"`), `"mnist_5k"` (those of the
            `mnist_5k` train split, for `extractor="mnist"`), precomputed
            statistics `(mu, sigma)`, the path of an `.npz` file of them
            (`tfgan_edu.metrics.save_statistics`), or real images: an array
            `(n, H, W, C)` in [-1, 1] or a finite `tf.data.Dataset` /
            iterable of batches. Defaults to `"digits"`.
        every_n_epochs: measure after every this many epochs. Defaults to
            1.
        num_samples: generated samples per measurement. Defaults to 1000.
        extractor: the feature space: `"digits"`, `"mnist"`, `"inception"`, a
            `keras.Model` or a callable (see
            `tfgan_edu.metrics.features.get_extractor`). Defaults to
            `"digits"`.
        seed: seed of the generated samples' noise. Defaults to 0.
        name: the key in the logs. Defaults to `"fid"`.

    Attributes:
        epochs: the measured epochs, counted from 1.
        values: one `{name: fid}` dict per measured epoch.

    Example:

    >>> monitor = FIDMonitor("digits", every_n_epochs=5, num_samples=500)
    >>> monitor.keys
    ('fid',)
    """

    def __init__(
        self,
        real: Any = "digits",
        every_n_epochs: int = 1,
        num_samples: int = 1000,
        extractor: Any = "digits",
        seed: int | None = 0,
        name: str = "fid",
    ) -> None:
        super().__init__(every_n_epochs, num_samples, seed)
        if not isinstance(name, str) or not name:
            raise ValueError(
                f"Expected `name` to be a non-empty string. Received: name={name!r}"
            )
        self._real_statistics: tuple[np.ndarray, np.ndarray] | None = None
        if isinstance(real, str) and real in metric_features.REFERENCE_DATASETS:
            own = metric_features.REFERENCE_EXTRACTORS[real]
            if getattr(extractor, "name", extractor) != own:
                raise ValueError(
                    f"The shipped statistics of {real!r} are of the {own} "
                    f"classifier's features; pass extractor={own!r} with them, or "
                    "real images for another extractor. "
                    f"Received: real={real!r}, extractor={extractor!r}"
                )
            self._real_statistics = metric_features.reference_statistics(real)
        elif isinstance(real, (str, os.PathLike)):
            self._real_statistics = metrics.load_statistics(real)
        elif isinstance(real, tuple):
            self._real_statistics = check_statistics(*real, name="real")
        else:
            check_source(real, "real")
        self.keys = (name,)
        self.name = name
        self.real = real
        self.extractor = metric_features.get_extractor(extractor)

    def real_statistics(self) -> tuple[np.ndarray, np.ndarray]:
        """The real side's `(mu, sigma)`, computed from its features once.

        Returns:
            float64 arrays `(d,)` and `(d, d)`.
        """
        if self._real_statistics is None:
            self._real_statistics = metrics.statistics(
                metrics.extract_features(self.extractor, self.real)
            )
        return self._real_statistics

    def measure(self, samples: np.ndarray) -> dict[str, float]:
        """Returns `{name: FID}` of generated `samples` against the real data."""
        return {
            self.name: metrics.fid(
                self.real_statistics(), samples, extractor=self.extractor
            )
        }


class ModeCoverageMonitor(_EpochMonitor):
    """Logs the mode coverage of a GAN on a 2-D mixture every few epochs.

    After every `every_n_epochs`-th epoch (and after the last one) the
    monitor draws `num_samples` points with `model.generate(num_samples,
    seed=seed)` and writes `tfgan_edu.metrics.mode_coverage` of them into
    the logs: `modes` (captured modes), `high_quality` (fraction of points
    within 3 standard deviations of a mode) and `reverse_kl` (KL of the
    high-quality points' mode histogram from uniform). They appear in
    `history.history` (one entry per measured epoch) and in a
    `keras.callbacks.TensorBoard` listed after the monitor.

    Args:
        mixture: `"ring"`, `"grid"`, or a `(centres, sigma)` pair, as in
            `tfgan_edu.metrics.mode_coverage`. Defaults to `"ring"`.
        every_n_epochs: measure after every this many epochs. Defaults to
            1.
        num_samples: generated points per measurement. Defaults to 2500.
        seed: seed of the generated points' noise. Defaults to 0.

    Attributes:
        epochs: the measured epochs, counted from 1.
        values: one dict of the three numbers per measured epoch.

    Example:

    >>> monitor = ModeCoverageMonitor("grid", every_n_epochs=10)
    >>> monitor.keys
    ('modes', 'high_quality', 'reverse_kl')
    """

    keys = ("modes", "high_quality", "reverse_kl")

    def __init__(
        self,
        mixture: Any = "ring",
        every_n_epochs: int = 1,
        num_samples: int = 2500,
        seed: int | None = 0,
    ) -> None:
        super().__init__(every_n_epochs, num_samples, seed)
        mixture_modes(mixture)  # checked now, before training starts
        self.mixture = mixture

    def measure(self, samples: np.ndarray) -> dict[str, float]:
        """Returns the `mode_coverage` numbers of generated 2-D `samples`."""
        return dict(metrics.mode_coverage(samples, self.mixture))
