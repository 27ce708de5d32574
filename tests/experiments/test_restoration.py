"""Classical restoration baselines and the Pix2Pix comparison on held-out photos."""

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import keras
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


def _run_smoke_benchmark(script: str, out, *args: str) -> dict:
    """Runs `benchmarks/<script> --smoke ARGS --out OUT`; returns its JSON."""
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--smoke", *args]
        + ["--out", str(out)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return json.loads(out.read_text())


def test_smoke_benchmark_writes_every_setting_and_method(tmp_path):
    out = tmp_path / "smoke.json"
    payload = _run_smoke_benchmark("photo_restoration.py", out, "--seeds", "0", "1")
    assert {
        "rows",
        "summary",
        "seeds",
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
    assert payload["seeds"] == [0, 1]
    assert payload["config"] == dataclasses.asdict(restoration.SMOKE)
    methods = {}
    for row in payload["rows"]:
        assert {"task", "method", "psnr", "ssim", "hf_ratio", "seconds"} <= set(row)
        key = (row["task"], row.get("noise_std"))
        methods.setdefault(key, []).append(row["method"])
        methods.setdefault((*key, row["seed"]), []).append(row["method"])
    for key in [k for k in methods if len(k) == 2]:
        assert methods[key] == methods[(*key, 0)] + methods[(*key, 1)]
        methods[key] = methods[(*key, 0)]
    assert payload["summary"] == restoration.summarize(payload["rows"])
    learned = [s for s in payload["summary"] if s["method"] in restoration.LEARNED]
    assert len(learned) == 2 * len(restoration.SETTINGS)
    for summary in learned:
        assert summary["n_seeds"] == 2
        assert 0 <= summary["beats_best_classical"] <= 2
        assert {"psnr_mean", "psnr_std", "ssim_mean", "hf_ratio_std"} <= set(summary)
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
        (
            lambda: restoration.perception_distortion("denoise", l1_weights=()),
            "l1_weights=()",
        ),
        (
            lambda: restoration.perception_distortion("denoise", l1_weights=(10, 0)),
            "l1_weights=",
        ),
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


@pytest.mark.parametrize("warm_start", [False, True])
def test_warm_start_hands_the_trained_l1_weights_to_pix2pix(monkeypatch, warm_start):
    # Pix2Pix takes no step here, so its generator keeps the weights it starts
    # from: the trained L1-only U-Net with warm_start, the shared initial
    # weights without.
    from tfgan_edu.models.pix2pix import Pix2Pix

    rates = {}

    def compile_spy(self, d_optimizer, g_optimizer, **kwargs):
        rates["d"] = float(d_optimizer._learning_rate.initial_learning_rate)
        rates["g"] = float(g_optimizer._learning_rate.initial_learning_rate)

    monkeypatch.setattr(Pix2Pix, "compile", compile_spy)
    monkeypatch.setattr(Pix2Pix, "fit", lambda self, *a, **k: None)
    config = dataclasses.replace(
        restoration.SMOKE, warm_start=warm_start, d_learning_rate=1e-5
    )
    nets = restoration.train_networks("denoise", config, patch_size=32, noise_std=0.2)
    keras.utils.set_random_seed(config.seed)
    initial = restoration._networks(config, 32)[0].get_weights()
    trained = nets["l1_only"].get_weights()
    pix2pix = nets["pix2pix"].get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(trained, initial))
    expected = trained if warm_start else initial
    assert all(np.array_equal(a, b) for a, b in zip(pix2pix, expected))
    assert rates == {"d": 1e-5, "g": config.learning_rate}


def test_committed_x4_result_is_the_default_over_3_seeds():
    # benchmarks/results/photo_restoration_sr.json is the x4 run of DEFAULT
    # on seeds 0, 1, 2: change the default and this fails until the
    # benchmark is re-run. Its summary is `summarize` of its rows.
    results = json.loads(
        (ROOT / "benchmarks/results/photo_restoration_sr.json").read_text()
    )
    assert results["config"] == dataclasses.asdict(restoration.DEFAULT)
    assert results["seeds"] == [0, 1, 2]
    assert results["summary"] == restoration.summarize(results["rows"])
    mean = {row["method"]: row["psnr_mean"] for row in results["summary"]}
    assert mean["pix2pix"] > mean["bicubic (input)"]


def _fake_rows(task, key, value, psnrs_by_seed):
    # Hand-made benchmark rows: {method: psnr} per seed; SSIM = PSNR / 100,
    # HF ratio = seed + 1.
    return [
        {
            "task": task,
            key: value,
            "method": method,
            "seed": seed,
            "psnr": psnr,
            "ssim": psnr / 100,
            "hf_ratio": seed + 1.0,
            "seconds": 1.0,
        }
        for seed, psnrs in enumerate(psnrs_by_seed)
        for method, psnr in psnrs.items()
    ]


def test_summarize_means_spreads_and_counts_over_seeds():
    denoise = _fake_rows(
        "denoise",
        "noise_std",
        0.2,
        [
            # seed 0: both nets above the input; pix2pix above every denoiser
            {
                "input": 20.0,
                "nl_means": 30.0,
                "tv_chambolle": 28.0,
                "wavelet": 29.0,
                "l1_only": 29.5,
                "pix2pix": 31.0,
            },
            # seed 1: the best classical is now the wavelet's 32
            {
                "input": 20.0,
                "nl_means": 30.0,
                "tv_chambolle": 28.0,
                "wavelet": 32.0,
                "l1_only": 19.0,
                "pix2pix": 31.0,
            },
            # seed 2: a tie with the best classical does not count
            {
                "input": 20.0,
                "nl_means": 30.0,
                "tv_chambolle": 28.0,
                "wavelet": 29.0,
                "l1_only": 30.0,
                "pix2pix": 28.0,
            },
        ],
    )
    sr = _fake_rows(
        "super_resolution",
        "factor",
        4,
        [
            {"bicubic (input)": 30.0, "pix2pix": 31.0},
            {"bicubic (input)": 30.0, "pix2pix": 29.0},
        ],
    )
    summary = restoration.summarize(sr + denoise)
    by_method = {(s["task"], s["method"]): s for s in summary}
    assert [(s["task"], s["method"]) for s in summary][:2] == [
        ("super_resolution", "bicubic (input)"),
        ("super_resolution", "pix2pix"),
    ]
    pix2pix = by_method[("denoise", "pix2pix")]
    # PSNR 31, 31, 28: mean 30, sample variance (1 + 1 + 4) / 2 = 3.
    assert pix2pix["psnr_mean"] == pytest.approx(30.0)
    assert pix2pix["psnr_std"] == pytest.approx(np.sqrt(3.0))
    assert pix2pix["ssim_mean"] == pytest.approx(0.30)
    assert pix2pix["ssim_std"] == pytest.approx(np.sqrt(3.0) / 100)
    # HF ratio 1, 2, 3: mean 2, sample std 1.
    assert pix2pix["hf_ratio_mean"] == pytest.approx(2.0)
    assert pix2pix["hf_ratio_std"] == pytest.approx(1.0)
    assert pix2pix["n_seeds"] == 3 and pix2pix["noise_std"] == 0.2
    assert (pix2pix["beats_input"], pix2pix["beats_best_classical"]) == (3, 1)
    l1_only = by_method[("denoise", "l1_only")]
    assert (l1_only["beats_input"], l1_only["beats_best_classical"]) == (2, 0)
    assert "beats_input" not in by_method[("denoise", "nl_means")]
    assert by_method[("denoise", "nl_means")]["psnr_std"] == 0.0
    # Super-resolution: bicubic is both the input and the classical method.
    sr_pix2pix = by_method[("super_resolution", "pix2pix")]
    assert (sr_pix2pix["beats_input"], sr_pix2pix["beats_best_classical"]) == (1, 1)
    assert sr_pix2pix["factor"] == 4 and sr_pix2pix["psnr_std"] == pytest.approx(
        np.sqrt(2.0)
    )
    # One seed: no spread.
    one = restoration.summarize([r for r in sr if r["seed"] == 0])
    assert one[1]["psnr_std"] is None and one[1]["n_seeds"] == 1
    with pytest.raises(ValueError, match="seed=0"):
        restoration.summarize(sr + sr)
    with pytest.raises(ValueError, match="'input' row for seed 0"):
        restoration.summarize([r for r in denoise if r["method"] != "input"])


def _test_psnr(network, task, n_test, **degradation):
    degraded, clean = restoration._test_tiles(task, degradation, n_test)
    return tge.metrics.psnr(network.predict(degraded, verbose=0), clean)


def test_perception_distortion_is_train_networks_l1_then_pix2pix_per_lambda(
    monkeypatch,
):
    # Every Pix2Pix starts from the one trained L1-only U-Net and sees the
    # batches `train_networks` gives its warm-started Pix2Pix: the rows of
    # lambda = config.l1_weight are its pix2pix, however many lambdas came
    # before.
    config = restoration.SMOKE
    starts, fit_pix2pix = [], restoration._fit_pix2pix

    def spy(*args, l1_weight, initial_weights, **kwargs):
        starts.append((l1_weight, initial_weights))
        return fit_pix2pix(
            *args, l1_weight=l1_weight, initial_weights=initial_weights, **kwargs
        )

    # Global seeds set in between change nothing: both seed their streams.
    keras.utils.set_random_seed(123)
    nets = restoration.train_networks("denoise", config, noise_std=0.4)
    monkeypatch.setattr(restoration, "_fit_pix2pix", spy)
    keras.utils.set_random_seed(7)
    weights = (config.l1_weight, 1.0, config.l1_weight)
    table = restoration.perception_distortion(
        "denoise", config, weights, n_test=8, noise_std=0.4
    )
    assert list(table["method"]) == ["input", "l1_only"] + ["pix2pix"] * 3
    assert list(table["l1_weight"][2:]) == list(weights)
    assert table["l1_weight"][:2].isna().all()
    psnr = list(table["psnr"])
    assert psnr[1] == pytest.approx(
        _test_psnr(nets["l1_only"], "denoise", 8, noise_std=0.4)
    )
    expected = _test_psnr(nets["pix2pix"], "denoise", 8, noise_std=0.4)
    assert psnr[2] == pytest.approx(expected) and psnr[4] == pytest.approx(expected)
    assert psnr[3] != psnr[2]  # lambda matters
    assert [w for w, _ in starts] == list(weights)
    for _, initial in starts:
        assert all(
            np.array_equal(a, b) for a, b in zip(initial, nets["l1_only"].get_weights())
        )
    noisy, clean = restoration._test_tiles("denoise", {"noise_std": 0.4}, 8)
    assert psnr[0] == pytest.approx(tge.metrics.psnr(noisy, clean))


def test_perception_distortion_smoke_benchmark_writes_its_table(tmp_path):
    out = tmp_path / "pd.json"
    payload = _run_smoke_benchmark(
        "perception_distortion.py",
        out,
        "--task",
        "denoise",
        "--l1-weights",
        "10",
        "1000",
    )
    assert {
        "task",
        "noise_std",
        "l1_weights",
        "rows",
        "config",
        "test_tiles",
        "seconds",
        "machine",
        "load_average",
        "date",
    } <= set(payload)
    assert (payload["task"], payload["noise_std"], payload["test_tiles"]) == (
        "denoise",
        0.2,
        4,
    )
    assert [(r["method"], r["l1_weight"]) for r in payload["rows"]] == [
        ("input", None),
        ("l1_only", None),
        ("pix2pix", 10.0),
        ("pix2pix", 1000.0),
    ]
    for row in payload["rows"]:
        assert {"psnr", "ssim", "hf_ratio", "seconds"} <= set(row)


@pytest.mark.parametrize(
    "field, value",
    [
        ("steps", 0),
        ("batch_size", 2.0),
        ("depth", -1),
        ("seed", -1),
        ("learning_rate", 0),
        ("d_learning_rate", 0.0),
        ("d_learning_rate", float("nan")),
        ("l1_weight", -1.0),
    ],
)
def test_a_bad_training_configuration_is_refused_when_made(field, value):
    with pytest.raises(ValueError, match=rf"^Expected .* Received: {field}="):
        dataclasses.replace(restoration.DEFAULT, **{field: value})
    assert restoration.TrainConfig(d_learning_rate=None).d_learning_rate is None
