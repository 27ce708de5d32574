"""The executed chapter notebooks: the smoke cache shared by the notebook tests
and the docs, and the committed full runs the site renders."""

import hashlib
import json
import os
from pathlib import Path

import nbformat
import pytest

from tfgan_edu import _notebook_cache as cache


def _notebook(tmp_path, source="print(1)"):
    path = tmp_path / "01_chapter.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), path
    )
    return path


def _executed(path):
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    return nb


def test_a_stored_copy_is_found_for_the_same_source(tmp_path):
    source, folder = _notebook(tmp_path), tmp_path / "cache"
    assert cache.load(source, folder) is None
    stored = cache.store(_executed(source), source, folder, mode="smoke")
    assert stored == folder / source.name
    assert [p.name for p in folder.iterdir()] == [source.name]  # no temporary file left
    loaded = cache.load(source, folder, mode="smoke")
    assert loaded.cells[0].outputs[0]["text"] == "1\n"


def test_an_edited_source_makes_the_copy_stale(tmp_path):
    source, folder = _notebook(tmp_path), tmp_path / "cache"
    cache.store(_executed(source), source, folder, mode="full")
    _notebook(tmp_path, source="print(2)")
    assert cache.load(source, folder) is None


def test_a_smoke_copy_does_not_serve_a_full_build(tmp_path):
    source, folder = _notebook(tmp_path), tmp_path / "cache"
    cache.store(_executed(source), source, folder, mode="smoke")
    assert cache.load(source, folder, mode="full") is None
    cache.store(_executed(source), source, folder, mode="full")
    assert cache.load(source, folder, mode="smoke") is not None


def test_a_corrupt_copy_counts_as_missing(tmp_path):
    source, folder = _notebook(tmp_path), tmp_path / "cache"
    folder.mkdir()
    (folder / source.name).write_text("{")
    assert cache.load(source, folder) is None


def test_the_environment_variable_moves_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "elsewhere"))
    assert cache.cache_dir("docs/_build/executed") == tmp_path / "elsewhere"


def test_unknown_modes_are_rejected(tmp_path):
    with pytest.raises(ValueError, match=r"Received: mode='fast'$"):
        cache.load(_notebook(tmp_path), tmp_path, mode="fast")


# Committed full-mode runs (docs/executed, `make notebooks`).

ROOT = Path(__file__).parents[1]
EXECUTED = ROOT / "docs" / "executed"
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COMMITTED = sorted(EXECUTED.glob("*.ipynb"))
# Chapters whose full run is not committed yet. A chapter leaves this list in
# the commit that adds its docs/executed copy (the test below fails until
# then), and a new chapter must either bring its full run or be listed here:
# the site shows these as smoke runs under a warning banner.
NOT_YET_COMMITTED: set[str] = set()


def _chapter(tmp_path, *cells):
    path = tmp_path / "01_chapter.ipynb"
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Chapter 1: test")]
        + [nbformat.v4.new_code_cell(source) for source in cells]
    )
    nbformat.write(nb, path)
    return path


def _run(path):
    nb = nbformat.read(path, as_version=4)
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = index + 1
        cell.metadata["execution"] = {"iopub.status.idle": "2026-12-04T21:00:00Z"}
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text=f"{index}\n"),
            nbformat.v4.new_output(
                "stream",
                name="stderr",
                text="I0000 00:00:1796417929.343700    7457 port.cc:153] oneDNN\n",
            ),
            nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
        ]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    return nb


def test_the_code_digest_ignores_prose_tags_and_blank_lines(tmp_path):
    path = _chapter(tmp_path, "x = 1", "print(x)")
    digest = cache.code_digest(path)
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = "# Chapter 1: a better title\n\nMore prose."
    nb.cells[1].source = "\nx = 1   \n\n"
    nb.cells[2].metadata["tags"] = ["remove-cell"]
    nb.cells.append(nbformat.v4.new_markdown_cell("A closing remark."))
    assert cache.code_digest(nb) == digest
    # An independent reference: SHA-256 of the JSON list of the sources.
    expected = hashlib.sha256(json.dumps(["x = 1", "print(x)"]).encode()).hexdigest()
    assert digest == expected


@pytest.mark.parametrize(
    "edit",
    [
        lambda nb: setattr(nb.cells[1], "source", "x = 2"),
        lambda nb: nb.cells.append(nbformat.v4.new_code_cell("pass")),
        lambda nb: nb.cells.__setitem__(slice(1, 3), nb.cells[2:0:-1]),
        lambda nb: setattr(nb.cells[1], "source", "  x = 1"),  # indentation
    ],
    ids=["changed", "added", "reordered", "indented"],
)
def test_any_code_change_changes_the_digest(tmp_path, edit):
    path = _chapter(tmp_path, "x = 1", "print(x)")
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    assert cache.code_digest(nb) != cache.code_digest(path)


def test_a_recorded_full_run_is_fresh_and_stripped(tmp_path):
    source = _chapter(tmp_path, "x = 1", "print(x)")
    folder = tmp_path / "executed"
    assert cache.full_run_status(source, folder) == "missing"
    path = cache.record_full_run(
        _run(source), source, folder, 123.4, machine="test box", load_average=2.5
    )
    assert path == folder / source.name
    assert cache.full_run_status(source, folder) == "fresh"
    nb = cache.load_full_run(source, folder)
    record = cache.run_record(nb)
    assert record["mode"] == "full"
    assert record["wall_time_s"] == 123.4
    assert record["machine"] == "test box"
    assert record["load_average"] == 2.5
    assert record["code_sha256"] == cache.code_digest(source)
    assert "widgets" not in nb.metadata
    for cell in nb.cells[1:]:
        assert "execution" not in cell.metadata
        kinds = [o.get("name", o.output_type) for o in cell.outputs]
        assert kinds == ["stdout", "display_data"]  # the TF log line is gone
        assert cell.execution_count is not None


def test_editing_prose_keeps_the_run_and_the_page_shows_the_new_prose(tmp_path):
    source = _chapter(tmp_path, "x = 1", "print(x)")
    folder = tmp_path / "executed"
    cache.record_full_run(_run(source), source, folder, 60.0)
    nb = nbformat.read(source, as_version=4)
    nb.cells[0].source = "# Chapter 1: renamed"
    nbformat.write(nb, source)
    assert cache.full_run_status(source, folder) == "fresh"
    page = cache.with_outputs_of(nb, cache.load_full_run(source, folder))
    assert page.cells[0].source == "# Chapter 1: renamed"
    assert page.cells[2].outputs[0]["text"] == "1\n"
    assert cache.run_record(page)["wall_time_s"] == 60.0


def test_editing_code_makes_the_run_stale(tmp_path):
    source = _chapter(tmp_path, "x = 1", "print(x)")
    folder = tmp_path / "executed"
    cache.record_full_run(_run(source), source, folder, 60.0)
    _chapter(tmp_path, "x = 2", "print(x)")
    assert cache.full_run_status(source, folder) == "stale"
    assert cache.load_full_run(source, folder) is None
    with pytest.raises(ValueError, match="code cells differ"):
        cache.with_outputs_of(
            nbformat.read(source, as_version=4),
            nbformat.read(folder / source.name, as_version=4),
        )


def test_a_hand_edited_copy_is_stale(tmp_path):
    # The copy's own code must match its record too.
    source = _chapter(tmp_path, "x = 1")
    folder = tmp_path / "executed"
    path = cache.record_full_run(_run(source), source, folder, 60.0)
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].source = "x = 3"
    nbformat.write(nb, path)
    assert cache.full_run_status(source, folder) == "stale"


def test_a_run_of_other_code_or_without_time_is_refused(tmp_path):
    source = _chapter(tmp_path, "x = 1")
    other = _run(source)
    other.cells[1].source = "y = 1"
    with pytest.raises(ValueError, match="Received: source="):
        cache.record_full_run(other, source, tmp_path, 10.0)
    with pytest.raises(ValueError, match=r"Received: wall_time_s=0$"):
        cache.record_full_run(_run(source), source, tmp_path, 0)
    assert not (tmp_path / "executed").exists()


def test_the_machine_is_described():
    description = cache.describe_machine()
    assert description.startswith(f"{os.cpu_count()}-core ")


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_a_committed_full_run_matches_its_chapter(path):
    source = ROOT / "notebooks" / path.name
    assert source.is_file(), f"{path.name}: no chapter notebooks/{path.name}"
    status = cache.full_run_status(source, EXECUTED)
    assert status == "fresh", (
        f"docs/executed/{path.name} is {status}: the chapter's code changed. "
        f"Run `make notebooks NOTEBOOK={path.name[:2]}` and commit the result."
    )
    record = cache.run_record(nbformat.read(path, as_version=4))
    assert record["wall_time_s"] > 0 and record["machine"], record


def test_the_chapters_without_a_committed_full_run_are_the_listed_ones():
    missing = {p.name for p in CHAPTERS if not (EXECUTED / p.name).is_file()}
    assert missing == NOT_YET_COMMITTED, (
        f"without a committed full run: {sorted(missing)}; listed in "
        f"NOT_YET_COMMITTED: {sorted(NOT_YET_COMMITTED)}. Update the list "
        "(a chapter whose run you commit leaves it)."
    )


# The Colab setup cell (tfgan_edu._docs.colab) is environment set-up, not the
# chapter's computation: it neither counts for the digest nor takes outputs.


def test_the_code_digest_ignores_the_colab_setup_cell(tmp_path):
    from tfgan_edu._docs import colab

    path = _chapter(tmp_path, "x = 1", "print(x)")
    nb = colab.add_colab(
        nbformat.read(path, as_version=4), "notebooks/01_chapter.ipynb"
    )
    assert [c.source for c in nb.cells if c.cell_type == "code"][0] == (
        colab.SETUP_SOURCE
    )
    expected = hashlib.sha256(json.dumps(["x = 1", "print(x)"]).encode()).hexdigest()
    assert cache.code_digest(nb) == cache.code_digest(path) == expected
    # The marker counts only on a cell's first line.
    nb.cells.append(nbformat.v4.new_code_cell("y = 2\n# colab-setup"))
    assert cache.code_digest(nb) != expected


def test_a_run_recorded_without_the_setup_cell_serves_the_chapter_with_it(tmp_path):
    from tfgan_edu._docs import colab

    source = _chapter(tmp_path, "x = 1", "print(x)")
    folder = tmp_path / "executed"
    cache.record_full_run(_run(source), source, folder, 60.0)
    nb = colab.add_colab(nbformat.read(source, as_version=4), "notebooks/x.ipynb")
    nbformat.write(nb, source)
    assert cache.full_run_status(source, folder) == "fresh"
    page = cache.with_outputs_of(nb, cache.load_full_run(source, folder))
    code = [c for c in page.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [colab.SETUP_SOURCE, "x = 1", "print(x)"]
    assert code[0].outputs == [] and code[0].execution_count is None
    assert [c.outputs[0]["text"] for c in code[1:]] == ["0\n", "1\n"]
    assert [c.execution_count for c in code[1:]] == [1, 2]


def test_a_run_with_the_setup_cell_maps_its_outputs_past_it(tmp_path):
    # A run recorded with the setup cell (which printed something), rendered
    # with and without a setup cell in the source: matched past it.
    from tfgan_edu._docs import colab

    source = _chapter(tmp_path, "x = 1", "print(x)")
    bare = nbformat.read(source, as_version=4)
    nb = colab.add_colab(nbformat.read(source, as_version=4), "notebooks/x.ipynb")
    nbformat.write(nb, source)
    run = _run(source)  # outputs "0\n" (the setup cell), "1\n", "2\n"
    for shown in (nb, bare):
        page = cache.with_outputs_of(shown, run)
        code = [c for c in page.cells if c.cell_type == "code"]
        setup = [c for c in code if colab.is_setup_cell(c)]
        assert all(c.outputs == [] and c.execution_count is None for c in setup)
        rest = [c for c in code if not colab.is_setup_cell(c)]
        assert [c.outputs[0]["text"] for c in rest] == ["1\n", "2\n"]
        assert [c.execution_count for c in rest] == [2, 3]
