"""Keras callbacks for GAN training: sample grids from fixed noise."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keras
import numpy as np

from tfgan_edu import viz


class SampleGrid(keras.callbacks.Callback):
    """Saves samples of the generator on fixed noise every few epochs.

    At the start of training the callback draws `n` latent vectors once,
    `np.random.default_rng(seed).standard_normal((n, model.latent_dim))`;
    after every `every`-th epoch (and after the last epoch, when `fit` says
    how many there are) it runs `model.sampling_generator` (the averaged
    generator when the GAN keeps one, `ema_decay`) or `model.generator` on them
    and writes `directory/samples_epoch_{epoch:03d}.png` (epochs counted
    from 1): an image grid for images `(n, H, W[, C])` in `[-1, 1]`, or a
    scatter plot (with the `real` points, if given) for 2-D points `(n, 2)`.
    The same noise every time makes the pictures a film of training.

    The model is duck-typed: anything with a `generator` (a callable
    `keras.Model`) and a `latent_dim` attribute works, e.g. `tfgan_edu.GAN`.

    Args:
        directory: folder of the pictures, created if missing.
        every: save after every `every`-th epoch. Defaults to 1.
        n: number of samples. Defaults to 64.
        seed: seed of the fixed noise. Defaults to 0.
        real: real 2-D points `(m, 2)` drawn beside 2-D samples. Defaults to
            `None`.

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
        directory: str | os.PathLike,
        every: int = 1,
        n: int = 64,
        seed: int | None = 0,
        real: Any = None,
    ) -> None:
        super().__init__()
        if not isinstance(every, int) or every < 1:
            raise ValueError(
                f"`every` must be an int >= 1 (epochs). Received: every={every!r}"
            )
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"`n` must be an int >= 1. Received: n={n!r}")
        self.directory = Path(directory)
        self.every = every
        self.n = n
        self.seed = seed
        self.real = None if real is None else np.asarray(real, dtype=np.float32)
        self.paths: list[Path] = []
        self._z: np.ndarray | None = None

    def _generator_inputs(self):
        """The fixed noise, with class labels `0, 1, ..., K-1, 0, ...` for a
        conditional model (one with `num_classes`), one class per column."""
        num_classes = getattr(self.model, "num_classes", None)
        if num_classes is None:
            return self._z
        labels = (np.arange(self.n) % int(num_classes)).astype("int32")
        return [self._z, labels]

    def on_train_begin(self, logs: dict | None = None) -> None:
        latent_dim = getattr(self.model, "latent_dim", None)
        if not hasattr(self.model, "generator") or latent_dim is None:
            raise ValueError(
                "`SampleGrid` needs a model with `generator` and `latent_dim` "
                f"attributes, such as `tfgan_edu.GAN`. Received: model of type "
                f"{type(self.model).__name__}"
            )
        rng = np.random.default_rng(self.seed)
        self._z = rng.standard_normal((self.n, int(latent_dim))).astype(np.float32)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        last = (self.params or {}).get("epochs")
        if (epoch + 1) % self.every == 0 or epoch + 1 == last:
            self.save(epoch)

    def save(self, epoch: int) -> Path:
        """Draws the samples on the fixed noise and writes the picture.

        Args:
            epoch: the 0-based epoch, as in `on_epoch_end`.

        Returns:
            The `pathlib.Path` written (also appended to `paths`).
        """
        if self._z is None:
            self.on_train_begin()
        samples = keras.ops.convert_to_numpy(
            getattr(self.model, "sampling_generator", self.model.generator)(
                self._generator_inputs(), training=False
            )
        )
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
        path = viz.save_figure(
            fig, self.directory / f"samples_epoch_{epoch + 1:03d}.png"
        )
        self.paths.append(path)
        return path
