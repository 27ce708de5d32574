"""The chapter helpers: film frames, chapter 3's conditional GANs, class control."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.spatial.distance import pdist  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu.experiments import chapters  # noqa: E402

# ------------------------------------------------------------------ film


def test_film_frame_indices_are_log_spaced_with_first_and_last():
    # np.geomspace(1, 40, 8) = 1, 1.69, 2.87, 4.86, 8.23, 13.9, 23.6, 40
    # rounded and made 0-based.
    assert chapters.film_frame_indices(40, 8) == [0, 1, 2, 4, 7, 13, 23, 39]
    assert chapters.film_frame_indices(3, 8) == [0, 1, 2]
    assert chapters.film_frame_indices(1, 8) == [0]
    assert chapters.film_frame_indices(100, 2) == [0, 99]


@pytest.mark.parametrize(
    "kwargs", [{"n_frames": 0}, {"max_frames": 0}, {"n_frames": 2.0}]
)
def test_film_frame_indices_reject_bad_counts(kwargs):
    args = {"n_frames": 5, "max_frames": 3, **kwargs}
    with pytest.raises(ValueError, match="Received"):
        chapters.film_frame_indices(**args)


def test_plot_film_shows_the_picked_frames_in_order(tmp_path):
    paths = []
    for i in range(10):
        path = tmp_path / f"frame_{i}.png"
        plt.imsave(path, np.full((4, 4), i / 10.0), cmap="gray", vmin=0, vmax=1)
        paths.append(path)
    fig = chapters.plot_film(paths, max_frames=4)
    shown = [ax for ax in fig.axes if ax.images]
    expected = chapters.film_frame_indices(10, 4)
    assert [ax.get_title() for ax in shown] == [
        f"frame {i + 1} of 10" for i in expected
    ]
    # Each axis shows the picture of its frame (grey level i / 10).
    for ax, i in zip(shown, expected):
        assert np.array_equal(ax.images[0].get_array(), plt.imread(paths[i]))
        assert abs(float(plt.imread(paths[i])[0, 0, 0]) - i / 10.0) < 0.01
    plt.close(fig)


def test_plot_film_rejects_no_pictures():
    with pytest.raises(ValueError, match="Received: paths"):
        chapters.plot_film([])
    with pytest.raises(ValueError, match="Received: max_frames"):
        chapters.plot_film(["a.png"], max_frames=0)


# ------------------------------------------------------- conditional GANs


@pytest.mark.parametrize("kind", chapters.CONDITIONAL_KINDS)
def test_conditional_gan_kinds_share_the_generator_and_differ_in_d(kind):
    gan = chapters.conditional_gan(kind, (32, 32, 1), base_filters=8, latent_dim=16)
    assert isinstance(gan, tge.ConditionalGAN)
    assert isinstance(gan, tge.ACGAN) == (kind == "ACGAN")
    assert gan.generator.name == "conditional_dcgan_generator"
    layer_names = {layer.name for layer in gan.discriminator.layers}
    if kind == "cGAN-projection":
        assert "label_embedding" in layer_names
    outputs = gan.discriminator.outputs
    assert len(outputs) == (2 if kind == "ACGAN" else 1)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(2e-4)
    assert float(gan.g_optimizer.beta_1) == pytest.approx(0.5)
    assert gan.generate(3, labels=[0, 5, 9], seed=0).shape == (3, 32, 32, 1)


def test_conditional_gan_is_reproducible_by_seed():
    a = chapters.conditional_gan("cGAN-concat", (32, 32, 1), base_filters=8, seed=3)
    b = chapters.conditional_gan("cGAN-concat", (32, 32, 1), base_filters=8, seed=3)
    assert np.array_equal(a.generate(4, seed=0), b.generate(4, seed=0))


def test_conditional_gan_rejects_unknown_kind():
    with pytest.raises(ValueError, match="Received: kind='wgan'"):
        chapters.conditional_gan("wgan", (32, 32, 1))


# --------------------------------------------------------- class control


class _LabelPainter:
    """A stand-in conditional GAN: image k is a flat image of value k / 10
    plus a per-sample offset, so a judge can read the class back."""

    num_classes = 4

    def generate(self, n, labels=None, seed=None):
        labels = np.asarray(labels)
        offsets = np.random.default_rng(seed).uniform(0, 0.02, size=n)
        values = labels / 10 + offsets  # (n,)
        return np.broadcast_to(values[:, None, None, None], (n, 2, 2, 1)).astype(
            "float32"
        )


def _judge(images):
    """Reads the class from the image value, but calls every 2 a 3."""
    k = np.floor(np.asarray(images)[:, 0, 0, 0] * 10 + 1e-6).astype(int)
    k[k == 2] = 3
    return np.eye(4)[k] * 5.0  # logits


def _flatten(images):
    return np.asarray(images).reshape(len(images), -1)


def test_class_control_counts_hits_per_requested_class():
    result = chapters.class_control(
        _LabelPainter(), per_class=6, judge=_judge, features=_flatten
    )
    # Classes 0, 1, 3 always right, class 2 never: 18 of 24.
    assert result["accuracy"] == pytest.approx(18 / 24)
    assert result["per_class_accuracy"].tolist() == [1.0, 1.0, 0.0, 1.0]
    assert result["diversity"] is None and result["real_accuracy"] is None


def test_class_control_diversity_and_real_accuracy_against_scipy():
    gan = _LabelPainter()
    rng = np.random.default_rng(1)
    real_labels = np.repeat(np.arange(4), 5)
    real_images = (real_labels / 10 + rng.uniform(0, 0.05, 20))[:, None, None, None]
    real_images = np.broadcast_to(real_images, (20, 2, 2, 1)).astype("float32")
    result = chapters.class_control(
        gan,
        per_class=5,
        judge=_judge,
        features=_flatten,
        real=(real_images, real_labels),
        seed=7,
    )
    fakes = gan.generate(20, labels=np.repeat(np.arange(4), 5), seed=7)

    def spread(images, labels):
        v = _flatten(images).astype("float64")
        return np.mean([pdist(v[labels == k]).mean() for k in range(4)])

    expected = spread(fakes, real_labels) / spread(real_images, real_labels)
    assert result["diversity"] == pytest.approx(expected, rel=1e-9)
    assert result["real_accuracy"] == pytest.approx(15 / 20)  # class 2 judged as 3


def test_class_control_rejects_too_few_samples():
    with pytest.raises(ValueError, match="Received: per_class=1"):
        chapters.class_control(_LabelPainter(), per_class=1, judge=_judge)


def test_class_control_table_rows():
    rows = {
        "a": {
            "accuracy": 0.5,
            "per_class_accuracy": np.array([0.2, 0.8]),
            "diversity": None,
        },
    }
    table = chapters.class_control_table(rows).splitlines()
    assert len(table) == 3  # header, rule, one model (no real row without real data)
    assert "0.500" in table[2] and "0 (0.200)" in table[2]
    with pytest.raises(ValueError, match="Received: results"):
        chapters.class_control_table({})


@pytest.mark.parametrize("kind", chapters.CONDITIONAL_KINDS)
@pytest.mark.parametrize(
    ("normalization", "spectral_norm", "layer_type"),
    [("layer", False, "LayerNormalization"), ("batch", False, "BatchNormalization")],
)
def test_conditional_gan_passes_normalization_to_every_discriminator(
    kind, normalization, spectral_norm, layer_type
):
    gan = chapters.conditional_gan(
        kind,
        (32, 32, 1),
        base_filters=8,
        normalization=normalization,
        spectral_norm=spectral_norm,
    )
    types = {type(layer).__name__ for layer in gan.discriminator.layers}
    other = {"LayerNormalization", "BatchNormalization"} - {layer_type}
    assert layer_type in types and not types & other, types


@pytest.mark.parametrize("kind", chapters.CONDITIONAL_KINDS)
def test_conditional_gan_spectral_norm_wraps_the_discriminator(kind):
    gan = chapters.conditional_gan(
        kind, (32, 32, 1), base_filters=8, normalization=None, spectral_norm=True
    )
    types = {type(layer).__name__ for layer in gan.discriminator.layers}
    assert "SpectralNormalization" in types, types
