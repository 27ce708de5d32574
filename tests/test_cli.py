"""The `tfgan-edu` command line."""

import json
import os
import subprocess
import sys

import pytest

from tfgan_edu import cli


def test_train_command(tmp_path, capsys):
    out = tmp_path / "run"
    status = cli.main(
        [
            "train",
            "--data",
            "grid",
            "--loss",
            "hinge",
            "--epochs",
            "1",
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "modes:" in printed and str(out.resolve()) in printed
    for name in (
        "model.keras",
        "history.json",
        "metrics.json",
        "losses.png",
        "samples.png",
    ):
        assert (out / name).exists(), name
    assert set(json.loads((out / "metrics.json").read_text())) >= {
        "modes",
        "high_quality",
    }


def test_train_a_recipe(tmp_path, capsys):
    out = tmp_path / "wgan_gp"
    args = ["train", "--recipe", "wgan_gp", "--data", "ring", "--epochs", "1"]
    assert cli.main([*args, "--out", str(out), "--quiet"]) == 0
    assert "the wgan_gp recipe" in capsys.readouterr().out
    history = json.loads((out / "history.json").read_text())
    assert "gp" in history  # the recipe's gradient penalty was on


def test_train_accepts_mnist_5k():
    # The full `train --data mnist_5k` path runs in test_demo_in_smoke_mode.
    args = cli._parser().parse_args(["train", "--data", "mnist_5k"])
    assert args.data == "mnist_5k"


def test_bad_arguments_exit_with_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["train", "--loss", "vanilla"])
    assert exc.value.code == 2
    assert "invalid choice: 'vanilla'" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_in_smoke_mode(tmp_path):
    """The demo end to end, as `make demo` runs it, cut short by smoke mode."""
    out = tmp_path / "demo"
    command = [sys.executable, "-m", "tfgan_edu", "demo", "--out", str(out), "--quiet"]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TFGAN_EDU_SMOKE": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ring mode coverage:" in result.stdout
    assert "MNIST digits: FID" in result.stdout
    metrics = json.loads((out / "mnist_5k" / "metrics.json").read_text())
    assert set(metrics) >= {"fid", "fid_real_floor", "confident_fraction"}
    for data in ("ring", "mnist_5k"):
        assert (out / data / "samples.png").exists()
        assert (out / data / "model.keras").exists()
        assert list((out / data / "samples").glob("samples_epoch_*.png"))
