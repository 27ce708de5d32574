"""Runs the parity scenarios of `test_parity.py` on one Keras backend.

Run as `KERAS_BACKEND=<backend> python parity_worker.py <folder>`: the
backend is fixed when Keras is imported, so each backend runs in a process
of its own. The TensorFlow run writes the shared initial weights, the noise
and a saved model into `<folder>`; the JAX and PyTorch runs read them. Each
run writes `<folder>/<backend>.npz`: per scenario, the losses of each step
and the weights after the last one.

Scenarios (ring MLPs, Adam, the noise injected from one table):

- `plain`: the non-saturating loss, 3 steps;
- `r1`: R1 (gamma 1), `d_steps=2`, EMA 0.9, diagnostics, 3 steps;
- `gp`: the gradient penalty (lambda 10) with a linear critic, whose input
  gradient is its weight vector wherever the interpolate falls, so the
  step does not depend on the backend's uniform draws; 3 steps;
- `clip`: weight clipping (0.3) and one-sided label smoothing (0.1), 3 steps;
- `noise`: instance noise annealed over 2 steps: run only (the noise is
  each backend's own draw), its losses finite;
- `joint`: a two-player toy model whose players are updated from one
  forward pass (`_minimize_jointly`: on JAX one `jax.vjp`, pulled back
  once per player), one player on SGD and one on Adam, 3 steps;
- `resume`: the TensorFlow run saves `plain` after its 3 steps to a
  `.keras` file; every backend loads it and trains one more step;
- `shift`: DiffAugment's `translation` at given offsets (no random draw),
  and a GAN on 8x8 images trained 2 steps through `augment`.
"""

import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import ops  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu import augment  # noqa: E402
from tfgan_edu.models._base import (  # noqa: E402
    AdversarialModel,
    Player,
    _check_backend,
)

LATENT_DIM = 4
BATCH = 32
STEPS = 3
BACKEND = keras.backend.backend()


@keras.saving.register_keras_serializable(package="tfgan_edu_parity")
class InjectedNoiseGAN(tge.GAN):
    """A GAN whose noise comes from a fixed table, the same on every backend.

    Draw number `draws` is row `draws mod len(table)` of the table; `draws`
    is a variable of the model (saved with it) that each draw reads and then
    increments, so the draws follow the program's order on every backend
    and under `jit`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draws = self.add_weight(
            shape=(), dtype="int32", initializer="zeros", trainable=False, name="draws"
        )

    def _sample_latent(self, batch_size):
        table = np.random.default_rng(1).standard_normal((16, BATCH, LATENT_DIM))
        row = ops.take(
            ops.convert_to_tensor(table.astype("float32")), self.draws % 16, axis=0
        )
        self.draws.assign(self.draws + 1)
        return row[:batch_size]


@keras.saving.register_keras_serializable(package="tfgan_edu_parity")
class JointToy(AdversarialModel):
    """Two linear players updated from one forward pass (`_minimize_jointly`).

    `a` fits `a(x) + b(x)` to 1, `b` shrinks `a(x) * b(x)`: different losses
    of one forward pass, so each gradient must be of its own loss.
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (
        Player("a", ("net_a",), "a_optimizer"),
        Player("b", ("net_b",), "b_optimizer"),
    )
    DRAWS_NOISE = False
    DEFAULT_LOSS = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        nets = {}
        for label in ("net_a", "net_b"):
            nets[label] = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        self._set_networks(**nets)
        self._add_trackers("a_loss", "b_loss")
        self.built = True

    def compile(self, a_optimizer, b_optimizer):
        self._compile_players(
            {"a_optimizer": a_optimizer, "b_optimizer": b_optimizer}, {}
        )

    def _metric_names(self):
        return ["a_loss", "b_loss"]

    def _check_fit_data(self, x, y):
        return x, y

    def _train_step(self, data):
        x = data[0] if isinstance(data, (tuple, list)) else data

        def loss_fn():
            a, b = self.net_a(x), self.net_b(x)
            losses = {
                "a": ops.mean(ops.square(a + b - 1.0)),
                "b": ops.mean(ops.square(a * b)),
            }
            return losses, {f"{k}_loss": v for k, v in losses.items()}

        terms = self._minimize_jointly(loss_fn)
        self._record(terms, ops.shape(x)[0])
        return self._results()


def make_gan(linear_critic=False):
    """Small ring MLPs (8 hidden units) and, optionally, a linear critic."""
    generator = tge.networks.mlp_generator(
        latent_dim=LATENT_DIM, output_shape=(2,), hidden_units=(8, 8)
    )
    if linear_critic:
        discriminator = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    else:
        discriminator = tge.networks.mlp_discriminator(
            input_shape=(2,), hidden_units=(8, 8)
        )
    return InjectedNoiseGAN(generator, discriminator, latent_dim=LATENT_DIM, seed=0)


def weights_of(gan):
    """The generator's, the discriminator's (and the EMA generator's) weights."""
    nets = [gan.generator, gan.discriminator]
    if getattr(gan, "ema_generator", None) is not None:
        nets.append(gan.ema_generator)
    return [np.asarray(ops.convert_to_numpy(w)) for net in nets for w in net.weights]


def train(gan, real, steps):
    """`steps` calls of `train_on_batch`, returning each step's logs as rows."""
    rows = []
    for _ in range(steps):
        gan.reset_metrics()
        logs = gan.train_on_batch(real, return_dict=True)
        rows.append([float(logs[k]) for k in sorted(logs)])
    return np.array(rows), sorted(logs)


def main(folder):
    real = tge.data.toy2d.sample("ring", n=BATCH, seed=0).astype("float32")
    init_path = os.path.join(folder, "init.npz")
    out = {}
    scenarios = {
        "plain": ({}, False),
        "r1": (dict(r1_weight=1.0, d_steps=2, ema_decay=0.9, diagnostics=True), False),
        "gp": (dict(gradient_penalty_weight=10.0), True),
        "clip": (dict(clip_value=0.3, label_smoothing=0.1), False),
        # G's update through the pass that made the last D step's fakes.
        "reuse": (dict(reuse_fakes=True, d_steps=2), False),
        # Instance noise draws from the backend's own generator: no parity,
        # but it must run (and anneal with the generator's step count).
        "noise": (dict(instance_noise=0.1, instance_noise_steps=2), False),
    }
    init = dict(np.load(init_path)) if BACKEND != "tensorflow" else {}
    for name, (options, linear) in scenarios.items():
        keras.utils.set_random_seed(0)
        gan = make_gan(linear)
        key = f"{name}_init"
        nets = [gan.generator, gan.discriminator]
        if BACKEND == "tensorflow":
            init[key] = np.concatenate(
                [np.ravel(w) for net in nets for w in net.get_weights()]
            )
        flat, start = init[key], 0
        for net in nets:
            values = []
            for w in net.get_weights():
                values.append(flat[start : start + w.size].reshape(w.shape))
                start += w.size
            net.set_weights(values)
        gan.compile(
            d_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(1e-2, beta_1=0.5),
            **options,
        )
        if getattr(gan, "ema_generator", None) is not None:
            gan.ema_generator.set_weights(gan.generator.get_weights())
        losses, names = train(gan, real, STEPS)
        out[f"{name}_losses"] = losses
        out[f"{name}_names"] = np.array(names)
        for i, w in enumerate(weights_of(gan)):
            out[f"{name}_w{i}"] = w
        if name == "plain" and BACKEND == "tensorflow":
            gan.save(os.path.join(folder, "plain.keras"))

    # Two players from one forward pass.
    keras.utils.set_random_seed(0)
    toy = JointToy()
    if BACKEND == "tensorflow":
        init["joint_init"] = np.concatenate([np.ravel(w) for w in toy.get_weights()])
    flat, values = init["joint_init"], []
    for w in toy.get_weights():
        values.append(flat[: w.size].reshape(w.shape))
        flat = flat[w.size :]
    toy.set_weights(values)
    toy.compile(keras.optimizers.SGD(0.1), keras.optimizers.Adam(1e-2))
    out["joint_losses"], _ = train(toy, real, STEPS)
    for i, w in enumerate(toy.get_weights()):
        out[f"joint_w{i}"] = w

    # Resume: the TensorFlow file, loaded here, one more step.
    gan = keras.models.load_model(os.path.join(folder, "plain.keras"))
    for i, w in enumerate(weights_of(gan)):
        out[f"loaded_w{i}"] = w
    out["resume_losses"], _ = train(gan, real, 1)
    for i, w in enumerate(weights_of(gan)):
        out[f"resume_w{i}"] = w

    # DiffAugment: the shift of `translation` at given offsets (no random
    # draw), the same on every backend; and a GAN trained through the three
    # augmentations, whose draws are each backend's own.
    images = np.random.default_rng(2).uniform(-1, 1, (3, 5, 4, 2)).astype("float32")
    offsets = np.array([[-2], [0], [3]], "int32")
    for axis in (1, 2):
        shifted = augment._shift(ops.convert_to_tensor(images), offsets, axis, -1.0)
        out[f"shift{axis}"] = np.asarray(ops.convert_to_numpy(shifted))
    keras.utils.set_random_seed(0)
    image_gan = InjectedNoiseGAN(
        tge.networks.mlp_generator(
            latent_dim=LATENT_DIM, output_shape=(8, 8, 1), hidden_units=(8,)
        ),
        tge.networks.mlp_discriminator(input_shape=(8, 8, 1), hidden_units=(8,)),
        latent_dim=LATENT_DIM,
        seed=0,
    )
    image_gan.compile(
        d_optimizer="adam", g_optimizer="adam", augment="color,translation,cutout"
    )
    digits = np.tanh(np.random.default_rng(3).standard_normal((BATCH, 8, 8, 1)))
    out["augment_losses"], _ = train(image_gan, digits.astype("float32"), 2)

    # The backend is the environment's; a user's own model that does not
    # declare the backend says so.
    out["backend"] = np.array(keras.backend.backend())

    class Undeclared(AdversarialModel):
        pass

    try:
        _check_backend(Undeclared)
        out["undeclared_error"] = np.array("")
    except NotImplementedError as exc:
        out["undeclared_error"] = np.array(str(exc))

    if BACKEND == "tensorflow":
        np.savez(init_path, **init)
    np.savez(os.path.join(folder, f"{BACKEND}.npz"), **out)


if __name__ == "__main__":
    # Here only: pytest imports this module for its doctests.
    from workers import deterministic_reference

    deterministic_reference(BACKEND)
    main(sys.argv[1])
