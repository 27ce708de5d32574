"""The measurements of chapter 4 (evaluating GANs), as functions a student can read.

Each function runs one experiment of the chapter on features or images the
caller passes in, so the notebook stays a sequence of short calls:

- `split_arrays`: a whole split of an offline image dataset as arrays;
- `noisy_images`: real images plus clipped Gaussian noise, a stand-in for
  a generator that covers everything but draws badly;
- `fid_sample_size_table` / `fid_bias_fit` / `plot_fid_sample_size`: FID and
  KID between a reference set and `N` samples, for growing `N`;
- `ring_generators`: a good, a collapsed and a noisy stand-in generator on
  the ring of 8 Gaussians;
- `score_feature_sets`: FID, precision/recall and density/coverage of
  several sets against one reference, one row per set;
- `rank_generators`: every metric of the chapter for several generators;
- `confidence_selection`: keep the samples the classifier is most sure of,
  from larger and larger pools;
- `plot_sample_grids`: one grid of samples per generator, side by side.

Example:

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> ref, near = rng.normal(size=(500, 4)), rng.normal(size=(500, 4))
>>> table = score_feature_sets(ref, {"same": near, "shifted": near + 1.0})
>>> bool(table.loc["shifted", "FID"] > table.loc["same", "FID"])
True
"""

from __future__ import annotations

import numpy as np
import pandas
import scipy.special
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from tfgan_edu import data as data_module
from tfgan_edu import metrics, viz
from tfgan_edu._checks import check_int
from tfgan_edu.data import toy2d


def split_arrays(data: str = "mnist_5k", split: str = "test", *, image_size=None):
    """A whole split of an offline image dataset, in its fixed order.

    Args:
        data: `"mnist_5k"` or `"digits"`. Defaults to `"mnist_5k"`.
        split: `"train"` or `"test"`. Defaults to `"test"`.
        image_size: passed to `tfgan_edu.data.load` (28 or 32 for
            `mnist_5k`). Defaults to `None`: the dataset's own size.

    Returns:
        `(images, labels)`: float32 `(n, H, W, 1)` in `[-1, 1]` and int
        labels `(n,)`.

    Example:

    >>> x, y = split_arrays("mnist_5k", "test")
    >>> x.shape, np.bincount(y).tolist() == [100] * 10
    ((1000, 28, 28, 1), True)
    """
    extra = {} if image_size is None else {"image_size": image_size}
    dataset = data_module.load(
        data,
        batch_size=1000,
        split=split,
        with_labels=True,
        shuffle=False,
        drop_remainder=False,
        **extra,
    )
    batches = list(dataset)
    images = np.concatenate([np.asarray(x) for x, _ in batches]).astype("float32")
    labels = np.concatenate([np.asarray(y) for _, y in batches]).astype("int64")
    return images, labels


def noisy_images(images, sigma: float = 0.4, seed: int = 0) -> np.ndarray:
    """Images plus Gaussian noise of standard deviation `sigma`, clipped to `[-1, 1]`.

    Args:
        images: array `(n, H, W, C)` in `[-1, 1]`.
        sigma: the noise's standard deviation. Defaults to 0.4.
        seed: seed of `np.random.default_rng`. Defaults to 0.

    Returns:
        float32 array of the same shape.

    Example:

    >>> noisy_images(np.zeros((1, 2, 2, 1)), sigma=10.0, seed=0).ravel().tolist()
    [1.0, -1.0, 1.0, 1.0]
    """
    if not sigma >= 0:
        raise ValueError(f"Expected `sigma` >= 0. Received: sigma={sigma}")
    images = np.asarray(images, "float32")
    noise = np.random.default_rng(seed).normal(0.0, sigma, images.shape)
    return np.clip(images + noise, -1.0, 1.0).astype("float32")


def fid_sample_size_table(
    reference, sets: dict, sizes, *, repeats: int = 10, kid_subsets: int = 10
) -> pandas.DataFrame:
    """FID and KID of `N` samples of each set against a fixed reference, for each `N`.

    For every size `N` and repeat `r`, the same `N` rows of every set
    (`np.random.default_rng(r).choice(len, N, replace=False)`) are scored
    against all of `reference` with `tfgan_edu.metrics.fid` and
    `kid_from_features` (`kid_subsets` subsets of `N`, seed `r`). A size
    equal to the set's length is measured once (every repeat would draw
    the same set).

    Args:
        reference: features `(m, d)`, e.g. of the real training split.
        sets: name -> features `(n, d)`, all of the same length `n`.
        sizes: the sample sizes `N`, each at most `n`.
        repeats: random subsets per size. Defaults to 10.
        kid_subsets: KID's subsets per measurement. Defaults to 10.

    Returns:
        A `pandas.DataFrame` indexed by `(kind, N)`, columns `(fid, mean)`,
        `(fid, std)`, `(kid, mean)`, `(kid, std)` (std over the repeats;
        NaN where measured once).

    Example:

    >>> rng = np.random.default_rng(0)
    >>> ref = rng.normal(size=(400, 3))
    >>> t = fid_sample_size_table(ref, {"real": rng.normal(size=(200, 3))},
    ...                           [20, 200], repeats=3)
    >>> bool(t.loc[("real", 20), ("fid", "mean")] > t.loc[("real", 200), ("fid", "mean")])
    True
    """
    lengths = {len(v) for v in sets.values()}
    if len(lengths) != 1:
        raise ValueError(
            "Expected every set to hold the same number of samples. Received: "
            f"sets with lengths { {k: len(v) for k, v in sets.items()} }"
        )
    (length,) = lengths
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 2 or max(sizes) > length:
        raise ValueError(
            f"Expected sizes between 2 and the sets' length {length}. "
            f"Received: sizes={sizes}"
        )
    check_int("repeats", repeats)
    rows = []
    for n in sizes:
        for r in range(repeats if n < length else 1):
            pick = np.random.default_rng(r).choice(length, n, replace=False)
            for kind, features in sets.items():
                subset = np.asarray(features)[pick]
                kid = metrics.kid_from_features(
                    reference, subset, num_subsets=kid_subsets, subset_size=n, seed=r
                )
                rows.append(
                    {
                        "kind": kind,
                        "N": n,
                        "fid": metrics.fid(reference, subset, extractor=None),
                        "kid": kid.mean,
                    }
                )
    return pandas.DataFrame(rows).groupby(["kind", "N"]).agg(["mean", "std"])


def fid_bias_fit(table: pandas.DataFrame) -> dict:
    """Least-squares fit `FID(N) = FID_inf + c / N` of each kind's mean FID.

    Args:
        table: the output of `fid_sample_size_table`.

    Returns:
        kind -> `{"fid_inf": float, "c": float}`.

    Example:

    >>> index = pandas.MultiIndex.from_product([["real"], [10, 20, 40]],
    ...                                        names=["kind", "N"])
    >>> t = pandas.DataFrame({("fid", "mean"): [3 + 50 / n for n in (10, 20, 40)]},
    ...                      index=index)
    >>> {k: {n: round(v, 6) for n, v in d.items()} for k, d in fid_bias_fit(t).items()}
    {'real': {'fid_inf': 3.0, 'c': 50.0}}
    """
    fits = {}
    for kind in table.index.get_level_values("kind").unique():
        curve = table.loc[kind][("fid", "mean")]
        inverse_n = 1.0 / curve.index.to_numpy(dtype="float64")
        slope, intercept = np.polyfit(inverse_n, curve.to_numpy("float64"), 1)
        fits[kind] = {"fid_inf": float(intercept), "c": float(slope)}
    return fits


def plot_fid_sample_size(table: pandas.DataFrame) -> Figure:
    """FID (left) and KID (right) against `N`, one line per kind, error bars = std.

    Args:
        table: the output of `fid_sample_size_table`.

    Returns:
        The `matplotlib` figure.

    Example:

    >>> index = pandas.MultiIndex.from_product([["real"], [10, 20]],
    ...                                        names=["kind", "N"])
    >>> t = pandas.DataFrame({("fid", "mean"): [2.0, 1.0], ("fid", "std"): [0.1, 0.1],
    ...                       ("kid", "mean"): [0.0, 0.0], ("kid", "std"): [0.1, 0.0]},
    ...                      index=index)
    >>> len(plot_fid_sample_size(t).axes)
    2
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    sizes = sorted(set(table.index.get_level_values("N")))
    for kind, style in zip(table.index.get_level_values("kind").unique(), "osd^v"):
        curve = table.loc[kind]
        for ax, metric in zip(axes, ("fid", "kid")):
            ax.errorbar(
                curve.index,
                curve[(metric, "mean")],
                curve[(metric, "std")].fillna(0.0),
                fmt=f"{style}-",
                capsize=3,
                label=f"reference vs {kind}",
            )
    for ax, name in zip(axes, ("FID", "KID")):
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("N, samples scored")
        ax.set_ylabel(name)
        ax.legend()
    axes[0].set_title("FID shrinks with N, even real vs real")
    axes[1].set_title("KID: unbiased, noisier at small N")
    fig.tight_layout()
    return fig


def ring_generators(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, dict]:
    """The real ring and three stand-in generators of `n` points each.

    - `"good"`: fresh points of the ring itself;
    - `"collapsed"`: ring points of modes 0, 1 and 2 only;
    - `"noisy"`: ring points plus Gaussian noise of standard deviation 0.25.

    Args:
        n: points per set. Defaults to 2000.
        seed: the real points use `seed`, the generators `seed + 1` and
            `seed + 2`. Defaults to 0.

    Returns:
        `(real, generators)`: an `(n, 2)` array and name -> `(n, 2)` array.

    Example:

    >>> real, gens = ring_generators(400)
    >>> real.shape, sorted(gens), ring_modes(gens["collapsed"])
    ((400, 2), ['collapsed', 'good', 'noisy'], 3)
    """
    check_int("n", n)
    real = toy2d.sample("ring", n, seed=seed)
    # 8 modes, equally likely: 3.5 n draws hold n of modes 0-2 almost surely.
    points, labels = toy2d.sample_with_labels("ring", 4 * n, seed=seed + 1)
    collapsed = points[labels < 3][:n]
    noise = np.random.default_rng(seed + 2).normal(0.0, 0.25, (n, 2))
    generators = {
        "good": points[:n],
        "collapsed": collapsed,
        "noisy": (points[:n] + noise).astype("float32"),
    }
    return real, generators


def ring_modes(points) -> int:
    """Modes of the ring that `points` reach (`mode_coverage(points, "ring")["modes"]`).

    Example:

    >>> ring_modes(toy2d.sample("ring", 500, seed=0))
    8
    """
    return metrics.mode_coverage(points, "ring")["modes"]


def score_feature_sets(
    reference, sets: dict, *, modes: bool = False
) -> pandas.DataFrame:
    """FID, precision/recall and density/coverage of several sets against one reference.

    Args:
        reference: real features `(m, d)` (or 2-D points).
        sets: name -> features `(n_i, d)`.
        modes: also count the ring's modes reached (`mode_coverage(...,
            "ring")`, for 2-D points). Defaults to `False`.

    Returns:
        A `pandas.DataFrame`, one row per set: `N`, `FID`, `precision`,
        `recall`, `density`, `coverage` (and `modes`).

    Example:

    >>> real, gens = ring_generators(500)
    >>> t = score_feature_sets(real, gens, modes=True)
    >>> int(t.loc["collapsed", "modes"]), bool(t.loc["noisy", "recall"] > 0.9)
    (3, True)
    """
    rows = {}
    for name, features in sets.items():
        features = np.asarray(features)
        rows[name] = {
            "N": len(features),
            "FID": metrics.fid(reference, features, extractor=None),
            **metrics.precision_recall(reference, features),
            **metrics.density_coverage(reference, features),
        }
        if modes:
            rows[name]["modes"] = ring_modes(features)
    return pandas.DataFrame(rows).T


def rank_generators(
    samples: dict,
    reference_features,
    *,
    extractor="mnist",
    kid_subsets: int = 100,
    is_splits: int = 5,
) -> pandas.DataFrame:
    """Every metric of chapter 4 for several generators' samples, best FID first.

    Args:
        samples: name -> images `(n, H, W, C)` in `[-1, 1]` (generated, or
            real held-out images as a floor).
        reference_features: the real reference's features `(m, d)` under
            `extractor` (e.g. of the train split).
        extractor: the feature space; the Inception Score uses the same
            classifier's logits (`"mnist"` -> `"mnist_logits"`). Defaults
            to `"mnist"`.
        kid_subsets: KID's subsets (each of `min(n, m)` samples).
            Defaults to 100.
        is_splits: the Inception Score's splits. Defaults to 5.

    Returns:
        A `pandas.DataFrame`, one row per name, sorted by `FID`: `N`,
        `FID`, `KID x100`, `IS`, `precision`, `recall`, `density`,
        `coverage`.

    Example:

    >>> x, _ = split_arrays("mnist_5k", "test")
    >>> ref = metrics.get_extractor("mnist")(x[:500])
    >>> t = rank_generators({"real": x[500:700], "noisy": noisy_images(x[500:700])},
    ...                     ref, kid_subsets=5)
    >>> list(t.index)
    ['real', 'noisy']
    """
    extract = metrics.get_extractor(extractor)
    logits = (
        metrics.get_extractor(f"{extractor}_logits")
        if isinstance(extractor, str)
        else None
    )
    reference_features = np.asarray(reference_features)
    rows = {}
    for name, images in samples.items():
        features = extract(np.asarray(images, "float32"))
        size = min(len(features), len(reference_features))
        kid = metrics.kid_from_features(
            reference_features, features, num_subsets=kid_subsets, subset_size=size
        )
        row = {
            "N": len(features),
            "FID": metrics.fid(reference_features, features, extractor=None),
            "KID x100": 100 * kid.mean,
        }
        if logits is not None:
            row["IS"] = metrics.inception_score(
                images, splits=is_splits, classifier=logits
            ).mean
        row.update(metrics.precision_recall(reference_features, features))
        row.update(metrics.density_coverage(reference_features, features))
        rows[name] = row
    return pandas.DataFrame(rows).T.sort_values("FID")


def classifier_confidence(images, classifier: str = "mnist_logits") -> np.ndarray:
    """`max_y p(y | x)` of each image under a classifier's logits, in float64.

    Example:

    >>> x, _ = split_arrays("mnist_5k", "test")
    >>> bool(np.median(classifier_confidence(x[:100])) > 0.9)
    True
    """
    logits = np.asarray(metrics.get_extractor(classifier)(images), "float64")
    return np.exp(logits.max(axis=1) - scipy.special.logsumexp(logits, axis=1))


def confidence_selection(
    pool,
    reference_features,
    n_keep: int,
    *,
    factors=(1, 2, 4, 8),
    extractor: str = "mnist",
) -> pandas.DataFrame:
    """Keep the `n_keep` samples the classifier is most sure of, from growing pools.

    For each factor `f`, the first `f * n_keep` images of `pool` are ranked
    by `classifier_confidence` (the logits of `extractor`'s classifier) and
    the `n_keep` most confident are scored against `reference_features`
    with FID, precision/recall and density/coverage.

    Args:
        pool: images `(n, H, W, C)`, `n >= max(factors) * n_keep`.
        reference_features: the real reference's features under `extractor`.
        n_keep: samples kept from every pool.
        factors: pool sizes in units of `n_keep`. Defaults to `(1, 2, 4, 8)`.
        extractor: `"mnist"` or `"digits"`. Defaults to `"mnist"`.

    Returns:
        A `pandas.DataFrame`, one row per factor (`"best n of m"`): `FID`,
        `precision`, `recall`, `density`, `coverage`, `mean confidence`.

    Example:

    >>> x, _ = split_arrays("mnist_5k", "test")
    >>> ref = metrics.get_extractor("mnist")(x[:500])
    >>> t = confidence_selection(x[500:900], ref, 100, factors=(1, 4))
    >>> list(t.index)
    ['best 100 of 100', 'best 100 of 400']
    """
    check_int("n_keep", n_keep, minimum=10)
    pool = np.asarray(pool, "float32")
    factors = [int(f) for f in factors]
    if not factors or min(factors) < 1 or max(factors) * n_keep > len(pool):
        raise ValueError(
            f"Expected factors >= 1 with max(factors) * n_keep <= {len(pool)} "
            f"(the pool's size). Received: factors={factors}, n_keep={n_keep}"
        )
    confidence = classifier_confidence(
        pool[: max(factors) * n_keep], f"{extractor}_logits"
    )
    extract = metrics.get_extractor(extractor)
    rows = {}
    for factor in factors:
        keep = np.argsort(-confidence[: factor * n_keep], kind="stable")[:n_keep]
        features = extract(pool[keep])
        rows[f"best {n_keep} of {factor * n_keep}"] = {
            "FID": metrics.fid(reference_features, features, extractor=None),
            **metrics.precision_recall(reference_features, features),
            **metrics.density_coverage(reference_features, features),
            "mean confidence": float(confidence[keep].mean()),
        }
    return pandas.DataFrame(rows).T


def plot_sample_grids(samples: dict, n: int = 36, ncols: int = 6) -> Figure:
    """One grid of the first `n` images per generator, side by side.

    Example:

    >>> fig = plot_sample_grids({"a": np.zeros((4, 8, 8, 1)), "b": np.ones((4, 8, 8, 1))},
    ...                         n=4, ncols=2)
    >>> [ax.get_title() for ax in fig.axes]
    ['a', 'b']
    """
    fig, axes = plt.subplots(1, len(samples), figsize=(3.2 * len(samples), 3.6))
    axes = np.atleast_1d(axes)
    for ax, (name, images) in zip(axes, samples.items()):
        viz.plot_images(np.asarray(images)[:n], ncols=ncols, ax=ax, title=name)
    fig.tight_layout()
    return fig
