"""Colab for every notebook: an "Open in Colab" badge and a cell that installs tfgan-edu.

Each chapter, exercise and project notebook opens with

- an "Open in Colab" badge, on its own line right after the title line of
  its first Markdown cell, linking to the notebook's file in the project's
  GitHub repository as Google Colab opens it
  (`https://colab.research.google.com/github/OWNER/REPO/blob/BRANCH/PATH`);
- a setup cell as its first code cell (`SETUP_SOURCE`): plain Python whose
  first line is the marker comment `# colab-setup`. Where `tfgan_edu` is
  importable (a local install, the tests, `tfgan-edu grade`) it installs
  nothing; on a fresh Colab runtime, where TensorFlow is already installed,
  it runs `pip install tfgan-edu` (see "Installing elsewhere" in the
  README). It then imports `tfgan_edu` before the notebook's own imports
  load Keras, so that the package's TensorFlow settings (its oneDNN
  default, read when TensorFlow is imported) hold in every notebook.

The setup cell prepares the environment; it is not part of a chapter's
computation. So `tfgan_edu._notebook_cache.code_digest` leaves it out (a
committed full run stays valid when the cell is added or changed), and
`tfgan_edu._docs.cell_tags` gives it the `remove-cell` tag (the site shows
the badge, not the install cell).

`REPOSITORY` is the single place that names the project's GitHub
repository. After changing it (or `BRANCH`), run, from the repository root,

    python -m tfgan_edu._docs.colab notebooks/*.ipynb        # the chapters
    python -m tfgan_edu.exercises.notebook notebooks/exercises
    python -m tfgan_edu.exercises.projects
    python instructor/make_expected.py                       # solutions

(the exercise and project notebooks are generated: their builders call
`add_colab`). `tests/test_colab.py` checks every notebook's badge and setup
cell.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
from pathlib import Path

REPOSITORY = "tfgan-edu/tfgan-edu"
"""The project's GitHub path, `OWNER/NAME`: the one place to change it."""
BRANCH = "main"
"""The branch the badges open."""
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_ALT = "Open In Colab"
COLAB_GITHUB = "https://colab.research.google.com/github"
SETUP_MARKER = "# colab-setup"
SETUP_SOURCE = f"""\
{SETUP_MARKER}: installs tfgan-edu where it is missing (a fresh Google Colab runtime)
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("tfgan_edu") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "tfgan-edu"],
        check=True,
    )
    importlib.invalidate_caches()  # so that the new package is found

# Before Keras: tfgan_edu turns on TensorFlow's oneDNN CPU kernels, a setting
# TensorFlow reads only when it is imported (see the README's speed section).
import tfgan_edu"""
"""The first code cell of every notebook (pure Python: `ast` parses it)."""
SETUP_ID = "colab-setup"
BADGE_CELL_ID = "colab-badge"
# A badge line as `badge` writes it, for any repository, branch or path.
_BADGE_LINE = re.compile(
    r"^\s*\[!\[open in colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/"
    r"[^)]*\)\s*$",
    re.IGNORECASE,
)


def badge(path: str) -> str:
    """The Markdown of an "Open in Colab" badge for a notebook of the repository.

    Args:
        path: the notebook's path relative to the repository root, with
            forward slashes (e.g. `"notebooks/01_minimax_game.ipynb"`).

    Returns:
        One line of Markdown: the badge image, linked to Colab's view of
        the file on `BRANCH` of `REPOSITORY`.

    Example:

    >>> image, _, target = badge("notebooks/01_minimax_game.ipynb").partition(")](")
    >>> image
    '[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg'
    >>> target.replace(COLAB_GITHUB, "COLAB/github")
    'COLAB/github/tfgan-edu/tfgan-edu/blob/main/notebooks/01_minimax_game.ipynb)'
    """
    clean = posixpath.normpath(str(path).replace("\\", "/"))
    if (
        not str(path)
        or clean.startswith(("../", "/"))
        or clean in (".", "..")
        or not clean.endswith(".ipynb")
    ):
        raise ValueError(
            "Expected `path` to be a notebook's path inside the repository "
            f"(relative, ending in .ipynb). Received: path={path!r}"
        )
    target = f"{COLAB_GITHUB}/{REPOSITORY}/blob/{BRANCH}/{clean}"
    return f"[![{BADGE_ALT}]({BADGE_IMAGE})]({target})"


def is_badge_line(line: str) -> bool:
    """Whether a line of Markdown is an "Open in Colab" badge (of any target).

    Example:

    >>> is_badge_line(badge("notebooks/x.ipynb")), is_badge_line("# Title")
    (True, False)
    """
    return _BADGE_LINE.match(line) is not None


def is_setup_source(source) -> bool:
    """Whether a code cell's source is a setup cell's: its first line carries
    the marker.

    Args:
        source: the cell's source, a string or a list of lines (as stored in
            the `.ipynb` file). Leading blank lines are skipped.

    Returns:
        `True` when the first non-blank line starts with `SETUP_MARKER`.

    Example:

    >>> is_setup_source(SETUP_SOURCE), is_setup_source("import keras")
    (True, False)
    >>> is_setup_source("x = 1\\n# colab-setup")
    False
    """
    text = "".join(source) if isinstance(source, list) else source
    return text.lstrip().startswith(SETUP_MARKER)


def is_setup_cell(cell) -> bool:
    """Whether a notebook cell is a setup cell (a code cell, see `is_setup_source`)."""
    return cell.get("cell_type") == "code" and is_setup_source(cell.get("source", ""))


def _text(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_text(cell, text: str, as_lines: bool) -> None:
    cell["source"] = text.splitlines(keepends=True) if as_lines else text


def _new_cell(nb, as_lines: bool, cell_id: str, **fields):
    """A new cell shaped like the notebook's own: an `nbformat` node or a
    plain dict, the source a string or a list of lines, an id where the
    notebook's format (4.5 and later) has ids."""
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) >= 5:
        fields["id"] = cell_id
    cell = dict(sorted(fields.items()))  # the key order nbformat writes
    _set_text(cell, cell["source"], as_lines)
    if type(nb) is not dict:  # an nbformat node: its cells are nodes too
        import nbformat

        cell = nbformat.from_dict(cell)
    return cell


def _with_badge(text: str, line: str) -> str:
    """`text` with `line` as its own paragraph after the first (title) line,
    and no other badge line; `line` alone first where there is no title."""
    lines = text.splitlines()
    title = lines[:1] if lines and not is_badge_line(lines[0]) else []
    rest = [item for item in lines[len(title) :] if not is_badge_line(item)]
    while rest and not rest[0].strip():
        rest.pop(0)
    new = [*title, *([""] if title else []), line, *([""] + rest if rest else [])]
    return "\n".join(new) + ("\n" if text.endswith("\n") else "")


def add_colab(nb, path: str):
    """Gives a notebook its "Open in Colab" badge and setup cell, in place.

    The badge goes on its own line (a paragraph of its own) right after the
    title line of the first Markdown cell, replacing any badge line already
    in that cell; without a Markdown cell, a new first cell holds it. The
    setup cell (`SETUP_SOURCE`, tagged `remove-cell`) becomes the first code
    cell: an existing setup cell is updated and moved there, others are
    removed, and without one it is inserted before the first code cell (at
    the end of a notebook without code). No other cell changes. Applying it
    twice gives what applying it once gives.

    Args:
        nb: the notebook: an `nbformat` node, or the dict `json.load` read
            from an `.ipynb` file (sources as lists of lines; new cells are
            shaped alike).
        path: the notebook's path relative to the repository root (see
            `badge`).

    Returns:
        `nb`.

    Example:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Chapter 9: test\\n\\nProse."),
    ...     nbformat.v4.new_code_cell("import keras")])
    >>> _ = add_colab(nb, "notebooks/09_test.ipynb")
    >>> print(nb.cells[0].source)  # doctest: +ELLIPSIS
    # Chapter 9: test
    <BLANKLINE>
    [![Open In Colab](...)](...notebooks/09_test.ipynb)
    <BLANKLINE>
    Prose.
    >>> nb.cells[1].source == SETUP_SOURCE, nb.cells[1].metadata["tags"]
    (True, ['remove-cell'])
    >>> nb.cells[2].source
    'import keras'
    """
    from tfgan_edu._docs.cell_tags import TAG

    line = badge(path)
    cells = nb["cells"]
    as_lines = bool(cells) and isinstance(cells[0].get("source"), list)

    markdown = next((c for c in cells if c.get("cell_type") == "markdown"), None)
    if markdown is None:
        cells.insert(
            0,
            _new_cell(
                nb,
                as_lines,
                BADGE_CELL_ID,
                cell_type="markdown",
                metadata={},
                source=line,
            ),
        )
    else:
        text = _text(markdown)
        _set_text(
            markdown, _with_badge(text, line), isinstance(markdown["source"], list)
        )

    setups = [c for c in cells if is_setup_cell(c)]
    if setups:
        setup = setups[0]
        _set_text(setup, SETUP_SOURCE, isinstance(setup["source"], list))
    else:
        setup = _new_cell(
            nb,
            as_lines,
            SETUP_ID,
            cell_type="code",
            execution_count=None,
            metadata={},
            outputs=[],
            source=SETUP_SOURCE,
        )
    tags = setup["metadata"].setdefault("tags", [])
    if TAG not in tags:
        tags.append(TAG)
    cells[:] = [c for c in cells if not is_setup_cell(c)]
    first_code = next(
        (i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells)
    )
    cells.insert(first_code, setup)
    return nb


def repo_path(file: str | os.PathLike, root: str | os.PathLike = ".") -> str:
    """A file's path relative to the repository root, with forward slashes.

    Args:
        file: the file.
        root: the repository root. Defaults to the current folder.

    Returns:
        The relative path, e.g. `"notebooks/01_minimax_game.ipynb"`.

    Example:

    >>> repo_path("/repo/notebooks/01_x.ipynb", root="/repo")
    'notebooks/01_x.ipynb'
    """
    relative = Path(os.path.relpath(Path(file).resolve(), Path(root).resolve()))
    if relative.parts and relative.parts[0] == "..":
        raise ValueError(
            f"Expected a file inside the repository root {str(root)!r}. "
            f"Received: {str(file)!r}"
        )
    return relative.as_posix()


def colab_file(file: str | os.PathLike, root: str | os.PathLike = ".") -> bool:
    """Applies `add_colab` to a notebook file, keeping the repository's format.

    The file is read and written as JSON (indent 1, non-ASCII kept, a
    trailing newline, as `nbformat` writes it); only the first Markdown cell
    and the setup cell change, and the file is rewritten only if they did.

    Args:
        file: the `.ipynb` file.
        root: the repository root the badge's path is relative to.
            Defaults to the current folder.

    Returns:
        Whether the file changed.
    """
    file = Path(file)
    before = file.read_text(encoding="utf-8")
    nb = add_colab(json.loads(before), repo_path(file, root))
    after = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    if after != before:
        file.write_text(after, encoding="utf-8")
    return after != before


def main(argv: list[str] | None = None) -> int:
    """`python -m tfgan_edu._docs.colab NOTEBOOK...`, run from the repository root.

    Gives each notebook file its badge and setup cell (`colab_file`) and
    prints the ones it changed.

    Args:
        argv: the notebook files. Defaults to `sys.argv[1:]`.

    Returns:
        The exit status, 0.
    """
    for file in sys.argv[1:] if argv is None else argv:
        if colab_file(file):
            print(f"{file}: Colab badge and setup cell added")
    return 0


if __name__ == "__main__":
    sys.exit(main())
