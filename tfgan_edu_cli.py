"""The `tfgan-edu` console script: its arguments, checked before TensorFlow loads.

`import tfgan_edu` imports TensorFlow, Keras and every model (so that
`keras.saving.load_model` finds the package's registered classes after a
plain `import tfgan_edu`): several seconds. The console script's entry point
is this top-level module instead, which imports only the standard library, so
`tfgan-edu --help`, `--version` and every refused argument answer at once;
only a command that runs imports the package (`tfgan_edu.cli` holds the
commands).

Every number is checked where it enters (`--batch-size 0` is refused, not
replaced by the default), and `--out` is created and written to before any
training starts. Bad arguments exit with status 2, as argparse's own do.

Example:

>>> args = parser().parse_args(["train", "--data", "grid", "--batch-size", "16"])
>>> args.command, args.data, args.batch_size, args.learning_rate
('train', 'grid', 16, None)
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

# The names the commands accept, spelled out so that `--help` needs no import
# of the package; tests/test_cli_17.py checks them against
# `tfgan_edu.recipes.DATA_SHAPES`, `tfgan_edu.recipes.NAMES` and
# `tfgan_edu.losses.FAMILIES`.
DATASETS: tuple[str, ...] = (
    "cifar10",
    "digits",
    "fashion_mnist",
    "grid",
    "mnist",
    "mnist_5k",
    "ring",
    "spiral",
)
LOSSES: tuple[str, ...] = (
    "hinge",
    "least_squares",
    "minimax",
    "non_saturating",
    "wasserstein",
)
RECIPES: tuple[str, ...] = ("dcgan", "wgan", "wgan_gp", "lsgan", "sngan", "r1_gan")
MAX_SEED: int = 2**32 - 1
"""The largest `--seed` (NumPy's global seed, set with it, is 32-bit)."""
DISTRIBUTION: str = "tfgan-edu"


def version() -> str:
    """The installed package's version, read from its metadata (no import).

    Returns:
        The version string, e.g. `"0.1.0"`.
    """
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "unknown (not installed)"


def _integer(option: str, low: int, high: int | None = None):
    """An argparse `type` accepting integers in [low, high]."""
    if high is None:
        expected = f"an integer >= {low}"
    else:
        expected = f"an integer in [{low}, {high}]"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                f"Expected {expected}. Received: {option}={text}"
            )
        return value

    return parse


def _positive_number(option: str):
    """An argparse `type` accepting finite numbers > 0 (no NaN, no inf)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > 0):
            raise argparse.ArgumentTypeError(
                f"Expected a finite number > 0. Received: {option}={text}"
            )
        return value

    return parse


def _commands() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog="tfgan-edu",
        description="Train GANs with Keras on built-in data and write pictures.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train one GAN and write its report")
    train.add_argument("--data", default="ring", choices=DATASETS)
    train.add_argument("--loss", default="non_saturating", choices=LOSSES)
    train.add_argument(
        "--recipe",
        default=None,
        choices=RECIPES,
        help="train a named recipe (its loss and settings) instead of the default GAN",
    )
    train.add_argument("--epochs", type=_integer("--epochs", 1), default=30)
    train.add_argument("--out", default="tfgan_edu_runs/run", help="output folder")
    train.add_argument(
        "--batch-size",
        type=_integer("--batch-size", 1),
        default=None,
        help="real examples per step (default: 128 for 2-D data, 64 for images)",
    )
    train.add_argument(
        "--latent-dim",
        type=_integer("--latent-dim", 1),
        default=None,
        help="size of the noise vector (default: the dataset's)",
    )
    train.add_argument(
        "--learning-rate",
        type=_positive_number("--learning-rate"),
        default=None,
        help="Adam's learning rate of both players (default: the dataset's)",
    )
    train.add_argument("--d-steps", type=_integer("--d-steps", 1), default=1)
    train.add_argument(
        "--seed",
        type=_integer("--seed", 0, MAX_SEED),
        default=0,
        help=f"seed of data order, weights and noise, 0 to {MAX_SEED} (0)",
    )
    train.add_argument("--quiet", action="store_true", help="no progress output")

    demo = sub.add_parser(
        "demo",
        help="train the default GANs on the ring and on real MNIST digits",
    )
    demo.add_argument("--out", default="demo_output", help="output folder")
    demo.add_argument("--quiet", action="store_true", help="no progress output")

    exercises = sub.add_parser(
        "exercises", help="list the graded exercises, or write their notebooks"
    )
    exercises.add_argument(
        "--chapter",
        type=_integer("--chapter", 0),
        default=None,
        help="one chapter only",
    )
    exercises.add_argument(
        "--write",
        metavar="DIR",
        default=None,
        help="write the exercise notebooks into DIR",
    )

    grade = sub.add_parser(
        "grade",
        help="run a submitted exercise notebook and write a JSON score report "
        "(needs the `grading` extra: pip install 'tfgan-edu[grading]')",
    )
    grade.add_argument("notebook", help="the submitted .ipynb file")
    grade.add_argument(
        "--out", default=None, help="the JSON report to write (default: print it)"
    )
    grade.add_argument(
        "--chapter",
        type=_integer("--chapter", 0),
        default=None,
        help="grade this chapter's exercises (default: the notebook's metadata)",
    )
    grade.add_argument(
        "--timeout",
        type=_positive_number("--timeout"),
        default=900.0,
        help="seconds for all cells (900)",
    )
    grade.add_argument(
        "--cell-timeout",
        type=_positive_number("--cell-timeout"),
        default=120.0,
        help="seconds per cell (120)",
    )
    grade.add_argument(
        "--check-timeout",
        type=_positive_number("--check-timeout"),
        default=60.0,
        help="seconds per call of a student's function while checking (60)",
    )
    grade.add_argument(
        "--language",
        default=None,
        help="language of the exercises' feedback: en or zh_CN (default: "
        "$TFGAN_EDU_LANGUAGE, else en)",
    )
    grade.add_argument(
        "--gradescope",
        nargs="?",
        metavar="PATH",
        const="/autograder/results/results.json",
        default=None,
        help="also write Gradescope's results.json (default PATH: "
        "/autograder/results/results.json)",
    )
    grade.add_argument(
        "--visibility",
        default="visible",
        choices=("visible", "hidden", "after_due_date", "after_published"),
        help="Gradescope visibility of the tests (visible)",
    )
    commands = {
        "train": train,
        "demo": demo,
        "exercises": exercises,
        "grade": grade,
    }
    return parser, commands


def parser() -> argparse.ArgumentParser:
    """The `tfgan-edu` argument parser (standard library only).

    Returns:
        An `argparse.ArgumentParser` with the subcommands `train`, `demo`,
        `exercises` and `grade`.
    """
    return _commands()[0]


def writable_folder_problem(path: str | Path) -> str | None:
    """Creates the folder `path` (and its parents) and writes a file in it.

    What a run would do first, done before any work: a path that is a file,
    lies under a file, or cannot be written is found in milliseconds.

    Args:
        path: the folder.

    Returns:
        `None` when a file can be written there, else what is wrong.

    Example:

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> writable_folder_problem(os.path.join(folder, "runs", "a")) is None
    True
    >>> open(os.path.join(folder, "notes.txt"), "w").close()
    >>> writable_folder_problem(os.path.join(folder, "notes.txt"))
    'it is a file'
    """
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        return "it is a file"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        for parent in folder.parents:
            if parent.exists() and not parent.is_dir():
                return f"{parent} is a file"
        return f"{exc.strerror or type(exc).__name__}: {exc.filename or folder}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tfgan-edu` command.

    Parses and checks the arguments, then runs the command in
    `tfgan_edu.cli` (which imports TensorFlow).

    Args:
        argv: arguments without the program name. Defaults to `sys.argv[1:]`.

    Returns:
        The process exit status (argparse exits with 2 on bad arguments).
    """
    top, commands = _commands()
    args = top.parse_args(argv)
    if args.command in ("train", "demo"):
        problem = writable_folder_problem(args.out)
        if problem is not None:
            commands[args.command].error(
                "Expected --out to be a folder that can be written. "
                f"Received: --out={args.out} ({problem})"
            )
    from tfgan_edu import cli  # imports TensorFlow

    return cli.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
