"""Executed copies of the chapter notebooks, shared by the tests and the docs.

Running every chapter notebook costs minutes. The notebook smoke test
(`tests/test_notebooks.py`) keeps each executed notebook in a cache folder,
and the documentation build (`docs/_ext/tfgan_docs.py`) renders those copies
instead of running the notebooks again; it runs a notebook itself only when
no fresh copy is there. A copy is fresh when it was executed from the
current source (same SHA-256 of the `.ipynb` file) in a suitable mode: a
`"full"` copy serves every build, a `"smoke"` copy (TFGAN_EDU_SMOKE=1) only
builds that ask for smoke mode.

The folder is `$TFGAN_EDU_EXECUTED_DIR`, or the default the caller passes
(`docs/_build/executed` in this repository).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

ENV_VAR = "TFGAN_EDU_EXECUTED_DIR"
MODES = ("smoke", "full")
# The kernel's matplotlib backend: figures become PNG outputs of their cell.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_KEY = "tfgan_edu_executed"
# Bumped when what a copy must contain changes (2: figures as outputs).
_FORMAT = 2


def cache_dir(default: str | os.PathLike) -> Path:
    """The cache folder: `$TFGAN_EDU_EXECUTED_DIR` if set, else `default`.

    Args:
        default: the folder to use when the variable is unset.

    Returns:
        The folder (not created).

    Example:

    >>> os.environ.pop(ENV_VAR, None) and None
    >>> cache_dir("docs/_build/executed").as_posix()
    'docs/_build/executed'
    """
    return Path(os.environ.get(ENV_VAR) or default)


def digest(source: str | os.PathLike) -> str:
    """SHA-256 of a notebook file's bytes, which names the version executed."""
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(
            f"Expected `mode` to be one of {MODES}. Received: mode={mode!r}"
        )


def store(nb, source: str | os.PathLike, folder: str | os.PathLike, mode: str) -> Path:
    """Saves an executed notebook for `source`, atomically.

    Args:
        nb: the executed notebook (an `nbformat` node), outputs included.
        source: the notebook file it was executed from.
        folder: the cache folder (created if missing).
        mode: `"smoke"` or `"full"`: how it was executed.

    Returns:
        The path of the cached copy.
    """
    import nbformat

    _check_mode(mode)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.from_dict(nb)
    nb.metadata[_KEY] = {
        "source_sha256": digest(source),
        "mode": mode,
        "format": _FORMAT,
    }
    target = folder / Path(source).name
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    nbformat.write(nb, partial)
    os.replace(partial, target)  # readers never see a half-written file
    return target


def load(source: str | os.PathLike, folder: str | os.PathLike, mode: str = "smoke"):
    """The fresh executed copy of `source`, or `None`.

    Args:
        source: the notebook file.
        folder: the cache folder.
        mode: the mode the caller needs: `"smoke"` accepts smoke and full
            copies, `"full"` only full ones. Defaults to `"smoke"`.

    Returns:
        An `nbformat` notebook, or `None` when there is no copy, it was
        executed from another version of `source`, or in a weaker mode.
    """
    import nbformat

    _check_mode(mode)
    path = Path(folder) / Path(source).name
    if not path.is_file():
        return None
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a corrupt copy is as good as none
        return None
    meta = nb.metadata.get(_KEY, {})
    if meta.get("source_sha256") != digest(source) or meta.get("format") != _FORMAT:
        return None
    if MODES.index(meta.get("mode", "smoke")) < MODES.index(mode):
        return None
    return nb


def execute(source: str | os.PathLike, mode: str = "smoke", timeout: int = 1800):
    """Runs a chapter notebook top to bottom in a temporary working folder.

    Args:
        source: the notebook file.
        mode: `"smoke"` (TFGAN_EDU_SMOKE=1: seconds per chapter) or `"full"`.
            Defaults to `"smoke"`.
        timeout: seconds per cell. Defaults to 1800.

    Returns:
        The executed notebook (an `nbformat` node).
    """
    import tempfile

    import nbformat
    from nbclient import NotebookClient

    _check_mode(mode)
    nb = nbformat.read(source, as_version=4)
    env = dict(os.environ, MPLBACKEND=INLINE_BACKEND, TF_CPP_MIN_LOG_LEVEL="2")
    env["TFGAN_EDU_SMOKE"] = "1" if mode == "smoke" else "0"
    with tempfile.TemporaryDirectory(prefix="tfgan_edu_nb_") as workdir:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": workdir}},
        )
        client.execute(env=env)
    return nb
