"""Pictures of GAN training: image grids, loss curves and 2-D sample plots.

Every plotting function draws into `ax` when given, else into a new
`matplotlib.pyplot` figure, and returns the `Figure`: save it with
`save_figure` (which also closes it). Nothing here selects a matplotlib
backend. In a notebook, end a line with `;` to show a returned figure once.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from tfgan_edu._checks import check_int

_PRIORITY_KEYS = ("d_loss", "g_loss")
_KINDS = ("scatter", "density")


def image_grid(
    images: Any,
    ncols: int | None = None,
    padding: int = 1,
    value_range: tuple[float, float] | None = (-1, 1),
    pad_value: float = 1.0,
) -> np.ndarray:
    """Tiles a batch of images into one image with values in `[0, 1]`.

    Images fill the grid row by row; `padding` pixels of `pad_value`
    separate neighbouring tiles (there is no outer border), and the unused
    cells of the last row are `pad_value` too.

    Args:
        images: array-like of shape `(N, H, W, C)`, or `(N, H, W)` for
            grayscale.
        ncols: number of columns. Defaults to `None`: `ceil(sqrt(N))`.
        padding: pixels between tiles. Defaults to 1.
        value_range: `(low, high)` of the input values, mapped linearly to
            `[0, 1]` (and then clipped). Defaults to `(-1, 1)`, the range of
            a `tanh` generator. `None` uses the batch's own min and max.
        pad_value: value of the padding, in `[0, 1]`. Defaults to 1.0
            (white).

    Returns:
        A float32 array of shape `(H', W', C)` with values in `[0, 1]`,
        where `H' = rows * H + (rows - 1) * padding` and likewise `W'`;
        grayscale input gives `C = 1`.

    Example:

    >>> grid = image_grid(np.zeros((4, 2, 2, 1)), padding=1)
    >>> grid.shape
    (5, 5, 1)
    >>> float(grid[0, 0, 0]), float(grid[2, 2, 0])
    (0.5, 1.0)
    """
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(
            "`images` must be a non-empty batch of shape (N, H, W, C) or "
            f"(N, H, W). Received: images.shape={images.shape}"
        )
    if not isinstance(padding, int) or padding < 0:
        raise ValueError(
            f"`padding` must be a non-negative int. Received: padding={padding!r}"
        )
    n, height, width, channels = images.shape
    if ncols is None:
        ncols = math.ceil(math.sqrt(n))
    check_int("ncols", ncols)
    ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)

    low, high = (images.min(), images.max()) if value_range is None else value_range
    if high <= low:
        if value_range is not None:
            raise ValueError(
                "`value_range` must be (low, high) with low < high. "
                f"Received: value_range={value_range!r}"
            )
        high = low + 1.0  # a constant batch: show it as 0
    scaled = np.clip((images - low) / (high - low), 0.0, 1.0)

    grid = np.full(
        (
            nrows * (height + padding) - padding,
            ncols * (width + padding) - padding,
            channels,
        ),
        pad_value,
        dtype=np.float32,
    )
    for i, image in enumerate(scaled):
        top = (i // ncols) * (height + padding)
        left = (i % ncols) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def _axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_images(
    images: Any,
    ncols: int | None = None,
    title: str | None = None,
    ax: Axes | None = None,
    *,
    value_range: tuple[float, float] | None = (-1, 1),
) -> Figure:
    """Shows a batch of images as one grid (see `image_grid`).

    Args:
        images: array-like of shape `(N, H, W, C)` (C 1 or 3) or
            `(N, H, W)`.
        ncols: number of columns. Defaults to `None`: `ceil(sqrt(N))`.
        title: title of the axes. Defaults to `None`.
        ax: axes to draw into. Defaults to `None`: a new figure.
        value_range: range of the input values, as in `image_grid`.
            Defaults to `(-1, 1)`.

    Returns:
        The `matplotlib.figure.Figure` holding the grid.

    Example:

    >>> fig = plot_images(np.zeros((9, 8, 8, 1)), title="samples")
    >>> fig.axes[0].get_title()
    'samples'
    >>> plt.close(fig)
    """
    grid = image_grid(images, ncols=ncols, value_range=value_range)
    ax = _axes(ax)
    if grid.shape[-1] == 1:
        ax.imshow(grid[..., 0], cmap="gray", vmin=0.0, vmax=1.0)
    else:
        ax.imshow(grid)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return ax.figure


def _history_dict(history: Any) -> dict[str, list[float]]:
    """`{name: [float, ...]}` from a `History`, a dict or a list of log dicts."""
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if isinstance(history, Sequence) and all(isinstance(h, Mapping) for h in history):
        # One dict of logs per batch (or epoch): transpose into lists.
        merged: dict[str, list[Any]] = {}
        for logs in history:
            for key, value in logs.items():
                merged.setdefault(key, []).append(value)
        history = merged
    if not isinstance(history, Mapping):
        raise TypeError(
            "`history` must be a keras `History`, a dict of lists or a list of "
            f"dicts. Received: history of type {type(history).__name__}"
        )
    curves = {}
    for key, values in history.items():
        try:
            array = np.asarray(values, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            continue  # not a numeric curve
        curves[str(key)] = array.tolist()
    return curves


def plot_history(
    history: Any,
    keys: Sequence[str] | None = None,
    ax: Axes | None = None,
    *,
    xlabel: str = "epoch",
    title: str | None = None,
) -> Figure:
    """Plots training curves (e.g. `d_loss` and `g_loss`) against time.

    Each curve is drawn against `1, 2, ..., len(curve)`, so per-epoch and
    per-batch records work alike, and curves may have different lengths.

    Args:
        history: a keras `History` (what `fit` returns), a dict of lists of
            numbers (e.g. `history.history`, or values logged per batch), or
            a list of per-batch log dicts.
        keys: names of the curves to draw. Defaults to `None`: every numeric
            curve, `d_loss` and `g_loss` first.
        ax: axes to draw into. Defaults to `None`: a new figure.
        xlabel: label of the x axis. Defaults to `"epoch"` (use `"step"`
            for per-batch records).
        title: title of the axes. Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`, one line per curve, with a legend.

    Example:

    >>> fig = plot_history({"d_loss": [1.4, 1.2], "g_loss": [0.7, 0.9]})
    >>> [line.get_label() for line in fig.axes[0].get_lines()]
    ['d_loss', 'g_loss']
    >>> plt.close(fig)
    """
    curves = _history_dict(history)
    if keys is None:
        keys = [k for k in _PRIORITY_KEYS if k in curves]
        keys += [k for k in curves if k not in _PRIORITY_KEYS]
    else:
        keys = list(keys)
        missing = [k for k in keys if k not in curves]
        if missing:
            raise ValueError(
                f"`keys` must name numeric curves of `history` ({sorted(curves)}). "
                f"Received: keys={keys!r}"
            )
    ax = _axes(ax)
    for key in keys:
        values = curves[key]
        ax.plot(np.arange(1, len(values) + 1), values, label=key)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("value")
    if keys:
        ax.legend()
    if title is not None:
        ax.set_title(title)
    return ax.figure


def _points(points: Any, arg: str) -> np.ndarray | None:
    if points is None:
        return None
    points = np.asarray(points, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"`{arg}` must be 2-D points of shape (n, 2). "
            f"Received: {arg}.shape={points.shape}"
        )
    return points


def _limits(limits: Any, arrays: list[np.ndarray]) -> tuple[tuple[float, float], ...]:
    """`((xmin, xmax), (ymin, ymax))` from `limits` or from the data (+5%)."""
    if limits is None:
        data = np.concatenate(arrays)
        low, high = data.min(axis=0), data.max(axis=0)
        margin = 0.05 * np.maximum(high - low, 1e-6)
        low, high = low - margin, high + margin
        return ((float(low[0]), float(high[0])), (float(low[1]), float(high[1])))
    array = np.asarray(limits, dtype=np.float64)
    if array.shape == (2,):
        array = np.stack([array, array])
    if array.shape != (2, 2) or np.any(array[:, 0] >= array[:, 1]):
        raise ValueError(
            "`limits` must be (low, high) for both axes or "
            f"((xlow, xhigh), (ylow, yhigh)). Received: limits={limits!r}"
        )
    return tuple((float(lo), float(hi)) for lo, hi in array)


def plot_2d(
    real: Any = None,
    fake: Any = None,
    ax: Axes | None = None,
    title: str | None = None,
    bins: int = 100,
    kind: str = "scatter",
    limits: Any = None,
    modes: Any = None,
) -> Figure:
    """Plots 2-D real and generated points, or the density of the generated.

    `kind="scatter"` draws `real` and `fake` as two point clouds (blue and
    orange, small and translucent). `kind="density"` draws a 2-D histogram
    of `fake` (of `real` if there is no `fake`): it shows where the mass
    lies when a scatter saturates. Mode centres, when given, are marked
    with hollow black circles drawn under the points.

    Args:
        real: points of shape `(n, 2)`. Defaults to `None`.
        fake: points of shape `(m, 2)`. Defaults to `None`.
        ax: axes to draw into. Defaults to `None`: a new figure.
        title: title of the axes. Defaults to `None`.
        bins: bins per axis of the density histogram. Defaults to 100.
        kind: `"scatter"` or `"density"`. Defaults to `"scatter"`.
        limits: axis limits, `(low, high)` for both axes or
            `((xlow, xhigh), (ylow, yhigh))`. Defaults to `None`: the data's
            range plus a 5% margin.
        modes: mode centres of shape `(k, 2)` to mark. Defaults to `None`.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:

    >>> rng = np.random.default_rng(0)
    >>> fig = plot_2d(rng.normal(size=(50, 2)), rng.normal(size=(50, 2)))
    >>> len(fig.axes[0].collections)
    2
    >>> plt.close(fig)
    """
    real, fake, modes = (
        _points(real, "real"),
        _points(fake, "fake"),
        _points(modes, "modes"),
    )
    if real is None and fake is None:
        raise ValueError(
            "`plot_2d` needs `real` or `fake` points. Received: real=None, fake=None"
        )
    if kind not in _KINDS:
        raise ValueError(
            f"`kind` must be 'scatter' or 'density'. Received: kind={kind!r}"
        )
    arrays = [a for a in (real, fake, modes) if a is not None]
    (xlim, ylim) = _limits(limits, arrays)

    ax = _axes(ax, figsize=(5, 5))
    if kind == "scatter":
        for points, label, color in (
            (real, "real", "tab:blue"),
            (fake, "fake", "tab:orange"),
        ):
            if points is not None:
                ax.scatter(
                    points[:, 0],
                    points[:, 1],
                    s=4,
                    alpha=0.3,
                    color=color,
                    label=label,
                    linewidths=0,
                )
    else:
        points = fake if fake is not None else real
        ax.hist2d(
            points[:, 0], points[:, 1], bins=bins, range=(xlim, ylim), cmap="viridis"
        )
    if modes is not None:
        # Hollow markers under the points: real samples of a narrow mode
        # (the ring's sigma is 0.02) must stay visible inside them.
        ax.scatter(
            modes[:, 0],
            modes[:, 1],
            marker="o",
            s=120,
            facecolors="none",
            edgecolors="black",
            linewidths=0.8,
            label="modes",
            zorder=0,
        )
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_aspect("equal")
    if kind == "scatter" or modes is not None:
        legend = ax.legend(loc="upper right")
        for handle in legend.legend_handles:  # one readable size for all
            handle.set_sizes([30])
            handle.set_alpha(1.0)
    if title is not None:
        ax.set_title(title)
    return ax.figure


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 100) -> Path:
    """Saves `fig` (format from the suffix, e.g. `.png`) and closes it.

    Args:
        fig: the figure to save.
        path: file to write; missing parent folders are created.
        dpi: resolution in dots per inch. Defaults to 100.

    Returns:
        The `pathlib.Path` written.

    Example:

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> path = save_figure(plot_images(np.zeros((4, 8, 8))), folder + "/a/grid.png")
    >>> path.exists()
    True
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return path
