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
