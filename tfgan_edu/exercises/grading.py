"""Grading a submitted exercise notebook: `tfgan-edu grade NOTEBOOK.ipynb`.

`grade_notebook` runs the notebook's code cells in a fresh Jupyter kernel,
in a temporary folder that holds nothing but a copy of it, with time limits,
and then checks every exercise of its chapter against the reference with
`tfgan_edu.exercises.check_all`. The result is a JSON-ready report:

```
{"notebook": "...", "chapter": 6, "score": 3.5, "max_score": 4,
 "exercises": [{"name": ..., "passed": ..., "score": 0.5, "max_score": 1,
                "message": ..., "cases": [{"description": ..., "passed": ...,
                                           "message": ...}, ...]}, ...],
 "errors": [{"cell": 7, "source": "def r1_penalty(critic, real):",
             "error": "ZeroDivisionError: division by zero"}],
 "timed_out": false, "blocked": [], "seconds": 14.2}
```

(`cell` counts every cell of the notebook from 0, Markdown included.)
Whatever the notebook does, the grader returns a report: a cell that raises
is recorded in `errors` and the next cells still run; a cell that runs past
its time limit is interrupted (`timed_out`) and the next cells still run
while the notebook's total budget lasts; a kernel that dies scores 0;
reading, listing or changing files outside the notebook's folder, or
starting programs, is refused by an audit hook installed in the kernel and
listed in `blocked` (see `tfgan_edu.exercises._sandbox`).

The kernel runs the student's code: the guard stops accidents and curious
notebooks, not a determined attacker (a notebook could, for instance,
replace the checker in its own process). Run graders in a container.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tfgan_edu.exercises._core import resolve_language
from tfgan_edu.exercises._registry import CHAPTERS, EXERCISES, QUESTIONS

# Time for the kernel to start and import TensorFlow, and per checked exercise.
_STARTUP_TIMEOUT = 300
_PREAMBLE = """\
import tfgan_edu as _tge_package
import tfgan_edu.exercises._sandbox as _tge_sandbox
import matplotlib.pyplot as _tge_pyplot
import scipy.linalg, scipy.special, scipy.stats
_tge_sandbox.install({allowed!r})
del _tge_package, _tge_sandbox, _tge_pyplot"""
_GRADER = """\
import json as _tge_json
import tfgan_edu.exercises as _tge_exercises
import tfgan_edu.exercises._sandbox as _tge_sandbox
_tge_results = _tge_exercises.check_all(
    globals(), exercises={names!r}, verbose=False, timeout={check_timeout!r}
)
print({marker!r} + _tge_json.dumps({{
    "results": [r.to_dict() for r in _tge_results],
    "blocked": _tge_sandbox.blocked(),
}}))"""


def _check_seconds(name: str, value) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not value > 0
        or math.isinf(value)
    ):
        raise ValueError(
            f"Expected `{name}` to be a finite number of seconds > 0. "
            f"Received: {name}={value!r}"
        )
    return float(value)


def _exercise_names(nb, chapter) -> tuple[int | None, list[str], str | None]:
    """The chapter and exercises to grade, or an error message."""
    if chapter is None and nb is not None:
        chapter = nb.metadata.get("tfgan_edu", {}).get("chapter")
    if chapter is None:
        return (
            None,
            [],
            (
                "the notebook does not say which chapter it belongs to (no "
                "`tfgan_edu.chapter` in its metadata): pass --chapter"
            ),
        )
    names = [e.name for e in EXERCISES.values() if e.chapter == chapter]
    names += [q.name for q in QUESTIONS.values() if q.chapter == chapter]
    if not names:
        return chapter, [], f"chapter {chapter!r} has no exercises"
    return chapter, names, None


def _report(
    path, chapter, names, results, errors, timed_out, blocked, started, error=None
):
    results = results or {}
    exercises = []
    for name in names:
        result = results.get(name) or {
            "passed": False,
            "message": f"✗ {name}: not graded: {error or 'the grading step did not finish'}",
        }
        passed = bool(result["passed"])
        exercises.append(
            {
                "name": name,
                "passed": passed,
                "score": _points(result.get("score", passed)),
                "max_score": 1,
                "message": result["message"],
                "cases": result.get("cases", []),
            }
        )
    report: dict[str, Any] = {
        "notebook": str(path),
        "chapter": chapter,
        "score": _points(sum(e["score"] for e in exercises)),
        "max_score": len(exercises),
        "exercises": exercises,
        "errors": errors,
        "timed_out": timed_out,
        "blocked": blocked,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if error:
        report["error"] = error
    return report


def _points(value) -> int | float:
    """A score rounded to 4 decimals, as an int when it is whole (3, not 3.0)."""
    value = round(float(value), 4)
    return int(value) if value.is_integer() else value


def _first_line(cell) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0][:120] if lines else ""


def _error_entry(index: int, cell, exc) -> dict[str, Any]:
    return {"cell": index, "source": _first_line(cell), "error": _cell_error(exc)}


def _skipped(index: int, cell) -> dict[str, Any]:
    return {
        "cell": index,
        "source": _first_line(cell),
        "error": "not run: the notebook's time limit was used up",
    }


def _cell_error(exc) -> str:
    ename = getattr(exc, "ename", None) or type(exc).__name__
    evalue = getattr(exc, "evalue", None) or str(exc).strip().splitlines()[-1:]
    if isinstance(evalue, list):
        evalue = evalue[0] if evalue else ""
    return f"{ename}: {evalue}"[:500]


def grade_notebook(
    path: str | os.PathLike,
    *,
    chapter: int | None = None,
    timeout: float = 900.0,
    cell_timeout: float = 120.0,
    check_timeout: float = 60.0,
    kernel_name: str = "python3",
    language: str | None = None,
) -> dict[str, Any]:
    """Runs a submitted exercise notebook and scores its exercises.

    Args:
        path: the submitted `.ipynb` file.
        chapter: the chapter whose exercises are graded. Defaults to `None`:
            the chapter in the notebook's metadata (exercise notebooks carry
            it). Passing it keeps a student from changing what is graded.
        timeout: seconds the notebook's own cells may run in total; the cell
            running when it expires is interrupted and the rest are skipped.
            Defaults to 900.
        cell_timeout: seconds one cell may run; a longer one is interrupted
            (its error recorded) and the next cells run. Defaults to 120.
        check_timeout: seconds each call of a student's function may take
            while grading. Defaults to 60.
        kernel_name: the Jupyter kernel. Defaults to `"python3"`.
        language: the language of the exercises' messages, one of
            `tfgan_edu.exercises._core.LANGUAGES` (`"en"`, `"zh_CN"`).
            Defaults to `None`: `$TFGAN_EDU_LANGUAGE`, else English. The
            report's keys and the grader's own errors stay English.

    Returns:
        The report, a JSON-serializable dict (see the module docstring):
        `score` out of `max_score`, one entry per exercise with `passed`
        and `message`, the cells that raised, whether the time limit was
        hit, and any refused file access.

    Example:

    >>> report = grade_notebook("missing.ipynb", chapter=2)
    >>> report["score"], report["max_score"], report["error"][:24]
    (0, 7, 'cannot read the notebook')
    """
    import nbformat

    timeout = _check_seconds("timeout", timeout)
    cell_timeout = _check_seconds("cell_timeout", cell_timeout)
    check_timeout = _check_seconds("check_timeout", check_timeout)
    language = resolve_language(language)
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(
            f"Expected a chapter number in {sorted(CHAPTERS)}. Received: chapter={chapter!r}"
        )
    started = time.perf_counter()
    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - anything unreadable scores 0
        chapter, names, _ = _exercise_names(None, chapter)
        return _report(
            path,
            chapter,
            names,
            None,
            [],
            False,
            [],
            started,
            error=f"cannot read the notebook: {type(exc).__name__}: {exc}"[:500],
        )
    chapter, names, problem = _exercise_names(nb, chapter)
    if problem:
        return _report(
            path, chapter, names, None, [], False, [], started, error=problem
        )

    root = Path(tempfile.mkdtemp(prefix="tfgan_edu_grade_"))
    try:
        limits = (timeout, cell_timeout, check_timeout)
        return _grade_in(
            root, path, nb, chapter, names, limits, kernel_name, started, language
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _kernel_env(root: Path, language: str = "en") -> dict[str, str]:
    env = dict(os.environ)
    home, tmp = root / "home", root / "tmp"
    for folder in (home, tmp):
        folder.mkdir()
    env.update(
        HOME=str(home),
        TMPDIR=str(tmp),
        KERAS_HOME=str(home / "keras"),
        MPLCONFIGDIR=str(home / "matplotlib"),
        IPYTHONDIR=str(home / "ipython"),
        TFDS_DATA_DIR=str(home / "tensorflow_datasets"),
        MPLBACKEND="Agg",
        TF_CPP_MIN_LOG_LEVEL="2",
        TFGAN_EDU_SMOKE="1",
        TFGAN_EDU_OFFLINE="1",
        PYTHONDONTWRITEBYTECODE="1",
        TFGAN_EDU_LANGUAGE=language,  # the language of check's messages
    )
    return env


def _grade_in(
    root, path, nb, chapter, names, limits, kernel_name, started, language="en"
):
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import (
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )

    workdir = root / "notebook"
    workdir.mkdir()
    shutil.copyfile(path, workdir / path.name)  # the kernel's folder: this copy only

    timeout, cell_timeout, check_timeout = limits
    marker = f"tfgan-edu-grade-{secrets.token_hex(8)}:"
    # (index in the submitted notebook, cell) of every code cell
    numbered = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    cells = [c for _, c in numbered]
    # The kernel may use its folder, its HOME and its TMPDIR (see _kernel_env).
    allowed = [str(root / name) for name in ("notebook", "home", "tmp")]
    preamble = nbformat.v4.new_code_cell(_PREAMBLE.format(allowed=allowed))
    grader = nbformat.v4.new_code_cell(
        _GRADER.format(names=names, check_timeout=check_timeout, marker=marker)
    )
    run = nbformat.v4.new_notebook(
        cells=[preamble, *cells, grader], metadata=nb.metadata
    )

    # nbclient's own (asynchronous) kernel manager: with a blocking one, a
    # cell that never finishes would also block the time-out.
    client = NotebookClient(
        run,
        kernel_name=kernel_name,
        timeout=_STARTUP_TIMEOUT,
        startup_timeout=_STARTUP_TIMEOUT,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": "TimeoutError",
            "evalue": "the cell ran past the time limit",
        },
        allow_errors=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    errors: list[dict[str, Any]] = []
    timed_out = False
    results, blocked, error = None, [], None
    try:
        with client.setup_kernel(env=_kernel_env(root, language)):
            client.execute_cell(preamble, 0)
            deadline = time.monotonic() + timeout
            for run_index, (index, cell) in enumerate(numbered, start=1):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    errors.append(_skipped(index, cell))
                    continue
                client.timeout = max(1, math.ceil(min(remaining, cell_timeout)))
                try:
                    client.execute_cell(cell, run_index)
                except (CellExecutionError, CellTimeoutError) as exc:
                    errors.append(_error_entry(index, cell, exc))
                    if _cell_error(exc).startswith("TimeoutError"):
                        timed_out = True
            client.timeout = int(check_timeout * 4 * len(names) + 120)
            client.execute_cell(grader, len(cells) + 1)
            output = "".join(
                o.get("text", "") for o in grader.outputs if o.get("name") == "stdout"
            )
            for line in output.splitlines():
                if line.startswith(marker):
                    payload = json.loads(line[len(marker) :])
                    results = {r["name"]: r for r in payload["results"]}
                    blocked = payload["blocked"]
            if results is None:
                error = "the grading step printed no results"
    except DeadKernelError:
        error = "the kernel died (the notebook crashed or ran out of memory)"
    except (CellExecutionError, CellTimeoutError) as exc:
        error = f"the grading step failed: {_cell_error(exc)}"
    except Exception as exc:  # noqa: BLE001 - a grader must always report
        error = f"the notebook could not be run: {type(exc).__name__}: {exc}"[:500]
    return _report(
        path, chapter, names, results, errors, timed_out, blocked, started, error
    )


def write_report(report: dict[str, Any], out: str | os.PathLike) -> Path:
    """Writes a grading report as JSON.

    Args:
        report: what `grade_notebook` returned.
        out: the JSON file to write (its folder is created if missing).

    Returns:
        The path written.

    Example:

    >>> import json, tempfile
    >>> out = write_report({"score": 1, "max_score": 2}, tempfile.mkdtemp() + "/r.json")
    >>> json.loads(out.read_text())["score"]
    1
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return out


GRADESCOPE_RESULTS = "/autograder/results/results.json"
"""Where Gradescope's autograder reads the results."""


def gradescope_results(report: dict[str, Any], visibility: str = "visible") -> dict:
    """A grading report in Gradescope's autograder `results.json` format.

    One test per exercise (and concept question), scored with its partial
    credit; its output lists the cases. The top-level `output` says what
    went wrong around the checks (cells that raised, time-outs, refused
    file access).

    Args:
        report: what `grade_notebook` returned.
        visibility: Gradescope's visibility of the tests and the output:
            `"visible"` (default), `"hidden"`, `"after_due_date"` or
            `"after_published"`.

    Returns:
        A dict with `score`, `max_score`, `execution_time`, `output`,
        `visibility` and `tests` (each with `name`, `score`, `max_score`,
        `status`, `output`, `visibility`).

    Example:

    >>> report = {"score": 0.5, "max_score": 1, "seconds": 3.2, "errors": [],
    ...           "timed_out": False, "blocked": [], "exercises": [
    ...     {"name": "slerp", "passed": False, "score": 0.5, "max_score": 1,
    ...      "message": "✗ slerp: ...", "cases": []}]}
    >>> out = gradescope_results(report)
    >>> out["score"], out["tests"][0]["status"], out["execution_time"]
    (0.5, 'failed', 3)
    """
    allowed = ("visible", "hidden", "after_due_date", "after_published")
    if visibility not in allowed:
        raise ValueError(
            f"Expected visibility in {allowed}. Received: visibility={visibility!r}"
        )
    tests = []
    for exercise in report["exercises"]:
        lines = [exercise["message"]]
        cases = exercise.get("cases") or []
        if cases:
            lines.append("")
            lines += [
                f"{'✓' if c['passed'] else '✗'} case {i}: {c['description']}"
                for i, c in enumerate(cases, start=1)
            ]
        tests.append(
            {
                "name": exercise["name"],
                "score": float(exercise["score"]),
                "max_score": float(exercise["max_score"]),
                "status": "passed" if exercise["passed"] else "failed",
                "output": "\n".join(lines),
                "visibility": visibility,
            }
        )
    notes = [
        f"Score: {report['score']} of {report['max_score']}.",
        *(
            f"Cell {e['cell']} ({e['source']}): {e['error']}"
            for e in report.get("errors", [])
        ),
    ]
    if report.get("timed_out"):
        notes.append("The notebook ran past its time limit.")
    if report.get("blocked"):
        notes.append(f"Refused file or process access: {report['blocked']}")
    if report.get("error"):
        notes.append(f"Error: {report['error']}")
    return {
        "score": float(report["score"]),
        "max_score": float(report["max_score"]),
        "execution_time": int(round(report.get("seconds", 0))),
        "output": "\n".join(notes),
        "visibility": visibility,
        "tests": tests,
    }


def write_gradescope(
    report: dict[str, Any],
    out: str | os.PathLike = GRADESCOPE_RESULTS,
    visibility: str = "visible",
) -> Path:
    """Writes `gradescope_results(report)` as JSON (Gradescope's `results.json`).

    Args:
        report: what `grade_notebook` returned.
        out: the file. Defaults to `/autograder/results/results.json`, where
            Gradescope's autograder reads it.
        visibility: see `gradescope_results`. Defaults to `"visible"`.

    Returns:
        The path written.
    """
    return write_report(gradescope_results(report, visibility), out)
