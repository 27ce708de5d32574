"""Solution notebooks: the exercise notebooks with the references filled in.

`make_solution_notebook(chapter)` takes the student's exercise notebook
(`tfgan_edu.exercises.notebook.make_notebook`) and puts in each stub cell the
reference's source (with the helpers and imports it needs) and in each
question cell the answer. `write_solution_notebooks(folder)` writes them to
`instructor/notebooks/`; they never ship with the student package.
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path

import tfgan_edu_solutions as sol
from tfgan_edu._docs import colab
from tfgan_edu.exercises import _registry
from tfgan_edu.exercises.notebook import make_notebook, notebook_filename
from tfgan_edu_solutions.questions import ANSWERS

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
"""Where the stored solution notebooks live: `instructor/notebooks/`."""


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def solution_source(name: str) -> str:
    """The reference of exercise `name` as notebook code: imports, helpers, reference.

    Args:
        name: the exercise's name.

    Returns:
        Python source defining the reference under the exercise's name.
    """
    reference = sol.reference(name)
    module = inspect.getmodule(reference)
    imports, helpers, seen = [], [], set()

    def visit(fn):
        for used in sorted(_names(fn.__code__)):
            value = module.__dict__.get(used)
            if used in seen or value is None:
                continue
            seen.add(used)
            if isinstance(value, types.ModuleType) and used not in (
                "np",
                "tf",
                "keras",
                "ops",
            ):
                parent, _, last = value.__name__.rpartition(".")
                imports.append(
                    f"from {parent} import {last}"
                    if last == used and parent
                    else f"import {value.__name__} as {used}"
                )
            elif (
                isinstance(value, types.FunctionType)
                and inspect.getmodule(value) is module
                and used not in _registry.EXERCISES
            ):
                visit(value)
                helpers.append(inspect.getsource(value))

    visit(reference)
    parts = ["\n".join(imports)] if imports else []
    parts += helpers + [inspect.getsource(reference)]
    return "\n\n".join(p.strip() for p in parts)


def make_solution_notebook(chapter: int):
    """The exercise notebook of `chapter` with every answer filled in.

    Args:
        chapter: the chapter number.

    Returns:
        An `nbformat` notebook node.
    """
    nb = make_notebook(chapter)
    for cell in nb.cells:
        meta = cell.metadata.get("tfgan_edu", {})
        if "exercise" in meta:
            cell.source = solution_source(meta["exercise"])
        if "question" in meta:
            name = meta["question"]
            cell.source = cell.source.replace(
                f"{name} = None", f"{name} = {ANSWERS[name]!r}"
            )
    nb.cells[0].source = nb.cells[0].source.replace(
        "# Exercises for chapter", "# Solutions (instructors only) for chapter", 1
    )
    # The Colab badge opens this notebook, not the students' one.
    colab.add_colab(nb, f"instructor/notebooks/{solution_filename(chapter)}")
    return nb


def solution_filename(chapter: int) -> str:
    """The file name of `chapter`'s solution notebook, e.g.
    `01_minimax_game_solutions.ipynb`."""
    return notebook_filename(chapter).replace("_exercises", "_solutions")


def write_solution_notebooks(folder: str | Path = FOLDER) -> list[Path]:
    """Writes one solution notebook per chapter into `folder`.

    Args:
        folder: the folder. Defaults to `instructor/notebooks/`.

    Returns:
        The paths written.
    """
    import nbformat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chapter in _registry.CHAPTERS:
        path = folder / solution_filename(chapter)
        nbformat.write(make_solution_notebook(chapter), path)
        written.append(path)
    return written
