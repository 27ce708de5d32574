"""Runs chapter notebooks in full mode and records them for the site.

`make notebooks` (all chapters) or `make notebooks NOTEBOOK=02` (the chapters
whose file name starts with `02`) runs this. Each chapter is executed top to
bottom with nbclient in full mode (`TFGAN_EDU_SMOKE=0`), its volatile
metadata stripped, and written to `docs/executed/<name>.ipynb` with the
digest of its code cells, the run's wall time, the machine and the load
average during the run (see `tfgan_edu._notebook_cache.record_full_run`).
Commit those files: the documentation site renders them.

    python scripts/run_notebooks.py [PREFIX ...]
    python scripts/run_notebooks.py --list   # the committed runs' records
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "docs" / "executed"


def select(prefixes: list[str]) -> list[Path]:
    """The chapter notebooks whose names start with one of `prefixes` (all if none)."""
    chapters = sorted(NOTEBOOKS.glob("*.ipynb"))
    if not prefixes:
        return chapters
    chosen = [p for p in chapters if any(p.name.startswith(x) for x in prefixes)]
    if not chosen:
        raise ValueError(
            f"Expected chapter prefixes among {[p.name[:2] for p in chapters]}. "
            f"Received: prefixes={prefixes}"
        )
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("prefixes", nargs="*", help="e.g. 01 02 (default: all)")
    parser.add_argument("--out", type=Path, default=EXECUTED)
    parser.add_argument(
        "--list",
        action="store_true",
        help="print each committed run's wall time, machine, load and date",
    )
    args = parser.parse_args(argv)

    from tfgan_edu import _notebook_cache as cache

    if args.list:
        import nbformat

        for source in select(args.prefixes):
            status = cache.full_run_status(source, args.out)
            record = {}
            if status != "missing":
                copy = nbformat.read(args.out / source.name, as_version=4)
                record = copy.metadata.get("tfgan_edu_executed", {})
            print(
                f"{source.name}: {status}, {record.get('wall_time_s', '?')} s wall "
                f"on {record.get('date', '?')}, {record.get('machine', '?')} "
                f"(load average {record.get('load_average', '?')})"
            )
        return 0

    for source in select(args.prefixes):
        print(f"{source.name}: running in full mode...", flush=True)
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        nb = cache.execute(source, mode="full")
        wall = time.perf_counter() - start
        load = (load_before + os.getloadavg()[0]) / 2
        path = cache.record_full_run(nb, source, args.out, wall, load_average=load)
        print(
            f"{source.name}: {wall:.0f} s wall on {cache.describe_machine()} "
            f"(load average {load:.1f}) -> {path.relative_to(ROOT)}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
