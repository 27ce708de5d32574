"""Reference solutions and known mistakes of `tfgan_edu.exercises.evaluation`."""

from __future__ import annotations

import numpy as np

from tfgan_edu.exercises.evaluation import (  # noqa: F401
    _coverage_inputs,
    _fd_inputs,
    _gaussian,
    _ring,
    _softmax_rows,
)


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Reference: `||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2))`, via sqrtm."""
    from scipy import linalg

    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    covmean = linalg.sqrtm(sigma1 @ sigma2)
    covmean = np.real(covmean)  # round-off can leave tiny imaginary parts
    distance = np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - 2.0 * covmean)
    return float(distance)


def _fd_no_factor(mu1, sigma1, mu2, sigma2):
    from scipy import linalg

    covmean = np.real(linalg.sqrtm(sigma1 @ sigma2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - covmean))


def _fd_elementwise(mu1, sigma1, mu2, sigma2):
    covmean = np.sqrt(np.abs(sigma1 * sigma2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - 2.0 * covmean))


def _fd_norm(mu1, sigma1, mu2, sigma2):
    from scipy import linalg

    covmean = np.real(linalg.sqrtm(sigma1 @ sigma2))
    return float(np.linalg.norm(mu1 - mu2) + np.trace(sigma1 + sigma2 - 2.0 * covmean))


def inception_score(probs):
    """Reference: `exp(mean_i KL(p(y | x_i) || p(y)))`, with `0 log 0 = 0`."""
    from scipy.special import xlogy

    probs = np.asarray(probs, np.float64)
    marginal = probs.mean(axis=0, keepdims=True)  # p(y), (1, K)
    kl = np.sum(xlogy(probs, probs) - xlogy(probs, marginal), axis=1)  # (N,)
    return float(np.exp(kl.mean()))


def _is_reversed(probs):
    from scipy.special import xlogy

    marginal = np.broadcast_to(probs.mean(axis=0, keepdims=True), probs.shape)
    kl = np.sum(xlogy(marginal, marginal) - xlogy(marginal, probs + 1e-30), axis=1)
    return float(np.exp(kl.mean()))


def _is_no_exp(probs):
    return float(np.log(inception_score(probs)))


def _is_uniform_prior(probs):
    from scipy.special import xlogy

    k = probs.shape[1]
    return float(np.exp(np.mean(np.sum(xlogy(probs, probs * k), axis=1))))


def mode_coverage(samples, centres, sigma):
    """Reference: captured modes and the fraction of samples within 3 sigma."""
    samples = np.asarray(samples, np.float64)
    centres = np.asarray(centres, np.float64)
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    nearest = distances.argmin(axis=1)  # (n,)
    high_quality = distances.min(axis=1) <= 3.0 * sigma
    captured = np.unique(nearest[high_quality])
    return int(captured.size), float(high_quality.mean())


def _coverage_all_nearest(samples, centres, sigma):
    distances = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    high_quality = distances.min(axis=1) <= 3.0 * sigma
    return int(np.unique(distances.argmin(axis=1)).size), float(high_quality.mean())


def _coverage_one_sigma(samples, centres, sigma):
    return mode_coverage(samples, centres, sigma / 3.0)
