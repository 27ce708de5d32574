"""`tge.experiments.sweep`: cells, resumption, processes, failure flags, tables."""

import json

import numpy as np
import pandas as pd
import pytest

from tfgan_edu.experiments import demos, summarize_sweep, sweep
from tfgan_edu.experiments.sweep import DIVERGED, plot_sweep_heatmap, plot_sweep_spread

TINY = {"epochs": 1, "n": 256, "batch_size": 64, "verbose": False}


class CountingBuild:
    """A build_fn that counts its calls (in-process only)."""

    def __init__(self):
        self.calls = []

    def __call__(self, data, seed, **params):
        self.calls.append((params["learning_rate"], seed))
        return demos.mlp_gan(data, seed=seed, hidden_units=(8,), **params)


def test_finished_cells_are_not_rerun(tmp_path):
    build = CountingBuild()
    run = dict(seeds=[0], out_dir=tmp_path, max_workers=0, **TINY)
    table = sweep(build, {"learning_rate": [1e-3, 2e-3]}, **run)
    assert build.calls == [(1e-3, 0), (2e-3, 0)]
    assert table[["learning_rate", "seed"]].values.tolist() == [[1e-3, 0], [2e-3, 0]]
    # The grid grows by one value: only its cell trains.
    grid = {"learning_rate": [1e-3, 2e-3, 5e-3]}
    table = sweep(build, grid, **run)
    assert build.calls[2:] == [(5e-3, 0)]
    assert table["learning_rate"].tolist() == [1e-3, 2e-3, 5e-3]
    results = tmp_path / "results.jsonl"
    assert len(results.read_text().splitlines()) == 3
    # Nothing left: no call at all, the same table.
    pd.testing.assert_frame_equal(sweep(build, grid, **run), table)
    assert len(build.calls) == 3
    # A line torn by a killed run does not count: that cell runs again.
    lines = results.read_text().splitlines()
    results.write_text("\n".join(lines[:2]) + "\n" + lines[2][:40])
    sweep(build, grid, **run)
    assert build.calls[3:] == [(5e-3, 0)]
    sweep(build, grid, **run)
    assert len(build.calls) == 4


def test_other_settings_in_the_same_folder_are_refused(tmp_path):
    sweep(failing_build, [{"x": 1}], out_dir=tmp_path, max_workers=0, **TINY)
    with pytest.raises(ValueError, match="other settings"):
        sweep(
            failing_build,
            [{"x": 1}],
            out_dir=tmp_path,
            max_workers=0,
            **{**TINY, "epochs": 2},
        )


def failing_build(data, seed, **params):
    raise RuntimeError("no GAN today")


def test_a_cell_that_raises_is_recorded_as_failed(tmp_path):
    table = sweep(failing_build, [{"x": 1}], out_dir=tmp_path, max_workers=0, **TINY)
    assert table.loc[0, "error"] == "RuntimeError: no GAN today"
    assert bool(table.loc[0, "failed"])


def test_worker_processes_flag_a_diverging_setting(tmp_path):
    """Two spawned workers; Adam at lr 1e10 blows the weights up."""
    grid = [
        {"learning_rate": 1e-3, "hidden_units": [8]},
        {"learning_rate": 1e10, "hidden_units": [8]},
    ]
    table = sweep(
        demos.mlp_gan,
        grid,
        seeds=[0],
        out_dir=tmp_path,
        max_workers=2,
        check_every=1,
        **TINY,
    )
    assert table["error"].isna().all(), table["error"].tolist()
    assert table["diverged"].tolist() == [False, True]
    assert table.loc[1, "stopped"] in DIVERGED
    assert table.loc[1, "failed"]
    # Finite weights were restored, so the diverged cell was still measured.
    assert 0 <= table.loc[1, "modes"] <= 8
    records = [json.loads(line) for line in (tmp_path / "results.jsonl").open()]
    assert sorted(r["params"]["learning_rate"] for r in records) == [1e-3, 1e10]


def test_bad_arguments(tmp_path):
    build = CountingBuild()
    with pytest.raises(ValueError, match="Received: grid\\['learning_rate'\\]=0.1"):
        sweep(build, {"learning_rate": 0.1}, out_dir=tmp_path)
    with pytest.raises(ValueError, match="`seed` is set by the sweep"):
        sweep(build, [{"seed": 1}], out_dir=tmp_path)
    with pytest.raises(ValueError, match="JSON"):
        sweep(build, [{"f": object()}], out_dir=tmp_path)
    with pytest.raises(ValueError, match="Received: seeds=\\[\\]"):
        sweep(build, {"learning_rate": [0.1]}, seeds=[], out_dir=tmp_path)
    with pytest.raises(ValueError, match="Received: max_workers=-1"):
        sweep(build, {"learning_rate": [0.1]}, max_workers=-1, out_dir=tmp_path)
    assert build.calls == []


def test_summary_and_plots_against_numpy():
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        {
            "lr": np.repeat([1e-4, 1e-3, 1e-2], 6),
            "beta_1": np.tile(np.repeat([0.0, 0.5], 3), 3),
            "seed": np.tile([0, 1, 2], 6),
            "modes": rng.integers(0, 9, size=18),
        }
    )
    table["failed"] = table["modes"] < 4
    summary = summarize_sweep(table, ["lr", "beta_1"])
    for (lr, beta_1), row in summary.iterrows():
        same = (table["lr"] == lr) & (table["beta_1"] == beta_1)
        values = table.loc[same, "modes"].to_numpy()
        assert row["mean"] == pytest.approx(values.mean())
        assert row["std"] == pytest.approx(values.std(ddof=1))
        assert (row["min"], row["max"], row["runs"]) == (values.min(), values.max(), 3)
        assert row["failed"] == np.sum(values < 4)
    fig = plot_sweep_heatmap(table, "lr", "beta_1")
    assert len(fig.axes[0].texts) == 6
    fig = plot_sweep_spread(table, ["lr", "beta_1"])
    assert len(fig.axes[0].get_xticklabels()) == 6
    with pytest.raises(ValueError, match="missing \\['nope'\\]"):
        summarize_sweep(table, ["nope"])
