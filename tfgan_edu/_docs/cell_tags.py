"""Tags that hide smoke-mode plumbing from the chapter pages.

The chapter notebooks run in two modes: full size for readers, and tiny
(`TFGAN_EDU_SMOKE=1`) in the tests. Some cells exist only for the second
mode or only to check the notebook itself: a cell of `assert`s, an
`if SMOKE:` block. The site should not show them. A code cell is plumbing
when

- its first line is the marker comment `# smoke-plumbing` (text may follow
  it, e.g. `# smoke-plumbing: the tiny run needs a smaller batch`); or
- every top-level statement is an `assert`, or an `if SMOKE:` /
  `if not SMOKE:` block (without `else`) of such statements, or an
  `if SMOKE:` block of anything: it only checks, or only serves smoke mode;
- or it is the Colab setup cell (first line `# colab-setup`, see
  `tfgan_edu._docs.colab`): it installs the package where it is missing,
  and the page shows the "Open in Colab" badge instead.

Plumbing cells get the tag `remove-cell`, which MyST-NB honours: the page
shows neither the cell nor its output; the notebook still runs it. Cells
that compute something for the reader and also assert stay visible (the
chapters check their formulas in view of the reader, see STYLE.md).

    python -m tfgan_edu._docs.cell_tags notebooks/*.ipynb   # make tag-notebooks

adds the tag where the rule says so, changing only cell metadata.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

from tfgan_edu._docs.colab import is_setup_source

MARKER = "# smoke-plumbing"
TAG = "remove-cell"
SMOKE_NAME = "SMOKE"


def _is_smoke_test(test: ast.expr) -> tuple[bool, bool]:
    """(is it `SMOKE` or `not SMOKE`, is it the negation)."""
    if isinstance(test, ast.Name) and test.id == SMOKE_NAME:
        return True, False
    if (
        isinstance(test, ast.UnaryOp)
        and isinstance(test.op, ast.Not)
        and isinstance(test.operand, ast.Name)
        and test.operand.id == SMOKE_NAME
    ):
        return True, True
    return False, False


def _only_checks(statements: list[ast.stmt]) -> bool:
    for statement in statements:
        if isinstance(statement, ast.Assert):
            continue
        if isinstance(statement, ast.If) and not statement.orelse:
            smoke, negated = _is_smoke_test(statement.test)
            if smoke and (not negated or _only_checks(statement.body)):
                continue
        return False
    return bool(statements)


def is_plumbing(source: str) -> bool:
    """Whether a code cell only serves smoke mode or checks the notebook.

    Args:
        source: the cell's source.

    Returns:
        `True` when the cell starts with the `# smoke-plumbing` marker, or
        consists only of `assert`s and `if SMOKE:` / `if not SMOKE:` blocks
        of them (an `if SMOKE:` block may hold anything), or is the Colab
        setup cell (`# colab-setup` marker). A cell that does not parse as
        Python (IPython magics) counts only by its marker.

    Example:

    >>> is_plumbing("if not SMOKE:\\n    assert coverage['modes'] >= 7")
    True
    >>> is_plumbing("# smoke-plumbing: a smaller batch in CI\\nbatch = 8")
    True
    >>> is_plumbing("coverage = measure()\\nassert coverage > 0")
    False
    >>> from tfgan_edu._docs.colab import SETUP_SOURCE
    >>> is_plumbing(SETUP_SOURCE)
    True
    """
    lines = source.strip().splitlines()
    if lines and lines[0].strip().lower().startswith(MARKER):
        return True
    if is_setup_source(source):
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return _only_checks(tree.body)


def tag_plumbing(nb) -> list[int]:
    """Adds the `remove-cell` tag to a notebook's plumbing cells, in place.

    Args:
        nb: a notebook (`nbformat` node).

    Returns:
        The indices of the cells that got the tag now (cells that already
        have it are left as they are, and so are tags an author set by hand).

    Example:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 1"),
    ...     nbformat.v4.new_code_cell("assert x == 1")])
    >>> tag_plumbing(nb), nb.cells[1].metadata["tags"]
    ([1], ['remove-cell'])
    >>> tag_plumbing(nb)
    []
    """
    tagged = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not is_plumbing(cell.source):
            continue
        tags = cell.metadata.setdefault("tags", [])
        if TAG not in tags:
            tags.append(TAG)
            tagged.append(index)
    return tagged


def untagged_plumbing(nb) -> list[int]:
    """The indices of plumbing cells that lack the `remove-cell` tag."""
    return [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and is_plumbing(cell.source)
        and TAG not in cell.metadata.get("tags", [])
    ]


def tag_file(path: str | os.PathLike) -> list[int]:
    """Tags a notebook file's plumbing cells; rewrites it only if any changed.

    Args:
        path: the `.ipynb` file.

    Returns:
        The indices of the cells tagged now.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    tagged = tag_plumbing(nb)
    if tagged:
        nbformat.write(nb, path)
    return tagged


def main(argv: list[str] | None = None) -> int:
    """`python -m tfgan_edu._docs.cell_tags NOTEBOOK...`: tags and reports."""
    paths = sys.argv[1:] if argv is None else argv
    for path in paths:
        tagged = tag_file(path)
        if tagged:
            print(f"{Path(path).name}: tagged cells {tagged} with {TAG!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
