"""Classical restoration baselines and the Pix2Pix comparison on held-out photos."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from skimage import restoration as skr

import tfgan_edu as tge
from tfgan_edu.data import image_pairs, photos
from tfgan_edu.experiments import restoration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def noisy_tiles():
    clean = photos.held_out_patches(64)[0][:3]
    noisy = tge.data.degrade(clean, "denoise", seed=0, noise_std=0.2).numpy()
    return noisy, clean


def test_denoisers_are_scikit_image_on_unit_range_images(noisy_tiles):
    noisy, _ = noisy_tiles
    unit = (noisy[0].astype(np.float64) + 1) / 2
    sigma = 0.1  # noise_std 0.2 in [-1, 1] units
    expected = {
        "nl_means": skr.denoise_nl_means(
            unit,
            h=0.8 * sigma,
            sigma=sigma,
            patch_size=5,
            patch_distance=6,
            fast_mode=True,
            channel_axis=-1,
        ),
        "tv_chambolle": skr.denoise_tv_chambolle(unit, weight=0.1, channel_axis=-1),
        "wavelet": skr.denoise_wavelet(
            unit,
            sigma=0.5 * sigma,
            method="VisuShrink",
            mode="soft",
            rescale_sigma=True,
            convert2ycbcr=True,
            channel_axis=-1,
        ),
    }
    params = {
        "nl_means": {"h_factor": 0.8},
        "tv_chambolle": {"weight": 0.1},
        "wavelet": {"shrinkage": "VisuShrink", "sigma_factor": 0.5},
    }
    for method, reference in expected.items():
        out = restoration.denoise(noisy[:1], method, 0.2, **params[method])
        np.testing.assert_allclose(
            out[0], np.clip(reference, 0, 1) * 2 - 1, atol=1e-6, err_msg=method
        )


def test_tuning_takes_the_best_point_of_the_grid(noisy_tiles):
    _, clean = noisy_tiles
    best, scores = restoration.tune_denoiser("tv_chambolle", 0.4, clean)
    assert [p["weight"] for p, _ in scores] == list(
        restoration.DENOISER_GRIDS["tv_chambolle"]["weight"]
    )
    assert best == max(scores, key=lambda s: s[1])[0]
    # Recompute one grid point by hand: same noise (seed 1), same PSNR.
    noisy = tge.data.degrade(clean, "denoise", seed=1, noise_std=0.4).numpy()
    by_hand = tge.metrics.psnr(
        restoration.denoise(noisy, "tv_chambolle", weight=0.3), clean
    )
    assert scores[-1][1] == pytest.approx(by_hand)
    # More noise wants more smoothing.
    light, _ = restoration.tune_denoiser("tv_chambolle", 0.1, clean)
    assert light["weight"] < best["weight"]


def test_denoisers_are_tuned_on_training_photographs_only(monkeypatch):
    seen = []
    tune = restoration.tune_denoiser

    def spy(method, noise_std, clean, **kwargs):
        seen.append(np.array(clean))
        return tune(method, noise_std, clean, **kwargs)

    monkeypatch.setattr(restoration, "tune_denoiser", spy)
    result = restoration.compare(
        "denoise", restoration.SMOKE, n_test=2, n_tune=3, noise_std=0.4
    )
    assert len(seen) == len(restoration.DENOISERS)
    for clean in seen:
        for patch in clean:
            assert photos.find_patch(patch)[0] in photos.TRAIN_PHOTOS
    assert list(result.table["method"]) == [
        "input",
        "nl_means",
        "tv_chambolle",
        "wavelet",
        "l1_only",
        "pix2pix",
    ]
    assert set(result.params) == set(restoration.DENOISERS)
    # The input's row is the noisy test tiles' own score.
    noisy, clean = next(
        iter(
            tge.data.paired(
                "photos", "denoise", 2, split="test", shuffle=False, noise_std=0.4
            )
        )
    )
    assert result.table["psnr"][0] == pytest.approx(tge.metrics.psnr(noisy, clean))
    np.testing.assert_array_equal(result.examples["target"], clean)


def test_inpaint_masks_are_where_degrade_blanks_and_biharmonic_keeps_the_rest():
    clean = photos.held_out_patches(64)[0][:5]
    degraded = tge.data.degrade(
        clean, "inpaint", seed=image_pairs.TEST_DEGRADATION_SEED, mask_size=16
    ).numpy()
    masks = restoration.inpaint_masks(
        clean.shape, image_pairs.TEST_DEGRADATION_SEED, 16
    )
    assert (masks.sum(axis=(1, 2)) == 256).all()
    assert (degraded[masks] == 0).all()
    np.testing.assert_array_equal(degraded[~masks], clean[~masks])
    filled = restoration.inpaint_biharmonic(degraded, masks)
    np.testing.assert_allclose(filled[~masks], clean[~masks], atol=1e-6)
    # Biharmonic filling beats the gray square inside the holes.
    err_filled = np.abs(filled - clean)[masks].mean()
    err_gray = np.abs(degraded - clean)[masks].mean()
    assert err_filled < 0.7 * err_gray


def test_smoke_benchmark_writes_every_setting_and_method(tmp_path):
    out = tmp_path / "smoke.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "photo_restoration.py"),
            "--smoke",
            "--out",
            str(out),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    payload = json.loads(out.read_text())
    assert {
        "rows",
        "params",
        "config",
        "train_photos",
        "test_photos",
        "test_tiles",
        "seconds",
        "machine",
        "load_average",
        "date",
    } <= set(payload)
    methods = {}
    for row in payload["rows"]:
        assert {"task", "method", "psnr", "ssim", "hf_ratio", "seconds"} <= set(row)
        key = (row["task"], row.get("noise_std"))
        methods.setdefault(key, []).append(row["method"])
    assert methods[("super_resolution", None)] == [
        "bicubic (input)",
        "l1_only",
        "pix2pix",
    ]
    assert methods[("inpaint", None)] == ["input", "biharmonic", "l1_only", "pix2pix"]
    for level in restoration.NOISE_LEVELS:
        assert methods[("denoise", level)][1:4] == list(restoration.DENOISERS)
    assert len(payload["params"]) == len(restoration.NOISE_LEVELS)
    assert payload["test_tiles"] == 4
    assert set(payload["train_photos"]).isdisjoint(payload["test_photos"])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: restoration.compare("colorize"), "task='colorize'"),
        (lambda: restoration.compare("denoise", factor=2), "factor"),
        (lambda: restoration.denoise(np.zeros((1, 8, 8, 3)), "median"), "median"),
        (
            lambda: restoration.denoise(np.zeros((1, 8, 8, 3)), "nl_means", h_factor=1),
            "noise_std=None",
        ),
        (
            lambda: restoration.inpaint_biharmonic(
                np.zeros((2, 8, 8, 3)), np.zeros((2, 8, 7), bool)
            ),
            "masks.shape",
        ),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
