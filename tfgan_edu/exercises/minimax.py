"""Exercises of chapter 1, the minimax game: losses, D*, the two networks and
one training step."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfgan_edu.exercises._core import Case, Exercise, Mistake


def _const(values) -> tf.Tensor:
    return tf.constant(np.asarray(values, dtype=np.float32))


def _logits(seed: int, shape) -> tf.Tensor:
    return _const(np.random.default_rng(seed).normal(0.0, 2.0, size=shape))


# --- the discriminator's loss ---------------------------------------------


D_LOSS = Exercise(
    name="minimax_discriminator_loss",
    solutions=(
        "tfgan_edu.losses:minimax_discriminator_loss",
        "tfgan_edu.losses:non_saturating_discriminator_loss",
    ),
    chapter=1,
    title="The discriminator's loss",
    summary="D's loss -V(D, G) from logits, stable for large logits (softplus)",
    task=r"""
The discriminator maximizes the value function, so it **minimizes**

$$
L_D = -\mathbb{E}_{x \sim p_\text{data}}[\log D(x)] - \mathbb{E}_{z}[\log(1 - D(G(z)))],
\qquad D(x) = \sigma(\ell(x)),
$$

where $\ell$ are the discriminator's logits. With $-\log\sigma(t) = \operatorname{softplus}(-t)$
and $-\log(1 - \sigma(t)) = \operatorname{softplus}(t)$:

$$
L_D = \operatorname{mean}\big(\operatorname{softplus}(-r)\big) + \operatorname{mean}\big(\operatorname{softplus}(f)\big)
$$

for real logits $r$ and fake logits $f$ (any shape; average each term over all its elements).
Write it with `ops.softplus`: `log(sigmoid(t))` overflows to `-inf` for logits like $-120$.
Return a scalar float32 tensor.
""",
    stub='''
def minimax_discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss of the minimax game, from logits.

    Args:
        real_logits: D's logits on real samples, a float32 tensor of any shape.
        fake_logits: D's logits on generated samples, any shape.

    Returns:
        A scalar float32 tensor: mean(softplus(-r)) + mean(softplus(f)).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "three real and three fake logits",
            lambda: {
                "real_logits": _const([2.0, 0.5, -1.0]),
                "fake_logits": _const([-3.0, 0.0, 1.5]),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
        Case(
            "logits of shape (8, 1) and (6, 1): the batches differ in size",
            lambda: {
                "real_logits": _logits(0, (8, 1)),
                "fake_logits": _logits(1, (6, 1)),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
        Case(
            "a confidently wrong discriminator: real logits -120, fake logits +120",
            lambda: {
                "real_logits": _const([-120.0, 3.0]),
                "fake_logits": _const([120.0, -3.0]),
            },
            grad_wrt=("real_logits", "fake_logits"),
        ),
    ),
    hint="L_D = mean(softplus(-real_logits)) + mean(softplus(fake_logits)), "
    "each mean over all the elements of its own tensor.",
    mistakes=(
        Mistake(
            "_d_loss_naive",
            "log(sigmoid(t)) underflows: sigmoid(-120) is 0 in float32 and its log "
            "is -inf. Use -log(sigmoid(t)) = softplus(-t) and "
            "-log(1 - sigmoid(t)) = softplus(t).",
        ),
        Mistake(
            "_d_loss_value",
            "This is V(D, G), which D maximizes. As a loss to minimize, D uses -V.",
        ),
        Mistake(
            "_d_loss_pooled",
            "You averaged real and fake terms together. Average each expectation "
            "separately, then add the two means.",
        ),
    ),
)


# --- the non-saturating generator loss -------------------------------------


G_LOSS = Exercise(
    name="non_saturating_generator_loss",
    solutions=("tfgan_edu.losses:non_saturating_generator_loss",),
    chapter=1,
    title="The non-saturating generator loss",
    summary="G's loss -mean(log D(G(z))), not the saturating log(1 - D(G(z)))",
    task=r"""
In the minimax game the generator minimizes $\mathbb{E}_z[\log(1 - D(G(z)))]$. Early in
training $D$ rejects the fakes confidently, $D(G(z)) \approx 0$, where this loss is flat:
its gradient vanishes (it *saturates*). Goodfellow et al. (2014) propose instead that
$G$ maximizes $\log D(G(z))$, i.e. minimizes

$$
L_G = -\mathbb{E}_z[\log D(G(z))] = \operatorname{mean}\big(\operatorname{softplus}(-f)\big)
$$

for the fake logits $f$. Same fixed point, strong gradients when $D$ wins.
Return a scalar float32 tensor.
""",
    stub='''
def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss -mean(log D(G(z))), from logits.

    Args:
        fake_logits: D's logits on generated samples, a float32 tensor of any shape.

    Returns:
        A scalar float32 tensor.
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "a discriminator that rejects the fakes: logits -6, -4, -2",
            lambda: {"fake_logits": _const([-6.0, -4.0, -2.0])},
            grad_wrt=("fake_logits",),
        ),
        Case(
            "logits of shape (4, 3, 1)",
            lambda: {"fake_logits": _logits(2, (4, 3, 1))},
            grad_wrt=("fake_logits",),
        ),
        Case(
            "extreme logits -150 and +150",
            lambda: {"fake_logits": _const([-150.0, 150.0])},
            grad_wrt=("fake_logits",),
        ),
    ),
    hint="L_G = mean(softplus(-fake_logits)): -log(sigmoid(f)) = softplus(-f).",
    mistakes=(
        Mistake(
            "_g_loss_saturating",
            "This is the saturating loss mean(log(1 - D(G(z)))) = -mean(softplus(f)) "
            "of the minimax game. The non-saturating generator minimizes "
            "-mean(log D(G(z))) = mean(softplus(-f)).",
        ),
        Mistake(
            "_g_loss_wrong_sign",
            "The sign is flipped: G minimizes -log D(G(z)) = softplus(-f), "
            "a non-negative loss.",
        ),
    ),
)


# --- the optimal discriminator ---------------------------------------------


def _gauss(x, mean, std):
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * np.sqrt(2.0 * np.pi))


D_STAR = Exercise(
    name="optimal_discriminator",
    chapter=1,
    title="The optimal discriminator",
    summary="D*(x) = p_data(x) / (p_data(x) + p_g(x)) from the two densities",
    task=r"""
For a fixed generator, the discriminator maximizing $V(D, G)$ is

$$
D^*_G(x) = \frac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}.
$$

Given the two densities evaluated at the same points (NumPy arrays of the same shape,
with $p_\text{data} + p_g > 0$ everywhere), return $D^*$ at those points as a float64
NumPy array of that shape.
""",
    stub='''
def optimal_discriminator(p_data, p_g):
    """The optimal discriminator D*(x) from the densities at points x.

    Args:
        p_data: the data density at the points, a float64 NumPy array.
        p_g: the generator's density at the same points, same shape.

    Returns:
        A float64 NumPy array of the same shape, with values in [0, 1].
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "p_data = N(2, 0.5^2) and p_g = N(0, 1) on 9 points of [-1, 3]",
            lambda: {
                "p_data": _gauss(np.linspace(-1, 3, 9), 2.0, 0.5),
                "p_g": _gauss(np.linspace(-1, 3, 9), 0.0, 1.0),
            },
        ),
        Case(
            "equal densities (D* = 1/2) and points where p_g = 0 (D* = 1), shape (2, 3)",
            lambda: {
                "p_data": np.array([[0.1, 0.2, 0.3], [0.5, 1.0, 2.0]]),
                "p_g": np.array([[0.1, 0.2, 0.3], [0.0, 0.0, 2.0]]),
            },
        ),
    ),
    hint="D*(x) = p_data / (p_data + p_g), element by element.",
    mistakes=(
        Mistake(
            "_d_star_swapped",
            "You returned p_g / (p_data + p_g), the probability that x is fake. "
            "D outputs the probability that x is real.",
        ),
        Mistake(
            "_d_star_ratio",
            "p_data / p_g is the density ratio, the odds D*/(1 - D*), not a "
            "probability.",
        ),
    ),
)


# --- building the two networks ---------------------------------------------


def observe_builder(probe_shape, training=False, scale=0.5):
    """An `observe` for exercises whose answer builds a `keras.Model`.

    The model the function returns is called on a fixed batch (which builds
    it), its weights are set to fixed values (drawn in the order of
    `model.weights`, so two models of the same layers get the same values)
    and it is called again. Observed: that it is a `keras.Model`, the shapes
    of its weights in order, the output's shape and the output.

    Args:
        probe_shape: `probe_shape(inputs) -> shape` of the fixed input batch,
            from the builder's arguments.
        training: whether to call the model with `training=True` (batch
            normalization on the batch's statistics). Defaults to False.
        scale: standard deviation of the fixed weights. Defaults to 0.5.

    Returns:
        The `observe(fn, inputs, case)` function.
    """

    def observe(fn, inputs, case):
        model = fn(*inputs.values())
        is_model = isinstance(model, keras.Model)
        observed = [("whether it returns a keras.Model", is_model)]
        if not is_model:
            return observed
        rng = np.random.default_rng(0)
        probe = _const(rng.normal(size=probe_shape(inputs)))
        model(probe, training=training)  # builds the model
        shapes = tuple(tuple(int(d) for d in w.shape) for w in model.weights)
        observed.append(("the shapes of its weights (in model.weights order)", shapes))
        for weight in model.weights:
            weight.assign(rng.normal(0.0, scale, size=weight.shape).astype("float32"))
        output = model(probe, training=training)
        observed.append(("the output's shape", tuple(int(d) for d in output.shape)))
        observed.append(("the output for fixed weights and inputs", output))
        return observed

    return observe


MLP_GENERATOR = Exercise(
    name="mlp_generator",
    solutions=(
        "tfgan_edu.networks.mlp:mlp_generator",
        "tfgan_edu.experiments.hand_written:mlp_generator",
    ),
    chapter=1,
    title="The generator, a small MLP",
    summary="noise -> Dense(ReLU) -> Dense(ReLU) -> Dense(output_dim), linear output",
    task=r"""
The generator maps noise $z \in \mathbb{R}^{d}$ to a sample. For points in the plane a
small fully connected network does:

$$
G(z) = W_3\, \operatorname{ReLU}\big(W_2\, \operatorname{ReLU}(W_1 z + b_1) + b_2\big) + b_3 .
$$

Build it as a `keras.Sequential`: `keras.Input((latent_dim,))`, two
`keras.layers.Dense(hidden_units, activation="relu")`, then
`keras.layers.Dense(output_dim)` with **no** activation (the points of the ring lie at
radius 2: a `tanh` output could not reach them). Return the model.
The check calls it on a fixed batch, sets its weights to fixed values and compares the
shapes of its weights and its output with the reference's.
""",
    stub='''
def mlp_generator(latent_dim, hidden_units, output_dim):
    """The generator: noise -> two ReLU layers -> a sample (linear output).

    Args:
        latent_dim: size of the noise vector z.
        hidden_units: units of each of the two hidden layers.
        output_dim: size of a sample (2 for points in the plane).

    Returns:
        A keras.Model from (batch, latent_dim) to (batch, output_dim).
    """
    raise NotImplementedError
''',
    cases=(
        Case(
            "latent_dim 4, hidden_units 8, output_dim 2",
            lambda: dict(latent_dim=4, hidden_units=8, output_dim=2),
        ),
        Case(
            "latent_dim 3, hidden_units 5, output_dim 3",
            lambda: dict(latent_dim=3, hidden_units=5, output_dim=3),
        ),
    ),
    hint="keras.Sequential([keras.Input((latent_dim,)), Dense(hidden_units, "
    "activation='relu'), Dense(hidden_units, activation='relu'), Dense(output_dim)]).",
    mistakes=(
        Mistake(
            "_mlp_g_tanh_output",
            "The output has a tanh: samples stay inside [-1, 1]. Points in the "
            "plane are not bounded; leave the last Dense layer linear.",
        ),
        Mistake(
            "_mlp_g_one_hidden",
            "There is one hidden layer; the generator has two, each "
            "Dense(hidden_units, activation='relu').",
        ),
    ),
    observe=observe_builder(lambda inputs: (8, inputs["latent_dim"])),
)


MLP_DISCRIMINATOR = Exercise(
    name="mlp_discriminator",
    solutions=(
        "tfgan_edu.networks.mlp:mlp_discriminator",
        "tfgan_edu.experiments.hand_written:mlp_discriminator",
    ),
    chapter=1,
    title="The discriminator, a small MLP",
    summary="sample -> Dense(leaky ReLU 0.2) x 2 -> Dense(1): one logit, no sigmoid",
    task=r"""
The discriminator maps a sample $x$ to one **logit** $\ell(x)$, with
$D(x) = \sigma(\ell(x))$; the losses take logits, so there is no sigmoid at the end:

$$
\ell(x) = w_3^\top \operatorname{LReLU}\big(W_2\, \operatorname{LReLU}(W_1 x + b_1) + b_2\big) + b_3,
\qquad \operatorname{LReLU}(t) = \max(t, 0.2\, t).
$$

Build it as a `keras.Sequential`: `keras.Input((input_dim,))`, two
`keras.layers.Dense(hidden_units, activation="leaky_relu")` (the activation function
`leaky_relu` has slope $0.2$; careful: the *layer* `keras.layers.LeakyReLU()` defaults to
$0.3$), then `keras.layers.Dense(1)`. Return the model.
""",
    stub='''
def mlp_discriminator(input_dim, hidden_units):
    """The discriminator: a sample -> two leaky-ReLU layers -> one logit.

    Args:
        input_dim: size of a sample.
        hidden_units: units of each of the two hidden layers.

    Returns:
        A keras.Model from (batch, input_dim) to logits (batch, 1).
    """
    raise NotImplementedError
''',
    cases=(
        Case("input_dim 2, hidden_units 8", lambda: dict(input_dim=2, hidden_units=8)),
        Case("input_dim 3, hidden_units 6", lambda: dict(input_dim=3, hidden_units=6)),
    ),
    hint="keras.Sequential([keras.Input((input_dim,)), Dense(hidden_units, "
    "activation='leaky_relu'), Dense(hidden_units, activation='leaky_relu'), "
    "Dense(1)]).",
    mistakes=(
        Mistake(
            "_mlp_d_sigmoid",
            "The last layer has a sigmoid: it returns D(x), a probability. Return "
            "the logit (no activation); the losses apply the sigmoid themselves.",
        ),
        Mistake(
            "_mlp_d_relu",
            "The hidden layers use ReLU; the discriminator uses a leaky ReLU "
            "(activation='leaky_relu', slope 0.2).",
        ),
        Mistake(
            "_mlp_d_keras_slope",
            "keras.layers.LeakyReLU() has slope 0.3; use activation='leaky_relu' "
            "(slope 0.2) or LeakyReLU(negative_slope=0.2).",
        ),
    ),
    observe=observe_builder(lambda inputs: (8, inputs["input_dim"])),
)


# --- one training step -----------------------------------------------------


def _step_inputs(seed: int, d_lr: float = 0.1, g_lr: float = 0.05):
    def make():
        from tfgan_edu.experiments.hand_written import HandWrittenGAN

        def dense(units, layer_seed, activation=None):
            return keras.layers.Dense(
                units,
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(
                    seed=seed + layer_seed
                ),
                bias_initializer=keras.initializers.RandomNormal(
                    0.0, 0.1, seed=seed + layer_seed + 50
                ),
            )

        generator = keras.Sequential(
            [keras.Input((4,)), dense(8, 1, "tanh"), dense(2, 2)]
        )
        discriminator = keras.Sequential(
            [keras.Input((2,)), dense(8, 3, "tanh"), dense(1, 4)]
        )
        model = HandWrittenGAN(generator, discriminator, latent_dim=4, seed=seed)
        model.compile(keras.optimizers.SGD(d_lr), keras.optimizers.SGD(g_lr))
        rng = np.random.default_rng(seed)
        return {"self": model, "real": _const(rng.normal(1.0, 0.5, size=(16, 2)))}

    return make


def _observe_step(fn, inputs, case):
    returned = fn(*inputs.values())
    observed = [("the returned {'d_loss': ..., 'g_loss': ...}", returned)]
    for player in ("discriminator", "generator"):
        network = getattr(inputs["self"], player)
        for i, variable in enumerate(network.trainable_variables):
            observed.append(
                (
                    f"the {player}'s weight {i} ({variable.name}, shape "
                    f"{tuple(variable.shape)}) after the step",
                    variable.value,
                )
            )
    return observed


TRAIN_STEP = Exercise(
    name="train_step",
    solutions=(
        "tfgan_edu.models.gan:GAN.train_step",
        "tfgan_edu.experiments.hand_written:HandWrittenGAN.train_step",
    ),
    chapter=1,
    title="One training step",
    summary="the six steps: noise, fakes, scores, update D, update G "
    "(non-saturating), report",
    task=r"""
Write the `train_step` method of a GAN, a subclassed `keras.Model` (chapter 1's
`HandWrittenGAN`): `fit` calls it once per batch `real`. `self` has `generator`,
`discriminator`, `d_optimizer`, `g_optimizer`, `latent_dim`, `seed_generator` (a
`keras.random.SeedGenerator`) and the trackers `d_loss_tracker`, `g_loss_tracker`
(`keras.metrics.Mean`). One step of Algorithm 1 of Goodfellow et al. (2014), $k = 1$:

1. **sample noise** `z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)`;
2. **generate** the fakes $G(z)$;
3. **score** the real batch and the fakes with $D$ (logits $r$ and $f$);
4. the **discriminator's loss**
   $L_D = \operatorname{mean}\operatorname{softplus}(-r) + \operatorname{mean}\operatorname{softplus}(f)$
   and one step of `self.d_optimizer` on it;
5. **fresh noise** (a second, identical `keras.random.normal` call), fakes scored by the
   **updated** $D$, the **non-saturating** generator loss
   $L_G = \operatorname{mean}\operatorname{softplus}(-f)$ and one step of `self.g_optimizer`;
6. **report**: update the two trackers with the losses and return
   `{"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}`.

Use one `tf.GradientTape` per player, `tape.gradient(loss, network.trainable_variables)`
and `optimizer.apply_gradients(zip(grads, variables))`; call the networks with
`training=True`. Draw the noise exactly as in steps 1 and 5: the check compares the
weights after your step with the reference's, from the same weights and the same seed.
""",
    stub='''
def train_step(self, real):
    """One training step of a GAN: update D, then G; report both losses.

    Args:
        self: the GAN, a keras.Model with generator, discriminator,
            d_optimizer, g_optimizer, latent_dim, seed_generator,
            d_loss_tracker and g_loss_tracker.
        real: a batch of real samples, (batch, *sample shape).

    Returns:
        {"d_loss": ..., "g_loss": ...}: the trackers' running means.
    """
    raise NotImplementedError
''',
    cases=(
        Case("a 2-D MLP pair, batch 16, SGD steps", _step_inputs(0)),
        Case("another initialization and seed", _step_inputs(7, d_lr=0.2, g_lr=0.1)),
    ),
    hint="Update D first (its loss on real and G(z)), then G on fresh noise "
    "through the updated D, with the non-saturating loss; draw each noise with "
    "keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator).",
    mistakes=(
        Mistake(
            "_step_g_first",
            "You updated the generator before the discriminator. Algorithm 1 "
            "first improves D, then moves G against the updated D.",
        ),
        Mistake(
            "_step_saturating",
            "The generator step uses the saturating loss mean(log(1 - D(G(z)))). "
            "Use the non-saturating mean(softplus(-fake_logits)).",
        ),
        Mistake(
            "_step_same_noise",
            "The generator's step reused the discriminator's noise. Draw fresh "
            "noise for it (a second keras.random.normal call).",
        ),
    ),
    observe=_observe_step,
)

EXERCISES = (D_LOSS, G_LOSS, D_STAR, MLP_GENERATOR, MLP_DISCRIMINATOR, TRAIN_STEP)
