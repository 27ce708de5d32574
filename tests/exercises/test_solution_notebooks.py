"""The instructor's solution notebooks: up to date, outside the student
package, and every check in them passes."""

import nbformat
import pytest
from tfgan_edu_solutions import notebooks

import tfgan_edu as tge

CHAPTERS = sorted(tge.exercises.CHAPTERS)


def test_stored_solution_notebooks_are_up_to_date(tmp_path):
    for path in notebooks.write_solution_notebooks(tmp_path):
        stored = notebooks.FOLDER / path.name
        assert stored.exists(), f"missing {stored}: python instructor/make_expected.py"
        old, new = nbformat.read(stored, 4), nbformat.read(path, 4)
        assert [c.source for c in old.cells] == [c.source for c in new.cells], path.name
    assert "instructor" in notebooks.FOLDER.parts
    assert not (notebooks.FOLDER.parent / "__init__.py").exists()  # not a package


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_check_of_a_solution_notebook_passes(chapter, capsys):
    nb = nbformat.read(
        notebooks.FOLDER
        / tge.exercises.notebook.notebook_filename(chapter).replace(
            "_exercises", "_solutions"
        ),
        4,
    )
    namespace = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)  # noqa: S102 - our own generated notebook
    lines = capsys.readouterr().out.strip().splitlines()
    n = len(tge.exercises.names(chapter)) + len(tge.exercises.questions(chapter))
    assert lines[-1] == f"Score: {n} of {n} points ({n} of {n} exercises pass).", lines
