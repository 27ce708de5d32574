"""Full-reference image quality: PSNR and SSIM, of a model and of a baseline.

Both compare an image with its ground truth, on images rescaled to
[0, 1] (`tf.image.psnr` and `tf.image.ssim` with `max_val=1`):

- PSNR, the peak signal-to-noise ratio in dB: `10 log10(1 / MSE)`; higher
  is better, +6 dB halves the RMS error.
- SSIM (Wang et al., 2004): the structural similarity of local windows (an
  11x11 Gaussian window with sigma 1.5), comparing mean, contrast and
  correlation; 1 for identical images.

`high_frequency_ratio` measures sharpness rather than fidelity: the power
of the images above a radial frequency, relative to that of the ground
truth (1.0: as much fine detail as the truth; a blurry estimate gives
less, a noisy one more). Restoration trades one for the other (Blau and
Michaeli, 2018, "The perception-distortion tradeoff"): the mean of the
plausible answers has the best PSNR and is blurry.

`paired_image_quality` runs over a dataset of `(input, target)` pairs,
such as `tge.data.paired(...)`: of a model's translations of the inputs,
or, without a model, of the inputs themselves, which is the baseline a
model must beat (the noisy image for denoising, the bicubic up-sampling
for super-resolution).

Example:

>>> import numpy as np
>>> target = np.zeros((1, 16, 16, 1), "float32")
>>> noisy = target + 0.1  # 0.05 of the [0, 1] range: MSE 0.0025
>>> round(psnr(noisy, target), 2)
26.02
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import tensorflow as tf

from tfgan_edu.metrics._validation import check_range

DEFAULT_RANGE: tuple[float, float] = (-1.0, 1.0)
"""The value range of this package's images."""


def _to_unit(images, value_range) -> tf.Tensor:
    low, high = value_range
    return (tf.cast(tf.convert_to_tensor(images), tf.float32) - low) / (high - low)


SSIM_WINDOW = 11
"""Side of `tf.image.ssim`'s default Gaussian window: the images' minimum size."""


def _per_image(metric, predictions, targets, value_range, min_size=1) -> np.ndarray:
    value_range = check_range(value_range)
    predictions = _to_unit(predictions, value_range)
    targets = _to_unit(targets, value_range)
    if predictions.shape.rank != 4 or predictions.shape != targets.shape:
        raise ValueError(
            "Expected predictions and targets of the same shape (batch, height, "
            f"width, channels). Received: predictions.shape={tuple(predictions.shape)}, "
            f"targets.shape={tuple(targets.shape)}"
        )
    if min(predictions.shape[1:3]) < min_size:
        raise ValueError(
            f"Expected images of at least {min_size}x{min_size} pixels (the side "
            f"of SSIM's window). Received: images of shape {tuple(predictions.shape)}"
        )
    return metric(predictions, targets, max_val=1.0).numpy().astype(np.float64)


def psnr(predictions, targets, value_range=DEFAULT_RANGE) -> float:
    """Mean peak signal-to-noise ratio (dB) of images against their targets.

    `PSNR = 10 log10(1 / MSE)` per image, after rescaling `value_range` to
    [0, 1], averaged over the images (an image equal to its target has an
    infinite PSNR, and so then has the mean).

    Args:
        predictions: images `(N, H, W, C)`.
        targets: their ground truth, same shape.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.

    Returns:
        A float, in dB.

    Example:

    >>> import numpy as np
    >>> x = np.zeros((2, 8, 8, 1)); y = x + 0.2  # 0.1 in [0, 1] units
    >>> round(psnr(y, x), 3)
    20.0
    """
    return float(np.mean(_per_image(tf.image.psnr, predictions, targets, value_range)))


def ssim(predictions, targets, value_range=DEFAULT_RANGE) -> float:
    """Mean structural similarity of images against their targets.

    `tf.image.ssim` with its defaults (11x11 Gaussian window, sigma 1.5,
    `k1 = 0.01`, `k2 = 0.03`) on images rescaled to [0, 1], averaged over
    the images (and, per image, over the channels). Images must be at least
    11x11.

    Args:
        predictions: images `(N, H, W, C)`.
        targets: their ground truth, same shape.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.

    Returns:
        A float in [-1, 1]; 1 for identical images.

    Example:

    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1))
    >>> ssim(x, x)
    1.0
    """
    return float(
        np.mean(
            _per_image(tf.image.ssim, predictions, targets, value_range, SSIM_WINDOW)
        )
    )


DEFAULT_CUTOFF: float = 0.25
"""Radial frequency (cycles per pixel) above which `high_frequency_ratio`
counts power: half the Nyquist frequency of 0.5."""


def high_frequency_energy(images, cutoff=DEFAULT_CUTOFF, value_range=DEFAULT_RANGE):
    """Power above a radial frequency, per image (summed over channels).

    Each channel of each image is rescaled to [0, 1], its mean removed,
    multiplied by a 2-D Hann window (so the patch's borders do not count as
    edges), and Fourier transformed; the result sums `|F(u, v)|^2 / (H W)`
    over the frequencies with `sqrt(u^2 + v^2) > cutoff` cycles per pixel.

    Args:
        images: images `(N, H, W, C)`.
        cutoff: the radial frequency in cycles per pixel, in (0, 0.7072)
            (the corner of the spectrum is `sqrt(0.5^2 + 0.5^2)`). Defaults
            to 0.25.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.

    Returns:
        A float64 array `(N,)`.

    Example:

    >>> import numpy as np
    >>> flat = np.zeros((1, 16, 16, 1))
    >>> high_frequency_energy(flat)
    array([0.])
    """
    low, high = check_range(value_range)
    if (
        isinstance(cutoff, bool)
        or not isinstance(cutoff, (int, float, np.floating))
        or not 0 < cutoff < np.sqrt(0.5)
    ):
        raise ValueError(
            "Expected `cutoff` to be a number in (0, 0.7071), in cycles per pixel. "
            f"Received: cutoff={cutoff!r}"
        )
    images = (np.asarray(images, np.float64) - low) / (high - low)
    if images.ndim != 4:
        raise ValueError(
            "Expected images of shape (batch, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )
    height, width = images.shape[1:3]
    images = images - images.mean(axis=(1, 2), keepdims=True)
    window = np.outer(np.hanning(height), np.hanning(width))[None, :, :, None]
    power = np.abs(np.fft.fft2(images * window, axes=(1, 2))) ** 2 / (height * width)
    radius = np.hypot(
        *np.meshgrid(np.fft.fftfreq(height), np.fft.fftfreq(width), indexing="ij")
    )
    return (power * (radius > cutoff)[None, :, :, None]).sum(axis=(1, 2, 3))


def high_frequency_ratio(
    predictions, targets, cutoff=DEFAULT_CUTOFF, value_range=DEFAULT_RANGE
) -> float:
    """Sharpness relative to the truth: high-frequency power of predictions / targets.

    `sum_i E(prediction_i) / sum_i E(target_i)`, with `E` the power above
    `cutoff` cycles per pixel of `high_frequency_energy`. 1.0 means as much
    fine detail as the ground truth (not necessarily the same detail);
    below 1 is blurrier (bicubic up-sampling, a denoiser that smooths),
    above 1 has extra high frequencies (noise, artefacts). It pairs with
    PSNR/SSIM, which reward the blurry mean: the perception-distortion
    trade-off.

    Args:
        predictions: images `(N, H, W, C)`.
        targets: their ground truth, same shape.
        cutoff: radial frequency in cycles per pixel. Defaults to 0.25.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.

    Returns:
        A float >= 0.

    Example:

    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 16, 16, 1))
    >>> round(high_frequency_ratio(0.5 * x, x), 4)  # half the amplitude
    0.25
    """
    predictions = np.asarray(predictions)
    targets = np.asarray(targets)
    if predictions.shape != targets.shape:
        raise ValueError(
            "Expected predictions and targets of the same shape. Received: "
            f"predictions.shape={predictions.shape}, targets.shape={targets.shape}"
        )
    target_energy = high_frequency_energy(targets, cutoff, value_range).sum()
    if target_energy == 0:
        raise ValueError(
            "Expected targets with some power above the cutoff (they are flat). "
            f"Received: cutoff={cutoff}"
        )
    return float(
        high_frequency_energy(predictions, cutoff, value_range).sum() / target_energy
    )


def paired_image_quality(
    dataset,
    translate: Callable | None = None,
    value_range=DEFAULT_RANGE,
) -> dict[str, float]:
    """PSNR and SSIM over a dataset of `(input, target)` image pairs.

    Args:
        dataset: an iterable of `(inputs, targets)` batches, such as
            `tge.data.paired(..., split="test", shuffle=False)`.
        translate: a callable mapping a batch of inputs to predictions,
            e.g. a trained `tge.Pix2Pix` or its generator (called with
            `training=False` when it is a Keras layer or model). `None`
            scores the inputs themselves against the targets: the
            baseline of the degradation. Defaults to `None`.
        value_range: the `(low, high)` range of the images. Defaults to
            `(-1, 1)`.

    Returns:
        A dict: `"psnr"` (mean dB), `"ssim"` (mean) and `"count"` (images).

    Example:

    >>> import tfgan_edu as tge
    >>> test = tge.data.paired("digits", task="super_resolution", factor=4,
    ...                        batch_size=90, split="test", shuffle=False)
    >>> bicubic = paired_image_quality(test)
    >>> round(bicubic["psnr"], 2), bicubic["count"]
    (28.56, 360)
    """
    check_range(value_range)
    psnrs, ssims = [], []
    for batch in dataset:
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise ValueError(
                "Expected a dataset of (inputs, targets) image batches. Received "
                f"a batch of type {type(batch).__name__}"
            )
        inputs, targets = batch
        if translate is None:
            predictions = inputs
        elif hasattr(translate, "trainable_variables"):  # a Keras layer or model
            predictions = translate(inputs, training=False)
        else:
            predictions = translate(inputs)
        psnrs.append(_per_image(tf.image.psnr, predictions, targets, value_range))
        ssims.append(
            _per_image(tf.image.ssim, predictions, targets, value_range, SSIM_WINDOW)
        )
    if not psnrs:
        raise ValueError("Expected a dataset with at least one batch. Received: none")
    psnrs, ssims = np.concatenate(psnrs), np.concatenate(ssims)
    return {
        "psnr": float(np.mean(psnrs)),
        "ssim": float(np.mean(ssims)),
        "count": int(len(psnrs)),
    }
