"""`tfgan_edu.diagnostics`: checked against float64 NumPy/SciPy references."""

import numpy as np
import pytest
from scipy.spatial.distance import pdist

from tfgan_edu import diagnostics, losses

RNG = np.random.default_rng(0)


def _accuracy_reference(real, fake, family):
    """The decision rules of the docstring, written out in NumPy."""
    real, fake = np.ravel(real).astype(np.float64), np.ravel(fake).astype(np.float64)
    if family in ("minimax", "non_saturating", "hinge"):
        return np.mean(real > 0), np.mean(fake < 0)
    if family == "least_squares":
        return np.mean(real > 0.5), np.mean(fake < 0.5)
    return np.mean(real > fake.mean()), np.mean(fake < real.mean())


@pytest.mark.parametrize("family", sorted(losses.FAMILIES))
def test_accuracy_matches_the_decision_rule_of_each_family(family):
    real = RNG.normal(0.4, 1.0, size=(37, 1)).astype("float32")
    fake = RNG.normal(-0.2, 1.0, size=(29,)).astype("float32")
    real_acc, fake_acc = diagnostics.discriminator_accuracy(real, fake, family)
    expected = _accuracy_reference(real, fake, family)
    assert float(real_acc) == pytest.approx(expected[0], abs=1e-7)
    assert float(fake_acc) == pytest.approx(expected[1], abs=1e-7)


def test_accuracy_hand_computed_values():
    # Logit rule: real 2 > 0 yes, -1 no; fakes -3, -0.5 < 0 both.
    real_acc, fake_acc = diagnostics.discriminator_accuracy([2.0, -1.0], [-3.0, -0.5])
    assert (float(real_acc), float(fake_acc)) == (0.5, 1.0)
    # Least squares: 0.6 > 0.5, 0.4 not; fake 0.3 < 0.5, 0.55 not, 0.1 yes.
    real_acc, fake_acc = diagnostics.discriminator_accuracy(
        [0.6, 0.4], [0.3, 0.55, 0.1], "least_squares"
    )
    assert float(real_acc) == 0.5
    assert float(fake_acc) == pytest.approx(2 / 3)


def test_wasserstein_accuracy_is_shift_invariant():
    real = RNG.normal(1.0, 1.0, size=50)
    fake = RNG.normal(0.0, 1.0, size=50)
    a = diagnostics.discriminator_accuracy(real, fake, "wasserstein")
    b = diagnostics.discriminator_accuracy(real + 100.0, fake + 100.0, "wasserstein")
    assert [float(v) for v in a] == [float(v) for v in b]


def test_patch_outputs_are_scored_per_patch():
    real = np.array([[[[1.0], [-1.0]], [[1.0], [1.0]]]])  # (1, 2, 2, 1)
    real_acc, _ = diagnostics.discriminator_accuracy(real, -real)
    assert float(real_acc) == 0.75


def test_thresholds_and_custom_pairs():
    assert diagnostics.decision_threshold("hinge") == 0.0
    assert diagnostics.decision_threshold("least_squares") == 0.5
    assert diagnostics.decision_threshold("wasserstein") is None
    custom = losses.get((lambda f: f, lambda r, f: r - f))
    assert diagnostics.decision_threshold(custom) is None
    with pytest.raises(ValueError, match="Received: loss='nope'"):
        diagnostics.decision_threshold("nope")
    with pytest.raises(ValueError, match="Received: loss=3"):
        diagnostics.discriminator_accuracy([1.0], [0.0], 3)


def test_gradient_norm_is_the_global_l2_norm():
    grads = [RNG.normal(size=(3, 4)), None, RNG.normal(size=(4,)), RNG.normal(size=())]
    expected = np.sqrt(sum(np.sum(np.square(g)) for g in grads if g is not None))
    assert float(diagnostics.gradient_norm(grads)) == pytest.approx(expected, rel=1e-6)
    assert float(diagnostics.gradient_norm([None])) == 0.0


@pytest.mark.parametrize("shape", [(40, 2), (16, 8, 8, 1), (9, 5, 3)])
def test_mean_pairwise_distance_matches_scipy(shape):
    x = RNG.normal(3.0, 2.0, size=shape).astype("float32")
    expected = pdist(x.reshape(len(x), -1).astype(np.float64)).mean()
    got = float(diagnostics.mean_pairwise_distance(x))
    assert got == pytest.approx(expected, rel=1e-5)


def test_mean_pairwise_distance_of_identical_or_single_samples_is_zero():
    same = np.tile(np.array([[1e3, -2e3]], "float32"), (10, 1))
    assert float(diagnostics.mean_pairwise_distance(same)) == 0.0
    assert float(diagnostics.mean_pairwise_distance(same[:1])) == 0.0


def test_batch_diversity_is_the_ratio_of_mean_distances():
    real = RNG.normal(size=(64, 2))
    fake = 0.25 * RNG.normal(size=(32, 2)) + 1.0
    expected = pdist(fake).mean() / pdist(real).mean()
    got = float(diagnostics.batch_diversity(fake.astype("float32"), real))
    assert got == pytest.approx(expected, rel=1e-5)
    # A scaled copy of the real batch: exactly the scale.
    assert float(diagnostics.batch_diversity(3 * real, real)) == pytest.approx(3.0)
