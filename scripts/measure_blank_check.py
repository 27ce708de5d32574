"""Prints the blank-figure check's flat-tile share on known figures.

The numbers quoted in tfgan_edu/_docs/figures.py come from this script:
`tge.viz.plot_images` grids of uniform grey samples and of real `mnist_5k`
digits at 100 and 200 dpi, a grid with one blank row of three, the figures
of the committed full runs (docs/executed), and the Chromium screenshots
the site test leaves in docs/_build/screenshots (when it has run).

    python scripts/measure_blank_check.py
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _png(fig, dpi=100):
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    buffer.seek(0)
    return plt.imread(buffer)


def figures_to_measure():
    """`(name, RGBA image)` for every figure this script reports."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import nbformat
    import numpy as np

    import tfgan_edu as tge

    digits = np.asarray(next(iter(tge.data.load("mnist_5k", 64, split="test", seed=0))))
    for n in (16, 36, 64):
        for dpi in (100, 200):
            grey = tge.viz.plot_images(np.zeros((n, 28, 28, 1)), title="epoch 1")
            yield f"grey grid {n} @ {dpi} dpi", _png(grey, dpi)
            real = tge.viz.plot_images(digits[:n], title="real digits")
            yield f"mnist_5k grid {n} @ {dpi} dpi", _png(real, dpi)
    rows = np.concatenate([digits[:8], np.zeros((8, 28, 28, 1)), digits[8:16]])
    yield "one blank row of three", _png(tge.viz.plot_images(rows, ncols=8))
    for path in sorted((ROOT / "docs" / "executed").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        pngs = [
            o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})
        ]
        for index, data in enumerate(pngs):
            image = plt.imread(io.BytesIO(base64.b64decode(data)))
            yield f"{path.stem} figure {index} (full run)", image
    for path in sorted((ROOT / "docs" / "_build" / "screenshots").glob("*.png")):
        yield f"screenshot {path.stem}", plt.imread(path)


def main() -> int:
    from tfgan_edu._docs import figures

    for name, image in figures_to_measure():
        share, judged = figures.flat_tile_share(image)
        verdict = "BLANK" if figures.is_blank_figure(image) else "ok"
        print(f"{name:48s} flat {share:6.1%} of {judged:5d} tiles  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
