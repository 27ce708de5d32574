"""Hyperparameter sweeps: many small trainings, in parallel processes, resumable.

`sweep(build_fn, grid, seeds)` trains one GAN per cell (a setting of the
hyperparameters and a seed) on a built-in dataset, and returns a
`pandas.DataFrame` of final metrics and failure flags. Each cell runs in a
worker process started with the `"spawn"` method, so TensorFlow starts
fresh there (a forked TensorFlow can deadlock); at most `max_workers` run at
once. Every finished cell is appended to `out_dir/results.jsonl` at once,
so an interrupted sweep resumes where it stopped and a grid that grows only
trains the new cells.

`build_fn` is sent to the workers by reference, so it must be picklable: a
function defined at the top level of an importable module (not a lambda,
not a function defined in a notebook or in `__main__` of an interactive
session). `tfgan_edu.experiments.demos.mlp_gan` is one.

`summarize_sweep`, `plot_sweep_heatmap` and `plot_sweep_spread` turn the results into tables
and pictures: mean and spread across seeds per setting.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import itertools
import json
import math
import multiprocessing
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from tfgan_edu._checks import check_int
from tfgan_edu.data import toy2d

RESULTS_FILE = "results.jsonl"
CONFIG_FILE = "sweep.json"

COLLAPSE_FRACTION = 0.5
# The `DivergenceGuard` stop reasons that count as a diverged run.
DIVERGED = ("non_finite_loss", "large_loss", "non_finite_weights", "weight_growth")
"""A run on a mixture is flagged `collapsed` when it captures fewer than this
fraction of the modes (fewer than 4 of the ring's 8, 13 of the grid's 25)."""


@dataclasses.dataclass(frozen=True)
class _Settings:
    """What every cell of a sweep shares (picklable, sent to the workers)."""

    data: str
    epochs: int
    batch_size: int
    n: int | None
    check_every: int
    min_diversity: float | None


def _check_grid(grid) -> list[dict]:
    """The cells' parameter dicts of a grid (a dict of lists or a list of dicts)."""
    if isinstance(grid, Mapping):
        names = list(grid)
        values = []
        for name in names:
            options = grid[name]
            if isinstance(options, (str, bytes)) or not isinstance(options, Sequence):
                raise ValueError(
                    "Expected each grid entry to be a list of values, e.g. "
                    "{'learning_rate': [1e-4, 1e-3]}. Received: "
                    f"grid[{name!r}]={options!r}"
                )
            if not options:
                raise ValueError(
                    f"Expected a non-empty list. Received: grid[{name!r}]=[]"
                )
            values.append(list(options))
        cells = [dict(zip(names, combo)) for combo in itertools.product(*values)]
    elif isinstance(grid, Sequence) and not isinstance(grid, (str, bytes)):
        cells = [dict(cell) if isinstance(cell, Mapping) else cell for cell in grid]
        if not cells or not all(isinstance(cell, dict) for cell in cells):
            raise ValueError(
                "Expected `grid` to be a dict of lists (a product) or a non-empty "
                f"list of dicts (explicit cells). Received: grid={grid!r}"
            )
    else:
        raise ValueError(
            "Expected `grid` to be a dict of lists (a product) or a non-empty "
            f"list of dicts (explicit cells). Received: grid={grid!r}"
        )
    for cell in cells:
        try:
            json.dumps(cell, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "Expected grid values that JSON can store (numbers, strings, "
                f"booleans, None, lists). Received: {cell!r} ({exc})"
            ) from None
        for reserved in ("seed", "data"):
            if reserved in cell:
                raise ValueError(
                    f"`{reserved}` is set by the sweep itself (use `seeds=` and "
                    f"`data=`), not by the grid. Received: a cell {cell!r}"
                )
    return cells


def _key(params: dict, seed: int) -> str:
    return json.dumps({"params": params, "seed": seed}, sort_keys=True)


def _read_results(path: Path) -> dict[str, dict]:
    """The finished cells of a results file, by key (a torn last line is skipped)."""
    done = {}
    if not path.exists():
        return done
    for line in path.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:  # a line cut short by a killed run
            continue
        done[_key(record["params"], record["seed"])] = record
    return done


def _run_cell(build_fn, params: dict, seed: int, settings: _Settings) -> dict:
    """Trains one cell and returns its record (in a worker, or in-process)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from tfgan_edu import callbacks
    from tfgan_edu import data as data_module
    from tfgan_edu.experiments.training import evaluate_samples

    start = time.perf_counter()
    record = {"params": params, "seed": seed, "error": None, "stopped": None}
    try:
        keras.backend.clear_session()
        keras.utils.set_random_seed(seed)
        gan = build_fn(data=settings.data, seed=seed, **params)
        load_kwargs = {} if settings.n is None else {"n": settings.n}
        dataset = data_module.load(
            settings.data, settings.batch_size, seed=seed, **load_kwargs
        )
        guard = callbacks.DivergenceGuard(
            check_every=settings.check_every,
            min_diversity=settings.min_diversity,
            verbose=0,
        )
        history = gan.fit(
            dataset, epochs=settings.epochs, callbacks=[guard], verbose=0
        ).history
        record["epochs_run"] = len(history.get("d_loss", []))
        for key, values in history.items():
            record[f"final_{key}"] = float(values[-1]) if values else None
        if guard.stopped is not None:
            record["stopped"] = guard.stopped["reason"]
            record["stopped_step"] = guard.stopped["step"]
        record.update(evaluate_samples(gan, settings.data, seed=seed))
    except Exception as exc:  # a failed cell is a result too
        record["error"] = f"{type(exc).__name__}: {exc}"
    record["seconds"] = time.perf_counter() - start
    record["diverged"] = record["stopped"] in DIVERGED
    modes = record.get("modes")
    total = len(toy2d.modes(settings.data)) if settings.data in ("ring", "grid") else 0
    record["collapsed"] = record["stopped"] == "collapse" or (
        modes is not None and total > 0 and modes < COLLAPSE_FRACTION * total
    )
    record["failed"] = bool(
        record["error"] or record["diverged"] or record["collapsed"]
    )
    return _plain(record)


def _plain(value):
    """`value` with NumPy scalars turned into Python numbers (for JSON)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def sweep(
    build_fn: Callable,
    grid,
    seeds: Sequence[int] = (0,),
    *,
    data: str = "ring",
    epochs: int = 20,
    batch_size: int = 128,
    n: int | None = None,
    out_dir: str | os.PathLike = "sweep",
    max_workers: int = 2,
    check_every: int = 50,
    min_diversity: float | None = None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Trains one GAN per (setting, seed) cell and tabulates the results.

    Each cell calls `build_fn(data=data, seed=seed, **params)`, which must
    return a compiled `tfgan_edu.GAN` (seed its weights with `seed`), loads
    `tfgan_edu.data.load(data, batch_size, seed=seed, n=n)`, trains for
    `epochs` under a `tfgan_edu.callbacks.DivergenceGuard` (non-finite
    losses or weights stop the cell; with `min_diversity` so does collapse),
    and measures the result with `tfgan_edu.experiments.evaluate_samples`
    (mode coverage for `ring` and `grid`). Before the cell, Keras' state is
    cleared and `keras.utils.set_random_seed(seed)` is called.

    Results go to `out_dir/results.jsonl`, one JSON line per finished cell,
    written as each cell ends; `out_dir/sweep.json` keeps the shared
    settings. Calling `sweep` again with the same settings and `out_dir`
    trains only the cells not in the file (a grown grid, or a sweep
    interrupted midway); different settings in the same folder are an error.

    Args:
        build_fn: a picklable module-level function, see above.
        grid: a dict of lists, `{"learning_rate": [1e-4, 1e-3], "beta_1":
            [0.0, 0.5]}`, for all their combinations, or a list of dicts for
            explicit cells. Values must be JSON-serializable.
        seeds: seeds of each setting. Defaults to `(0,)`.
        data: dataset name of `tfgan_edu.data.load`. Defaults to `"ring"`.
        epochs: epochs per cell. Defaults to 20.
        batch_size: defaults to 128.
        n: samples drawn for toy data (`None`: the loader's 25,000).
        out_dir: folder of the results, created if missing. Defaults to
            `"sweep"`.
        max_workers: cells trained at once, each in its own spawned process.
            0 trains in this process, one cell after another (no pickling;
            for debugging and quick runs). Defaults to 2.
        check_every: batches between the guard's weight checks. Defaults
            to 50.
        min_diversity: the guard's collapse threshold (needs a GAN compiled
            with `diagnostics=True`). Defaults to `None`.
        verbose: print a line per finished cell. Defaults to `True`.

    Returns:
        A `pandas.DataFrame`, one row per cell of `grid x seeds` in that
        order: the parameters, `seed`, the metrics (`modes`,
        `high_quality`, `reverse_kl` on the mixtures), `final_<key>` (last
        epoch of `History`), `epochs_run`, `seconds`, and the flags
        `diverged` (the guard stopped the run for a non-finite or huge
        loss, non-finite weights or weights growing too fast: `DIVERGED`),
        `collapsed` (the guard saw collapse, or fewer than
        `COLLAPSE_FRACTION` of the modes were captured), `failed` (either, or an error), `stopped` (the guard's
        reason) and `error` (the exception, for a cell that raised).

    Example:

    >>> import tempfile
    >>> from tfgan_edu.experiments import demos
    >>> table = sweep(demos.mlp_gan, {"learning_rate": [1e-3]}, seeds=[0],
    ...               epochs=1, n=256, max_workers=0, verbose=False,
    ...               out_dir=tempfile.mkdtemp())
    >>> table[["learning_rate", "seed", "diverged", "error"]].values.tolist()
    [[0.001, 0, False, None]]
    >>> bool(0 <= table.loc[0, "modes"] <= 8)
    True
    """
    if not callable(build_fn):
        raise TypeError(f"Expected `build_fn` to be callable. Received: {build_fn!r}")
    cells = _check_grid(grid)
    seeds = [seeds] if isinstance(seeds, (int, np.integer)) else list(seeds)
    if not seeds or not all(
        isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds
    ):
        raise ValueError(
            f"Expected `seeds` to be a non-empty list of ints. Received: seeds={seeds!r}"
        )
    seeds = [int(s) for s in seeds]
    check_int("epochs", epochs)
    check_int("batch_size", batch_size)
    check_int("max_workers", max_workers, minimum=0, note=" (0: in this process)")
    settings = _Settings(data, epochs, batch_size, n, check_every, min_diversity)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = {
        **dataclasses.asdict(settings),
        "build_fn": f"{build_fn.__module__}.{getattr(build_fn, '__qualname__', build_fn)}",
    }
    config_path = out / CONFIG_FILE
    if config_path.exists():
        previous = json.loads(config_path.read_text())
        if previous != config:
            raise ValueError(
                f"{out} holds the results of a sweep with other settings, "
                f"{previous}; resuming would mix them. Use another `out_dir`. "
                f"Received: {config}"
            )
    else:
        config_path.write_text(json.dumps(config, indent=2))

    results_path = out / RESULTS_FILE
    done = _read_results(results_path)
    text = results_path.read_text() if results_path.exists() else ""
    if text and not text.endswith("\n"):
        with results_path.open("a") as file:  # end a line torn by a killed run
            file.write("\n")
    todo = [
        (params, seed)
        for params in cells
        for seed in seeds
        if _key(params, seed) not in done
    ]
    if verbose:
        total = len(cells) * len(seeds)
        print(
            f"sweep: {total - len(todo)} of {total} cells already done; {len(todo)} to run"
        )

    def record_result(record):
        with results_path.open("a") as file:
            file.write(json.dumps(record) + "\n")
        done[_key(record["params"], record["seed"])] = record
        if verbose:
            outcome = record["error"] or ", ".join(
                f"{k}={record[k]:.3g}"
                if isinstance(record[k], float)
                else f"{k}={record[k]}"
                for k in ("modes", "high_quality", "stopped")
                if record.get(k) is not None
            )
            print(
                f"  {record['params']} seed {record['seed']}: {outcome} "
                f"({record['seconds']:.0f} s)"
            )

    if todo and max_workers == 0:
        for params, seed in todo:
            record_result(_run_cell(build_fn, params, seed, settings))
    elif todo:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=min(max_workers, len(todo)), mp_context=context
        ) as pool:
            futures = [
                pool.submit(_run_cell, build_fn, params, seed, settings)
                for params, seed in todo
            ]
            for future in concurrent.futures.as_completed(futures):
                record_result(future.result())

    rows = []
    for params in cells:
        for seed in seeds:
            record = dict(done[_key(params, seed)])
            record.pop("params")
            rows.append({**params, **record})
    return pd.DataFrame(rows)


def summarize_sweep(
    table: pd.DataFrame, by: Sequence[str], value: str = "modes"
) -> pd.DataFrame:
    """Mean and spread across seeds of `value`, per setting.

    Args:
        table: the output of `sweep`.
        by: the parameter columns that define a setting.
        value: the metric column. Defaults to `"modes"`.

    Returns:
        A `DataFrame` indexed by `by` with columns `mean`, `std` (sample
        standard deviation, `ddof=1`; NaN for one seed), `min`, `max`,
        `runs` and `failed` (count of cells flagged `failed`).

    Example:

    >>> t = pd.DataFrame({"lr": [1, 1, 2], "modes": [8, 6, 1],
    ...                   "failed": [False, False, True]})
    >>> summarize_sweep(t, ["lr"]).loc[1, ["mean", "std", "runs"]].tolist()
    [7.0, 1.414..., 2.0]
    """
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in [*by, value] if c not in table.columns]
    if missing:
        raise ValueError(
            f"Expected columns of the sweep table {sorted(table.columns)}. "
            f"Received: missing {missing}"
        )
    grouped = table.groupby(by, sort=True)
    summary = grouped[value].agg(["mean", "std", "min", "max", "count"])
    summary = summary.rename(columns={"count": "runs"}).astype(float)
    if "failed" in table.columns:
        summary["failed"] = grouped["failed"].sum().astype(int)
    return summary


def plot_sweep_heatmap(
    table: pd.DataFrame,
    x: str,
    y: str,
    value: str = "modes",
    ax=None,
    vmin: float | None = 0,
    vmax: float | None = None,
    title: str | None = None,
) -> Figure:
    """A heatmap of the mean `value` across seeds over two parameters.

    Each cell is annotated `mean +- std` (and the count of failed runs).

    Args:
        table: the output of `sweep`.
        x: the parameter on the horizontal axis.
        y: the parameter on the vertical axis.
        value: the metric. Defaults to `"modes"`.
        ax: axes to draw into. Defaults to a new figure.
        vmin: colour scale minimum. Defaults to 0.
        vmax: colour scale maximum. Defaults to the largest mean.
        title: defaults to "`value` (mean over seeds)".

    Returns:
        The `matplotlib` figure.

    Example:

    >>> t = pd.DataFrame({"lr": [1, 1, 2, 2], "b": [0, 1, 0, 1],
    ...                   "modes": [8, 6, 1, 2]})
    >>> fig = plot_sweep_heatmap(t, "lr", "b")
    >>> len(fig.axes[0].texts)
    4
    """
    summary = summarize_sweep(table, [y, x], value)
    means = summary["mean"].unstack(x)
    stds = summary["std"].unstack(x)
    failed = summary["failed"].unstack(x) if "failed" in summary else None
    if ax is None:
        _, ax = plt.subplots(
            figsize=(1.6 * len(means.columns) + 2, 1.1 * len(means) + 1.5)
        )
    image = ax.imshow(
        means.to_numpy(float), cmap="viridis", vmin=vmin, vmax=vmax, origin="lower"
    )
    ax.figure.colorbar(image, ax=ax, label=value)
    ax.set_xticks(
        range(len(means.columns)),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in means.columns],
    )
    ax.set_yticks(
        range(len(means.index)),
        [f"{v:g}" if isinstance(v, float) else str(v) for v in means.index],
    )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    peak = np.nanmax(means.to_numpy(float)) if vmax is None else vmax
    for i, row in enumerate(means.index):
        for j, col in enumerate(means.columns):
            mean, std = means.loc[row, col], stds.loc[row, col]
            if np.isnan(mean):
                continue
            text = f"{mean:.3g}" if np.isnan(std) else f"{mean:.3g}\n±{std:.2g}"
            if failed is not None and failed.loc[row, col]:
                text += f"\n{int(failed.loc[row, col])} failed"
            color = "black" if peak and mean > 0.6 * peak else "white"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=9)
    ax.set_title(title or f"{value} (mean over seeds)")
    return ax.figure


def plot_sweep_spread(
    table: pd.DataFrame,
    by: Sequence[str],
    value: str = "modes",
    ax=None,
    title: str | None = None,
) -> Figure:
    """Every seed's `value` per setting (dots) and their mean (a bar).

    Args:
        table: the output of `sweep`.
        by: the parameter columns that define a setting (one tick each).
        value: the metric. Defaults to `"modes"`.
        ax: axes to draw into. Defaults to a new figure.
        title: defaults to "`value` across seeds".

    Returns:
        The `matplotlib` figure.

    Example:

    >>> t = pd.DataFrame({"lr": [1, 1, 2, 2], "modes": [8, 6, 1, 2]})
    >>> fig = plot_sweep_spread(t, ["lr"])
    >>> [tick.get_text() for tick in fig.axes[0].get_xticklabels()]
    ['lr=1', 'lr=2']
    """
    by = [by] if isinstance(by, str) else list(by)
    summary = summarize_sweep(table, by, value)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.8 * len(summary) + 1.5), 3.5))
    labels = []
    for i, (setting, row) in enumerate(summary.iterrows()):
        setting = setting if isinstance(setting, tuple) else (setting,)
        mask = np.ones(len(table), dtype=bool)
        for name, level in zip(by, setting):
            mask &= (table[name] == level).to_numpy()
        values = table.loc[mask, value].to_numpy(float)
        jitter = np.linspace(-0.15, 0.15, len(values)) if len(values) > 1 else [0.0]
        ax.bar(i, row["mean"], width=0.6, color="tab:blue", alpha=0.3)
        ax.scatter(i + np.asarray(jitter), values, color="tab:blue", s=18, zorder=3)
        labels.append(", ".join(f"{n}={_fmt(v)}" for n, v in zip(by, setting)))
    ax.set_xticks(
        range(len(labels)),
        labels,
        rotation=45 if len(labels) > 4 else 0,
        ha="right" if len(labels) > 4 else "center",
    )
    ax.set_ylabel(value)
    ax.set_title(title or f"{value} across seeds")
    return ax.figure


def _fmt(value) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return str(value)
