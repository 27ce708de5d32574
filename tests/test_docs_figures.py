"""The blank-figure check of the docs site test, on figures rendered here.

`tfgan_edu._docs.figures.is_blank_figure` is what tests/test_site.py applies
to every figure Chromium paints. These tests render figures with the
package's own plotting functions to PNG (matplotlib, Agg, 100 dpi, as the
notebooks' inline backend does) and check that the grids of flat squares a
generator that learned nothing draws are caught, and that real digits, loss
curves and the committed chapter figures are not.
"""

import base64
import io
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu._docs import figures  # noqa: E402

EXECUTED = Path(__file__).parents[1] / "docs" / "executed"


def _png(fig, dpi=100):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    buffer.seek(0)
    return plt.imread(buffer)


@pytest.fixture(scope="module")
def digits():
    batch = next(iter(tge.data.load("mnist_5k", 64, split="test", seed=0)))
    return np.asarray(batch)


@pytest.mark.parametrize("n", [16, 36, 64])
@pytest.mark.parametrize("dpi", [100, 200])
def test_a_grid_of_uniform_grey_squares_is_blank(n, dpi):
    # What a generator that learned nothing draws: every sample 0 (mid-grey).
    image = _png(tge.viz.plot_images(np.zeros((n, 28, 28, 1)), title="epoch 1"), dpi)
    # A whole-image statistic sees the white padding and calls it a picture.
    assert image[..., :3].std() > 0.1
    assert figures.is_blank_figure(image)


def test_flat_squares_of_different_greys_are_blank():
    levels = np.random.default_rng(0).uniform(-1, 1, (36, 1, 1, 1))
    image = _png(tge.viz.plot_images(np.ones((36, 28, 28, 1)) * levels))
    assert figures.is_blank_figure(image)


@pytest.mark.parametrize("n", [16, 36, 64])
@pytest.mark.parametrize("dpi", [100, 200])
def test_a_grid_of_real_digits_is_not_blank(digits, n, dpi):
    image = _png(tge.viz.plot_images(digits[:n], title="real digits"), dpi)
    share, judged = figures.flat_tile_share(image)
    assert judged > 100
    # scripts/measure_blank_check.py: 0.495 to 0.864 over these 6 renders
    # (16 digits at 200 dpi, whose black backgrounds fill many tiles, is the
    # highest); grey grids give 0.999 to 1.0.
    assert share < figures.BLANK_SHARE
    assert not figures.is_blank_figure(image)


def test_a_grid_with_one_blank_row_of_three_is_not_blank(digits):
    # Inputs, a blank output row, targets (chapter 7's layout): the figure
    # shows something; the blank row alone is not enough to flag it.
    rows = np.concatenate([digits[:8], np.zeros((8, 28, 28, 1)), digits[8:16]])
    image = _png(tge.viz.plot_images(rows, ncols=8))
    assert not figures.is_blank_figure(image)


def test_a_smooth_gradient_is_not_flat():
    # Low-rank (rank 1) but not near-constant: a blurred digit's tiles.
    ramp = np.tile(np.linspace(0.0, 0.8, 64), (64, 1))
    assert figures.flat_tile_share(ramp) == (0.0, 16)


def test_a_loss_curve_is_not_blank():
    rng = np.random.default_rng(0)
    history = {
        "d_loss": 1.3 + 0.1 * rng.standard_normal(50),
        "g_loss": 0.9 + 0.2 * rng.standard_normal(50),
    }
    image = _png(tge.viz.plot_history(history))
    assert not figures.is_blank_figure(image)


def test_a_bar_chart_is_not_blank_but_grey_bars_would_be():
    # A histogram of classes, as chapter 2 draws it: its coloured bars are
    # a plot's fill, not flat samples (92% of its tiles were flat before
    # colour was taken into account). The same chart in grey is as flat as
    # a grid of grey squares, and is flagged.
    for color, blank in (("C0", False), ("0.5", True)):
        fig, ax = plt.subplots(figsize=(6, 2.5))
        ax.bar(range(10), np.full(10, 0.1), width=1.0, color=color)
        ax.set_axis_off()
        fig.subplots_adjust(0, 0, 1, 1)
        assert figures.is_blank_figure(_png(fig)) is blank, color


def test_a_line_plot_has_no_judged_tiles_and_is_not_blank():
    fig, ax = plt.subplots()
    ax.plot(np.sin(np.linspace(0, 6, 100)))
    image = _png(fig)
    assert figures.flat_tile_share(image)[1] == 0
    assert not figures.is_blank_figure(image)


def test_an_empty_figure_is_blank():
    fig, ax = plt.subplots()
    ax.set_axis_off()
    assert figures.is_blank_figure(_png(fig))


def test_uint8_rgba_and_grey_inputs_agree():
    image = _png(tge.viz.plot_images(np.zeros((16, 28, 28, 1))))
    as_uint8 = np.round(image * 255).astype(np.uint8)
    assert figures.flat_tile_share(as_uint8) == figures.flat_tile_share(image)
    assert figures.flat_tile_share(image[..., :3].mean(-1)) == pytest.approx(
        figures.flat_tile_share(image), abs=0.02
    )


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((4, 4, 2)), r"Received: image.shape=\(4, 4, 2\)"),
        (np.zeros(5), r"Received: image.shape=\(5,\)"),
    ],
)
def test_bad_images_are_rejected(image, message):
    with pytest.raises(ValueError, match=message):
        figures.flat_tile_share(image)


def test_bad_tiles_are_rejected():
    with pytest.raises(ValueError, match=r"Received: tile=2$"):
        figures.flat_tile_share(np.zeros((32, 32)), tile=2)


COMMITTED = sorted(EXECUTED.glob("*.ipynb"))


@pytest.mark.parametrize("path", COMMITTED, ids=[p.name for p in COMMITTED])
def test_the_committed_chapter_figures_are_not_blank(path):
    nb = nbformat.read(path, as_version=4)
    pngs = [
        output["data"]["image/png"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if "image/png" in output.get("data", {})
    ]
    assert pngs
    for index, data in enumerate(pngs):
        image = plt.imread(io.BytesIO(base64.b64decode(data)))
        assert not figures.is_blank_figure(image), (
            f"figure {index}: flat share {figures.flat_tile_share(image)}"
        )


def test_gallery_pictures_from_full_runs_match_them_and_are_not_blank():
    # The landing page's generated digits are chapter 2's committed figure,
    # byte for byte (`python scripts/make_gallery.py` copies it), and real.
    from tests._scripts import load_script

    gallery = load_script("scripts/make_gallery.py")
    for name, (notebook, marker) in gallery.FROM_FULL_RUNS.items():
        source = EXECUTED / notebook
        if not source.is_file():
            continue
        committed = (gallery.GALLERY / name).read_bytes()
        assert committed == gallery.figure_from_executed(source, marker), name
        pixels = plt.imread(io.BytesIO(committed))
        assert not figures.is_blank_figure(pixels), name
    with pytest.raises(ValueError, match="Expected a code cell containing"):
        gallery.figure_from_executed(EXECUTED / "02_dcgan_images.ipynb", "no such")
