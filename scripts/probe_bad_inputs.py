"""Tries bad input across the API and the command line, as a new user would.

Each probe does one wrong thing (a zero batch size, NaN in the data, a
misspelt name, a file that is not a model, ...) and is classified:

- `clear`: refused with an error that names what it received
  (`"... Received: ..."`, or argparse's `invalid choice: 'x' (choose from
  ...)`), before any work: a `fit` probe's optimizers have
  taken no step (or, for a `tf.data` batch refused as it arrives, the error
  names the batch);
- `late`: refused clearly, but only after an update was made;
- `unclear`: refused, but the message does not say what it received;
- `silent`: accepted;
- `escaped`: a `SystemExit`/`BaseException` left a function that promises
  nothing escapes.

Issue 17 tried 126 bad inputs in one session (90 clear, 15 silent, 16
unclear, 4 late, 1 escaped); this catalog holds its listed cases and the
others a user meets first. Prints a table and the counts, writes JSON:

    python scripts/probe_bad_inputs.py [--out probe_bad_inputs.json] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import tfgan_edu as tge  # noqa: E402
from tfgan_edu import cli  # noqa: E402

LATENT = 4
K = 3
PROBES: list[tuple[str, str, Callable[[], object]]] = []


class Late(Exception):
    """Refused after an update was made."""


class Refused(Exception):
    """A CLI refusal (exit status and stderr) turned into an exception."""


def probe(area: str, description: str):
    def register(fn):
        PROBES.append((area, description, fn))
        return fn

    return register


# ----------------------------------------------------------------- helpers


def gan(data_shape=(2,), discriminator=None, generator=None):
    return tge.GAN(
        generator=generator
        or tge.networks.mlp_generator(
            latent_dim=LATENT, output_shape=data_shape, hidden_units=(8,)
        ),
        discriminator=discriminator
        or tge.networks.mlp_discriminator(input_shape=data_shape, hidden_units=(8,)),
        latent_dim=LATENT,
        seed=1,
    )


def cgan():
    nets = tge.networks.conditional
    return tge.ConditionalGAN(
        generator=nets.conditional_mlp_generator(LATENT, K, (2,), hidden_units=(8,)),
        discriminator=nets.conditional_mlp_discriminator((2,), K, hidden_units=(8,)),
        latent_dim=LATENT,
        num_classes=K,
        seed=1,
    )


def vae(likelihood="gaussian"):
    return tge.VAE(
        encoder=tge.networks.mlp_encoder((2,), 2, hidden_units=(8,)),
        decoder=tge.networks.mlp_decoder(2, (2,), hidden_units=(8,)),
        latent_dim=2,
        likelihood=likelihood,
        seed=0,
    )


def compiled(model, **kwargs):
    if isinstance(model, tge.VAE):
        model.compile(optimizer=keras.optimizers.SGD(0.01), jit_compile=False)
        return model
    model.compile(
        d_optimizer=keras.optimizers.SGD(0.05),
        g_optimizer=keras.optimizers.SGD(0.05),
        jit_compile=False,
        **kwargs,
    )
    return model


def points(n=32, shape=(2,), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *shape)).astype("float32")


def steps_taken(model) -> int:
    optimizers = getattr(model, "optimizers", None) or {"": model.optimizer}
    return sum(int(opt.iterations) for opt in optimizers.values())


def fit_refused(model, *args, batch_named=False, **kwargs):
    """Runs `model.fit`; an error after an update is `Late` unless the
    error names the batch it refused (a `tf.data` batch checked on arrival)."""
    kwargs.setdefault("verbose", 0)
    try:
        model.fit(*args, **kwargs)
    except Exception as error:
        if steps_taken(model) and not (batch_named and "batch" in str(error)):
            raise Late(f"after {steps_taken(model)} step(s): {error}") from error
        raise


def dataset(x, *more, batch=8):
    return tf.data.Dataset.from_tensor_slices((x, *more) if more else x).batch(batch)


def run_cli(argv):
    """`tfgan-edu argv` in this process; training or an exit 0 is `silent`."""

    def no_training(*args, **kwargs):
        raise AssertionError("training started")

    train = tge.experiments.train
    tge.experiments.train = no_training
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            status = cli.main(argv)
    except SystemExit as exit_:
        status = exit_.code
    except AssertionError as error:
        if "training started" in str(error):
            return "training started"
        raise
    finally:
        tge.experiments.train = train
    if status not in (0, None):
        raise Refused(f"exit {status}: {err.getvalue().strip().splitlines()[-1]}")
    return status


# ------------------------------------------------------------- networks


def dense_discriminator(outputs_shape, inputs=2):
    x = keras.Input((inputs,))
    h = keras.layers.Dense(int(np.prod(outputs_shape)))(x)
    return keras.Model(x, keras.layers.Reshape(outputs_shape)(h))


@probe("model", "GAN with latent_dim=0")
def _():
    tge.GAN(
        tge.networks.mlp_generator(latent_dim=4, output_shape=(2,)),
        tge.networks.mlp_discriminator(input_shape=(2,)),
        latent_dim=0,
    )


@probe("model", "GAN with latent_dim=2.5")
def _():
    tge.GAN(
        tge.networks.mlp_generator(latent_dim=4, output_shape=(2,)),
        tge.networks.mlp_discriminator(input_shape=(2,)),
        latent_dim=2.5,
    )


@probe("model", "GAN whose latent_dim differs from the generator's input")
def _():
    tge.GAN(
        tge.networks.mlp_generator(latent_dim=4, output_shape=(2,)),
        tge.networks.mlp_discriminator(input_shape=(2,)),
        latent_dim=8,
    )


@probe("model", "discriminator with 3 logits per sample")
def _():
    gan(discriminator=dense_discriminator((3,)))


@probe("model", "discriminator with (4, 4, 2) logits per sample")
def _():
    gan(discriminator=dense_discriminator((4, 4, 2)))


@probe("model", "generator output (3,) and discriminator input (2,)")
def _():
    tge.GAN(
        tge.networks.mlp_generator(latent_dim=LATENT, output_shape=(3,)),
        tge.networks.mlp_discriminator(input_shape=(2,)),
        latent_dim=LATENT,
    )


@probe("model", "a plain function as the generator")
def _():
    tge.GAN(
        lambda z: z,
        tge.networks.mlp_discriminator(input_shape=(2,)),
        latent_dim=LATENT,
    )


@probe("model", "ConditionalGAN with num_classes=0")
def _():
    nets = tge.networks.conditional
    tge.ConditionalGAN(
        generator=nets.conditional_mlp_generator(LATENT, K, (2,)),
        discriminator=nets.conditional_mlp_discriminator((2,), K),
        latent_dim=LATENT,
        num_classes=0,
    )


@probe("model", "VAE with likelihood='bernouli'")
def _():
    vae("bernouli")


@probe("model", "Pix2Pix discriminator with 2 logits per patch")
def _():
    shape = (8, 8, 1)
    generator = tge.networks.unet_generator(
        shape, base_filters=2, depth=2, dropout=0.0, normalization=None
    )
    image, condition = keras.Input(shape), keras.Input(shape)
    h = keras.layers.Concatenate()([condition, image])
    patches = keras.layers.Conv2D(2, 4, strides=2, padding="same")(h)
    tge.Pix2Pix(generator, keras.Model([condition, image], patches))


# ----------------------------------------------------------------- compile


def compile_with(**kwargs):
    args = dict(d_optimizer="adam", g_optimizer="adam")
    args.update(kwargs)
    gan().compile(**args)


for _name, _kwargs in [
    ("d_optimizer='adamm'", dict(d_optimizer="adamm")),
    ("g_optimizer=3", dict(g_optimizer=3)),
    ("loss='wasserstien'", dict(loss="wasserstien")),
    ("d_steps=0", dict(d_steps=0)),
    ("d_steps=1.5", dict(d_steps=1.5)),
    ("gradient_penalty_weight=-1", dict(gradient_penalty_weight=-1.0)),
    ("r1_weight=-1", dict(r1_weight=-1.0)),
    ("clip_value=-0.01", dict(clip_value=-0.01)),
    ("label_smoothing=1.0", dict(label_smoothing=1.0)),
    (
        "label_smoothing=0.1 with loss='wasserstein'",
        dict(label_smoothing=0.1, loss="wasserstein"),
    ),
    ("instance_noise=-0.1", dict(instance_noise=-0.1)),
    ("ema_decay=1.5", dict(ema_decay=1.5)),
    ("augment='colour'", dict(augment="colour")),
    ("steps_per_execution=0", dict(steps_per_execution=0)),
]:
    probe("compile", _name)(lambda kwargs=_kwargs: compile_with(**kwargs))


@probe("compile", "the same optimizer object for both players")
def _():
    optimizer = keras.optimizers.Adam()
    gan().compile(d_optimizer=optimizer, g_optimizer=optimizer)


# --------------------------------------------------------------------- fit


@probe("fit", "fit on an empty array")
def _():
    fit_refused(compiled(gan()), np.zeros((0, 2), "float32"))


@probe("fit", "fit on an empty dataset")
def _():
    fit_refused(compiled(gan()), dataset(points()).take(0))


@probe("fit", "fit on a dataset of unknown size that yields nothing")
def _():
    ds = tf.data.Dataset.from_tensor_slices(points()).filter(lambda x: False)
    fit_refused(compiled(gan()), ds.batch(8))


for _value in (0, -4):
    probe("fit", f"fit(numpy, batch_size={_value})")(
        lambda v=_value: fit_refused(compiled(gan()), points(), batch_size=v)
    )

for _value, _label in ((np.nan, "NaN"), (np.inf, "inf")):

    def _non_finite(value=_value):
        x = points()
        x[5, 1] = value
        fit_refused(compiled(gan()), x, batch_size=8)

    probe("fit", f"{_label} in a NumPy array")(_non_finite)

    def _non_finite_batch(value=_value):
        x = points()
        x[17, 0] = value
        fit_refused(compiled(gan()), dataset(x), batch_named=True)

    probe("fit", f"{_label} in a tf.data batch mid-epoch")(_non_finite_batch)


@probe("fit", "NaN in a NumPy image array (slips through a range check)")
def _():
    x = points(8, (4, 4, 1))
    x[3, 0, 0, 0] = np.nan
    fit_refused(compiled(gan((4, 4, 1))), x, batch_size=8)


@probe("fit", "NumPy images in [0, 255]")
def _():
    x = np.round((points(16, (4, 4, 1)) + 1) * 127.5)
    fit_refused(compiled(gan((4, 4, 1))), x, batch_size=8)


@probe("fit", "tf.data images in [0, 255]")
def _():
    x = np.round((points(16, (4, 4, 1)) + 1) * 127.5)
    fit_refused(compiled(gan((4, 4, 1))), dataset(x), batch_named=True)


@probe("fit", "samples of 3 features for a 2-feature GAN")
def _():
    fit_refused(compiled(gan()), points(shape=(3,)), batch_size=8)


@probe("fit", "flattened 16-pixel images for a (4, 4, 1) GAN")
def _():
    fit_refused(compiled(gan((4, 4, 1))), points(shape=(16,)), batch_size=8)


@probe("fit", "strings as training data")
def _():
    fit_refused(compiled(gan()), np.array([["a", "b"]] * 8), batch_size=8)


@probe("fit", "fit before compile")
def _():
    gan().fit(points(), batch_size=8, verbose=0)


@probe("fit", "Keras' EarlyStopping on g_loss in mode='auto'")
def _():
    fit_refused(
        compiled(gan()),
        points(),
        batch_size=8,
        epochs=3,
        callbacks=[keras.callbacks.EarlyStopping(monitor="g_loss")],
    )


@probe("fit", "ConditionalGAN labels out of range in an array")
def _():
    labels = np.arange(32) % K
    labels[3] = 7
    fit_refused(compiled(cgan()), points(), labels, batch_size=8)


@probe("fit", "ConditionalGAN negative label in an array")
def _():
    labels = np.arange(32) % K
    labels[0] = -1
    fit_refused(compiled(cgan()), points(), labels, batch_size=8)


@probe("fit", "ConditionalGAN fractional labels")
def _():
    fit_refused(compiled(cgan()), points(), np.full(32, 0.5), batch_size=8)


@probe("fit", "ConditionalGAN with fewer labels than samples")
def _():
    fit_refused(compiled(cgan()), points(), np.zeros(20, "int32"), batch_size=8)


@probe("fit", "ConditionalGAN without labels")
def _():
    fit_refused(compiled(cgan()), points(), batch_size=8)


@probe("fit", "ConditionalGAN tf.data label out of range mid-training")
def _():
    labels = (np.arange(24) % K).astype("int32")
    labels[13] = 7
    fit_refused(compiled(cgan()), dataset(points(24), labels), batch_named=True)


@probe("fit", "Bernoulli VAE on a NumPy array in [-1, 3]")
def _():
    fit_refused(compiled(vae("bernoulli")), points() * 2 + 1, batch_size=8)


@probe("fit", "Bernoulli VAE on a tf.data batch in [-1, 3]")
def _():
    fit_refused(compiled(vae("bernoulli")), dataset(points() * 2 + 1), batch_named=True)


@probe("fit", "VAE on NaN data")
def _():
    x = points()
    x[2, 0] = np.nan
    fit_refused(compiled(vae()), x, batch_size=8)


# ---------------------------------------------------------------- generate

for _desc, _call in [
    ("generate(0)", lambda: gan().generate(0)),
    ("generate(-1)", lambda: gan().generate(-1)),
    ("generate(2.5)", lambda: gan().generate(2.5)),
    ("generate(10**12) (does not fit in memory)", lambda: gan().generate(10**12)),
    ("generate(8, batch_size=0)", lambda: gan().generate(8, batch_size=0)),
    (
        "ConditionalGAN generate(labels=3) with 3 classes",
        lambda: cgan().generate(4, labels=3),
    ),
    ("VAE generate(-2)", lambda: vae().generate(-2)),
]:
    probe("generate", _desc)(_call)


# -------------------------------------------------------------------- load


def _saved(tmp):
    path = Path(tmp) / "gan.keras"
    compiled(gan()).save(path)
    return path


@probe("load", "a truncated .keras file")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        path = _saved(tmp)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        tge.models.load(path)


@probe("load", "a text file named .keras")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notes.keras"
        path.write_text("not a model")
        tge.models.load(path)


@probe("load", "a zip archive without config.json")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "other.keras"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "hello")
        tge.models.load(path)


@probe("load", "a missing .keras file")
def _():
    tge.models.load("/nonexistent/model.keras")


# ----------------------------------------------------------------- recipes

for _desc, _call in [
    ("recipes.get('dcgann')", lambda: tge.recipes.get("dcgann")),
    ("dcgan('mnist_6k')", lambda: tge.recipes.dcgan("mnist_6k")),
    (
        "dcgan('ring', learning_rate=-1)",
        lambda: tge.recipes.dcgan("ring", learning_rate=-1.0),
    ),
    ("dcgan('ring', latent_dim=0)", lambda: tge.recipes.dcgan("ring", latent_dim=0)),
]:
    probe("recipes", _desc)(_call)


# -------------------------------------------------------------------- data


@probe("data", "from_directory of a missing folder")
def _():
    tge.data.from_directory("/nonexistent/images", batch_size=8)


@probe("data", "from_directory with a file that does not decode")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        image = np.zeros((8, 8, 1), "uint8")
        for i in range(3):
            keras.utils.save_img(folder / f"ok{i}.png", image, scale=False)
        (folder / "broken.png").write_bytes(b"\x89PNG not really")
        tge.data.from_directory(folder, image_size=8, batch_size=2)


for _desc, _call in [
    ("load('ring', batch_size=0)", lambda: tge.data.load("ring", batch_size=0)),
    ("load('rings', ...)", lambda: tge.data.load("rings", batch_size=8)),
    (
        "from_numpy(images in [0, 300] as float, no value_range)",
        lambda: tge.data.from_numpy(
            np.linspace(0, 300, 4 * 16).reshape(4, 4, 4, 1), batch_size=2
        ),
    ),
    (
        "make_dataset(array, batch_size=-1)",
        lambda: tge.data.make_dataset(points(), batch_size=-1),
    ),
    ("toy2d.sample('spiral', n=-5)", lambda: tge.data.toy2d.sample("spiral", -5)),
]:
    probe("data", _desc)(_call)


# ----------------------------------------------------------------- metrics

_rng = np.random.default_rng(0)
for _desc, _call in [
    (
        "frechet_distance of 8- and 6-dimensional features",
        lambda: tge.metrics.frechet_distance(
            _rng.normal(size=(50, 8)), _rng.normal(size=(50, 6))
        ),
    ),
    (
        "frechet_distance of one sample",
        lambda: tge.metrics.frechet_distance(
            _rng.normal(size=(1, 4)), _rng.normal(size=(50, 4))
        ),
    ),
    (
        "frechet_distance with NaN features",
        lambda: tge.metrics.frechet_distance(
            np.full((10, 4), np.nan), _rng.normal(size=(10, 4))
        ),
    ),
    (
        "precision_recall with k=0",
        lambda: tge.metrics.precision_recall(
            _rng.normal(size=(20, 4)), _rng.normal(size=(20, 4)), k=0
        ),
    ),
    (
        "psnr of images of different shapes",
        lambda: tge.metrics.psnr(np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 9, 1))),
    ),
    (
        "ssim of 8x8 images (the window is 11x11)",
        lambda: tge.metrics.ssim(np.zeros((2, 8, 8, 1)), np.zeros((2, 8, 8, 1))),
    ),
    (
        "inception_score of negative probabilities",
        lambda: tge.metrics.inception_score(-np.ones((20, 10)) / 10, splits=2),
    ),
    (
        "mode_coverage of 3-D points",
        lambda: tge.metrics.mode_coverage(np.zeros((10, 3)), "ring"),
    ),
    (
        "mode_coverage of an unknown mixture",
        lambda: tge.metrics.mode_coverage(np.zeros((10, 2)), "rings"),
    ),
]:
    probe("metrics", _desc)(_call)


# --------------------------------------------------------------- callbacks

for _desc, _call in [
    (
        "DivergenceGuard(max_loss=-1)",
        lambda: tge.callbacks.DivergenceGuard(max_loss=-1.0),
    ),
    (
        "DivergenceGuard(check_every=0)",
        lambda: tge.callbacks.DivergenceGuard(check_every=0),
    ),
    (
        "SampleGrid(directory=None) with no log_dir",
        lambda: tge.callbacks.SampleGrid(None),
    ),
    ("SampleGrid(every=0)", lambda: tge.callbacks.SampleGrid("grids", every=0)),
]:
    probe("callbacks", _desc)(_call)


# ---------------------------------------------------------------- exercises


@probe("exercises", "check() of a function that calls sys.exit")
def _():
    def gaussian_kl(mean, log_var):
        sys.exit(3)

    result = tge.exercises.check("gaussian_kl", gaussian_kl, verbose=False)
    if result.passed:
        return result
    raise ValueError(f"failed result. Received: {result.message}")


@probe("exercises", "check() of an unknown exercise")
def _():
    tge.exercises.check("gausian_kl", lambda mean, log_var: 0, verbose=False)


# --------------------------------------------------------------------- CLI

for _argv in [
    ["train", "--batch-size", "0"],
    ["train", "--batch-size", "-8"],
    ["train", "--latent-dim", "0"],
    ["train", "--learning-rate", "0"],
    ["train", "--learning-rate", "-0.001"],
    ["train", "--learning-rate", "nan"],
    ["train", "--epochs", "0"],
    ["train", "--d-steps", "0"],
    ["train", "--seed", "-1"],
    ["train", "--data", "rings"],
    ["train", "--loss", "wgan"],
    ["grade", "submitted.ipynb", "--timeout", "0"],
    ["grade", "submitted.ipynb", "--chapter", "nan"],
]:
    probe("cli", "tfgan-edu " + " ".join(_argv))(lambda argv=_argv: run_cli(argv))


@probe("cli", "tfgan-edu train --out <a file>")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        a_file = Path(tmp) / "notes.txt"
        a_file.write_text("not a folder")
        return run_cli(["train", "--out", str(a_file), "--quiet"])


@probe("cli", "tfgan-edu grade <a missing notebook>")
def _():
    with tempfile.TemporaryDirectory() as tmp:
        return run_cli(
            [
                "grade",
                str(Path(tmp) / "missing.ipynb"),
                "--chapter",
                "2",
                "--out",
                str(Path(tmp) / "report.json"),
            ]
        )


# -------------------------------------------------------------------- main


def names_what_it_received(message: str) -> bool:
    """The package's "... Received: ..." form, or argparse's "invalid
    choice: 'x' (choose from ...)", which names the value and the choices."""
    return "Received" in message or "invalid choice: " in message


def classify(fn) -> tuple[str, str]:
    try:
        returned = fn()
    except Late as error:
        return "late", str(error)
    except Exception as error:  # noqa: BLE001 - classifying is the point
        message = f"{type(error).__name__}: {error}"
        return ("clear" if names_what_it_received(str(error)) else "unclear"), message
    except BaseException as error:  # SystemExit and the like
        return "escaped", f"{type(error).__name__}: {error}"
    return "silent", f"returned {returned!r}"[:200]


def run(selected=None) -> list[dict]:
    rows = []
    for area, description, fn in PROBES:
        if selected and area not in selected:
            continue
        outcome, message = classify(fn)
        rows.append(
            dict(area=area, probe=description, outcome=outcome, message=message)
        )
    return rows


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", nargs="*", help="only these areas")
    parser.add_argument("--out", help="write the results as JSON")
    parser.add_argument("--verbose", action="store_true", help="print each message")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    rows = run(args.areas)
    width = max(len(r["probe"]) for r in rows)
    for row in rows:
        print(f"{row['area']:<10} {row['probe']:<{width}}  {row['outcome']}")
        if args.verbose or row["outcome"] != "clear":
            print(f"{'':<10} {row['message'][:300]}")
    counts = {
        k: sum(r["outcome"] == k for r in rows)
        for k in ("clear", "late", "unclear", "silent", "escaped")
    }
    print(
        f"\n{len(rows)} bad inputs tried: "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
    )
    result = {"tried": len(rows), "counts": counts, "probes": rows}
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    return result


if __name__ == "__main__":
    main()
