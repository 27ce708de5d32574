"""`tfgan_edu.experiments.evaluation_demos`: chapter 4's experiments as functions.

Every number is checked against an independent computation: FID by its
formula in float64 NumPy/SciPy, KID by its unbiased estimator written out,
the Inception Score and the classifier's confidence from a float64 softmax.
"""

import numpy as np
import pandas
import pytest
import scipy.linalg

import tfgan_edu as tge
from tfgan_edu.experiments import evaluation_demos as demos


def _fid(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(s_a @ s_b).real
    return float(np.sum((a.mean(0) - b.mean(0)) ** 2) + np.trace(s_a + s_b - 2 * root))


def _softmax(logits):
    logits = np.asarray(logits, np.float64)
    p = np.exp(logits - logits.max(1, keepdims=True))
    return p / p.sum(1, keepdims=True)


@pytest.fixture(scope="module")
def mnist_test():
    return demos.split_arrays("mnist_5k", "test")


def test_split_arrays_matches_the_loader(mnist_test):
    x, y = mnist_test
    assert x.shape == (1000, 28, 28, 1) and x.dtype == np.float32
    assert np.bincount(y).tolist() == [100] * 10
    first = next(
        iter(
            tge.data.load(
                "mnist_5k", batch_size=8, split="test", shuffle=False, with_labels=True
            )
        )
    )
    np.testing.assert_array_equal(x[:8], first[0].numpy())
    np.testing.assert_array_equal(y[:8], first[1].numpy())
    x32, _ = demos.split_arrays("mnist_5k", "test", image_size=32)
    np.testing.assert_array_equal(x32[:, 2:30, 2:30], x)


def test_noisy_images_is_clipped_gaussian_noise():
    images = np.zeros((2, 4, 4, 1), np.float32)
    got = demos.noisy_images(images, sigma=0.1, seed=3)
    want = np.clip(np.random.default_rng(3).normal(0, 0.1, images.shape), -1, 1)
    np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(ValueError, match="Received: sigma=-1"):
        demos.noisy_images(images, sigma=-1)


def test_fid_sample_size_table_against_the_formula():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(300, 3))
    sets = {"a": rng.normal(size=(60, 3)), "b": rng.normal(1.0, 1.0, size=(60, 3))}
    table = demos.fid_sample_size_table(reference, sets, [10, 60], repeats=3)
    fids = []
    for r in range(3):
        pick = np.random.default_rng(r).choice(60, 10, replace=False)
        fids.append(_fid(reference, sets["b"][pick]))
    assert table.loc[("b", 10), ("fid", "mean")] == pytest.approx(
        np.mean(fids), rel=1e-6
    )
    assert table.loc[("b", 10), ("fid", "std")] == pytest.approx(
        np.std(fids, ddof=1), rel=1e-6
    )
    # The whole set is measured once: no spread.
    assert table.loc[("a", 60), ("fid", "mean")] == pytest.approx(
        _fid(reference, sets["a"]), rel=1e-6
    )
    assert np.isnan(table.loc[("a", 60), ("fid", "std")])
    # KID, by the unbiased estimator with the cubic kernel, on one subset of N.
    one = demos.fid_sample_size_table(reference, {"a": sets["a"]}, [60], kid_subsets=1)
    pick_r = np.random.default_rng(0)
    idx_r = pick_r.choice(300, 60, replace=False)
    idx_g = pick_r.choice(60, 60, replace=False)
    r, g = reference[idx_r], sets["a"][idx_g]

    def k(x, y):
        return (x @ y.T / 3 + 1) ** 3

    m = 60
    kid = (k(r, r).sum() - np.trace(k(r, r)) + k(g, g).sum() - np.trace(k(g, g))) / (
        m * (m - 1)
    ) - 2 * k(r, g).mean()
    assert one.loc[("a", 60), ("kid", "mean")] == pytest.approx(kid, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sets": {"a": np.zeros((5, 2)), "b": np.zeros((6, 2))}}, "same number"),
        ({"sizes": [1, 5]}, r"Received: sizes=\[1, 5\]"),
        ({"sizes": [6]}, r"Received: sizes=\[6\]"),
        ({"repeats": 0}, "Received: repeats=0"),
    ],
)
def test_fid_sample_size_table_errors(kwargs, match):
    args = {"sets": {"a": np.zeros((5, 2))}, "sizes": [5], "repeats": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        demos.fid_sample_size_table(np.zeros((10, 2)), **args)


def test_fid_bias_fit_recovers_an_exact_line_and_the_plot_draws_it():
    index = pandas.MultiIndex.from_product(
        [["x", "y"], [10, 40, 160]], names=["kind", "N"]
    )
    means = [2 + 30 / n for n in (10, 40, 160)] + [5 - 4 / n for n in (10, 40, 160)]
    table = pandas.DataFrame(
        {
            ("fid", "mean"): means,
            ("fid", "std"): 0.1,
            ("kid", "mean"): 0.0,
            ("kid", "std"): np.nan,
        },
        index=index,
    )
    fits = demos.fid_bias_fit(table)
    assert fits["x"] == pytest.approx({"fid_inf": 2.0, "c": 30.0})
    assert fits["y"] == pytest.approx({"fid_inf": 5.0, "c": -4.0})
    fig = demos.plot_fid_sample_size(table)
    data_line = fig.axes[0].containers[0].lines[0]  # the errorbar's data line
    np.testing.assert_allclose(np.asarray(data_line.get_ydata(), float), means[:3])


# Over seeds 0-9 (`benchmarks/measured_margins.py --only ring_generators_demo`,
# results/measured_margins.json): 3 and 8 modes on every seed; collapsed
# precision 0.943 to 0.973 (bar 0.9) and recall 0.339 to 0.383 (bar 0.5);
# noisy recall 0.965 to 1.0 (bar 0.9) and precision 0.028 to 0.049 (bar 0.5).
def test_ring_generators_are_good_collapsed_and_noisy():
    real, gens = demos.ring_generators(800, seed=0)
    assert real.shape == (800, 2) and all(g.shape == (800, 2) for g in gens.values())
    modes = tge.data.toy2d.modes("ring")
    nearest = np.argmin(((gens["collapsed"][:, None] - modes[None]) ** 2).sum(-1), 1)
    assert set(nearest.tolist()) == {0, 1, 2}
    table = demos.score_feature_sets(real, gens, modes=True)
    assert table.loc["collapsed", "modes"] == 3 and table.loc["good", "modes"] == 8
    # Quality and diversity part ways: the chapter's claim.
    assert (
        table.loc["collapsed", "precision"]
        > 0.9
        > 0.5
        > table.loc["collapsed", "recall"]
    )
    assert table.loc["noisy", "recall"] > 0.9 > 0.5 > table.loc["noisy", "precision"]
    assert table.loc["good", "FID"] == pytest.approx(_fid(real, gens["good"]), rel=1e-6)


# Over noise seeds 0-9 (`measured_margins.py --only rank_generators_demo`): the
# noisy digits' FID exceeds the real ones' by 170.5 to 175.1, and their
# precision is lower by 0.840 to 0.845.
def test_rank_generators_against_formulas(mnist_test):
    x, _ = mnist_test
    extract = tge.metrics.get_extractor("mnist")
    reference = extract(x[:600])
    samples = {"noisy": demos.noisy_images(x[600:800], 0.5), "real": x[800:1000]}
    table = demos.rank_generators(samples, reference, kid_subsets=3)
    assert list(table.index) == ["real", "noisy"]  # sorted by FID
    for name, images in samples.items():
        assert table.loc[name, "FID"] == pytest.approx(
            _fid(reference, extract(images)), rel=1e-5
        )
        p_yx = _softmax(tge.metrics.get_extractor("mnist_logits")(images))
        # IS over 5 consecutive splits of 40, by the formula.
        scores = []
        for part in np.split(p_yx, 5):
            p_y = part.mean(0)
            kl = np.sum(part * (np.log(part + 1e-30) - np.log(p_y)), axis=1)
            scores.append(np.exp(kl.mean()))
        assert table.loc[name, "IS"] == pytest.approx(np.mean(scores), rel=1e-4)
        assert table.loc[name, "N"] == 200
    assert table.loc["real", "precision"] > table.loc["noisy", "precision"]


# Over seeds 0-9 of the noise and the pool's order (`measured_margins.py
# --only confidence_selection_demo`): keeping the best 100 of 400 raises the
# precision by 0.08 to 0.31 over the best 100 of 100.
def test_confidence_selection_keeps_the_most_confident(mnist_test):
    x, _ = mnist_test
    # A pool of clean and heavily noised digits, interleaved.
    pool = np.concatenate([x[500:700], demos.noisy_images(x[700:900], 0.8)])
    pool = pool[np.random.default_rng(0).permutation(len(pool))]
    confidence = demos.classifier_confidence(pool)
    want = _softmax(tge.metrics.get_extractor("mnist_logits")(pool)).max(1)
    np.testing.assert_allclose(confidence, want, rtol=1e-9)
    reference = tge.metrics.get_extractor("mnist")(x[:500])
    table = demos.confidence_selection(pool, reference, 100, factors=(1, 4))
    assert list(table.index) == ["best 100 of 100", "best 100 of 400"]
    keep = np.argsort(-want)[:100]
    assert table.loc["best 100 of 400", "mean confidence"] == pytest.approx(
        want[keep].mean(), rel=1e-9
    )
    assert table.loc["best 100 of 400", "FID"] == pytest.approx(
        _fid(reference, tge.metrics.get_extractor("mnist")(pool[keep])), rel=1e-5
    )
    assert (
        table.loc["best 100 of 400", "precision"]
        > table.loc["best 100 of 100", "precision"]
    )
    with pytest.raises(ValueError, match="Received: factors=\\[8\\], n_keep=100"):
        demos.confidence_selection(pool, reference, 100, factors=(8,))


def test_plot_sample_grids_titles():
    fig = demos.plot_sample_grids(
        {"a": np.zeros((4, 8, 8, 1)), "b": np.ones((4, 8, 8, 1))}
    )
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
