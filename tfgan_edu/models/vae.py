"""`VAE` (Kingma & Welling, 2014) and `VAEGAN` (Larsen et al., 2016).

A variational autoencoder is a latent-variable model `p(x, z) = p(z) p(x | z)`
with prior `p(z) = N(0, I)` and a decoder network giving `p(x | z)`. It is
trained by maximizing, over the decoder and an encoder `q(z | x)`, the
evidence lower bound (ELBO) on the log-likelihood:

    log p(x) >= ELBO(x) = E_q(z|x)[log p(x | z)] - KL(q(z | x) || p(z)).

A GAN has no likelihood and no encoder: it is trained by a discriminator.
`VAEGAN` joins the two: its decoder is also a GAN generator, and it
reconstructs in the space of the discriminator's features.

The pieces of the bound are pure functions here (`gaussian_kl`,
`bernoulli_log_likelihood`, `gaussian_log_likelihood`, `log_normal`), each
returning one value per example (summed over the other axes).

Example:

>>> import numpy as np
>>> float(gaussian_kl(np.zeros((1, 3)), np.zeros((1, 3)))[0])  # q = p
0.0
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops
from scipy.special import logsumexp

from tfgan_edu._checks import check_int, check_non_negative
from tfgan_edu.models import _common
from tfgan_edu.models._base import AdversarialModel, Player

LIKELIHOODS = ("bernoulli", "gaussian")
_LOG_2PI = math.log(2.0 * math.pi)


# ------------------------------------------------------------ pure functions


def _float(x):
    return ops.cast(ops.convert_to_tensor(x), "float32")


def _sum_per_example(x):
    """Sums over every axis but the first: `(B, ...)` -> `(B,)`."""
    return ops.sum(ops.reshape(x, (ops.shape(x)[0], -1)), axis=1)


def gaussian_kl(mean, log_var):
    """`KL(N(mean, diag(exp(log_var))) || N(0, I))` in closed form, per example.

    `0.5 * sum(mean^2 + exp(log_var) - 1 - log_var)` over the latent axis
    (Kingma & Welling 2014, Appendix B).

    Args:
        mean: posterior means, shape `(batch, latent_dim)`.
        log_var: posterior log-variances, same shape.

    Returns:
        A float32 tensor of shape `(batch,)`, in nats.

    Example:

    >>> float(gaussian_kl([[1.0]], [[0.0]])[0])  # 0.5 * mean^2
    0.5
    """
    mean, log_var = _float(mean), _float(log_var)
    return 0.5 * _sum_per_example(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var)


def log_normal(z, mean, log_var):
    """`log N(z; mean, diag(exp(log_var)))`, summed over all but the batch axis.

    Args:
        z: points, shape `(batch, ...)`.
        mean: means, broadcastable to `z`.
        log_var: log-variances, broadcastable to `z`.

    Returns:
        A float32 tensor of shape `(batch,)`.

    Example:

    >>> round(float(log_normal([[0.0]], 0.0, 0.0)[0]), 4)  # -log(2 pi) / 2
    -0.9189
    """
    z, mean, log_var = _float(z), _float(mean), _float(log_var)
    return -0.5 * _sum_per_example(
        _LOG_2PI + log_var + ops.square(z - mean) * ops.exp(-log_var)
    )


def bernoulli_log_likelihood(targets, logits):
    """`log p(x | z)` of independent Bernoullis, summed per example.

    `sum(x * log sigmoid(l) + (1 - x) * log(1 - sigmoid(l)))`, written as
    `-sum(softplus(l) - x * l)`, which is finite for any logit. For
    targets strictly between 0 and 1 (grey pixels) this is the negative
    binary cross-entropy; it is then not a normalized density of `x`.

    Args:
        targets: pixel intensities in `[0, 1]`, shape `(batch, ...)`.
        logits: decoder logits, same shape.

    Returns:
        A float32 tensor of shape `(batch,)`.

    Example:

    >>> round(float(bernoulli_log_likelihood([[1.0, 0.0]], [[0.0, 0.0]])[0]), 4)
    -1.3863
    """
    targets, logits = _float(targets), _float(logits)
    return -_sum_per_example(ops.softplus(logits) - targets * logits)


def gaussian_log_likelihood(targets, mean, log_scale):
    """`log N(x; mean, scale^2 I)`, summed per example.

    Args:
        targets: samples `x`, shape `(batch, ...)`.
        mean: decoder means, same shape.
        log_scale: log of the standard deviation, a scalar or broadcastable
            to `x`.

    Returns:
        A float32 tensor of shape `(batch,)`.

    Example:

    >>> round(float(gaussian_log_likelihood([[1.0]], [[0.0]], 0.0)[0]), 4)
    -1.4189
    """
    targets, mean = _float(targets), _float(mean)
    return log_normal(targets, mean, 2.0 * _float(log_scale))


# ------------------------------------------------------------ shared base


class _LatentVariableModel(AdversarialModel):
    """An encoder `q(z | x)` and a decoder `x(z)`: what `VAE` and `VAEGAN` share.

    Subclasses set the players, the trackers, `compile`, `train_step` and
    `test_step`, and `_decoder_mean` (how decoder outputs become samples in
    `[-1, 1]` or data units).
    """

    NETWORKS = ("encoder", "decoder")
    CONFIG = ("latent_dim", "seed")

    def __init__(self, encoder, decoder, latent_dim, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        check_int("latent_dim", latent_dim)
        self._set_networks(encoder=encoder, decoder=decoder)
        self.latent_dim = int(latent_dim)
        self.data_shape = _check_encoder_decoder(encoder, decoder, self.latent_dim)

    # ---------------------------------------------------------------- api

    def call(self, inputs, training=False):
        """Maps samples to reconstructions, through the posterior mean."""
        mean, _ = self._posterior(inputs, training=training)
        return self._decoder_mean(self.decoder(mean, training=training))

    def _check_fit_data(self, x, y):
        """Checks that the data holds samples only (the model reconstructs its input).

        Its sample shape must match the decoder's output, images (and any
        data of a Bernoulli `VAE`) must be finite floats in `[-1, 1]`, and
        there must be no labels.
        """
        name = type(self).__name__
        if y is not None:
            raise ValueError(
                f"{name} is unsupervised: fit() takes samples only, no targets "
                f"or labels. Received: y of type {type(y).__name__}"
            )
        if x is None:
            raise ValueError(f"{name}.fit() needs samples. Received: x=None")
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if isinstance(spec, (tuple, list)) and len(spec) != 1:
                raise ValueError(
                    f"{name} is unsupervised and trains on samples alone, but the "
                    f"data yields {len(spec)} elements per batch (such as (samples, "
                    "labels)). Drop the labels with `dataset.map(lambda x, y: x)`. "
                    f"Received: element_spec={spec}"
                )
        if isinstance(x, np.ndarray) and self._value_range() is not None:
            _common.check_sample_spec(tuple(x.shape[1:]), x.dtype, self.data_shape)
            _common.check_finite(x, "samples")
            self._check_value_range(x)
        _common.check_samples_data(x, self.data_shape, self._value_range())
        return x, None

    def _value_range(self):
        """The range the samples must lie in; None: [-1, 1] for images only."""
        return None

    def _check_value_range(self, x):
        """Raises unless the array `x` lies in `_value_range()`."""

    def _batch_assertions(self, batch, index):
        """A dataset's samples: finite, and in range (see `_value_range`)."""
        samples = _common.single_element(batch)
        return _common.sample_assertions(
            samples, index, self.data_shape, self._value_range()
        )

    def encode(self, x, batch_size=256):
        """The posterior `q(z | x)` of each sample: its means and log-variances.

        Args:
            x: samples of shape `(n, *data_shape)` (images in `[-1, 1]`).
            batch_size: samples per forward pass. Defaults to 256.

        Returns:
            A pair of float32 NumPy arrays `(mean, log_var)`, each of shape
            `(n, latent_dim)`.
        """
        x = self._check_samples(x, batch_size)
        stats = [
            ops.convert_to_numpy(self.encoder(x[i : i + batch_size], training=False))
            for i in range(0, len(x), batch_size)
        ]
        stats = np.concatenate(stats, axis=0)
        return stats[:, : self.latent_dim], stats[:, self.latent_dim :]

    def decode(self, z, batch_size=256):
        """Decodes latent vectors into samples (the mean of `p(x | z)`).

        Args:
            z: latent vectors of shape `(n, latent_dim)`.
            batch_size: vectors per forward pass. Defaults to 256.

        Returns:
            A float32 NumPy array of shape `(n, *data_shape)`; images in
            `[-1, 1]`.
        """
        z = np.asarray(z, dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim or len(z) == 0:
            raise ValueError(
                f"Expected latent vectors of shape (n, {self.latent_dim}) with "
                f"n >= 1. Received: z.shape={z.shape}"
            )
        _common.check_sample_count(len(z), batch_size)
        out = [
            ops.convert_to_numpy(
                self._decoder_mean(self.decoder(z[i : i + batch_size], training=False))
            )
            for i in range(0, len(z), batch_size)
        ]
        return np.concatenate(out, axis=0).astype("float32")

    def reconstruct(self, x, batch_size=256):
        """Encodes samples to their posterior means and decodes them.

        Args:
            x: samples of shape `(n, *data_shape)`.
            batch_size: samples per forward pass. Defaults to 256.

        Returns:
            A float32 NumPy array of the shape of `x`.
        """
        mean, _ = self.encode(x, batch_size=batch_size)
        return self.decode(mean, batch_size=batch_size)

    def generate(self, n, seed=None, batch_size=256):
        """Draws `n` samples: `z ~ N(0, I)` from the prior, decoded.

        Args:
            n: number of samples.
            seed: integer seed of the latent noise; the same seed gives the
                same samples. `None` draws fresh noise.
            batch_size: samples decoded per forward pass. Defaults to 256.

        Returns:
            A float32 NumPy array of shape `(n, *data_shape)`: the decoder's
            means (no observation noise is added).

        Raises:
            ValueError: `n` samples that would not fit in the available
                memory (the message gives their size); the noise is drawn
                a batch at a time, so only the output needs to fit.
        """
        return _common.sample_in_batches(
            n,
            self.data_shape,
            self.latent_dim,
            seed,
            batch_size,
            lambda z, start, stop: self._decoder_mean(self.decoder(z, training=False)),
        )

    # ------------------------------------------------------------ pieces

    def _decoder_mean(self, outputs):
        return outputs

    def _posterior(self, x, training):
        """`(mean, log_var)` of `q(z | x)`, each `(B, latent_dim)`."""
        stats = ops.cast(self.encoder(x, training=training), "float32")
        return stats[:, : self.latent_dim], stats[:, self.latent_dim :]

    def _sample_prior(self, batch_size):
        """`(batch_size, latent_dim)` draws of the prior `N(0, I)`."""
        return keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )

    def _sample_posterior(self, mean, log_var):
        """The reparameterization trick: `z = mean + exp(log_var / 2) * eps`."""
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def _unpack(self, data):
        """The batch of samples in `train_step` (checked while tracing)."""
        if isinstance(data, (tuple, list)):
            data = tuple(part for part in data if part is not None)
            if len(data) != 1:
                raise ValueError(
                    f"{type(self).__name__} trains on samples alone, but the batch "
                    f"has {len(data)} elements (such as (samples, labels)). "
                    f"Received: {len(data)} elements"
                )
        return _common.real_samples(data, self.data_shape)

    def _check_samples(self, x, batch_size):
        x = np.asarray(x, dtype="float32")
        if x.ndim < 1 or tuple(x.shape[1:]) != self.data_shape or len(x) == 0:
            raise ValueError(
                f"Expected samples of shape (n, {', '.join(map(str, self.data_shape))}) "
                f"with n >= 1. Received: x.shape={x.shape}"
            )
        _common.check_sample_count(len(x), batch_size)
        return x

    def _check_vae_compile_kwargs(self, kwargs):
        """Raises unless `kwargs` are `keras.Model.compile` options only."""
        self._check_compile_kwargs(
            kwargs,
            takes="its optimizers",
            own="the losses and metrics are the model's own",
        )


# ------------------------------------------------------------------- VAE


@keras.saving.register_keras_serializable(package="tfgan_edu")
class VAE(_LatentVariableModel):
    """A variational autoencoder trained on the ELBO under `fit`.

    `train_step` follows Kingma & Welling (2014): encode a batch into
    `q(z | x) = N(mean, diag(exp(log_var)))`, draw one
    `z = mean + exp(log_var / 2) * eps` with `eps ~ N(0, I)` (the
    reparameterization trick: the noise is an input, so gradients reach the
    encoder), decode it, and take one gradient step on the negative ELBO

        loss = -log p(x | z) + beta * KL(q(z | x) || N(0, I)),

    per example (summed over pixels and latent dimensions, in nats) and
    averaged over the batch, with the KL in closed form. `beta = 1` is the
    ELBO; `beta > 1` is the beta-VAE of Higgins et al. (2017). `History`
    reports `loss`, `reconstruction` (`-log p(x | z)`), `kl` and `elbo`
    (`-(reconstruction + kl)`, whatever `beta`); `evaluate` reports the same
    on held-out data, so `evaluate(...)["elbo"]` is the held-out bound.
    `log_likelihood` tightens it by importance weighting (Burda et al. 2016).

    Likelihoods, for data in `[-1, 1]` as `tfgan_edu.data.load` gives it:

    - `"bernoulli"`: pixels are mapped to `[0, 1]` by `(x + 1) / 2` inside
      the model, the decoder returns logits, and `decode` maps the means
      `sigmoid(logits)` back to `[-1, 1]`. Grey pixels make this the
      binary cross-entropy, not a normalized density: compare its bounds
      only between Bernoulli models.
    - `"gaussian"`: `p(x | z) = N(decoder(z), scale^2 I)` in data units, a
      proper density. With `scale=None` one `scale`, shared by all
      dimensions, is set at every training step to its maximum-likelihood
      value for the batch, `sqrt(mean((x - decoder(z))^2))` (the optimal
      sigma-VAE of Rybkin et al. 2021: it balances reconstruction against
      the KL whatever the data's units), and kept in the non-trainable
      weight `log_scale` for `evaluate`, `log_likelihood` and saving. At
      that optimum the gradient through the scale is zero, so holding it
      fixed within a step changes no gradient. On low-dimensional data it
      can collapse the posterior: on the 2-D ring the first batches' best
      scale is the data's spread, at which the code is not worth its KL,
      and the encoder learned to ignore its input (KL 0.006 nats after 20
      epochs). A float fixes the scale.

    Args:
        encoder: a `keras.Model` mapping `(batch, *data_shape)` to
            `(batch, 2 * latent_dim)`: the posterior's means, then its
            log-variances (see `tfgan_edu.networks.conv_encoder`).
        decoder: a `keras.Model` mapping `(batch, latent_dim)` to
            `(batch, *data_shape)`: logits (Bernoulli) or means (Gaussian)
            (see `tfgan_edu.networks.conv_decoder`).
        latent_dim: size of `z`.
        beta: weight of the KL term in the training loss. Defaults to 1.
        likelihood: `"bernoulli"` or `"gaussian"`. Defaults to
            `"bernoulli"`.
        scale: the Gaussian's standard deviation: `None` (default) to fit
            it on every training batch, or a positive float. Only with
            `likelihood="gaussian"`.
        seed: seed of the noise drawn in `train_step` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> vae = tge.VAE(
    ...     encoder=tge.networks.mlp_encoder((2,), latent_dim=2, hidden_units=(16,)),
    ...     decoder=tge.networks.mlp_decoder(2, (2,), hidden_units=(16,)),
    ...     latent_dim=2,
    ...     likelihood="gaussian",
    ...     seed=0,
    ... )
    >>> vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    >>> history = vae.fit(tge.data.load("ring", batch_size=64, n=256),
    ...                   epochs=1, verbose=0)
    >>> sorted(history.history)
    ['elbo', 'kl', 'loss', 'reconstruction']
    >>> vae.generate(5, seed=0).shape
    (5, 2)
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (Player("vae", ("encoder", "decoder"), "optimizer"),)
    CONFIG = (*_LatentVariableModel.CONFIG, "beta", "likelihood", "scale")
    DEFAULT_LOSS = None

    def __init__(
        self,
        encoder,
        decoder,
        latent_dim,
        beta=1.0,
        likelihood="bernoulli",
        scale=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder, decoder, latent_dim, seed=seed, **kwargs)
        self.beta = check_non_negative("beta", beta)
        if likelihood not in LIKELIHOODS:
            raise ValueError(
                f"Expected `likelihood` to be one of {LIKELIHOODS}. "
                f"Received: likelihood={likelihood!r}"
            )
        if scale is not None:
            if likelihood != "gaussian":
                raise ValueError(
                    "`scale` is the standard deviation of the Gaussian likelihood; "
                    "a Bernoulli has none. Pass likelihood='gaussian' or "
                    f"scale=None. Received: likelihood={likelihood!r}, scale={scale!r}"
                )
            if check_non_negative("scale", scale) == 0:
                raise ValueError(f"Expected `scale` > 0. Received: scale={scale!r}")
            scale = float(scale)
        self.likelihood = likelihood
        self.scale = scale
        if likelihood == "gaussian" and scale is None:
            self.log_scale = self.add_weight(
                shape=(),
                initializer="zeros",
                name="log_scale",
                trainable=False,
                aggregation="mean",
            )

        self._add_trackers(*self._metric_names())
        self.built = True

    def _metric_names(self):
        return ["loss", "reconstruction", "kl", "elbo"]

    def _value_range(self):
        # The Bernoulli models `(x + 1) / 2` as pixel probabilities in [0, 1].
        return (-1, 1) if self.likelihood == "bernoulli" else None

    def _check_value_range(self, x):
        _common.check_value_range(
            x,
            "samples of a likelihood='bernoulli' VAE",
            (-1, 1),
            "the model maps them by (x + 1) / 2 to pixel probabilities in "
            "[0, 1]. Rescale them (e.g. `x / 127.5 - 1` for pixels in [0, 255]), "
            "or use likelihood='gaussian' for data of any range.",
        )

    def compile(self, optimizer="adam", **kwargs):
        """Configures training: one optimizer for the encoder and decoder.

        Args:
            optimizer: optimizer instance or name. Defaults to `"adam"`.
            **kwargs: `jit_compile` (default `"auto"`), `run_eagerly`,
                `steps_per_execution`, as in `keras.Model.compile`. The loss
                is the negative ELBO; there is no `loss` or `metrics`
                argument.
        """
        self._check_vae_compile_kwargs(kwargs)
        self._compile_players({"optimizer": optimizer}, kwargs)

    def _train_step(self, data):
        x = self._unpack(data)
        batch_size = ops.shape(x)[0]

        def loss_fn():
            terms = self._elbo_terms(x, training=True)
            return terms["loss"], terms

        weight = _common.replica_weight(batch_size)
        terms, _ = self._minimize("vae", loss_fn, weight)
        self._record(terms, batch_size)
        return self._results()

    def _test_step(self, data):
        x = self._unpack(data)
        self._record(self._elbo_terms(x, training=False), ops.shape(x)[0])
        return self._results()

    def log_likelihood(self, x, k=100, seed=None, batch_size=256):
        """The importance-weighted bound on `log p(x)` (Burda et al. 2016).

        With `z_1, ..., z_k ~ q(z | x)` and weights
        `w_i = p(x | z_i) p(z_i) / q(z_i | x)`, the bound is
        `L_k = log(mean_i w_i)`. `E[L_1]` is the ELBO, `E[L_k]` grows with
        `k` and tends to `log p(x)` as `k -> inf`. The log-mean-exp is taken
        in float64.

        Args:
            x: samples of shape `(n, *data_shape)`.
            k: importance samples per example. Defaults to 100.
            seed: seed of the posterior draws (`None`: random).
            batch_size: decoder evaluations per forward pass (pairs of an
                example and one of its samples). Defaults to 256.

        Returns:
            A float64 NumPy array of shape `(n,)`: the bound of each sample,
            in nats (its mean estimates the average log-likelihood).
        """
        check_int("k", k)
        x = self._check_samples(x, batch_size)
        rng = np.random.default_rng(seed)
        mean, log_var = self.encode(x, batch_size=batch_size)
        # Every (example, sample) pair in one long list, decoded in chunks.
        eps = rng.standard_normal((len(x), k, self.latent_dim)).astype("float32")
        z = mean[:, None] + np.exp(0.5 * log_var)[:, None] * eps  # (n, k, L)
        z = z.reshape(-1, self.latent_dim)  # (n * k, L)
        owner = np.repeat(np.arange(len(x)), k)  # example of each row of z
        log_w = np.empty(len(z), dtype="float64")
        for j in range(0, len(z), batch_size):
            zj, rows = z[j : j + batch_size], owner[j : j + batch_size]
            outputs = self.decoder(zj, training=False)
            log_w[j : j + len(zj)] = ops.convert_to_numpy(
                self._log_likelihood(x[rows], outputs)  # log p(x | z)
                + log_normal(zj, 0.0, 0.0)  # log p(z)
                - log_normal(zj, mean[rows], log_var[rows])  # log q(z | x)
            )
        return logsumexp(log_w.reshape(len(x), k), axis=1) - math.log(k)

    # ------------------------------------------------------------ pieces

    def _elbo_terms(self, x, training):
        """The named terms of one batch, batch means: `loss` (the training
        loss, `reconstruction + beta * kl`), `reconstruction`
        (`-log p(x | z)`), `kl` and `elbo` (`-(reconstruction + kl)`)."""
        reconstruction, kl = self._negative_elbo_terms(x, training=training)
        loss = ops.mean(reconstruction + self.beta * kl)
        reconstruction, kl = ops.mean(reconstruction), ops.mean(kl)
        return {
            "loss": loss,
            "reconstruction": reconstruction,
            "kl": kl,
            "elbo": -(reconstruction + kl),
        }

    def _negative_elbo_terms(self, x, training):
        """`(-log p(x | z), KL(q || p))` per example, one `z` per example."""
        mean, log_var = self._posterior(x, training=training)
        z = self._sample_posterior(mean, log_var)
        outputs = self.decoder(z, training=training)
        if training and self.likelihood == "gaussian" and self.scale is None:
            # The maximum-likelihood scale for this batch (floored at 1e-3).
            mse = ops.mean(ops.square(_float(x) - _float(outputs)))
            self.log_scale.assign(0.5 * ops.log(ops.stop_gradient(mse) + 1e-6))
        return -self._log_likelihood(x, outputs), gaussian_kl(mean, log_var)

    def _log_likelihood(self, x, outputs):
        """`log p(x | z)` per example, from the decoder's outputs for `z`."""
        if self.likelihood == "bernoulli":
            return bernoulli_log_likelihood((_float(x) + 1.0) / 2.0, outputs)
        return gaussian_log_likelihood(x, outputs, self._log_scale())

    def _log_scale(self):
        if self.scale is not None:
            return math.log(self.scale)
        return self.log_scale

    def _decoder_mean(self, outputs):
        if self.likelihood == "bernoulli":
            return 2.0 * ops.sigmoid(_float(outputs)) - 1.0
        return outputs


# ---------------------------------------------------------------- VAE-GAN


@keras.saving.register_keras_serializable(package="tfgan_edu")
class VAEGAN(_LatentVariableModel):
    """A VAE whose decoder is also a GAN generator (Larsen et al. 2016).

    The pixel likelihood of a VAE is replaced by a Gaussian likelihood of
    the discriminator's features: with `Dis_l(x)` the output of the
    discriminator's layer `feature_layer`, the reconstruction term is
    `L_llike = 0.5 * sum((Dis_l(x) - Dis_l(x~))^2)` per example, where
    `x~ = Dec(z)`, `z ~ q(z | x)` (reparameterized). The prior term is
    `L_prior = KL(q(z | x) || N(0, I))`, in closed form. The discriminator
    plays the GAN game against two kinds of fakes at once: reconstructions
    `x~` and prior samples `x_p = Dec(z_p)`, `z_p ~ N(0, I)`, scored as one
    fake batch with the compiled loss family.

    Each network minimizes its own loss (Algorithm 1 of the paper; the
    three gradients are taken from one forward pass and applied together):

    | network | loss | optimizer |
    |---|---|---|
    | encoder | `L_prior + L_llike` | `e_optimizer` |
    | decoder | `gamma * L_llike + g_loss(D(x~), D(x_p))` | `g_optimizer` |
    | discriminator | `d_loss(D(x); D(x~), D(x_p))` | `d_optimizer` |

    The decoder's GAN term is the generator loss of the family (the paper's
    `-L_GAN`, in its non-saturating form by default). The feature
    reconstruction never updates the discriminator, which would otherwise
    learn to make all features equal. `History` reports `kl`
    (`L_prior`), `reconstruction` (`L_llike`), `d_loss` and `g_loss`.

    Discriminators without batch normalization work best here: with it, the
    features of `x` and `x~` are normalized with different batch statistics
    during training, which distorts the reconstruction term.

    Args:
        encoder: a `keras.Model` mapping samples to `(batch, 2 * latent_dim)`
            (means, then log-variances).
        decoder: a `keras.Model` mapping `(batch, latent_dim)` to samples in
            the data's range (a GAN generator, e.g. `dcgan_generator`).
        discriminator: a functional `keras.Model` mapping samples to one
            logit each.
        latent_dim: size of `z`.
        feature_layer: name of the discriminator layer whose output is the
            reconstruction space. Defaults to `None`: the layer that feeds
            the logit layer (the flattened features for
            `dcgan_discriminator`).
        gamma: weight of the feature reconstruction in the decoder's loss,
            trading reconstruction against fooling the discriminator.
            Defaults to 1e-2.
        seed: seed of the noise drawn in `train_step` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> vaegan = tge.VAEGAN(
    ...     encoder=tge.networks.mlp_encoder((2,), latent_dim=2, hidden_units=(16,)),
    ...     decoder=tge.networks.mlp_decoder(2, (2,), hidden_units=(16,)),
    ...     discriminator=tge.networks.mlp_discriminator((2,), hidden_units=(16,)),
    ...     latent_dim=2,
    ...     seed=0,
    ... )
    >>> vaegan.compile(e_optimizer=keras.optimizers.Adam(1e-3),
    ...                g_optimizer=keras.optimizers.Adam(1e-3),
    ...                d_optimizer=keras.optimizers.Adam(1e-3))
    >>> history = vaegan.fit(tge.data.load("ring", batch_size=64, n=256),
    ...                      epochs=1, verbose=0)
    >>> sorted(history.history)
    ['d_loss', 'g_loss', 'kl', 'reconstruction']
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (
        Player("e", ("encoder",), "e_optimizer"),
        Player("g", ("decoder",), "g_optimizer"),
        Player("d", ("discriminator",), "d_optimizer"),
    )
    NETWORKS = (*_LatentVariableModel.NETWORKS, "discriminator")
    CONFIG = (*_LatentVariableModel.CONFIG, "feature_layer", "gamma")

    def __init__(
        self,
        encoder,
        decoder,
        discriminator,
        latent_dim,
        feature_layer=None,
        gamma=1e-2,
        seed=None,
        **kwargs,
    ):
        super().__init__(encoder, decoder, latent_dim, seed=seed, **kwargs)
        self._set_networks(discriminator=discriminator)
        self.gamma = check_non_negative("gamma", gamma)
        self.feature_layer, self._features_and_logit = _feature_model(
            discriminator, feature_layer, self.data_shape
        )
        self._add_trackers(*self._metric_names())
        self.built = True

    def _metric_names(self):
        return ["kl", "reconstruction", "d_loss", "g_loss"]

    def compile(
        self,
        e_optimizer,
        g_optimizer,
        d_optimizer,
        loss="non_saturating",
        **kwargs,
    ):
        """Configures training: one optimizer per network and the GAN loss.

        Args:
            e_optimizer: optimizer of the encoder (instance or name).
            g_optimizer: optimizer of the decoder, the generator.
            d_optimizer: optimizer of the discriminator.
            loss: GAN loss family of `tfgan_edu.losses` (`"non_saturating"`,
                the paper's, by default; any name `GAN.compile` takes, or a
                `(generator_loss, discriminator_loss)` pair of registered
                callables).
            **kwargs: `jit_compile` (default `"auto"`), `run_eagerly`,
                `steps_per_execution`, as in `keras.Model.compile`.
        """
        self._check_vae_compile_kwargs(kwargs)
        family = self._get_loss(loss)
        self._compile_players(
            {
                "e_optimizer": e_optimizer,
                "g_optimizer": g_optimizer,
                "d_optimizer": d_optimizer,
            },
            kwargs,
        )
        self.loss_family = family

    def _train_step(self, data):
        x = self._unpack(data)
        batch_size = ops.shape(x)[0]
        z_prior = self._sample_prior(batch_size)

        # All three gradients come from the same forward pass.
        def loss_fn():
            terms = self._game_losses(x, z_prior, training=True)
            kl, reconstruction = terms["kl"], terms["reconstruction"]
            losses = {
                "e": kl + reconstruction,
                "g": self.gamma * reconstruction + terms["g_loss"],
                "d": terms["d_loss"],
            }
            return losses, terms

        terms = self._minimize_jointly(loss_fn, _common.replica_weight(batch_size))
        self._record(terms, batch_size)
        return self._results()

    def _test_step(self, data):
        x = self._unpack(data)
        batch_size = ops.shape(x)[0]
        z_prior = self._sample_prior(batch_size)
        self._record(self._game_losses(x, z_prior, training=False), batch_size)
        return self._results()

    # ------------------------------------------------------------ pieces

    def _game_losses(self, x, z_prior, training):
        """The named terms, batch means: `kl` (`L_prior`), `reconstruction`
        (`L_llike`), `d_loss` and `g_loss`."""
        mean, log_var = self._posterior(x, training=training)
        z = self._sample_posterior(mean, log_var)
        x_rec = self.decoder(z, training=training)
        x_prior = self.decoder(z_prior, training=training)
        real_features, real_logits = self._features_and_logit(x, training=training)
        rec_features, rec_logits = self._features_and_logit(x_rec, training=training)
        _, prior_logits = self._features_and_logit(x_prior, training=training)
        kl = ops.mean(gaussian_kl(mean, log_var))
        diff = ops.cast(real_features, "float32") - ops.cast(rec_features, "float32")
        reconstruction = ops.mean(0.5 * _sum_per_example(ops.square(diff)))
        fake_logits = ops.concatenate([rec_logits, prior_logits], axis=0)
        return {
            "kl": kl,
            "reconstruction": reconstruction,
            "d_loss": self.loss_family.discriminator_loss(real_logits, fake_logits),
            "g_loss": self.loss_family.generator_loss(fake_logits),
        }


# ---------------------------------------------------------------- helpers


def _check_encoder_decoder(encoder, decoder, latent_dim):
    """Builds both networks, checks they fit together, returns the sample shape."""
    try:
        sample = decoder(ops.zeros((2, latent_dim)), training=False)
    except Exception as exc:
        raise ValueError(
            f"The decoder could not be applied to latent vectors of shape "
            f"(2, {latent_dim}). Expected a model mapping (batch, latent_dim) to "
            f"samples. Received: latent_dim={latent_dim}; error: {exc}"
        ) from exc
    data_shape = tuple(int(d) for d in sample.shape[1:])
    try:
        stats = encoder(sample, training=False)
    except Exception as exc:
        raise ValueError(
            "The encoder could not be applied to the decoder's samples of shape "
            f"(2, {', '.join(map(str, data_shape))}). Build both networks for the "
            f"same data shape. Error: {exc}"
        ) from exc
    if tuple(stats.shape) != (2, 2 * latent_dim):
        raise ValueError(
            "Expected the encoder to return the posterior's means and "
            f"log-variances as one tensor of shape (batch, 2 * latent_dim) = "
            f"(batch, {2 * latent_dim}). Received: encoder output of shape "
            f"{tuple(stats.shape)} for latent_dim={latent_dim}"
        )
    return data_shape


def _feature_model(discriminator, feature_layer, data_shape):
    """`(name, model)`: `model(x)` returns `[Dis_l(x), D(x)]`."""
    if (
        not getattr(discriminator, "inputs", None)
        or len(discriminator.inputs) != 1
        or len(discriminator.outputs) != 1
    ):
        raise ValueError(
            "VAEGAN reads features from an inner layer of the discriminator, so "
            "it needs a functional keras.Model with one input and one output. "
            f"Received: discriminator={discriminator!r}"
        )
    layers = discriminator.layers
    if feature_layer is None:
        # The layer feeding the logit layer.
        logit_layer = discriminator.outputs[0]._keras_history.operation
        inbound = logit_layer._inbound_nodes[0].input_tensors
        feature_layer = inbound[0]._keras_history.operation.name
    names = [layer.name for layer in layers]
    if feature_layer not in names[1:-1]:
        raise ValueError(
            "Expected `feature_layer` to name a hidden layer of the "
            f"discriminator, one of {names[1:-1]}. Received: "
            f"feature_layer={feature_layer!r}"
        )
    features = discriminator.get_layer(feature_layer).output
    model = keras.Model(
        discriminator.input,
        [features, discriminator.outputs[0]],
        name=f"{discriminator.name}_features",
    )
    _, logits = model(ops.zeros((2, *data_shape)), training=False)
    _common.check_logits_shape(logits, "the discriminator's output")
    return feature_layer, model
