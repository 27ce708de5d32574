"""Runs the model parity scenarios of `test_parity_models.py` on one backend.

Run as `KERAS_BACKEND=<backend> python parity_models_worker.py <folder>`,
as `parity_worker.py` (which covers `GAN` and its options): the TensorFlow
run writes each scenario's initial weights and a `.keras` file saved after
its steps into `<folder>`; the JAX and PyTorch runs start from those
weights, and load those files. Each run writes
`<folder>/models_<backend>.npz`: per scenario, the logs of each step, the
weights after the last one, and the weights and logs after the reloaded
model's extra step.

Every scenario draws its noise from fixed tables (`InjectedNoise`), so that
the three backends see the same numbers:

- `cgan`: `ConditionalGAN` (conditional MLPs with label embeddings), R1;
- `acgan`: `ACGAN` (dense generator, two-headed discriminator);
- `vae`: `VAE`, Gaussian likelihood with the fitted scale (a non-trainable
  weight assigned inside the differentiated loss);
- `vaegan`: `VAEGAN`, three players from one forward pass;
- `pix2pix`: `Pix2Pix` with a U-Net (batch norm, no dropout) and a
  conditional PatchGAN: the generator's update goes back through the
  forward pass made before the discriminator's (`_minimize_through`);
- `cyclegan`: `CycleGAN` with the identity loss and its image pools, which
  are still filling (pool 50, 4 images a step): no coin decides yet.
"""

import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import ops  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu.networks import conditional as cond_nets  # noqa: E402

BACKEND = keras.backend.backend()
STEPS = 3
LATENT = 4
CLASSES = 3
BATCH = 8


def _table(shape, seed):
    rng = np.random.default_rng(seed)
    return ops.convert_to_tensor(rng.standard_normal((16, *shape)).astype("float32"))


class InjectedNoise:
    """Mixin: the models' noise drawn from fixed tables, one row per draw.

    `draws`, a variable of the model (saved with it), counts the draws; each
    draw reads it and then increments it, so the order of the draws is that
    of the program on every backend (reading the optimizers' step counts
    instead raced with their updates on TensorFlow: the reference varied
    from run to run).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draws = self.add_weight(
            shape=(), dtype="int32", initializer="zeros", trainable=False, name="draws"
        )

    def _draw(self, table_seed, n):
        row = ops.take(_table((BATCH, LATENT), table_seed), self.draws % 16, axis=0)
        self.draws.assign(self.draws + 1)
        return row[:n]

    def _sample_latent(self, batch_size):
        return self._draw(1, batch_size)

    def _sample_prior(self, batch_size):
        return self._draw(1, batch_size)

    def _sample_posterior(self, mean, log_var):
        eps = self._draw(2, ops.shape(mean)[0])
        return mean + ops.exp(0.5 * log_var) * eps


def _register(cls):
    name = f"Injected{cls.__name__}"
    injected = type(name, (InjectedNoise, cls), {})
    return keras.saving.register_keras_serializable(package="tfgan_edu_parity")(
        injected
    )


CGAN, ACGAN, VAE, VAEGAN = (
    _register(c) for c in (tge.ConditionalGAN, tge.ACGAN, tge.VAE, tge.VAEGAN)
)


def _acgan_nets():
    z, y = keras.Input((LATENT,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.Embedding(CLASSES, 3)(y)])
    h = keras.layers.Dense(8, activation="relu")(h)
    generator = keras.Model([z, y], keras.layers.Dense(2, activation="tanh")(h))
    x = keras.Input((2,))
    h = keras.layers.Dense(8, activation="relu")(x)
    discriminator = keras.Model(
        x, [keras.layers.Dense(1)(h), keras.layers.Dense(CLASSES)(h)]
    )
    return generator, discriminator


def _images(seed, n=4):
    rng = np.random.default_rng(seed)
    return np.tanh(rng.standard_normal((n, 8, 8, 1))).astype("float32")


def scenarios():
    """`{name: (build, compile kwargs, batch)}`; `build()` makes the model."""
    ring = tge.data.toy2d.sample("ring", n=BATCH, seed=0).astype("float32")
    labels = (np.arange(BATCH) % CLASSES).astype("int32")
    adam = lambda: keras.optimizers.Adam(1e-2, beta_1=0.5)  # noqa: E731
    mlp = dict(hidden_units=(8,))
    unet = dict(base_filters=4, depth=2, dropout=0.0)
    patch = dict(base_filters=4, n_layers=1)
    return {
        "cgan": (
            lambda: CGAN(
                cond_nets.conditional_mlp_generator(LATENT, CLASSES, (2,), **mlp),
                cond_nets.conditional_mlp_discriminator((2,), CLASSES, **mlp),
                latent_dim=LATENT,
                num_classes=CLASSES,
                seed=0,
            ),
            lambda: dict(d_optimizer=adam(), g_optimizer=adam(), r1_weight=1.0),
            (ring, labels),
        ),
        "acgan": (
            lambda: ACGAN(
                *_acgan_nets(), latent_dim=LATENT, num_classes=CLASSES, seed=0
            ),
            lambda: dict(d_optimizer=adam(), g_optimizer=adam()),
            (ring, labels),
        ),
        "vae": (
            lambda: VAE(
                tge.networks.mlp_encoder((2,), latent_dim=LATENT, **mlp),
                tge.networks.mlp_decoder(LATENT, (2,), **mlp),
                latent_dim=LATENT,
                likelihood="gaussian",
                seed=0,
            ),
            lambda: dict(optimizer=adam()),
            (ring,),
        ),
        "vaegan": (
            lambda: VAEGAN(
                tge.networks.mlp_encoder((2,), latent_dim=LATENT, **mlp),
                tge.networks.mlp_decoder(LATENT, (2,), **mlp),
                tge.networks.mlp_discriminator((2,), **mlp),
                latent_dim=LATENT,
                seed=0,
            ),
            lambda: dict(e_optimizer=adam(), g_optimizer=adam(), d_optimizer=adam()),
            (ring,),
        ),
        "pix2pix": (
            lambda: tge.Pix2Pix(
                tge.networks.unet_generator((8, 8, 1), **unet),
                tge.networks.patchgan_discriminator(
                    (8, 8, 1), condition_shape=(8, 8, 1), **patch
                ),
                l1_weight=10.0,
            ),
            lambda: dict(d_optimizer=adam(), g_optimizer=adam()),
            (_images(1), _images(2)),
        ),
        "cyclegan": (
            lambda: tge.CycleGAN(
                tge.networks.unet_generator((8, 8, 1), **unet),
                tge.networks.unet_generator((8, 8, 1), **unet),
                tge.networks.patchgan_discriminator((8, 8, 1), **patch),
                tge.networks.patchgan_discriminator((8, 8, 1), **patch),
                seed=0,
            ),
            lambda: dict(d_optimizer=adam(), g_optimizer=adam()),
            (_images(3), _images(4)),
        ),
    }


def _train(model, batch, steps):
    """`steps` calls of `train_on_batch`: each step's logs, as rows of sorted keys."""
    rows = []
    for _ in range(steps):
        model.reset_metrics()
        logs = model.train_on_batch(*batch, return_dict=True)
        rows.append([float(logs[k]) for k in sorted(logs)])
    return np.array(rows), sorted(logs)


def _weights(model):
    return [np.asarray(ops.convert_to_numpy(w)) for w in model.weights]


def main(folder):
    init_path = os.path.join(folder, "models_init.npz")
    init = dict(np.load(init_path)) if BACKEND != "tensorflow" else {}
    out = {"backend": np.array(BACKEND)}
    only = os.environ.get("PARITY_ONLY")  # one scenario, when debugging
    for name, (build, compile_kwargs, batch) in scenarios().items():
        if only and name != only:
            continue
        keras.utils.set_random_seed(0)
        model = build()
        if BACKEND == "tensorflow":
            for i, w in enumerate(model.get_weights()):
                init[f"{name}_{i}"] = w
        model.set_weights(
            [init[f"{name}_{i}"] for i in range(len(model.get_weights()))]
        )
        model.compile(**compile_kwargs())
        out[f"{name}_losses"], names = _train(model, batch, STEPS)
        out[f"{name}_names"] = np.array(names)
        for i, w in enumerate(_weights(model)):
            out[f"{name}_w{i}"] = w
        path = os.path.join(folder, f"{name}.keras")
        if BACKEND == "tensorflow":
            model.save(path)
        # Resume: the TensorFlow file, loaded on this backend, one more step.
        loaded = keras.models.load_model(path)
        for i, w in enumerate(_weights(loaded)):
            out[f"{name}_loaded{i}"] = w
        out[f"{name}_resumed_losses"], _ = _train(loaded, batch, 1)
        for i, w in enumerate(_weights(loaded)):
            out[f"{name}_resumed_w{i}"] = w
    if BACKEND == "tensorflow":
        np.savez(init_path, **init)
    np.savez(os.path.join(folder, f"models_{BACKEND}.npz"), **out)


if __name__ == "__main__":
    # Here only: pytest imports this module for its doctests.
    from workers import deterministic_reference

    deterministic_reference(BACKEND)
    main(sys.argv[1])
