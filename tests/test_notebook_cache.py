"""The cache of executed chapter notebooks shared by the notebook tests and the docs."""

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
