"""Exercises of chapter 4, evaluating GANs: Fréchet distance, IS, mode coverage."""

from __future__ import annotations

import numpy as np

from tfgan_edu.exercises._core import Case, Exercise, Mistake

# --- Fréchet distance -------------------------------------------------------


def _gaussian(seed: int, dim: int, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(dim, dim))
    return rng.normal(size=dim) + shift, a @ a.T / dim + 0.1 * np.eye(dim)


def _fd_inputs(seed1, seed2, dim, shift=0.0):
    def make():
        mu1, sigma1 = _gaussian(seed1, dim)
        mu2, sigma2 = _gaussian(seed2, dim, shift)
        return {"mu1": mu1, "sigma1": sigma1, "mu2": mu2, "sigma2": sigma2}

    return make


FRECHET = Exercise(
    name="frechet_distance",
    solutions=(
        "tfgan_edu.metrics.frechet:frechet_distance_from_statistics",
        "tfgan_edu.metrics.frechet:trace_sqrt_product",
        "tfgan_edu.metrics.frechet:frechet_distance",
    ),
    chapter=4,
    title="The Fréchet distance",
    summary="the Fréchet distance between two Gaussians (the D in FID)",
    task=r"""
FID fits a Gaussian to the features of real and of generated images and reports the squared
2-Wasserstein (Fréchet) distance between them (Heusel et al. 2017):

$$
d^2 = \lVert \mu_1 - \mu_2 \rVert^2
+ \operatorname{tr}\Big(\Sigma_1 + \Sigma_2 - 2\,(\Sigma_1 \Sigma_2)^{1/2}\Big).
$$

Given the means `(d,)` and covariances `(d, d)` (float64 NumPy arrays), return $d^2$ as a
Python float. `scipy.linalg.sqrtm` computes the matrix square root; it may return a
complex array whose imaginary part is round-off: keep the real part.
""",
    stub='''
def frechet_distance(mu1, sigma1, mu2, sigma2):
    """The Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    Args:
        mu1: mean of the first Gaussian, a NumPy array of shape (d,).
        sigma1: its covariance, shape (d, d).
        mu2: mean of the second Gaussian, shape (d,).
        sigma2: its covariance, shape (d, d).

    Returns:
        The squared distance, a Python float.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "identical Gaussians (distance 0)",
            lambda: {
                "mu1": np.zeros(3),
                "sigma1": np.diag([1.0, 2.0, 3.0]),
                "mu2": np.zeros(3),
                "sigma2": np.diag([1.0, 2.0, 3.0]),
            },
        ),
        Case(
            "diagonal covariances: the distance is sum((m1 - m2)^2 + (s1 - s2)^2)",
            lambda: {
                "mu1": np.array([0.0, 1.0]),
                "sigma1": np.diag([1.0, 4.0]),
                "mu2": np.array([1.0, -1.0]),
                "sigma2": np.diag([4.0, 9.0]),
            },
        ),
        Case("two full 8-D covariances", _fd_inputs(0, 1, 8, shift=0.5)),
    ),
    hint="d^2 = sum((mu1 - mu2)**2) + trace(sigma1 + sigma2 - 2 * sqrtm(sigma1 @ sigma2)), "
    "with scipy.linalg.sqrtm and the real part of its result.",
    mistakes=(
        Mistake(
            "_fd_no_factor",
            "The cross term needs the factor 2: tr(S1 + S2 - 2 (S1 S2)^(1/2)).",
        ),
        Mistake(
            "_fd_elementwise",
            "(S1 S2)^(1/2) is the matrix square root of the matrix product "
            "(scipy.linalg.sqrtm(sigma1 @ sigma2)), not an element-wise sqrt.",
        ),
        Mistake(
            "_fd_norm",
            "The mean term is the squared norm ||mu1 - mu2||^2, not the norm.",
        ),
    ),
)


# --- Inception score ----------------------------------------------------------


def _softmax_rows(seed: int, n: int, k: int, temperature: float):
    logits = np.random.default_rng(seed).normal(size=(n, k)) / temperature
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


INCEPTION_SCORE = Exercise(
    name="inception_score",
    solutions=("tfgan_edu.metrics.inception_score:inception_score",),
    chapter=4,
    title="The Inception score",
    summary="IS = exp(E_x KL(p(y|x) || p(y))) from a classifier's probabilities",
    task=r"""
The Inception score (Salimans et al. 2016) rewards a generator whose samples are each classified
confidently ($p(y \mid x)$ peaked) while all classes appear ($p(y)$ spread):

$$
\operatorname{IS} = \exp\Big(\mathbb{E}_x\, \operatorname{KL}\big(p(y \mid x) \,\Vert\, p(y)\big)\Big),
\qquad p(y) = \mathbb{E}_x\, p(y \mid x).
$$

Given the class probabilities `(N, K)` of $N$ samples (rows sum to 1; entries may be 0, and
$0 \log 0 = 0$: `scipy.special.xlogy` handles it), return the score as a Python float.
It lies between 1 and $K$.
""",
    stub='''
def inception_score(probs):
    """The Inception score of samples from their class probabilities.

    Args:
        probs: p(y | x_i), a float64 NumPy array of shape (N, K); rows sum to 1.

    Returns:
        The score, a Python float in [1, K].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "every sample is the same, uncertain, distribution (IS = 1)",
            lambda: {"probs": np.tile([[0.5, 0.3, 0.2]], (4, 1))},
        ),
        Case(
            "one-hot predictions spread evenly over 4 classes (IS = 4; zeros in probs)",
            lambda: {"probs": np.eye(4)[[0, 1, 2, 3, 0, 1, 2, 3]]},
        ),
        Case(
            "softmax outputs of 50 samples over 10 classes",
            lambda: {"probs": _softmax_rows(0, 50, 10, temperature=0.5)},
        ),
    ),
    hint="p_y = probs.mean(axis=0); KL_i = sum_k probs[i, k] (log probs[i, k] - log p_y[k]); "
    "IS = exp(mean_i KL_i).",
    mistakes=(
        Mistake(
            "_is_reversed",
            "The KL divergence is reversed: the score uses KL(p(y|x) || p(y)), "
            "the conditional first.",
        ),
        Mistake(
            "_is_no_exp",
            "That is the mean KL divergence, the log of the score: take its exp.",
        ),
        Mistake(
            "_is_uniform_prior",
            "p(y) is the marginal of the samples' predictions, probs.mean(axis=0), "
            "not the uniform distribution.",
        ),
    ),
)


# --- mode coverage -------------------------------------------------------------


def _ring(k: int = 8, radius: float = 2.0):
    angles = 2.0 * np.pi * np.arange(k) / k
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _coverage_inputs(seed: int, modes_used, n: int, outliers: int):
    def make():
        rng = np.random.default_rng(seed)
        centres = _ring()
        which = rng.choice(np.asarray(modes_used), size=n)
        samples = centres[which] + 0.02 * rng.normal(size=(n, 2))
        if outliers:  # far out along the directions of two unused modes
            far = 4.5 * _ring()[[1, 5]]
            samples = np.concatenate([samples, np.repeat(far, outliers // 2, axis=0)])
        return {"samples": samples, "centres": centres, "sigma": 0.02}

    return make


MODE_COVERAGE = Exercise(
    name="mode_coverage",
    solutions=("tfgan_edu.metrics.mode_coverage:mode_coverage",),
    chapter=4,
    title="Mode coverage",
    summary="captured modes and high-quality fraction of 2-D samples (VEEGAN's definition)",
    task=r"""
On a mixture of $K$ Gaussians with standard deviation $\sigma$ (the ring of 8), VEEGAN
(Srivastava et al. 2017) counts:

- a sample is **high quality** when it lies within $3\sigma$ (Euclidean distance) of its
  nearest mode centre;
- a mode is **captured** when it is the nearest mode of at least one *high-quality* sample.

Given `samples` `(n, 2)`, `centres` `(K, 2)` and `sigma`, return `(modes, high_quality)`:
the number of captured modes (a Python int) and the fraction of high-quality samples
(a Python float).
""",
    stub='''
def mode_coverage(samples, centres, sigma):
    """Captured modes and high-quality fraction of samples of a 2-D mixture.

    Args:
        samples: a NumPy array of shape (n, 2).
        centres: the mode centres, shape (K, 2).
        sigma: the components' standard deviation, a float.

    Returns:
        (modes, high_quality): an int in [0, K] and a float in [0, 1].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "400 samples on all 8 modes of the ring",
            _coverage_inputs(0, range(8), 400, 0),
        ),
        Case(
            "a collapsed generator: 300 samples on modes 0 and 3",
            _coverage_inputs(1, (0, 3), 300, 0),
        ),
        Case(
            "samples on modes 2, 4 and 6, plus 10 outliers nearest to modes 1 and 5",
            _coverage_inputs(2, (2, 4, 6), 200, 10),
        ),
    ),
    hint="distances = np.linalg.norm(samples[:, None] - centres[None], axis=-1) (n, K); "
    "high = distances.min(1) <= 3 * sigma; modes = number of distinct "
    "distances.argmin(1)[high].",
    mistakes=(
        Mistake(
            "_coverage_all_nearest",
            "A mode is captured only by a high-quality sample: count the nearest "
            "modes of the samples within 3 sigma, not of every sample.",
        ),
        Mistake(
            "_coverage_one_sigma",
            "High quality means within 3 sigma of the nearest centre, not 1 sigma.",
        ),
    ),
)

EXERCISES = (FRECHET, INCEPTION_SCORE, MODE_COVERAGE)
