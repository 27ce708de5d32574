"""The chapter notebooks: stored clean, and run top to bottom in smoke mode."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from tfgan_edu import _notebook_cache
from tfgan_edu._docs import cell_tags

# Under pytest-xdist (`make test` runs two workers) these tests and
# tests/test_site.py share a group, so one worker runs them in file order and
# the site is built from the copies executed here.
pytestmark = pytest.mark.xdist_group("notebooks")

NOTEBOOK_DIR = Path(__file__).parents[1] / "notebooks"
# Executed copies go here for the documentation build (see _notebook_cache).
EXECUTED_DIR = _notebook_cache.cache_dir(
    Path(__file__).parents[1] / "docs/_build/executed"
)
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Appended to each executed copy: which Python runs the kernel, and whether it
# saw the smoke-mode switch.
_PROBE = (
    "import json, sys\n"
    "import tfgan_edu as tge\n"
    "print(json.dumps({'prefix': sys.prefix, 'smoke': tge.experiments.smoke_mode()}))"
)


def _ids(paths):
    return [path.name for path in paths]


def test_notebooks_are_found():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_has_header_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    header = nb.cells[0]
    assert header.cell_type == "markdown", "the first cell must be the header"
    assert header.source.startswith("# Chapter"), header.source[:80]
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.execution_count is None, f"cell {index} has an execution count"
            assert cell.outputs == [], f"cell {index} is stored with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_smoke_plumbing_is_tagged_to_stay_off_the_site(path):
    # Cells that only check or only serve smoke mode (see
    # tfgan_edu/_docs/cell_tags.py) carry `remove-cell`: `make tag-notebooks`.
    untagged = cell_tags.untagged_plumbing(nbformat.read(path, as_version=4))
    assert not untagged, (
        f"{path.name}: cells {untagged} are smoke plumbing without the "
        f"{cell_tags.TAG!r} tag; run `make tag-notebooks`"
    )


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_in_smoke_mode(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    # The kernel inherits this environment (and conftest's KERAS_HOME and
    # MPLCONFIGDIR, which point into a temporary folder).
    monkeypatch.setenv("TFGAN_EDU_SMOKE", "1")
    # Figures as PNG outputs (Agg underneath): the docs render these copies.
    monkeypatch.setenv("MPLBACKEND", _notebook_cache.INLINE_BACKEND)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    monkeypatch.setenv("TFGAN_EDU_OFFLINE", "1")  # never attempt a download

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
    started = {}
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        # The kernel's working directory: files the notebook writes go here.
        resources={"metadata": {"path": str(tmp_path)}},
        on_cell_start=lambda cell, cell_index: started.update(
            cell=cell, index=cell_index
        ),
    )
    failure = None
    try:
        client.execute()
    except CellExecutionError as exc:  # its message shows the cell and traceback
        failure = f"{path.name}: cell {started.get('index')} failed.\n{exc}"
    except Exception as exc:  # a timeout or a dead kernel
        cell = started.get("cell")
        failure = (
            f"{path.name}: cell {started.get('index')} failed.\n"
            f"{cell.source if cell is not None else ''}\n"
            f"{type(exc).__name__}: {exc}"
        )
    if failure:
        pytest.fail(_ANSI.sub("", failure), pytrace=False)

    stdout = "".join(
        out.get("text", "")
        for out in nb.cells[-1].outputs
        if out.get("name") == "stdout"
    )
    probe = json.loads(stdout.strip().splitlines()[-1])
    assert probe["prefix"] == sys.prefix, "the kernel runs another Python environment"
    assert probe["smoke"] is True
    nb.cells.pop()  # the probe
    _notebook_cache.store(nb, path, EXECUTED_DIR, mode="smoke")
