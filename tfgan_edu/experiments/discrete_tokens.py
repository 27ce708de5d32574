"""Chapter 0's demonstration: a GAN over discrete tokens, and the Gumbel-softmax.

A text GAN's generator ends by *choosing* tokens. Choosing (an `argmax`, or
a draw from a categorical distribution) is a step function of the logits:
its derivative is zero almost everywhere and TensorFlow defines none, so
the discriminator's verdict cannot flow back into the generator
(`tape.gradient` returns `None`). The Gumbel-softmax (Jang et al. 2017;
Maddison et al. 2017) replaces the draw by a differentiable relaxation:
with Gumbel noise `g`,

    argmax(logits + g)            is a sample of softmax(logits)  (Gumbel-max),
    softmax((logits + g) / tau)   is its soft, differentiable version.

Its *straight-through* variant feeds the discriminator the exact one-hot
sample in the forward pass and uses the soft sample's gradient in the
backward pass: `hard + (soft - stop_gradient(soft))`.

The toy task: sequences of `SEQUENCE_LENGTH` tokens from a vocabulary of
`VOCAB_SIZE`, where the *valid* sequences count up by one modulo the
vocabulary (`0 1 2 3`, `3 4 0 1`, ...): 5 of the 625 sequences.

- `valid_sequences()`, `is_valid(tokens)`: the target set and its test.
- `gumbel_noise(shape, seed)`, `gumbel_softmax(logits, temperature, hard)`:
  the relaxation and its straight-through estimator.
- `sample_tokens(logits, method)`: one-hot tokens by `"argmax"`,
  `"categorical"`, `"gumbel_softmax"` or `"straight_through"`.
- `token_generator()`, `token_discriminator()`: small MLPs.
- `generator_gradients(...)`: the generator's gradients through each method.
- `train_token_gan(method)`: a small GAN trained with one method;
  `plot_training(results)` draws its valid fraction over the steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

from tfgan_edu import losses
from tfgan_edu._checks import check_int

VOCAB_SIZE = 5
SEQUENCE_LENGTH = 4
METHODS = ("argmax", "categorical", "gumbel_softmax", "straight_through")


def _check_sizes(vocab_size: int, length: int) -> None:
    check_int("vocab_size", vocab_size, minimum=2)
    check_int("length", length, minimum=2)


def valid_sequences(
    vocab_size: int = VOCAB_SIZE, length: int = SEQUENCE_LENGTH
) -> np.ndarray:
    """The sequences that count up by one modulo the vocabulary size.

    Args:
        vocab_size: the number of tokens. Defaults to `VOCAB_SIZE` (5).
        length: the sequence length. Defaults to `SEQUENCE_LENGTH` (4).

    Returns:
        An `int64` array of shape `(vocab_size, length)`: row `s` is
        `s, s+1, ..., s+length-1` modulo `vocab_size`.

    Example:

    >>> valid_sequences(5, 4)[3]
    array([3, 4, 0, 1])
    """
    _check_sizes(vocab_size, length)
    starts = np.arange(vocab_size)[:, None]
    return (starts + np.arange(length)[None, :]) % vocab_size


def is_valid(tokens, vocab_size: int = VOCAB_SIZE) -> np.ndarray:
    """Whether each sequence counts up by one modulo `vocab_size`.

    Args:
        tokens: integer tokens of shape `(n, length)`, or one-hot (or soft)
            vectors of shape `(n, length, vocab_size)`, read by their argmax.
        vocab_size: the number of tokens. Defaults to `VOCAB_SIZE` (5).

    Returns:
        A boolean array of shape `(n,)`.

    Example:

    >>> is_valid([[0, 1, 2, 3], [4, 0, 1, 2], [0, 1, 2, 2]])
    array([ True,  True, False])
    """
    tokens = np.asarray(tokens)
    if tokens.ndim == 3:
        tokens = tokens.argmax(axis=-1)
    if tokens.ndim != 2 or tokens.shape[1] < 2:
        raise ValueError(
            "Expected `tokens` of shape (n, length) or (n, length, vocab_size) "
            f"with length >= 2. Received: tokens.shape={tokens.shape}"
        )
    steps = np.diff(tokens, axis=1) % vocab_size
    return np.all(steps == 1, axis=1)


def _seed_pair(seed) -> tf.Tensor:
    """A stateless-RNG seed of shape (2,) from an int or a pair."""
    seed = tf.cast(tf.convert_to_tensor(seed), tf.int64)
    if seed.shape.rank == 0:
        return tf.stack([seed, tf.constant(0, tf.int64)])
    if seed.shape != (2,):
        raise ValueError(
            f"Expected `seed` to be an integer or a pair of integers. Received: seed={seed}"
        )
    return seed


def gumbel_noise(shape, seed) -> tf.Tensor:
    """Standard Gumbel noise `-log(-log(u))`, `u` uniform on (0, 1), float32.

    Args:
        shape: the noise's shape.
        seed: an integer or a pair of integers (a stateless-RNG seed: the
            same seed gives the same noise).

    Returns:
        A float32 tensor of shape `shape`.

    Example:

    >>> g = gumbel_noise((100_000,), seed=0).numpy()
    >>> round(float(g.mean()), 2)  # the Euler-Mascheroni constant, 0.577...
    0.58
    """
    tiny = np.finfo(np.float32).tiny  # keeps log(u) finite
    u = tf.random.stateless_uniform(shape, _seed_pair(seed), minval=tiny, maxval=1.0)
    return -tf.math.log(-tf.math.log(u))


def gumbel_softmax(
    logits, temperature: float = 1.0, hard: bool = False, seed=0, noise=None
) -> tf.Tensor:
    """A Gumbel-softmax sample over the last axis, soft or straight-through.

    With Gumbel noise `g`, the soft sample is `softmax((logits + g) / tau)`.
    With `hard=True` the result is the one-hot vector at the soft sample's
    argmax (a sample of `softmax(logits)`: the Gumbel-max trick) in the
    forward pass, with the soft sample's gradient in the backward pass
    (the straight-through estimator, computed as
    `hard + (soft - stop_gradient(soft))`, exactly one-hot).

    Args:
        logits: unnormalized log-probabilities, shape `(..., vocab_size)`.
        temperature: `tau > 0`; low values make the soft sample nearly
            one-hot (and its gradient large and noisy). Defaults to 1.
        hard: return the straight-through one-hot sample. Defaults to
            `False`.
        seed: an integer or a pair of integers for the noise. Defaults to 0.
        noise: Gumbel noise of the logits' shape to use instead of drawing
            it (then `seed` is ignored).

    Returns:
        A float32 tensor of the logits' shape whose last axis sums to 1.

    Example:

    >>> gumbel_softmax([[2.0, 0.0, -1.0]], seed=1).numpy().round(2)
    array([[0.97, 0.02, 0.01]], dtype=float32)
    >>> gumbel_softmax([[2.0, 0.0, -1.0]], hard=True, seed=1).numpy().tolist()
    [[1.0, 0.0, 0.0]]
    """
    if not (isinstance(temperature, (int, float)) and temperature > 0):
        raise ValueError(
            "Expected `temperature` to be a positive number. "
            f"Received: temperature={temperature!r}"
        )
    logits = tf.convert_to_tensor(logits, tf.float32)
    if noise is None:
        noise = gumbel_noise(tf.shape(logits), seed)
    soft = tf.nn.softmax((logits + tf.cast(noise, tf.float32)) / temperature, axis=-1)
    if not hard:
        return soft
    one_hot = tf.one_hot(tf.argmax(soft, axis=-1), tf.shape(soft)[-1], dtype=soft.dtype)
    # soft - stop_gradient(soft) is exactly 0 forward and passes soft's
    # gradient backward; adding it last keeps the one-hot values exact.
    return one_hot + (soft - tf.stop_gradient(soft))


def sample_tokens(logits, method: str, temperature: float = 1.0, seed=0) -> tf.Tensor:
    """One token per position, as one-hot (or soft) vectors for a discriminator.

    Args:
        logits: shape `(batch, length, vocab_size)`.
        method: `"argmax"` (the most likely token), `"categorical"` (a draw
            from `softmax(logits)` by `tf.random.stateless_categorical`),
            `"gumbel_softmax"` (the soft relaxation) or `"straight_through"`
            (a one-hot Gumbel-max draw with the soft gradient).
        temperature: the Gumbel-softmax temperature. Defaults to 1.
        seed: an integer or a pair of integers. Defaults to 0.

    Returns:
        A float32 tensor of shape `(batch, length, vocab_size)`. Only
        `"gumbel_softmax"` and `"straight_through"` pass gradients to the
        logits; the other two are step functions of them.

    Example:

    >>> logits = tf.constant([[[0.0, 3.0, 0.0]]])
    >>> sample_tokens(logits, "argmax").numpy().tolist()
    [[[0.0, 1.0, 0.0]]]
    """
    if method not in METHODS:
        raise ValueError(f"Expected `method` in {METHODS}. Received: method={method!r}")
    logits = tf.convert_to_tensor(logits, tf.float32)
    if logits.shape.rank != 3:
        raise ValueError(
            "Expected `logits` of shape (batch, length, vocab_size). "
            f"Received: logits.shape={logits.shape}"
        )
    vocab_size = logits.shape[-1]
    if method == "argmax":
        return tf.one_hot(tf.argmax(logits, axis=-1), vocab_size)
    if method == "categorical":
        flat = tf.reshape(logits, (-1, vocab_size))
        draws = tf.random.stateless_categorical(flat, 1, _seed_pair(seed))
        return tf.reshape(tf.one_hot(draws[:, 0], vocab_size), tf.shape(logits))
    hard = method == "straight_through"
    return gumbel_softmax(logits, temperature, hard=hard, seed=seed)


def token_generator(
    latent_dim: int = 8,
    vocab_size: int = VOCAB_SIZE,
    length: int = SEQUENCE_LENGTH,
    hidden_units: int = 64,
) -> keras.Sequential:
    """An MLP from noise to logits: `(batch, latent_dim)` to `(batch, length, vocab_size)`.

    Args:
        latent_dim: the noise dimension. Defaults to 8.
        vocab_size: the number of tokens. Defaults to 5.
        length: the sequence length. Defaults to 4.
        hidden_units: the width of its one ReLU hidden layer. Defaults to 64.

    Returns:
        A built `keras.Sequential`.

    Example:

    >>> token_generator()(np.zeros((2, 8))).shape
    TensorShape([2, 4, 5])
    """
    _check_sizes(vocab_size, length)
    return keras.Sequential(
        [
            keras.Input((latent_dim,)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(length * vocab_size),
            keras.layers.Reshape((length, vocab_size)),  # logits per position
        ],
        name="token_generator",
    )


def token_discriminator(
    vocab_size: int = VOCAB_SIZE, length: int = SEQUENCE_LENGTH, hidden_units: int = 64
) -> keras.Sequential:
    """An MLP from one-hot sequences `(batch, length, vocab_size)` to one logit.

    Args:
        vocab_size: the number of tokens. Defaults to 5.
        length: the sequence length. Defaults to 4.
        hidden_units: the width of its one leaky-ReLU hidden layer.
            Defaults to 64.

    Returns:
        A built `keras.Sequential` returning shape `(batch, 1)`.

    Example:

    >>> token_discriminator()(np.zeros((2, 4, 5))).shape
    TensorShape([2, 1])
    """
    _check_sizes(vocab_size, length)
    return keras.Sequential(
        [
            keras.Input((length, vocab_size)),
            keras.layers.Flatten(),
            keras.layers.Dense(hidden_units, activation="leaky_relu"),
            keras.layers.Dense(1),
        ],
        name="token_discriminator",
    )


def generator_gradients(
    generator: keras.Model,
    discriminator: keras.Model,
    z,
    method: str,
    temperature: float = 1.0,
    seed=0,
) -> list:
    """The gradients of the non-saturating generator loss through `method`.

    Args:
        generator: maps `z` to logits `(batch, length, vocab_size)`.
        discriminator: maps one-hot sequences to logits.
        z: a batch of noise.
        method: one of `METHODS` (see `sample_tokens`).
        temperature: the Gumbel-softmax temperature. Defaults to 1.
        seed: an integer or a pair of integers. Defaults to 0.

    Returns:
        One entry per trainable variable of the generator: a tensor, or
        `None` where no gradient reaches it.

    Example:

    >>> G, D = token_generator(), token_discriminator()
    >>> z = np.ones((4, 8), "float32")
    >>> generator_gradients(G, D, z, "argmax")
    [None, None, None, None]
    """
    with tf.GradientTape() as tape:
        tokens = sample_tokens(generator(z), method, temperature, seed)
        loss = losses.non_saturating_generator_loss(discriminator(tokens))
    return tape.gradient(loss, generator.trainable_variables)


@dataclasses.dataclass
class TokenGANResult:
    """What `train_token_gan` returns.

    Attributes:
        method: the sampling method the generator was trained through.
        steps: the training steps at which `valid_fraction` was measured.
        valid_fraction: the share of valid sequences among categorical
            samples of the generator, at each of `steps`.
        samples: the final integer samples, shape `(num_samples, length)`.
        generator: the trained generator.
        generator_moved: whether any generator weight changed.
    """

    method: str
    steps: list[int]
    valid_fraction: list[float]
    samples: np.ndarray
    generator: keras.Model
    generator_moved: bool

    def distinct_valid(self) -> int:
        """How many of the valid sequences appear among `samples`."""
        valid = self.samples[is_valid(self.samples)]
        return len({tuple(row) for row in valid})


def _draw(generator: keras.Model, n: int, latent_dim: int, seed: int) -> np.ndarray:
    z = tf.random.stateless_normal((n, latent_dim), _seed_pair([seed, 1]))
    tokens = sample_tokens(generator(z), "categorical", seed=[seed, 2])
    return tokens.numpy().argmax(axis=-1)


def train_token_gan(
    method: str = "straight_through",
    steps: int = 600,
    batch_size: int = 128,
    temperature: float = 1.0,
    learning_rate: float = 3e-3,
    latent_dim: int = 8,
    eval_every: int = 50,
    num_samples: int = 2000,
    seed: int = 0,
) -> TokenGANResult:
    """Trains a small GAN on the counting sequences, through one sampling method.

    Real batches are valid sequences drawn uniformly, one-hot. Each step
    updates the discriminator on the non-saturating loss, then the
    generator through `sample_tokens(logits, method)`. With `"argmax"` or
    `"categorical"` no gradient reaches the generator, so it is not
    updated at all: it stays at its initialization.

    Args:
        method: one of `METHODS`. Defaults to `"straight_through"`.
        steps: training steps. Defaults to 600.
        batch_size: sequences per batch. Defaults to 128.
        temperature: the Gumbel-softmax temperature. Defaults to 1.
        learning_rate: Adam's rate (beta_1 0.5) for both players. Defaults
            to 3e-3.
        latent_dim: the generator's noise dimension. Defaults to 8.
        eval_every: measure the valid fraction every this many steps.
            Defaults to 50.
        num_samples: categorical samples per measurement. Defaults to 2000.
        seed: the seed of weights and noise; the run is deterministic on
            one machine. Defaults to 0.

    Returns:
        A `TokenGANResult`.

    Example:

    >>> result = train_token_gan("categorical", steps=20, eval_every=10)
    >>> result.generator_moved
    False
    """
    if method not in METHODS:
        raise ValueError(f"Expected `method` in {METHODS}. Received: method={method!r}")
    for name, value in (("steps", steps), ("batch_size", batch_size)):
        check_int(name, value, minimum=1)
    check_int("eval_every", eval_every, minimum=1)
    check_int("seed", seed, minimum=0)
    keras.utils.set_random_seed(seed)  # the initial weights
    G, D = token_generator(latent_dim), token_discriminator()
    g_opt = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    d_opt = keras.optimizers.Adam(learning_rate, beta_1=0.5)
    valid = tf.one_hot(valid_sequences(), VOCAB_SIZE)  # (5, 4, 5): the real data
    initial = [w.numpy().copy() for w in G.trainable_variables]

    @tf.function
    def step(i):
        noise_seed = tf.stack([tf.constant(seed, tf.int64), tf.cast(i, tf.int64)])
        z_seed, pick_seed, token_seed = (
            tf.random.experimental.stateless_split(noise_seed, 3)[k] for k in range(3)
        )
        pick = tf.random.stateless_uniform(
            (batch_size,), pick_seed, 0, VOCAB_SIZE, tf.int32
        )
        real = tf.gather(valid, pick)
        z = tf.random.stateless_normal((batch_size, latent_dim), z_seed)
        with tf.GradientTape() as d_tape:
            fake = sample_tokens(G(z), method, temperature, token_seed)
            d_loss = losses.non_saturating_discriminator_loss(D(real), D(fake))
        d_opt.apply_gradients(
            zip(d_tape.gradient(d_loss, D.trainable_variables), D.trainable_variables)
        )
        grads = generator_gradients(G, D, z, method, temperature, token_seed)
        if all(g is not None for g in grads):  # known when tracing
            g_opt.apply_gradients(zip(grads, G.trainable_variables))

    eval_steps, fractions = [], []
    for i in range(steps + 1):
        if i % eval_every == 0 or i == steps:
            eval_steps.append(i)
            fractions.append(
                float(is_valid(_draw(G, num_samples, latent_dim, seed)).mean())
            )
        if i < steps:
            step(tf.constant(i))
    moved = any(
        not np.array_equal(w.numpy(), w0)
        for w, w0 in zip(G.trainable_variables, initial)
    )
    return TokenGANResult(
        method,
        eval_steps,
        fractions,
        _draw(G, num_samples, latent_dim, seed + 1),
        G,
        moved,
    )


def plot_training(
    results: Sequence[TokenGANResult] | Mapping[str, TokenGANResult], ax=None
) -> Figure:
    """The valid fraction over training, one curve per result, with chance.

    Args:
        results: `TokenGANResult`s, or a mapping from labels to them.
        ax: a Matplotlib axes to draw on; a new figure when `None`.

    Returns:
        The figure.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3.5))
    items = (
        results.items()
        if isinstance(results, Mapping)
        else [(r.method, r) for r in results]
    )
    for label, result in items:
        ax.plot(result.steps, result.valid_fraction, marker="o", ms=3, label=label)
    chance = VOCAB_SIZE / VOCAB_SIZE**SEQUENCE_LENGTH
    ax.axhline(chance, color="gray", ls=":", label=f"chance ({chance:.1%})")
    ax.set(
        xlabel="training step", ylabel="valid fraction of samples", ylim=(-0.02, 1.02)
    )
    ax.legend()
    return ax.figure
