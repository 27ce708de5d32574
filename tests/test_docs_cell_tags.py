"""The rule that hides smoke-mode plumbing cells from the chapter pages."""

import nbformat
import pytest

from tfgan_edu._docs import cell_tags


@pytest.mark.parametrize(
    "source",
    [
        "# smoke-plumbing\nbatch = 8",
        "# Smoke-Plumbing: a smaller batch in CI\nbatch = 8",
        "assert x == 1",
        "assert x == 1\nassert y > 0, y",
        "if not SMOKE:\n    assert coverage['modes'] >= 7, coverage",
        "if SMOKE:\n    data = data[:64]",
        "if SMOKE:\n    assert a\nif not SMOKE:\n    assert b",
        "if not SMOKE:\n    if SMOKE:\n        x = 1\n    assert b",
    ],
)
def test_plumbing_cells_are_found(source):
    assert cell_tags.is_plumbing(source)


@pytest.mark.parametrize(
    "source",
    [
        "",
        "x = 1",
        "# a comment\n# smoke-plumbing further down\nx = 1",
        "coverage = measure()\nassert coverage > 0",  # computes for the reader
        "if not SMOKE:\n    plot(history)",  # full-mode content
        "if SMOKE:\n    x = 1\nelse:\n    x = 2",  # both modes
        "if smoke:\n    assert a",  # another name
        "if SMOKE and fast:\n    assert a",
        "%matplotlib inline\nassert x",  # IPython magic: marker only
        "EPOCHS = 1 if SMOKE else 10",
    ],
)
def test_cells_for_the_reader_are_not_plumbing(source):
    assert not cell_tags.is_plumbing(source)


def _notebook(*sources, tags=None):
    cells = [nbformat.v4.new_markdown_cell("# Chapter 0: test\nassert prose")]
    cells += [nbformat.v4.new_code_cell(s) for s in sources]
    if tags is not None:
        cells[-1].metadata["tags"] = tags
    return nbformat.v4.new_notebook(cells=cells)


def test_tagging_adds_remove_cell_once_and_keeps_other_tags():
    nb = _notebook("x = 1", "assert x == 1", tags=["hide-output"])
    assert cell_tags.untagged_plumbing(nb) == [2]
    assert cell_tags.tag_plumbing(nb) == [2]
    assert nb.cells[2].metadata["tags"] == ["hide-output", "remove-cell"]
    assert "tags" not in nb.cells[1].metadata  # reader cells untouched
    assert "tags" not in nb.cells[0].metadata  # markdown is never plumbing
    assert cell_tags.tag_plumbing(nb) == []
    assert cell_tags.untagged_plumbing(nb) == []


def test_tag_file_changes_only_metadata_and_only_when_needed(tmp_path):
    path = tmp_path / "01_test.ipynb"
    nb = _notebook("x = 1", "if not SMOKE:\n    assert x")
    nbformat.write(nb, path)
    assert cell_tags.main([str(path)]) == 0
    tagged = nbformat.read(path, as_version=4)
    assert tagged.cells[2].metadata["tags"] == ["remove-cell"]
    for before, after in zip(nb.cells, tagged.cells):
        assert before.source == after.source
        assert before.get("outputs") == after.get("outputs")
    mtime = path.stat().st_mtime_ns
    assert cell_tags.tag_file(path) == []
    assert path.stat().st_mtime_ns == mtime  # not rewritten


def test_the_colab_setup_cell_is_tagged_to_stay_off_the_site():
    from tfgan_edu._docs import colab

    assert cell_tags.is_plumbing(colab.SETUP_SOURCE)
    assert cell_tags.is_plumbing("# colab-setup\nimport sys")
    assert not cell_tags.is_plumbing("import sys\n# colab-setup")
    nb = _notebook(colab.SETUP_SOURCE, "x = 1")
    assert cell_tags.tag_plumbing(nb) == [1]
    assert nb.cells[1].metadata["tags"] == ["remove-cell"]
    assert "tags" not in nb.cells[2].metadata
    # add_colab tags the cell itself, so a tagged notebook needs nothing more.
    nb = colab.add_colab(_notebook("x = 1"), "notebooks/00_test.ipynb")
    assert cell_tags.untagged_plumbing(nb) == []
    assert cell_tags.tag_plumbing(nb) == []
