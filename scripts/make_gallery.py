"""Writes the landing page's pictures that need no training run.

The landing page (docs/index.md) shows pictures from docs/_static/gallery/
by stable name (see `GALLERY` in docs/_ext/tfgan_docs.py):

- `real_digits.png`: 64 real MNIST digits (`mnist_5k`, test split): made
  here.
- `generated_digits.png`: chapter 2's grid of 64 generated digits, the
  figure of its committed full run (docs/executed/02_dcgan_images.ipynb),
  taken from the notebook's output as it is (`figure_from_executed`).
- `photo_degraded.png`, `photo_restored.png`: four held-out photograph
  tiles with noise, and as chapter 7's Pix2Pix restores them, the figures
  of its committed full run (docs/executed/07_image_translation.ipynb).

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


EXECUTED = GALLERY.parents[1] / "executed"
FROM_FULL_RUNS = {
    # gallery file: (committed full run, text of the code cell that draws it)
    "generated_digits.png": ("02_dcgan_images.ipynb", 'title=f"generated after'),
    "photo_degraded.png": ("07_image_translation.ipynb", 'title="noisy (held-out'),
    "photo_restored.png": ("07_image_translation.ipynb", 'title="restored by Pix2Pix"'),
}


def figure_from_executed(notebook: str | os.PathLike, marker: str) -> bytes:
    """The PNG that the first code cell containing `marker` shows in an executed notebook.

    Args:
        notebook: an executed `.ipynb` file (e.g. a committed full run).
        marker: text that identifies the cell's source.

    Returns:
        The PNG file's bytes.
    """
    import base64

    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and marker in cell.source:
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output["data"]["image/png"])
            raise ValueError(f"The cell with {marker!r} in {notebook} shows no PNG.")
    raise ValueError(
        f"Expected a code cell containing {marker!r} in {notebook}. Received: none"
    )


def main() -> int:
    import numpy as np

    import tfgan_edu as tge

    batch = next(iter(tge.data.load("mnist_5k", 64, split="test", shuffle=False)))
    path = save_digit_grid(np.asarray(batch), GALLERY / "real_digits.png")
    print(f"wrote {path}")
    for name, (notebook, marker) in FROM_FULL_RUNS.items():
        source = EXECUTED / notebook
        if not source.is_file():
            print(f"skipped {name}: {source} is not committed yet")
            continue
        (GALLERY / name).write_bytes(figure_from_executed(source, marker))
        print(f"wrote {GALLERY / name} from {source.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
