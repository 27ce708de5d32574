"""`tge.experiments.compare`, `default_vae` and `default_vaegan`."""

import importlib

import numpy as np
import pandas
import pytest

import tfgan_edu as tge
from tfgan_edu import experiments


def test_default_vae_for_images_and_vectors():
    digits = experiments.default_vae("digits", seed=0)
    assert digits.data_shape == (32, 32, 1) and digits.latent_dim == 16
    # Keras' "auto": XLA off on this CPU-only machine.
    assert digits.likelihood == "bernoulli" and digits.jit_compile is False
    ring = experiments.default_vae("ring", seed=0)
    assert ring.data_shape == (2,) and ring.latent_dim == 2
    assert ring.likelihood == "gaussian" and ring.scale == 0.2
    a = experiments.default_vae("ring", seed=3).generate(4, seed=0)
    np.testing.assert_array_equal(
        a, experiments.default_vae("ring", seed=3).generate(4, seed=0)
    )


def test_default_vaegan_for_images_and_vectors():
    digits = experiments.default_vaegan("digits", seed=0)
    assert digits.feature_layer == "flatten" and digits.gamma == pytest.approx(0.01)
    # The decoder is the default GAN's generator; D is layer-normalized.
    gan = experiments.default_gan("digits", latent_dim=16)
    assert [la.name for la in digits.decoder.layers] == [
        la.name for la in gan.generator.layers
    ]
    names = [la.name for la in digits.discriminator.layers]
    assert "down_2_ln" in names and not any("bn" in name for name in names)
    assert experiments.default_vaegan("ring").feature_layer == "activation_2"


def _rows_by_model(comparison):
    return {row["model"]: row for row in comparison.rows}


def test_compare_on_the_ring(monkeypatch):
    comparison = experiments.compare("ring", epochs=1, n=256, n_samples=100)
    rows = _rows_by_model(comparison)
    assert list(rows) == ["real (train split)", "GAN", "VAE", "VAE-GAN"]
    assert rows["GAN"]["reconstruction_mse"] is None
    for name in ("VAE", "VAE-GAN"):
        model = comparison.models[name]
        held_out = tge.data.toy2d.sample("ring", 100, seed=1)
        want = np.mean((model.reconstruct(held_out) - held_out) ** 2)
        assert rows[name]["reconstruction_mse"] == pytest.approx(float(want), rel=1e-5)
    for name in ("GAN", "VAE", "VAE-GAN"):
        row = rows[name]
        assert row["train_seconds"] > 0
        fake = comparison.models[name].generate(100, seed=0)
        assert row["modes"] == tge.metrics.mode_coverage(fake, "ring")["modes"]
        assert 0 <= row["precision"] <= 1 and 0 <= row["recall"] <= 1
        assert len(comparison.histories[name]["kl" if "VAE" in name else "d_loss"]) == 1
    # Real held-out points score as real: the floor of the metrics.
    assert rows["real (train split)"]["modes"] == 8
    assert rows["real (train split)"]["high_quality"] > 0.95
    assert len(comparison.figure.axes) == 9
    markdown = comparison.markdown()
    assert markdown.splitlines()[0].startswith("| model | latent_dim |")
    assert "| GAN | 16 |" in markdown and "n/a" in markdown
    assert isinstance(comparison.table, pandas.DataFrame)
    assert list(comparison.table["model"]) == list(rows)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"data": "mnist"}, "Received: data='mnist'"),
        ({"epochs": 0}, "Received: epochs=0"),
        ({"models": ("GAN", "WGAN")}, r"Received: models=\('GAN', 'WGAN'\)"),
        ({"models": ("VAE", "VAE")}, "Received: models="),
        ({"n_samples": 5}, "Received: n_samples=5"),
    ],
)
def test_compare_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        experiments.compare(**kwargs)


def _fid_float64(a, b):
    """FID by the formula in float64 NumPy/SciPy: the independent reference."""
    import scipy.linalg

    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(s_a @ s_b).real
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(s_a + s_b - 2 * root))


def test_compare_on_mnist_5k_scores_in_the_mnist_classifier_features():
    comparison = experiments.compare(
        "mnist_5k",
        epochs=1,
        models=["VAE"],
        n=64,
        batch_size=32,
        n_samples=100,
        jit_compile=False,
        run_eagerly=True,
    )
    rows = _rows_by_model(comparison)
    assert list(rows) == ["real (train split)", "VAE"]
    vae = comparison.models["VAE"]
    assert vae.data_shape == (28, 28, 1)
    load = dict(batch_size=1000, shuffle=False, drop_remainder=False)
    test = np.concatenate(list(tge.data.load("mnist_5k", split="test", **load)))
    train = np.concatenate(list(tge.data.load("mnist_5k", split="train", **load)))
    assert test.shape == (1000, 28, 28, 1)
    extract = tge.metrics.get_extractor("mnist")
    test_f = extract(test)
    # The real row: the first n=64 train digits against the 1,000 test digits.
    want_real = _fid_float64(test_f, extract(train[:64]))
    assert rows["real (train split)"]["fid"] == pytest.approx(want_real, rel=1e-4)
    want_vae = _fid_float64(test_f, extract(vae.generate(100, seed=0)))
    assert rows["VAE"]["fid"] == pytest.approx(want_vae, rel=1e-4)
    # In the digits classifier's features the same samples score differently:
    # the extractor really is the mnist one.
    digits_f = tge.metrics.get_extractor("digits")
    other = _fid_float64(digits_f(test), digits_f(vae.generate(100, seed=0)))
    assert abs(other - want_vae) > 1e-2 * want_vae
    mse = np.mean((vae.reconstruct(test) - test) ** 2)
    assert rows["VAE"]["reconstruction_mse"] == pytest.approx(float(mse), rel=1e-5)


def test_main_prints_the_table(capsys):
    main = importlib.import_module("tfgan_edu.experiments.compare").main
    comparison = main(
        [
            "--data",
            "ring",
            "--epochs",
            "1",
            "--n",
            "256",
            "--n-samples",
            "50",
            "--models",
            "GAN",
        ]
    )
    out = capsys.readouterr().out
    assert out.startswith("compare('ring', epochs=1, n_samples=50, n=256, seed=0):")
    assert comparison.markdown() in out
    assert [row["model"] for row in comparison.rows] == ["real (train split)", "GAN"]
