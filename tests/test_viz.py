"""Tests of the plotting helpers."""

import keras
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.figure import Figure

from tfgan_edu import viz


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _four_tiny_images():
    """Four 2x2 grayscale images in [-1, 1] with distinct known pixels."""
    values = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, -1.0, 0.5, 0.0])
    images = np.stack([np.roll(values, i)[:4].reshape(2, 2) for i in range(4)])
    return images[..., np.newaxis]


def test_image_grid_places_every_pixel():
    images = _four_tiny_images()
    grid = viz.image_grid(images, padding=1)
    scaled = (images[..., 0] + 1.0) / 2.0
    expected = np.array(
        [
            [*scaled[0, 0], 1.0, *scaled[1, 0]],
            [*scaled[0, 1], 1.0, *scaled[1, 1]],
            [1.0, 1.0, 1.0, 1.0, 1.0],
            [*scaled[2, 0], 1.0, *scaled[3, 0]],
            [*scaled[2, 1], 1.0, *scaled[3, 1]],
        ]
    )
    assert grid.shape == (5, 5, 1)
    assert grid.dtype == np.float32
    np.testing.assert_allclose(grid[..., 0], expected)
    # The same, hand-written: image 0 is [[-1, -0.5], [0, 0.5]].
    np.testing.assert_allclose(grid[:2, :2, 0], [[0.0, 0.25], [0.5, 0.75]])


def test_image_grid_without_padding_and_one_row():
    images = _four_tiny_images()
    grid = viz.image_grid(images, ncols=4, padding=0)
    assert grid.shape == (2, 8, 1)
    for i in range(4):
        np.testing.assert_allclose(
            grid[:, 2 * i : 2 * i + 2, 0], (images[i, ..., 0] + 1) / 2
        )


def test_image_grid_fills_missing_cells_with_pad_value():
    grid = viz.image_grid(np.full((3, 2, 2), -1.0), ncols=2, padding=1, pad_value=0.5)
    assert grid.shape == (5, 5, 1)
    np.testing.assert_allclose(grid[3:, 3:, 0], 0.5)  # the empty 4th cell
    np.testing.assert_allclose(grid[3:, :2, 0], 0.0)  # the 3rd image


def test_image_grid_scaling_clipping_and_colour():
    images = np.array([[[[-1.0, 0.0, 1.0]]], [[[3.0, -3.0, 0.5]]]])  # (2, 1, 1, 3)
    grid = viz.image_grid(images, ncols=2, padding=0)
    assert grid.shape == (1, 2, 3)
    np.testing.assert_allclose(grid[0, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(grid[0, 1], [1.0, 0.0, 0.75])
    # value_range (0, 255) and value_range=None (the batch's own range).
    uint8 = np.array([[[[0.0]]], [[[255.0]]]])
    np.testing.assert_allclose(
        viz.image_grid(uint8, value_range=(0, 255), padding=0), [[[0.0], [1.0]]]
    )
    np.testing.assert_allclose(
        viz.image_grid(uint8 / 10 + 3, value_range=None, padding=0), [[[0.0], [1.0]]]
    )


def test_image_grid_accepts_tensors_and_default_ncols():
    grid = viz.image_grid(keras.ops.zeros((10, 3, 3, 1)))
    assert grid.shape == (3 * 3 + 2, 4 * 3 + 3, 1)  # ceil(sqrt(10)) = 4 columns


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"images": np.zeros((2, 2))}, r"Received: images.shape=\(2, 2\)"),
        ({"images": np.zeros((0, 2, 2, 1))}, r"Received: images.shape=\(0, 2, 2, 1\)"),
        ({"images": np.zeros((1, 2, 2)), "ncols": 0}, "Received: ncols=0"),
        ({"images": np.zeros((1, 2, 2)), "padding": -1}, "Received: padding=-1"),
        (
            {"images": np.zeros((1, 2, 2)), "value_range": (1, 1)},
            r"Received: value_range=\(1, 1\)",
        ),
    ],
)
def test_image_grid_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.image_grid(**kwargs)


def test_plot_images_gray_and_rgb():
    fig = viz.plot_images(np.zeros((4, 8, 8, 1)), title="gray")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert ax.get_title() == "gray"
    (image,) = ax.get_images()
    assert image.get_array().shape == (17, 17)
    assert image.get_cmap().name == "gray"

    _, ax = plt.subplots()
    fig = viz.plot_images(np.zeros((2, 8, 8, 3)), ncols=1, ax=ax)
    assert fig is ax.figure
    assert ax.get_images()[0].get_array().shape == (17, 8, 3)


def test_plot_history_from_keras_history_dict_and_batch_logs():
    history = keras.callbacks.History()
    history.history = {"lr": [1e-3, 1e-3], "g_loss": [0.7, 0.9], "d_loss": [1.4, 1.2]}
    fig = viz.plot_history(history)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss", "lr"]
    np.testing.assert_allclose(lines[0].get_xdata(), [1, 2])
    np.testing.assert_allclose(lines[0].get_ydata(), [1.4, 1.2])
    assert fig.axes[0].get_xlabel() == "epoch"

    fig = viz.plot_history(
        {"d_loss": [1.0, 0.9, 0.8], "g_loss": [2.0]}, keys=["d_loss"]
    )
    assert len(fig.axes[0].get_lines()) == 1

    batch_logs = [{"d_loss": np.float32(1.0), "g_loss": 0.5, "note": "x"}] * 5
    fig = viz.plot_history(batch_logs, xlabel="step")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["d_loss", "g_loss"]
    assert len(lines[0].get_xdata()) == 5
    assert fig.axes[0].get_xlabel() == "step"


def test_plot_history_rejects_unknown_keys_and_types():
    with pytest.raises(ValueError, match=r"Received: keys=\['gen_loss'\]"):
        viz.plot_history({"g_loss": [1.0]}, keys=["gen_loss"])
    with pytest.raises(TypeError, match="Received: history of type int"):
        viz.plot_history(3)


def test_plot_2d_scatter_density_and_modes():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(100, 2)), rng.normal(size=(80, 2))
    modes = np.array([[0.0, 0.0], [1.0, 1.0]])

    fig = viz.plot_2d(real, fake, title="ring")
    ax = fig.axes[0]
    assert ax.get_title() == "ring"
    assert [c.get_offsets().shape for c in ax.collections] == [(100, 2), (80, 2)]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["real", "fake"]

    fig = viz.plot_2d(fake=fake, modes=modes, limits=(-4, 4))
    ax = fig.axes[0]
    assert [c.get_offsets().shape for c in ax.collections] == [(80, 2), (2, 2)]
    assert ax.get_xlim() == (-4, 4) and ax.get_ylim() == (-4, 4)

    fig = viz.plot_2d(real, fake, kind="density", bins=10, limits=((-5, 5), (-3, 3)))
    ax = fig.axes[0]
    (mesh,) = ax.collections
    assert isinstance(mesh, QuadMesh)
    assert mesh.get_array().size == 100
    assert mesh.get_array().sum() == pytest.approx(np.sum(np.abs(fake[:, 1]) <= 3))
    assert ax.get_ylim() == (-3, 3)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "Received: real=None, fake=None"),
        ({"real": np.zeros((3, 3))}, r"Received: real.shape=\(3, 3\)"),
        ({"fake": np.zeros((3, 2)), "kind": "kde"}, "Received: kind='kde'"),
        ({"fake": np.zeros((3, 2)), "limits": (1, 0)}, r"Received: limits=\(1, 0\)"),
    ],
)
def test_plot_2d_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        viz.plot_2d(**kwargs)


def test_save_figure_writes_png_and_closes(tmp_path):
    fig = viz.plot_images(np.zeros((4, 8, 8, 1)))
    number = fig.number
    path = viz.save_figure(fig, tmp_path / "deep" / "er" / "grid.png")
    assert path == tmp_path / "deep" / "er" / "grid.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.image.imread(path).ndim == 3
    assert not plt.fignum_exists(number)
