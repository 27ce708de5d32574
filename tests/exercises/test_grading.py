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
    # 3 exercises pass; spectral_normalize and the unanswered question score 0
    assert (report["score"], report["max_score"]) == (3, 5)
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
    for cell in nb.cells:
        question = cell.metadata.get("tfgan_edu", {}).get("question")
        if question:
            answer = solutions.QUESTION_ANSWERS[question]
            cell.source = cell.source.replace("= None", f"= {answer!r}")
    path = tmp_path / "ch1.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "reports" / "ch1.json"
    results = tmp_path / "autograder" / "results" / "results.json"

    argv = ["grade", str(path), "--out", str(out), "--timeout", "300"]
    assert cli.main([*argv, "--gradescope", str(results)]) == 0

    report = json.loads(out.read_text())
    assert (report["score"], report["max_score"]) == (8, 8)
    assert (
        report["errors"] == [] and report["blocked"] == [] and not report["timed_out"]
    )
    assert [e["name"] for e in report["exercises"]] == [
        "minimax_discriminator_loss",
        "non_saturating_generator_loss",
        "optimal_discriminator",
        "mlp_generator",
        "mlp_discriminator",
        "train_step",
        "value_at_equilibrium",
        "optimal_d_at_equilibrium",
    ]
    assert all(e["score"] == e["max_score"] == 1 for e in report["exercises"])
    assert "Score: 8 of 8" in capsys.readouterr().err
    gradescope = json.loads(results.read_text())
    assert gradescope["score"] == 8.0 and gradescope["max_score"] == 8.0
    assert [t["name"] for t in gradescope["tests"]] == [
        e["name"] for e in report["exercises"]
    ]
    assert {t["status"] for t in gradescope["tests"]} == {"passed"}


def test_an_unreadable_notebook_scores_zero(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    report = grading.grade_notebook(path, chapter=5)
    assert (report["score"], report["max_score"]) == (0, 3)  # 2 exercises, 1 question
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


GRADESCOPE_FIELDS = {
    "score",
    "max_score",
    "execution_time",
    "output",
    "visibility",
    "tests",
}
GRADESCOPE_TEST_FIELDS = {
    "name",
    "score",
    "max_score",
    "status",
    "output",
    "visibility",
}


def test_gradescope_results_have_the_documented_fields_and_partial_credit(tmp_path):
    report = {
        "notebook": "x.ipynb",
        "chapter": 1,
        "score": 1.3333,
        "max_score": 2,
        "seconds": 12.6,
        "errors": [{"cell": 3, "source": "1 / 0", "error": "ZeroDivisionError: x"}],
        "timed_out": True,
        "blocked": ["open: /etc/passwd"],
        "exercises": [
            {
                "name": "a",
                "passed": True,
                "score": 1,
                "max_score": 1,
                "message": "✓ a passed",
                "cases": [],
            },
            {
                "name": "b",
                "passed": False,
                "score": 0.3333,
                "max_score": 1,
                "message": "✗ b: differs",
                "cases": [
                    {"description": "one", "passed": True, "message": "passed"},
                    {"description": "two", "passed": False, "message": "✗"},
                    {"description": "three", "passed": False, "message": "✗"},
                ],
            },
        ],
    }
    out = grading.write_gradescope(
        report, tmp_path / "results" / "results.json", "hidden"
    )
    data = json.loads(out.read_text())
    assert set(data) == GRADESCOPE_FIELDS
    assert (data["score"], data["max_score"], data["execution_time"]) == (
        1.3333,
        2.0,
        13,
    )
    assert data["visibility"] == "hidden"
    assert all(set(t) == GRADESCOPE_TEST_FIELDS for t in data["tests"])
    assert [(t["status"], t["score"]) for t in data["tests"]] == [
        ("passed", 1.0),
        ("failed", 0.3333),
    ]
    assert "✓ case 1: one" in data["tests"][1]["output"]
    assert "✗ case 3: three" in data["tests"][1]["output"]
    for phrase in ("1 / 0", "time limit", "/etc/passwd"):
        assert phrase in data["output"]
    with pytest.raises(ValueError, match="Received: visibility='secret'"):
        grading.gradescope_results(report, "secret")


def test_cli_writes_gradescope_results_even_for_an_unreadable_notebook(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    results = tmp_path / "results.json"
    argv = ["grade", str(path), "--chapter", "3", "--out", str(tmp_path / "r.json")]
    assert cli.main([*argv, "--gradescope", str(results)]) == 0
    data = json.loads(results.read_text())
    assert data["score"] == 0.0 and data["max_score"] == 5.0  # 3 exercises, 2 questions
    assert "cannot read the notebook" in data["output"]
    assert all(t["status"] == "failed" for t in data["tests"])
