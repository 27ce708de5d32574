"""Writes the landing page's pictures that need no training run.

The landing page (docs/index.md) shows pictures from docs/_static/gallery/
by stable name (see `GALLERY` in docs/_ext/tfgan_docs.py):

- `real_digits.png`: 64 real MNIST digits (`mnist_5k`, test split): made
  here.
- `generated_digits.png`: 64 digits from chapter 2's DCGAN after its full
  run, drawn the same way (`save_digit_grid`).
- `photo_degraded.png`, `photo_restored.png`: a test photograph before and
  after restoration by the package.

A pair is shown only when both its files exist; a full-docs build
(`TFGAN_EDU_DOCS_NOTEBOOKS=full`) fails while any is missing.

    python scripts/make_gallery.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "_static" / "gallery"


def save_digit_grid(images, path: str | os.PathLike) -> Path:
    """Saves 64 digits as an 8 x 8 grid, as the landing page shows them.

    Args:
        images: at least 64 images, shape `(N, H, W, 1)`, values in `[-1, 1]`.
        path: the PNG file to write.

    Returns:
        The path written.
    """
    import tfgan_edu as tge

    if len(images) < 64:
        raise ValueError(
            f"Expected at least 64 images. Received: len(images)={len(images)}"
        )
    fig = tge.viz.plot_images(images[:64], ncols=8)
    fig.set_size_inches(4, 4)
    return tge.viz.save_figure(fig, path, dpi=100)


def main() -> int:
    import numpy as np

    import tfgan_edu as tge

    batch = next(iter(tge.data.load("mnist_5k", 64, split="test", shuffle=False)))
    path = save_digit_grid(np.asarray(batch), GALLERY / "real_digits.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
