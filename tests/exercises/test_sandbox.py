"""The grading kernel's file guard, in a separate Python process (hooks are permanent)."""

import json
import os
import subprocess
import sys
import textwrap

from tfgan_edu.exercises import _sandbox

SANDBOX = _sandbox.__file__


def _run(tmp_path, body):
    allowed = tmp_path / "notebook"
    allowed.mkdir()
    (allowed / "mine.txt").write_text("mine")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", allowed / "link.txt")
    script = (
        textwrap.dedent(
            f"""
        import importlib.util, json, os, sys
        # Loaded from its file: importing the package would import TensorFlow.
        spec = importlib.util.spec_from_file_location("_sandbox", {SANDBOX!r})
        _sandbox = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_sandbox)
        os.chdir({str(allowed)!r})
        _sandbox.install([{str(allowed)!r}])
        outcomes = {{}}
        def attempt(label, fn):
            try:
                fn()
                outcomes[label] = "ok"
            except PermissionError as exc:
                outcomes[label] = "refused: " + str(exc)
        """
        )
        + textwrap.dedent(body)
        + "\nprint(json.dumps({'outcomes': outcomes, 'blocked': _sandbox.blocked()}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_files_outside_the_folder_are_refused_and_recorded(tmp_path):
    result = _run(
        tmp_path,
        f"""
        attempt("own file", lambda: open("mine.txt").read())
        attempt("write own", lambda: open("new.txt", "w").write("x"))
        attempt("parent", lambda: open("../secret.txt").read())
        attempt("absolute", lambda: open({str(tmp_path / "secret.txt")!r}).read())
        attempt("symlink", lambda: open("link.txt").read())
        attempt("etc", lambda: open("/etc/hostname").read())
        attempt("listdir parent", lambda: os.listdir(".."))
        attempt("remove", lambda: os.remove({str(tmp_path / "secret.txt")!r}))
        attempt("stdlib", lambda: open(os.__file__).read())
        attempt("devnull", lambda: open(os.devnull, "w").write("x"))
        attempt("proc self", lambda: open("/proc/self/status").read())
        attempt("import", lambda: __import__("json.tool"))
        """,
    )
    outcomes = result["outcomes"]
    for allowed in (
        "own file",
        "write own",
        "stdlib",
        "devnull",
        "proc self",
        "import",
    ):
        assert outcomes[allowed] == "ok", (allowed, outcomes[allowed])
    for refused in ("parent", "absolute", "symlink", "etc", "listdir parent", "remove"):
        assert outcomes[refused].startswith(
            "refused: tfgan-edu grade: this notebook may only"
        ), refused
    secret = str((tmp_path / "secret.txt").resolve())
    assert f"open: {secret}" in result["blocked"]
    assert "open: /etc/hostname" in result["blocked"]
    assert (tmp_path / "secret.txt").exists()


def test_starting_programs_is_refused(tmp_path):
    result = _run(
        tmp_path,
        """
        import subprocess
        attempt("subprocess", lambda: subprocess.run(["cat", "/etc/hostname"]))
        attempt("system", lambda: os.system("cat /etc/hostname"))
        """,
    )
    assert result["outcomes"]["subprocess"].startswith(
        "refused: tfgan-edu grade: this notebook may not start"
    )
    assert result["outcomes"]["system"].startswith("refused:")
    assert any(entry.startswith("subprocess.Popen") for entry in result["blocked"])
