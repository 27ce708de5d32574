"""Executed copies of the chapter notebooks, shared by the tests and the docs.

Two kinds of copies live here.

Committed full runs (`docs/executed/NN_name.ipynb`, written by
`make notebooks`): each chapter executed in full mode, outputs kept, volatile
metadata stripped, with the digest of the source's code cells
(`code_digest`), the run's wall time and the machine recorded in the
notebook metadata. Only the code cells count: editing prose, or the cells'
tags, leaves a committed run valid, and the site shows the current prose with
the committed outputs (`with_outputs_of`). A copy whose code digest differs
from its source is stale: `full_run_status` says so, and the site does not
render it.

Smoke copies (the cache below): what the notebook tests execute.

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

import datetime
import hashlib
import json
import os
import platform
import re
from pathlib import Path

ENV_VAR = "TFGAN_EDU_EXECUTED_DIR"
MODES = ("smoke", "full")
# The kernel's matplotlib backend: figures become PNG outputs of their cell.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_KEY = "tfgan_edu_executed"
# Bumped when what a copy must contain changes (2: figures as outputs).
_FORMAT = 2
# Committed full runs: their own format number (1: code digest, wall time).
_FULL_FORMAT = 1
# Metadata nbclient and Jupyter add that changes on every run.
_VOLATILE_CELL_KEYS = ("execution", "collapsed", "scrolled", "ExecuteTime")
_VOLATILE_NB_KEYS = ("widgets", "papermill", "vscode")
# TensorFlow's C++ log lines on stderr carry a timestamp and a process id.
_TF_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\] .*"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r" are written to STDERR)\n?",
    re.MULTILINE,
)


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


def _write_atomically(nb, target: Path) -> Path:
    import nbformat

    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    nbformat.write(nb, partial)
    os.replace(partial, target)  # readers never see a half-written file
    return target


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
    return _write_atomically(nb, folder / Path(source).name)


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


def _computation(nb) -> list:
    """A notebook's code cells, without the Colab setup cell."""
    from tfgan_edu._docs.colab import is_setup_cell

    return [
        cell
        for cell in nb["cells"]
        if cell["cell_type"] == "code" and not is_setup_cell(cell)
    ]


def code_digest(nb) -> str:
    """SHA-256 of a notebook's code, the version a full run is valid for.

    Only code cells count, each as its source with trailing whitespace and
    leading or trailing blank lines removed; markdown cells, outputs and
    metadata (tags included) do not. So editing a chapter's prose or tagging
    its cells keeps its committed run; changing any code, or the order of
    code cells, makes it stale.

    The Colab setup cell (first line `# colab-setup`, see
    `tfgan_edu._docs.colab`) does not count either: it prepares the
    environment (installs the package where it is missing) and is not part
    of the chapter's computation; where the package is installed, as in
    every recorded run, it does nothing. So adding or updating it keeps a
    committed run valid.

    Args:
        nb: a notebook (`nbformat` node or dict), or the path of one.

    Returns:
        The hexadecimal digest.

    Example:

    >>> import nbformat
    >>> a = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Title"),
    ...     nbformat.v4.new_code_cell("x = 1  \\n")])
    >>> b = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# Another title"),
    ...     nbformat.v4.new_code_cell("\\nx = 1")])
    >>> code_digest(a) == code_digest(b)
    True
    >>> b.cells[1].source = "x = 2"
    >>> code_digest(a) == code_digest(b)
    False
    >>> from tfgan_edu._docs import colab
    >>> _ = colab.add_colab(a, "notebooks/01_a.ipynb")  # adds the setup cell
    >>> code_digest(a) == code_digest(nbformat.v4.new_notebook(
    ...     cells=[nbformat.v4.new_code_cell("x = 1")]))
    True
    """
    import nbformat

    if isinstance(nb, (str, os.PathLike)):
        nb = nbformat.read(nb, as_version=4)
    sources = [
        "\n".join(line.rstrip() for line in cell["source"].splitlines()).strip("\n")
        for cell in _computation(nb)
    ]
    return hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()


def strip_volatile(nb):
    """A copy of an executed notebook without what changes on every run.

    Removes execution timestamps (`metadata.execution` of each cell, as
    nbclient writes them), widget state and other per-run notebook metadata,
    and TensorFlow's C++ log lines on stderr (each carries a timestamp and a
    process id); keeps every other output, images included, and execution
    counts.

    Args:
        nb: an executed notebook (`nbformat` node or dict).

    Returns:
        A new `nbformat` node.

    Example:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    >>> nb.cells[0].metadata["execution"] = {"iopub.status.idle": "2026-12-04"}
    >>> nb.metadata["widgets"] = {"state": {}}
    >>> nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stderr",
    ...     text="I0000 00:00:1796417929.343700    7457 port.cc:153] oneDNN...\\n")]
    >>> clean = strip_volatile(nb)
    >>> dict(clean.cells[0].metadata), "widgets" in clean.metadata
    ({}, False)
    >>> clean.cells[0].outputs
    []
    """
    import copy

    import nbformat

    nb = nbformat.from_dict(copy.deepcopy(dict(nb)))
    for key in _VOLATILE_NB_KEYS:
        nb.metadata.pop(key, None)
    for cell in nb.cells:
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.get("name") == "stderr":
                output["text"] = _TF_LOG_LINE.sub("", output["text"])
        cell.outputs = [
            o for o in cell.outputs if o.get("name") != "stderr" or o["text"]
        ]
    return nb


def describe_machine() -> str:
    """The processor and its core count, e.g. `"2-core AMD EPYC 9R14"`.

    Returns:
        One line naming the machine a run happened on (Linux reads the model
        name from `/proc/cpuinfo`; elsewhere `platform.processor()`).
    """
    name = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()}-core {name}"


def record_full_run(
    nb,
    source: str | os.PathLike,
    folder: str | os.PathLike,
    wall_time_s: float,
    machine: str | None = None,
    load_average: float | None = None,
) -> Path:
    """Writes a chapter's executed full-mode notebook for committing.

    Args:
        nb: the notebook executed in full mode (outputs included).
        source: the notebook file it was executed from.
        folder: where committed runs live (`docs/executed`); created if
            missing.
        wall_time_s: seconds the run took, wall clock.
        machine: what it ran on. Defaults to `None`: `describe_machine()`.
        load_average: the 1-minute load average during the run, if known
            (the machine may be shared). Defaults to `None`.

    Returns:
        The path written: `folder/<source name>`.
    """

    if not wall_time_s > 0:
        raise ValueError(
            "Expected `wall_time_s` to be a positive number of seconds. "
            f"Received: wall_time_s={wall_time_s!r}"
        )
    nb = strip_volatile(nb)
    if code_digest(nb) != code_digest(source):
        raise ValueError(
            "Expected `nb` to be executed from the current code of `source`. "
            f"Received: source={str(source)!r}, whose code cells differ"
        )
    nb.metadata[_KEY] = {
        "mode": "full",
        "format": _FULL_FORMAT,
        "code_sha256": code_digest(source),
        "wall_time_s": round(float(wall_time_s), 1),
        "machine": machine or describe_machine(),
        "load_average": None if load_average is None else round(load_average, 2),
        "date": datetime.date.today().isoformat(),
    }
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return _write_atomically(nb, folder / Path(source).name)


def full_run_status(source: str | os.PathLike, folder: str | os.PathLike) -> str:
    """Whether `source` has a valid committed full run in `folder`.

    Args:
        source: the chapter notebook.
        folder: the committed runs' folder (`docs/executed`).

    Returns:
        `"fresh"` (executed in full mode from the current code), `"stale"`
        (the code changed since, or the copy is unreadable or of another
        format) or `"missing"`.
    """
    import nbformat

    path = Path(folder) / Path(source).name
    if not path.is_file():
        return "missing"
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable copy must be rerun
        return "stale"
    meta = nb.metadata.get(_KEY, {})
    fresh = (
        meta.get("mode") == "full"
        and meta.get("format") == _FULL_FORMAT
        and meta.get("code_sha256") == code_digest(source)
        and code_digest(nb) == meta.get("code_sha256")
    )
    return "fresh" if fresh else "stale"


def load_full_run(source: str | os.PathLike, folder: str | os.PathLike):
    """The fresh committed full run of `source` (see `full_run_status`), or `None`."""
    import nbformat

    if full_run_status(source, folder) != "fresh":
        return None
    return nbformat.read(Path(folder) / Path(source).name, as_version=4)


def run_record(nb) -> dict:
    """The record `record_full_run` or `store` left in an executed notebook.

    Args:
        nb: an executed notebook.

    Returns:
        A dict with at least `mode`; full runs also have `wall_time_s`,
        `machine`, `load_average`, `date` and `code_sha256`. Empty for a
        notebook without a record.
    """
    return dict(nb.metadata.get(_KEY, {}))


def with_outputs_of(source_nb, executed_nb):
    """The source notebook's cells with the executed copy's outputs.

    The prose, tags and metadata are today's; each code cell takes the
    outputs and execution count of the executed copy's code cell at the same
    position. The two must have the same code (`code_digest`). Colab setup
    cells are left out of the matching on both sides (a run recorded before
    the setup cell was added has none) and get no outputs.

    Args:
        source_nb: the chapter notebook as it is now.
        executed_nb: an executed copy of the same code.

    Returns:
        A new notebook; the executed copy's notebook metadata (its run
        record) is kept.
    """
    import copy

    import nbformat

    from tfgan_edu._docs.colab import is_setup_cell

    if code_digest(source_nb) != code_digest(executed_nb):
        raise ValueError(
            "Expected `executed_nb` to be executed from the code of "
            "`source_nb`. Received: notebooks whose code cells differ"
        )
    merged = nbformat.from_dict(copy.deepcopy(dict(source_nb)))
    for cell, done in zip(_computation(merged), _computation(executed_nb)):
        cell.outputs = copy.deepcopy(done.outputs)
        cell.execution_count = done.execution_count
    for cell in merged.cells:
        if is_setup_cell(cell):
            cell.outputs, cell.execution_count = [], None
    merged.metadata[_KEY] = dict(executed_nb.metadata.get(_KEY, {}))
    return merged
