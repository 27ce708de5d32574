"""PSNR and SSIM against float64 NumPy/SciPy references; paired quality over data."""

import numpy as np
import pytest
from scipy import signal

import tfgan_edu as tge


def psnr_reference(a, b):
    """PSNR in dB of [0, 1] images, per image: 10 log10(1 / MSE)."""
    mse = np.mean((a.astype(np.float64) - b) ** 2, axis=(1, 2, 3))
    return 10 * np.log10(1.0 / mse)


def ssim_reference(a, b, size=11, sigma=1.5, k1=0.01, k2=0.03):
    """SSIM of Wang et al. (2004) per image, Gaussian window, 'valid' filtering,
    averaged over positions and channels (images in [0, 1])."""
    g = np.exp(-((np.arange(size) - size // 2) ** 2) / (2 * sigma**2))
    window = np.outer(g, g) / np.outer(g, g).sum()
    c1, c2 = k1**2, k2**2
    out = []
    for x, y in zip(a.astype(np.float64), b.astype(np.float64)):
        values = []
        for c in range(x.shape[-1]):
            f = lambda t: signal.correlate2d(t, window, mode="valid")  # noqa: E731
            mx, my = f(x[..., c]), f(y[..., c])
            vx = f(x[..., c] ** 2) - mx**2
            vy = f(y[..., c] ** 2) - my**2
            cov = f(x[..., c] * y[..., c]) - mx * my
            s = ((2 * mx * my + c1) * (2 * cov + c2)) / (
                (mx**2 + my**2 + c1) * (vx + vy + c2)
            )
            values.append(s.mean())
        out.append(np.mean(values))
    return np.array(out)


@pytest.fixture
def pair():
    rng = np.random.default_rng(0)
    target = rng.uniform(-1, 1, (6, 24, 24, 2)).astype("float32")
    noisy = np.clip(target + rng.normal(0, 0.3, target.shape), -1, 1).astype("float32")
    return noisy, target


def test_psnr_matches_the_closed_form(pair):
    noisy, target = pair
    expected = psnr_reference((noisy + 1) / 2, (target + 1) / 2).mean()
    assert tge.metrics.psnr(noisy, target) == pytest.approx(expected, rel=1e-5)
    # In another value range the same images give the same PSNR.
    assert tge.metrics.psnr(
        (noisy + 1) * 127.5, (target + 1) * 127.5, value_range=(0, 255)
    ) == pytest.approx(expected, rel=1e-5)


def test_ssim_matches_a_float64_reference(pair):
    noisy, target = pair
    expected = ssim_reference((noisy + 1) / 2, (target + 1) / 2).mean()
    assert tge.metrics.ssim(noisy, target) == pytest.approx(expected, abs=1e-4)
    assert tge.metrics.ssim(target, target) == pytest.approx(1.0)


def test_paired_quality_of_a_model_and_of_the_baseline(pair):
    noisy, target = pair
    batches = [(noisy[:4], target[:4]), (noisy[4:], target[4:])]
    baseline = tge.metrics.paired_image_quality(batches)
    assert baseline["count"] == 6
    assert baseline["psnr"] == pytest.approx(
        psnr_reference((noisy + 1) / 2, (target + 1) / 2).mean(), rel=1e-5
    )
    halfway = tge.metrics.paired_image_quality(batches, translate=lambda x: x * 0.5)
    np.testing.assert_allclose(
        halfway["ssim"],
        ssim_reference((noisy * 0.5 + 1) / 2, (target + 1) / 2).mean(),
        atol=1e-4,
    )


def test_keras_models_are_called_in_inference_mode():
    import keras

    model = keras.Sequential([keras.Input((16, 16, 1)), keras.layers.Dropout(0.9)])
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    # With dropout active the output would differ from the input.
    quality = tge.metrics.paired_image_quality([(x, x)], translate=model)
    assert quality["ssim"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: tge.metrics.psnr(np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 3))),
            "same shape",
        ),
        (lambda: tge.metrics.psnr(np.zeros((8, 8)), np.zeros((8, 8))), "same shape"),
        (
            lambda: tge.metrics.ssim(
                np.zeros((1, 16, 16, 1)), np.zeros((1, 16, 16, 1)), value_range=(1, 1)
            ),
            "value_range=\\(1, 1\\)",
        ),
        (lambda: tge.metrics.paired_image_quality([]), "at least one batch"),
        (
            lambda: tge.metrics.paired_image_quality([np.zeros((2, 16, 16, 1))]),
            "inputs, targets",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- against scikit-image -----------------------------------------------------


@pytest.fixture(scope="module")
def photo_pair():
    """Held-out photo tiles (colour, 64 x 64) and a noisy, clipped copy."""
    from tfgan_edu.data import photos

    clean = photos.held_out_patches(64)[0][::10]  # 15 tiles of all 3 photos
    rng = np.random.default_rng(1)
    noisy = np.clip(clean + rng.normal(0, 0.2, clean.shape), -1, 1).astype("float32")
    return noisy, clean


def test_psnr_and_ssim_match_scikit_image(photo_pair):
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    noisy, clean = photo_pair
    unit = lambda x: (x.astype(np.float64) + 1) / 2  # noqa: E731
    expected_psnr = np.mean(
        [
            peak_signal_noise_ratio(unit(t), unit(p), data_range=1)
            for p, t in zip(noisy, clean)
        ]
    )
    # tf.image.ssim's window: 11 x 11 Gaussian, sigma 1.5 (skimage's
    # truncate=3.5 gives radius 5, the same 11 taps), population
    # covariances, only the positions where the window fits.
    expected_ssim = np.mean(
        [
            structural_similarity(
                unit(t),
                unit(p),
                data_range=1,
                gaussian_weights=True,
                sigma=1.5,
                use_sample_covariance=False,
                channel_axis=-1,
            )
            for p, t in zip(noisy, clean)
        ]
    )
    # float32 (TF) against float64 (skimage): 1e-4 dB and 1e-4 of SSIM.
    assert tge.metrics.psnr(noisy, clean) == pytest.approx(expected_psnr, abs=1e-4)
    assert tge.metrics.ssim(noisy, clean) == pytest.approx(expected_ssim, abs=1e-4)


# --- sharpness ------------------------------------------------------------------


def _dft_high_frequency_energy(images, cutoff):
    """The same quantity by an explicit float64 DFT matrix, image by image."""
    out = []
    for image in (images.astype(np.float64) + 1) / 2:
        h, w, c = image.shape
        fh = np.exp(-2j * np.pi * np.outer(np.arange(h), np.arange(h)) / h)
        fw = np.exp(-2j * np.pi * np.outer(np.arange(w), np.arange(w)) / w)
        # frequencies of row k: k / h folded to [-0.5, 0.5)
        freq_h = (
            np.where(np.arange(h) < (h + 1) // 2, np.arange(h), np.arange(h) - h) / h
        )
        freq_w = (
            np.where(np.arange(w) < (w + 1) // 2, np.arange(w), np.arange(w) - w) / w
        )
        keep = np.sqrt(freq_h[:, None] ** 2 + freq_w[None, :] ** 2) > cutoff
        hann_h = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(h) / (h - 1))
        hann_w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(w) / (w - 1))
        total = 0.0
        for k in range(c):
            x = (image[..., k] - image[..., k].mean()) * np.outer(hann_h, hann_w)
            spectrum = fh @ x @ fw.T
            total += (np.abs(spectrum) ** 2 * keep).sum() / (h * w)
        out.append(total)
    return np.array(out)


def test_high_frequency_energy_matches_an_explicit_dft(pair):
    from tfgan_edu.metrics.image_quality import high_frequency_energy

    noisy, _ = pair
    for cutoff in (0.1, 0.25, 0.4):
        np.testing.assert_allclose(
            high_frequency_energy(noisy, cutoff),
            _dft_high_frequency_energy(noisy, cutoff),
            rtol=1e-9,
        )


def test_high_frequency_ratio_sees_blur_noise_and_scale(photo_pair):
    from scipy import ndimage

    from tfgan_edu.metrics.image_quality import high_frequency_ratio

    noisy, clean = photo_pair
    assert high_frequency_ratio(clean, clean) == pytest.approx(1.0)
    # Scaling the contrast about the mean scales the power by its square.
    contrast = clean.mean(axis=(1, 2), keepdims=True) + 0.5 * (
        clean - clean.mean(axis=(1, 2), keepdims=True)
    )
    # (float32 images: 1e-6)
    assert high_frequency_ratio(contrast, clean) == pytest.approx(0.25, rel=1e-6)
    blurred = ndimage.gaussian_filter(clean, sigma=(0, 1.5, 1.5, 0))
    assert high_frequency_ratio(blurred, clean) < 0.2
    assert high_frequency_ratio(noisy, clean) > 2.0
    # A vertical cosine of 0.125 cycles/pixel has no power above 0.25;
    # one of 0.375 has all of its power there.
    cols = np.arange(64)[None, None, :, None]
    low = np.broadcast_to(0.5 * np.cos(2 * np.pi * 0.125 * cols), (1, 64, 64, 1))
    high = np.broadcast_to(0.5 * np.cos(2 * np.pi * 0.375 * cols), (1, 64, 64, 1))
    assert high_frequency_ratio(low, high) < 1e-3
    with pytest.raises(ValueError, match="cutoff=0.8"):
        high_frequency_ratio(clean, clean, cutoff=0.8)
    with pytest.raises(ValueError, match="flat"):
        high_frequency_ratio(clean[:1], np.zeros_like(clean[:1]))


def test_ssim_refuses_images_smaller_than_its_window():
    small = np.zeros((2, 8, 8, 1), "float32")
    with pytest.raises(
        ValueError,
        match=r"^Expected images of at least 11x11 pixels \(the side of SSIM's "
        r"window\). Received: images of shape \(2, 8, 8, 1\)$",
    ):
        tge.metrics.ssim(small, small)
    assert tge.metrics.psnr(small + 0.1, small) == pytest.approx(26.0206, abs=1e-3)
