"""Puts the instructor package (`instructor/tfgan_edu_solutions`) on the path."""

import sys
from pathlib import Path

INSTRUCTOR = Path(__file__).resolve().parents[2] / "instructor"
if str(INSTRUCTOR) not in sys.path:
    sys.path.insert(0, str(INSTRUCTOR))
