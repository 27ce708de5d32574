"""`tfgan-edu grade`: a score report whatever the submitted notebook does."""

import inspect
import json
from pathlib import Path

import nbformat
import pytest

from tests.exercises import solutions
from tfgan_edu import cli
from tfgan_edu.exercises import grading
from tfgan_edu.exercises.notebook import make_notebook


def _submission(chapter, replace, extra_before=None):
    """The chapter's notebook with stub sources replaced and extra cells added."""
    nb = make_notebook(chapter)
    cells = []
    for cell in nb.cells:
        name = cell.metadata.get("tfgan_edu", {}).get("exercise")
        for source in (extra_before or {}).get(name, ()):
            cells.append(nbformat.v4.new_code_cell(source))
        if name in replace:
            cell.source = replace[name]
        cells.append(cell)
    nb.cells = cells
    return nb


@pytest.mark.notebook
def test_a_misbehaving_notebook_gets_a_score_not_a_crash(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    secret = folder / "other_student.ipynb"
    secret.write_text("the other student's answers")
    src = inspect.getsource
    nb = _submission(
        6,
        replace={
            # Defines the function, then reads a file beside the notebook.
            "interpolate": src(solutions.interpolate)
            + f"\nprint(open({str(secret)!r}).read())",
            "gradient_penalty": src(solutions.gradient_penalty),
            "r1_penalty": src(solutions.r1_penalty),
            "spectral_normalize": (
                "def spectral_normalize(kernel, u, n_iterations):\n"
                "    return kernel / np.sqrt(np.sum(kernel**2)), u\n"
            ),
        },
        extra_before={
            "gradient_penalty": ["1 / 0", "import os\nprint(os.listdir('..'))"],
            "r1_penalty": [
                "while True:\n    pass",
                "import subprocess\nsubprocess.run(['ls', '/'])",
            ],
        },
    )
    path = folder / "submission.ipynb"
    nbformat.write(nb, path)

    report = grading.grade_notebook(path, timeout=120, cell_timeout=4, check_timeout=30)

    by_name = {e["name"]: e for e in report["exercises"]}
    assert [
        by_name[n]["passed"] for n in ("interpolate", "gradient_penalty", "r1_penalty")
    ] == [True] * 3
    assert not by_name["spectral_normalize"]["passed"]
    assert "Frobenius" in by_name["spectral_normalize"]["message"]
    assert (report["score"], report["max_score"]) == (3, 4)
    errors = [e["error"].split(":")[0] for e in report["errors"]]
    assert errors == [
        "PermissionError",
        "ZeroDivisionError",
        "PermissionError",
        "TimeoutError",
        "PermissionError",
    ]
    assert report["errors"][1]["source"] == "1 / 0"
    assert nb.cells[report["errors"][1]["cell"]].source == "1 / 0"
    assert report["timed_out"] is True
    assert f"open: {secret.resolve()}" in report["blocked"]
    assert any(b.startswith("os.listdir: ") for b in report["blocked"])
    assert any(b.startswith("subprocess.Popen") for b in report["blocked"])
    assert "the other student's answers" not in json.dumps(report)
    assert sorted(p.name for p in folder.iterdir()) == [
        "other_student.ipynb",
        "submission.ipynb",
    ]


@pytest.mark.notebook
def test_cli_grades_a_correct_notebook_full_marks(tmp_path, capsys):
    nb = _submission(
        1,
        {
            n: inspect.getsource(getattr(solutions, n))
            for n in make_notebook(1).metadata["tfgan_edu"]["exercises"]
        },
    )
    path = tmp_path / "ch1.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "reports" / "ch1.json"

    assert cli.main(["grade", str(path), "--out", str(out), "--timeout", "300"]) == 0

    report = json.loads(out.read_text())
    assert (report["score"], report["max_score"]) == (4, 4)
    assert (
        report["errors"] == [] and report["blocked"] == [] and not report["timed_out"]
    )
    assert [e["name"] for e in report["exercises"]] == [
        "minimax_discriminator_loss",
        "non_saturating_generator_loss",
        "optimal_discriminator",
        "train_step",
    ]
    assert all(e["score"] == e["max_score"] == 1 for e in report["exercises"])
    assert "Score: 4 of 4" in capsys.readouterr().err


def test_an_unreadable_notebook_scores_zero(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    report = grading.grade_notebook(path, chapter=5)
    assert (report["score"], report["max_score"]) == (0, 2)
    assert report["error"].startswith("cannot read the notebook")
    assert all(
        not e["passed"] and "not graded" in e["message"] for e in report["exercises"]
    )


def test_a_notebook_without_a_chapter_needs_one(tmp_path):
    path = tmp_path / "plain.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path
    )
    report = grading.grade_notebook(path)
    assert report["max_score"] == 0 and "pass --chapter" in report["error"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"timeout": 0}, r"Received: timeout=0$"),
        ({"cell_timeout": float("inf")}, r"Received: cell_timeout=inf$"),
        ({"check_timeout": True}, r"Received: check_timeout=True$"),
        ({"chapter": 42}, r"Received: chapter=42$"),
    ],
)
def test_bad_limits_are_rejected_before_any_work(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        grading.grade_notebook(tmp_path / "never_read.ipynb", **kwargs)


def test_cli_lists_and_writes_exercise_notebooks(tmp_path, capsys):
    assert cli.main(["exercises", "--chapter", "6"]) == 0
    printed = capsys.readouterr().out
    assert "gradient_penalty" in printed and "slerp" not in printed
    assert cli.main(["exercises", "--write", str(tmp_path), "--chapter", "2"]) == 0
    assert [p.name for p in Path(tmp_path).iterdir()] == [
        "02_dcgan_images_exercises.ipynb"
    ]
