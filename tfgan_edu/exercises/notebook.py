"""Exercise notebooks: one per chapter, built from the exercises' definitions.

A notebook holds a header, an import cell, and for each exercise its task
(Markdown with the maths), a stub cell that raises `NotImplementedError` and
a check cell; it ends with a cell that checks everything and prints the
score. Stub cells carry `{"tfgan_edu": {"exercise": NAME}}` in their
metadata, so a test (or an instructor) can swap in solutions, and the
notebook's metadata names its chapter, which `tfgan-edu grade` reads.

The notebooks in `notebooks/exercises/` are written by `write_notebooks`;
a test checks that they are up to date. Each opens with an "Open in Colab"
badge and a setup cell that installs the package where it is missing
(`tfgan_edu._docs.colab.add_colab`; the badge points at the notebook's
place in the repository, `REPO_FOLDER`).
"""

from __future__ import annotations

from pathlib import Path

from tfgan_edu.exercises._registry import CHAPTERS, EXERCISES, QUESTIONS

REPO_FOLDER = "notebooks/exercises"
"""Where the exercise notebooks live in the repository (their Colab badges'
target)."""

SETUP = """\
import keras
import numpy as np
import tensorflow as tf
from keras import ops

import tfgan_edu as tge"""

INTRO = """\
Write each function below: replace `raise NotImplementedError` with your code, run
the cell, then run the check cell under it. `tge.exercises.check` calls your function
on fixed inputs and compares values, shapes, dtypes and, where training differentiates
the function, gradients with what the reference solution returned. It prints
`✓ ... passed` or the first difference, with the expected and received values and a
hint. Each case earns its share of the exercise's point (partial credit). Write the
computation yourself: calling the library's own version (`tge.losses....`) scores 0.
The concept questions at the end take one number each.

Keep the function names and signatures: the last cell checks everything again and
prints your score, and your instructor may grade the notebook with
`tfgan-edu grade` (which runs it in an empty folder: do not read other files)."""


def notebook_filename(chapter: int) -> str:
    """The file name of a chapter's exercise notebook.

    Args:
        chapter: the chapter number.

    Returns:
        A file name such as `"06_training_instability_exercises.ipynb"`.

    Example:

    >>> notebook_filename(1)
    '01_minimax_game_exercises.ipynb'
    """
    if chapter not in CHAPTERS:
        raise ValueError(
            f"Expected a chapter number in {sorted(CHAPTERS)}. Received: chapter={chapter!r}"
        )
    return f"{chapter:02d}_{CHAPTERS[chapter][1]}_exercises.ipynb"


def chapters_with_exercises() -> list[int]:
    """The chapters that have at least one exercise, in order.

    Returns:
        A sorted list of chapter numbers.

    Example:

    >>> chapters_with_exercises()[:3]  # chapter 0, What is a GAN?, included
    [0, 1, 2]
    """
    return sorted({exercise.chapter for exercise in EXERCISES.values()})


def make_notebook(chapter: int):
    """Builds the exercise notebook of a chapter (without outputs).

    Args:
        chapter: the chapter number.

    Returns:
        An `nbformat` notebook node (version 4), with its "Open in Colab"
        badge and setup cell (`tfgan_edu._docs.colab.add_colab`).

    Example:

    >>> nb = make_notebook(5)
    >>> nb.metadata["tfgan_edu"]["exercises"]
    ['reparameterize', 'gaussian_kl']
    >>> nb.cells[0].source.splitlines()[0]
    '# Exercises for chapter 5: GANs and VAEs'
    """
    import nbformat

    from tfgan_edu._docs.colab import add_colab

    exercises = [e for e in EXERCISES.values() if e.chapter == chapter]
    if not exercises:
        raise ValueError(
            f"Expected a chapter with exercises, one of {chapters_with_exercises()}. "
            f"Received: chapter={chapter!r}"
        )
    title = CHAPTERS[chapter][0]
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(f"# Exercises for chapter {chapter}: {title}\n\n{INTRO}"),
        v4.new_code_cell(SETUP),
    ]
    for number, exercise in enumerate(exercises, start=1):
        cells.append(
            v4.new_markdown_cell(
                f"## {chapter}.{number} {exercise.title}\n\n{exercise.task.strip()}"
            )
        )
        cells.append(
            v4.new_code_cell(
                exercise.stub.strip(),
                metadata={"tfgan_edu": {"exercise": exercise.name}},
            )
        )
        cells.append(
            v4.new_code_cell(
                f'tge.exercises.check("{exercise.name}", {exercise.name});',
                metadata={"tfgan_edu": {"check": exercise.name}},
            )
        )
    for question in (q for q in QUESTIONS.values() if q.chapter == chapter):
        cells.append(
            v4.new_markdown_cell(
                f"### Concept question `{question.name}`\n\n{question.text}"
            )
        )
        cells.append(
            v4.new_code_cell(
                f"{question.name} = None  # your answer, one number\n"
                f'tge.exercises.check("{question.name}", {question.name});',
                metadata={"tfgan_edu": {"question": question.name}},
            )
        )
    cells.append(
        v4.new_markdown_cell(
            "## Your score\n\nEvery exercise and question of this notebook, checked again:"
        )
    )
    cells.append(
        v4.new_code_cell(f"tge.exercises.check_all(globals(), chapter={chapter});")
    )
    nb = new_notebook(
        cells,
        f"ch{chapter:02d}",
        {"chapter": chapter, "exercises": [e.name for e in exercises]},
    )
    return add_colab(nb, f"{REPO_FOLDER}/{notebook_filename(chapter)}")


def new_notebook(cells, id_prefix: str, tfgan_edu: dict):
    """A version-4 notebook of `cells` with stable cell ids and our metadata.

    Args:
        cells: the cells.
        id_prefix: cell `i` gets the id `f"{id_prefix}-cell{i:02d}"` (stable
            ids keep the stored files diff-friendly).
        tfgan_edu: the notebook's `tfgan_edu` metadata.

    Returns:
        An `nbformat` notebook node with a Python 3 kernelspec.
    """
    import nbformat

    for index, cell in enumerate(cells):
        cell["id"] = f"{id_prefix}-cell{index:02d}"
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "tfgan_edu": tfgan_edu,
        },
    )


def write_notebooks(
    folder: str | Path, chapters: list[int] | None = None
) -> list[Path]:
    """Writes the exercise notebooks into `folder`.

    Args:
        folder: the output folder (created if missing).
        chapters: the chapters to write. Defaults to every chapter with
            exercises.

    Returns:
        The paths written.

    Example:

    >>> import tempfile
    >>> [p.name for p in write_notebooks(tempfile.mkdtemp(), chapters=[2])]
    ['02_dcgan_images_exercises.ipynb']
    """
    import nbformat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for chapter in chapters or chapters_with_exercises():
        path = folder / notebook_filename(chapter)
        nbformat.write(make_notebook(chapter), path)
        paths.append(path)
    return paths


if (
    __name__ == "__main__"
):  # pragma: no cover - `python -m tfgan_edu.exercises.notebook DIR`
    import sys

    for written in write_notebooks(
        sys.argv[1] if len(sys.argv) > 1 else "notebooks/exercises"
    ):
        print(written)
