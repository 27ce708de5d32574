"""Tests of the differentiable augmentations (DiffAugment)."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfgan_edu.augment import color, cutout, diff_augment, translation

AUGMENTATIONS = [color, translation, cutout, diff_augment]


def _images(shape=(4, 16, 16, 3), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=shape).astype(np.float32)


def _np(x):
    return keras.ops.convert_to_numpy(x)


@pytest.mark.parametrize("augment", AUGMENTATIONS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_shape_and_dtype_are_preserved(augment, dtype):
    images = _images((3, 12, 8, 2)).astype(dtype)
    out = augment(images, seed=1)
    assert tuple(out.shape) == images.shape
    assert keras.backend.standardize_dtype(out.dtype) == dtype


@pytest.mark.parametrize("augment", AUGMENTATIONS)
def test_gradients_flow_to_the_images(augment):
    images = tf.Variable(_images())
    weights = _images(seed=1)  # a generic linear function of the output
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(weights * augment(images, seed=2))
    grads = _np(tape.gradient(total, images))
    assert np.isfinite(grads).all()
    assert np.abs(grads).sum(axis=(1, 2, 3)).min() > 0  # every image


def _np_translate(image, dy, dx, fill_value):
    """Reference: the content of `image` moves down by dy and right by dx."""
    height, width, _ = image.shape
    out = np.full_like(image, fill_value)
    for i in range(height):
        for j in range(width):
            if 0 <= i - dy < height and 0 <= j - dx < width:
                out[i, j] = image[i - dy, j - dx]
    return out


def test_translation_moves_a_bright_pixel_within_the_ratio_bound():
    images = np.full((64, 32, 32, 1), -1.0, np.float32)
    images[:, 16, 16, 0] = 1.0
    out = _np(translation(images, ratio=0.125, seed=3))
    offsets = []
    for image in out:
        # The pixel stays inside (at most 4 from 16), so nothing is lost:
        # one bright pixel, background elsewhere.
        assert np.sum(image > -1.0) == 1
        assert image.sum() == pytest.approx(images[0].sum())
        ((i, j, _),) = np.argwhere(image == 1.0)
        offsets.append((i - 16, j - 16))
    offsets = np.array(offsets)
    assert np.abs(offsets).max() == 4  # round(0.125 * 32), reached
    assert len({tuple(o) for o in offsets}) > 20  # one draw per image
    assert (offsets < 0).any() and (offsets > 0).any()


def test_translation_shifts_the_whole_image_and_fills_with_fill_value():
    # Channels 0 and 1 hold each pixel's row and column: the output tells
    # where each pixel came from, hence the offsets of each image.
    rows, cols = np.meshgrid(np.arange(12), np.arange(10), indexing="ij")
    image = np.stack([rows / 12, cols / 10], axis=-1).astype(np.float32)
    images = np.repeat(image[None], 16, axis=0)
    out = _np(translation(images, ratio=0.25, fill_value=-0.5, seed=4))
    for shifted in out:
        i, j = np.argwhere(shifted[..., 0] != -0.5)[0]
        dy = i - round(shifted[i, j, 0] * 12)
        dx = j - round(shifted[i, j, 1] * 10)
        assert abs(dy) <= 3 and abs(dx) <= 3  # round(0.25 * 12), round(0.25 * 10)
        np.testing.assert_array_equal(shifted, _np_translate(image, dy, dx, -0.5))


@pytest.mark.parametrize(
    "shape, side", [((16, 28, 28, 3), (14, 14)), ((16, 8, 12, 1), (4, 6))]
)
def test_cutout_blanks_one_square_of_the_expected_size(shape, side):
    out = _np(cutout(np.ones(shape, np.float32), ratio=0.5, seed=5))
    corners = set()
    for image in out:
        cut = image == -1.0
        assert cut.sum() == side[0] * side[1] * shape[-1]
        assert (cut == cut[..., :1]).all()  # all channels of a pixel
        rows, cols = np.nonzero(cut[..., 0])
        # One rectangle: the bounding box is all cut.
        assert (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == side
        assert (image[~cut] == 1.0).all()
        corners.add((rows.min(), cols.min()))
    assert len(corners) > 8  # one position per image


def test_cutout_with_ratio_0_is_the_identity():
    images = _images()
    np.testing.assert_array_equal(_np(cutout(images, ratio=0.0, seed=0)), images)


def test_color_matches_a_numpy_reimplementation():
    images = _images((5, 6, 6, 3)).astype(np.float64)
    out = _np(color(images.astype(np.float32), seed=keras.random.SeedGenerator(7)))
    # The same draws, in the documented order, from a twin generator.
    twin = keras.random.SeedGenerator(7)
    b, s, c = (
        _np(keras.random.uniform((5, 1, 1, 1), low, high, seed=twin))
        for low, high in [(-0.5, 0.5), (0.0, 2.0), (0.5, 1.5)]
    )
    assert len({b[0, 0, 0, 0], s[0, 0, 0, 0], c[0, 0, 0, 0]}) == 3
    x = images + b
    x = (x - x.mean(axis=3, keepdims=True)) * s + x.mean(axis=3, keepdims=True)
    m = x.mean(axis=(1, 2, 3), keepdims=True)
    np.testing.assert_allclose(out, (x - m) * c + m, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("augment", AUGMENTATIONS)
def test_same_seed_same_augmentation(augment):
    images = _images()
    first = _np(augment(images, seed=11))
    np.testing.assert_array_equal(_np(augment(images, seed=11)), first)
    assert not np.array_equal(_np(augment(images, seed=12)), first)
    # A generator advances: successive calls differ, twins agree.
    generator, twin = keras.random.SeedGenerator(3), keras.random.SeedGenerator(3)
    calls = [_np(augment(images, seed=generator)) for _ in range(2)]
    assert not np.array_equal(*calls)
    for call in calls:
        np.testing.assert_array_equal(_np(augment(images, seed=twin)), call)


def test_examples_get_different_parameters():
    images = np.repeat(_images((1, 16, 16, 3)), 8, axis=0)
    out = _np(diff_augment(images, seed=0))
    assert len({o.tobytes() for o in out}) == 8


def test_diff_augment_applies_the_policy_in_order():
    images = _images()
    out = diff_augment(
        images, " translation, cutout ", seed=keras.random.SeedGenerator(2)
    )
    twin = keras.random.SeedGenerator(2)
    expected = cutout(translation(images, seed=twin), seed=twin)
    np.testing.assert_array_equal(_np(out), _np(expected))
    np.testing.assert_array_equal(_np(diff_augment(images, "", seed=0)), images)


@pytest.mark.parametrize("jit_compile", [False, True])
def test_runs_in_a_compiled_function_with_unknown_batch_size(jit_compile):
    generator = keras.random.SeedGenerator(1)

    @tf.function(
        jit_compile=jit_compile,
        input_signature=[tf.TensorSpec((None, 16, 16, 1), tf.float32)],
    )
    def augment_and_differentiate(images):
        with tf.GradientTape() as tape:
            tape.watch(images)
            out = diff_augment(images, seed=generator)
            total = tf.reduce_sum(out)
        return out, tape.gradient(total, images)

    for batch_size in (3, 5):
        ones = np.ones((batch_size, 16, 16, 1), np.float32)
        out, grads = augment_and_differentiate(ones)
        assert out.shape == (batch_size, 16, 16, 1)
        assert np.isfinite(_np(grads)).all() and np.abs(_np(grads)).sum() > 0
    # Successive calls advance the generator.
    assert not np.array_equal(_np(augment_and_differentiate(ones)[0]), _np(out))


def test_unknown_policy_name_raises():
    with pytest.raises(ValueError) as info:
        diff_augment(_images(), "color,zoom")
    message = str(info.value)
    assert "'zoom'" in message
    assert "'color', 'translation', 'cutout'" in message
    assert message.endswith("Received: policy='color,zoom'")
    with pytest.raises(ValueError, match=r"Received: policy=\['color'\]"):
        diff_augment(_images(), ["color"])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: translation(_images(), ratio=1.5), "Received: ratio=1.5"),
        (lambda: cutout(_images(), ratio=-0.1), r"Received: ratio=-0.1"),
        (lambda: color(_images(), seed="a"), "Received: seed='a'"),
        (lambda: color(_images(), seed=True), "Received: seed=True"),
        (lambda: cutout(np.ones((2, 8, 8))), r"Received: images.shape=\(2, 8, 8\)"),
        (
            lambda: translation(np.ones((1, 4, 4, 1), np.int32)),
            "Received: images.dtype=int32",
        ),
    ],
)
def test_invalid_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
