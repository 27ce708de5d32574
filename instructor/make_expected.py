"""Regenerates tfgan_edu/exercises/expected/ from the reference solutions.

Run from the repository root: `.venv/bin/python instructor/make_expected.py`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tfgan_edu_solutions.expected import write_expected  # noqa: E402

if __name__ == "__main__":
    for path in write_expected():
        print(path)
    from tfgan_edu_solutions.notebooks import write_solution_notebooks

    for path in write_solution_notebooks():
        print(path)
