"""`python -m tfgan_edu ...` runs the `tfgan-edu` command."""

import sys

from tfgan_edu.cli import main

if __name__ == "__main__":
    sys.exit(main())
