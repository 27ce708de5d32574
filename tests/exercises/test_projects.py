"""Projects: one per chapter, rubrics of 20 points, starter notebooks up to
date whose setup cells run in smoke mode."""

from pathlib import Path

import nbformat
import pytest

import tfgan_edu as tge
from tfgan_edu.exercises import projects

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "exercises" / "projects"
NOTEBOOKS = ROOT / "notebooks" / "projects"


def test_one_project_per_chapter_with_a_rubric_of_20_points():
    assert [p.chapter for p in projects.PROJECTS] == sorted(tge.exercises.CHAPTERS)
    for project in projects.PROJECTS:
        assert sum(points for _, points in project.rubric) == 20
        assert all(points > 0 for _, points in project.rubric)
        assert "| **total** | **20** |" in project.markdown()


def test_stored_pages_and_notebooks_are_up_to_date(tmp_path):
    written = projects.write_projects(tmp_path / "docs", tmp_path / "nb")
    for path in written:
        folder = DOCS if path.suffix == ".md" else NOTEBOOKS
        stored = folder / path.name
        assert stored.exists(), (
            f"{stored} missing: python -m tfgan_edu.exercises.projects"
        )
        if path.suffix == ".md":
            assert stored.read_text() == path.read_text(), f"{stored.name} is stale"
        else:
            old, new = nbformat.read(stored, 4), nbformat.read(path, 4)
            assert [c.source for c in old.cells] == [c.source for c in new.cells]
    assert len(list(NOTEBOOKS.glob("*.ipynb"))) == len(projects.PROJECTS)


def test_the_instructor_guide_lists_every_project():
    guide = (ROOT / "docs" / "exercises" / "index.md").read_text()
    for project in projects.PROJECTS:
        assert f"projects/{project.filename('md')}" in guide, project.slug


@pytest.mark.parametrize(
    "project", projects.PROJECTS, ids=[p.slug for p in projects.PROJECTS]
)
def test_setup_cells_of_the_starter_notebook_run_in_smoke_mode(
    project, monkeypatch, capsys
):
    monkeypatch.setenv("TFGAN_EDU_SMOKE", "1")
    nb = nbformat.read(NOTEBOOKS / project.filename("ipynb"), 4)
    nbformat.validate(nb)
    setup = [c for c in nb.cells if c.metadata.get("tfgan_edu", {}).get("setup")]
    assert len(setup) == 2
    namespace = {}
    for cell in setup:
        exec(cell.source, namespace)  # noqa: S102 - our own generated notebook
    out = capsys.readouterr().out
    assert "smoke mode: True" in out
    assert namespace["SEEDS"] == [0]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
