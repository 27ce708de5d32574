"""The exercise notebooks: up to date, stored clean, and run twice.

Each notebook runs as handed out (every check reports a failure, no cell
raises) and with the solutions of `solutions.py` in its stub cells (every
check passes). To keep CI cheap, all runs share one kernel: TensorFlow is
imported once, and `%reset -f` empties the namespace before each notebook,
so no notebook sees another's definitions.
"""

import inspect
import re
from pathlib import Path

import nbformat
import pytest

import tfgan_edu as tge
from tests.exercises import solutions
from tfgan_edu.exercises import notebook as nb_module

FOLDER = Path(__file__).parents[2] / "notebooks" / "exercises"
STORED = sorted(FOLDER.glob("*.ipynb"))
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_one_up_to_date_notebook_per_chapter_with_exercises():
    expected = [
        nb_module.notebook_filename(c) for c in nb_module.chapters_with_exercises()
    ]
    assert [p.name for p in STORED] == expected, (
        "regenerate with `python -m tfgan_edu.exercises.notebook notebooks/exercises`"
    )
    for path, chapter in zip(STORED, nb_module.chapters_with_exercises()):
        stored = nbformat.read(path, as_version=4)
        built = nb_module.make_notebook(chapter)
        assert [c.source for c in stored.cells] == [c.source for c in built.cells], (
            f"{path.name} is stale: regenerate it with "
            "`python -m tfgan_edu.exercises.notebook notebooks/exercises`"
        )
        assert stored.metadata["tfgan_edu"] == built.metadata["tfgan_edu"]


@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_notebook_is_stored_clean_with_one_stub_and_check_per_exercise(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].source.startswith("# Exercises for chapter")
    stubs = [c for c in nb.cells if "exercise" in c.metadata.get("tfgan_edu", {})]
    checks = [c for c in nb.cells if "check" in c.metadata.get("tfgan_edu", {})]
    names = nb.metadata["tfgan_edu"]["exercises"]
    assert [c.metadata["tfgan_edu"]["exercise"] for c in stubs] == names
    assert [c.metadata["tfgan_edu"]["check"] for c in checks] == names
    for cell in stubs:
        assert "raise NotImplementedError" in cell.source
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def _questions(nb):
    return [
        c.metadata["tfgan_edu"]["question"]
        for c in nb.cells
        if "question" in c.metadata.get("tfgan_edu", {})
    ]


def with_solutions(nb):
    """A copy of `nb` whose stub cells hold the model solutions' source."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        name = cell.metadata.get("tfgan_edu", {}).get("exercise")
        if name:
            cell.source = inspect.getsource(getattr(solutions, name))
        question = cell.metadata.get("tfgan_edu", {}).get("question")
        if question:
            answer = solutions.QUESTION_ANSWERS[question]
            cell.source = cell.source.replace(
                f"{question} = None", f"{question} = {answer!r}"
            )
    # The solutions use the same imports as the stubs (see SETUP).
    return nb


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One started kernel for all runs, in a temporary working directory.

    nbclient's own asynchronous kernel manager: with a blocking one, a cell
    that never finished would also block the time-out.
    """
    from nbclient import NotebookClient

    client = NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=300,
        kernel_name="python3",
        resources={
            "metadata": {"path": str(tmp_path_factory.mktemp("exercise_kernel"))}
        },
    )
    with client.setup_kernel():
        yield client


def _execute(client, nb):
    """Runs `nb` in the shared kernel after emptying its namespace."""
    nb = nbformat.from_dict(nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
    client.nb = nb
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)  # raises CellExecutionError if it raises
    return nb.cells[1:]


def _stdout(cell):
    return _ANSI.sub(
        "",
        "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout"),
    )


@pytest.mark.notebook
@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_handed_out_notebook_runs_and_every_check_fails(kernel, path):
    nb = nbformat.read(path, as_version=4)
    cells = _execute(kernel, nb)
    names = nb.metadata["tfgan_edu"]["exercises"]
    for cell in cells:
        name = cell.metadata.get("tfgan_edu", {}).get("check")
        if name:
            assert _stdout(cell).startswith(f"✗ {name}: not implemented yet"), _stdout(
                cell
            )
    questions = _questions(nb)
    for cell in cells:
        name = cell.metadata.get("tfgan_edu", {}).get("question")
        if name:
            assert _stdout(cell).startswith(f"✗ {name}: expected a number"), _stdout(
                cell
            )
    n = len(names) + len(questions)
    assert (
        _stdout(cells[-1]).splitlines()[-1]
        == f"Score: 0 of {n} points (0 of {n} exercises pass)."
    )


@pytest.mark.notebook
@pytest.mark.parametrize("path", STORED, ids=[p.name for p in STORED])
def test_notebook_with_solutions_passes_every_check(kernel, path):
    nb = with_solutions(nbformat.read(path, as_version=4))
    cells = _execute(kernel, nb)
    names = nb.metadata["tfgan_edu"]["exercises"]
    for cell in cells:
        name = cell.metadata.get("tfgan_edu", {}).get("check")
        if name:
            assert _stdout(cell).startswith(f"✓ {name} passed"), _stdout(cell)
        if cell.metadata.get("tfgan_edu", {}).get("question"):
            assert " is right." in _stdout(cell), _stdout(cell)
    n = len(names) + len(_questions(nb))
    assert _stdout(cells[-1]).splitlines()[-1] == (
        f"Score: {n} of {n} points ({n} of {n} exercises pass)."
    )
    assert set(names) <= set(tge.exercises.names())
