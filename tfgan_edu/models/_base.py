"""`AdversarialModel`: what every model of the package shares.

A model is a game between players. Each `Player` has a name (`"d"`,
`"g"`, `"e"`), the networks it trains and the compile argument that names
its optimizer (`"d_optimizer"`). The base class owns, once for every
model:

- the networks: type checks at construction, `get_config`/`from_config`;
- the players' optimizers: the checks of `compile` (accepted values,
  distinct objects), `optimizers` (player name -> optimizer, what
  callbacks read), the compile config that lets a reloaded model resume;
- the noise: `seed`, `seed_generator` and its state in saved files;
- `fit`, with the data check `_check_fit_data` that each model implements;
- the trackers: `_record` puts named loss terms into the `keras.metrics.Mean`
  of the same name, in one place;
- the gradient plumbing, `_minimize` (one player's update),
  `_minimize_jointly` (several players from one forward pass),
  `_forward`/`_minimize_through` (a player's update through a forward pass
  made earlier in the step) and `_apply_gradients`, which hand over to the per-backend layer
  `tfgan_edu._backend` (TensorFlow: `GradientTape`; JAX: stateless
  `jax.value_and_grad`; PyTorch: autograd), and `train_step`/`test_step`,
  Keras' entry points, which run the model's `_train_step`/`_test_step`
  the way the backend's trainer needs.

Each model file then holds only what makes that model different: its
networks' checks, its losses and its `train_step`, written as the
algorithm.

Example:

>>> import tfgan_edu as tge
>>> gan = tge.GAN(
...     generator=tge.networks.mlp_generator(latent_dim=8, output_shape=(2,)),
...     discriminator=tge.networks.mlp_discriminator(input_shape=(2,)),
...     latent_dim=8,
... )
>>> isinstance(gan, AdversarialModel)
True
>>> [player.name for player in gan.PLAYERS], gan.optimizers
(['d', 'g'], {})
"""

from __future__ import annotations

import dataclasses
import os
import warnings
import zipfile

import keras
import tensorflow as tf

from tfgan_edu import _backend
from tfgan_edu import losses as losses_module
from tfgan_edu._checks import check_int
from tfgan_edu.data.pipeline import FollowEpochs
from tfgan_edu.models import _common

# The per-backend layer for the backend Keras runs on (fixed once Keras is
# imported).
BACKEND = _backend.current()

# The options of `keras.Model.compile` that the models pass through.
COMPILE_KWARGS = ("jit_compile", "run_eagerly", "steps_per_execution")


@dataclasses.dataclass(frozen=True)
class Player:
    """One player of a model's game.

    Attributes:
        name: short name (`"d"`, `"g"`, `"e"`): the key in `model.optimizers`
            and the prefix of the learning rate that
            `tfgan_edu.callbacks.LearningRateScheduler` logs.
        networks: attribute names of the networks it trains, in order; its
            variables are their trainable variables, concatenated.
        optimizer: the `compile` argument (and model attribute) holding its
            optimizer. `"optimizer"` is Keras' own single optimizer.

    Example:

    >>> Player("d", ("discriminator",), "d_optimizer").optimizer
    'd_optimizer'
    """

    name: str
    networks: tuple[str, ...]
    optimizer: str


class AdversarialModel(BACKEND.TrainerMixin, keras.Model):
    """Base of the models: players, optimizers, seed, config, `fit`, trackers.

    Subclasses set the class attributes below, call `super().__init__(seed=...,
    **kwargs)` and then `_set_networks(...)` in their constructor, create
    their trackers with `_add_trackers`, and implement `_check_fit_data`,
    `_metric_names`, and `_train_step` and `_test_step` (the step as the
    algorithm, on any backend) or, on TensorFlow alone, `train_step` and
    `test_step`.

    Class attributes:
        PLAYERS: the `Player`s, in the order of their optimizers in
            `compile`.
        NETWORKS: the constructor arguments that are networks (serialized
            in `get_config`).
        CONFIG: the other constructor arguments, saved in `get_config` from
            the attributes of the same names.
        COMPILE_CONFIG: the `compile` arguments besides the optimizers and
            `loss`, saved in `get_compile_config` from the attributes of the
            same names.
        DRAWS_NOISE: whether the model draws noise in its steps from
            `seed_generator` (whose state is then saved with the model).
        DEFAULT_LOSS: the loss family `compile` uses for `loss=None`
            (`None`: the model has no loss family).
        BACKENDS: the Keras backends the model trains on. Every model of
            the package declares `("tensorflow", "jax", "torch")`; a user's
            own subclass of `AdversarialModel` gets `("tensorflow",)` unless
            it declares more (see `_check_backend`).

    Args:
        seed: seed of `seed_generator` (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).
    """

    PLAYERS: tuple[Player, ...] = ()
    NETWORKS: tuple[str, ...] = ()
    CONFIG: tuple[str, ...] = ()
    COMPILE_CONFIG: tuple[str, ...] = ()
    DRAWS_NOISE = True
    DEFAULT_LOSS: str | None = "non_saturating"
    BACKENDS: tuple[str, ...] = ("tensorflow",)

    def __init__(self, seed=None, **kwargs):
        _check_backend(type(self))
        super().__init__(**kwargs)
        self.seed = seed
        if self.DRAWS_NOISE:
            self.seed_generator = keras.random.SeedGenerator(seed, name="noise_seed")

    def _set_networks(self, **networks):
        """Checks that each network is a Keras layer, then sets it as an attribute.

        Raises:
            TypeError: `Expected ... Received: ...`, naming the argument.
        """
        for label, net in networks.items():
            if not isinstance(net, keras.layers.Layer):
                raise TypeError(
                    f"Expected `{label}` to be a keras.Model (or Layer). "
                    f"Received: {label}={net!r}"
                )
        for label, net in networks.items():
            setattr(self, label, net)

    # ------------------------------------------------------------ players

    @property
    def optimizers(self):
        """The players' optimizers, `{player name: optimizer}`; empty before `compile`."""
        found = {
            player.name: getattr(self, player.optimizer, None)
            for player in self.PLAYERS
        }
        if any(opt is None for opt in found.values()):
            return {}
        return found

    def _player(self, name):
        """The `Player` called `name`."""
        return next(player for player in self.PLAYERS if player.name == name)

    def _variables(self, name):
        """The trainable variables of player `name`'s networks, in order."""
        return [
            variable
            for network in self._player(name).networks
            for variable in getattr(self, network).trainable_variables
        ]

    # ------------------------------------------------------------ compile

    def _check_compile_kwargs(self, kwargs, takes, own):
        """Raises a TypeError unless `kwargs` are Keras' own compile options.

        Those are `COMPILE_KWARGS`; the message says what this model's
        `compile` takes besides them (`takes`) and what the model does
        itself (`own`).
        """
        unknown = sorted(set(kwargs) - set(COMPILE_KWARGS))
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.compile() takes {takes} and the "
                f"keras.Model.compile options {list(COMPILE_KWARGS)}; {own}. "
                f"Received unexpected arguments: {unknown}"
            )

    def _get_loss(self, loss):
        """The loss family of `loss` (`None`: `DEFAULT_LOSS`), checked."""
        return losses_module.get(self.DEFAULT_LOSS if loss is None else loss)

    def _compile_players(self, optimizers, kwargs):
        """Checks the players' optimizers, compiles, and creates their state.

        Args:
            optimizers: `{compile argument: optimizer instance or name}`, one
                entry per `Player`.
            kwargs: `keras.Model.compile` options (`COMPILE_KWARGS`), kept
                for `get_compile_config`. `jit_compile` defaults to Keras'
                `"auto"`; under a multi-replica `tf.distribute` strategy XLA
                is turned off (with a warning if it was asked for), since the
                players' steps cannot be compiled there.

        Raises:
            ValueError: a player without an optimizer, an optimizer name
                Keras does not know (the message lists the accepted ones),
                or one optimizer object given to two players (each keeps
                its own step count and moment estimates), or a
                `steps_per_execution` that is not an integer >= 1 (or not 1
                on the PyTorch backend, which Keras would refuse only in
                `fit`).
        """
        optimizers = {arg: _get_optimizer(arg, opt) for arg, opt in optimizers.items()}
        missing = [arg for arg, opt in optimizers.items() if opt is None]
        if missing:
            raise ValueError(
                f"Expected an optimizer for each player of {type(self).__name__}. "
                "Received: " + ", ".join(f"{arg}=None" for arg in missing)
            )
        if len({id(opt) for opt in optimizers.values()}) != len(optimizers):
            if len(optimizers) == 2:
                expected, received = "two", "the same object for "
            else:
                expected, received = "three", "the same object more than once among "
            raise ValueError(
                f"Expected {expected} different optimizer objects: each player "
                "keeps its own step count and moment estimates. Received "
                f"{received}{_join(list(optimizers))}."
            )
        if "steps_per_execution" in kwargs:
            steps = check_int("steps_per_execution", kwargs["steps_per_execution"])
            if steps > 1 and not BACKEND.SEVERAL_STEPS_PER_CALL:
                raise ValueError(
                    f"Expected steps_per_execution=1 on the {BACKEND.NAME!r} "
                    "backend: Keras' trainer for it runs one step per call. "
                    f"Received: steps_per_execution={steps}"
                )
        if self.dtype_policy.name == "mixed_float16":
            # Float16 gradients underflow: every player's loss is scaled
            # (Keras wraps its own `optimizer` in its compile; the others
            # are wrapped here). A reloaded model's are wrapped already.
            for arg, optimizer in optimizers.items():
                if arg != "optimizer" and not isinstance(
                    optimizer, keras.optimizers.LossScaleOptimizer
                ):
                    optimizers[arg] = keras.optimizers.LossScaleOptimizer(optimizer)
        self._check_strategy()
        self._compile_kwargs = dict(kwargs)
        kwargs = {"jit_compile": "auto", **kwargs}
        if BACKEND.num_replicas(self) > 1:
            if kwargs["jit_compile"] is True:
                warnings.warn(
                    "XLA (jit_compile=True) cannot run under a multi-replica "
                    "tf.distribute strategy; training without it.",
                    stacklevel=3,
                )
            kwargs["jit_compile"] = False
        # Keras' own single optimizer (`optimizer`) goes to Keras' compile.
        keras.Model.compile(self, optimizer=optimizers.get("optimizer"), **kwargs)
        for arg, optimizer in optimizers.items():
            if arg != "optimizer":
                setattr(self, arg, optimizer)
        # Create the optimizer state now, inside the model's strategy scope,
        # so that a reloaded model can restore it and MirroredStrategy
        # mirrors it.
        with BACKEND.variable_scope(self):
            for player in self.PLAYERS:
                optimizer = getattr(self, player.optimizer)
                if not optimizer.built:
                    optimizer.build(self._variables(player.name))

    def _check_strategy(self):
        """Raises when the model cannot train under the current strategy."""

    def _check_compiled(self):
        if not self.optimizers:
            args = ", ".join(f"{player.optimizer}=..." for player in self.PLAYERS)
            raise RuntimeError(
                f"Expected a compiled model: call `{type(self).__name__}.compile"
                f"({args})` before `fit` or `evaluate`. Received: a "
                f"{type(self).__name__} that was not compiled."
            )

    # ---------------------------------------------------------------- fit

    def fit(self, x=None, y=None, **kwargs):
        """Trains the model; arguments as `keras.Model.fit`.

        The data is checked by `_check_fit_data` before training starts, so
        that bad data fails with a clear message and before any update:
        empty data, a `batch_size` below 1, arrays whose values are not
        finite or out of range, and Keras' own `EarlyStopping` or
        `ReduceLROnPlateau` set up to fail after the first epoch
        (`_common.check_callbacks`). `fit` adds
        `tfgan_edu.data.pipeline.FollowEpochs` to the callbacks, so that the
        package's shuffled pipelines give epoch `e` the same order in every
        process: a run resumed by `keras.callbacks.BackupAndRestore`
        (with `save_freq="epoch"`) ends as the uninterrupted run would. A `tf.data.Dataset`'s values are checked as
        each batch arrives, before its step (`_batch_assertions`, run in the
        data pipeline, so on every backend and under XLA or `jit`): a batch
        with NaN, images outside [-1, 1] or labels out of range stops `fit`
        with a `ValueError` that names the batch. A `tf.data.Dataset`
        shuffles itself: `shuffle` defaults to `False` (Keras would warn
        that it is ignored).

        Raises:
            ValueError: bad data or arguments, in the form "Expected ...
                Received: ...".
        """
        self._check_compiled()
        _common.check_fit_kwargs(kwargs)
        _common.check_callbacks(
            kwargs.get("callbacks"), has_keras_optimizer=self.optimizer is not None
        )
        _common.check_not_empty(x)
        x, y = self._check_fit_data(x, y)
        # The package's shuffled pipelines order epoch `e` by (seed, e): a
        # run resumed by `BackupAndRestore` in a new process sees the data
        # in the order the uninterrupted run saw.
        callbacks = list(kwargs.get("callbacks") or [])
        if not any(isinstance(c, FollowEpochs) for c in callbacks):
            callbacks.append(FollowEpochs())
        kwargs["callbacks"] = callbacks
        if isinstance(x, tf.data.Dataset):
            kwargs.setdefault("shuffle", False)
            # Values are checked as each batch arrives, before its step.
            x = _common.with_batch_checks(x, self._batch_assertions)
        try:
            history = super().fit(x, y, **kwargs)
        except tf.errors.InvalidArgumentError as exc:
            error = _common.batch_check_error(exc)
            if error is None:
                raise
            raise error from None
        return history

    def _batch_assertions(self, batch, index):
        """The checks of a dataset's batch as it arrives in `fit` (see `with_batch_checks`).

        Args:
            batch: one element of the dataset (its structure was checked by
                `_check_fit_data`).
            index: its position in the current pass over the dataset.

        Returns:
            A list of assertion ops (`_common.value_assertions`, ...).
        """
        return []

    def _check_fit_data(self, x, y):
        """Checks `fit`'s data before training; returns `(x, y)` to train on.

        Raises:
            ValueError: data that does not fit the model.
        """
        raise NotImplementedError

    # ----------------------------------------------------------- trackers

    def _add_trackers(self, *names):
        """One `keras.metrics.Mean` per name, as the attribute `<name>_tracker`."""
        for name in names:
            setattr(self, f"{name}_tracker", keras.metrics.Mean(name=name))

    def _tracker_of(self, name):
        """The tracker of the term `name`."""
        return getattr(self, f"{name}_tracker")

    def _metric_names(self):
        """The names of the reported terms, in `History`'s order."""
        raise NotImplementedError

    @property
    def metrics(self):
        return [self._tracker_of(name) for name in self._metric_names()]

    def _record(self, terms, batch_size):
        """Adds each reported term of `terms` to its tracker, weighted by the batch.

        Weighting by the (local) batch size makes the (replica-summed)
        means exact global-batch averages under `tf.distribute`. Terms that
        are not reported are ignored.

        Args:
            terms: `{name: scalar}`, as the models' loss hooks return them.
            batch_size: the number of samples the terms are means over.
        """
        weight = keras.ops.cast(batch_size, "float32")
        for tracker in self.metrics:
            if tracker.name in terms:
                tracker.update_state(terms[tracker.name], sample_weight=weight)

    def _results(self, skip=()):
        """`{name: running mean}` of the reported trackers, except `skip`."""
        return {m.name: m.result() for m in self.metrics if m.name not in skip}

    # ---------------------------------------------------------- the step

    def train_step(self, *args):
        """Keras' entry point: runs `_train_step` as the backend's trainer needs.

        TensorFlow and PyTorch call `train_step(data)`; JAX calls
        `train_step(state, data)` and gets `(logs, new_state)` (see
        `tfgan_edu._backend.jax`).
        """
        return BACKEND.train_step(self, self._train_step, *args)

    def test_step(self, *args):
        """Keras' entry point for `evaluate`: runs `_test_step` (see `train_step`)."""
        return BACKEND.test_step(self, self._test_step, *args)

    def _train_step(self, data):
        """One training step on the batch `data`, returning the logs."""
        raise NotImplementedError

    def _test_step(self, data):
        """One evaluation step on the batch `data`, returning the logs."""
        raise NotImplementedError

    # ---------------------------------------------------------- gradients

    def _apply_gradients(self, player, grads):
        """One step of player `player`'s optimizer along `grads`.

        Returns:
            `grads` divided by the loss scale of a `LossScaleOptimizer`
            (under a `"mixed_float16"` policy; read before the step, which
            may change it), else `grads`: the gradients of the unscaled
            loss, for diagnostics.
        """
        optimizer = getattr(self, self._player(player).optimizer)
        unscaled = grads
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            scale = optimizer.dynamic_scale
            unscaled = [None if g is None else g / scale for g in grads]
        BACKEND.apply_gradients(optimizer, grads, self._variables(player))
        return unscaled

    def _scale_loss(self, player, loss):
        """`loss` times the loss scale of player `player`'s optimizer, if it has one.

        Under a `"mixed_float16"` policy each player's optimizer is a
        `keras.optimizers.LossScaleOptimizer`: the gradient is taken of the
        scaled loss, so that small float16 gradients do not underflow, and
        the optimizer divides it out (skipping steps whose gradients are
        not finite, and adapting the scale).
        """
        optimizer = getattr(self, self._player(player).optimizer)
        if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            return optimizer.scale_loss(loss)
        return loss

    def _minimize(self, player, loss_fn, weight=1.0):
        """One gradient step of `player` on the loss that `loss_fn` computes.

        Only what `loss_fn` computes is differentiated (on TensorFlow it runs
        under the tape): values computed before it are constants.

        Args:
            player: the player's name.
            loss_fn: `() -> (loss, aux)`; `aux` is any structure the step
                needs afterwards (named terms, outputs).
            weight: factor of the loss whose gradient is taken: the replica
                weight under `tf.distribute` (see `replica_weight`).

        Returns:
            `(aux, grads)`: what `loss_fn` returned besides the loss, and the
            gradients of `loss * weight` that were applied (divided by the
            loss scale under `"mixed_float16"`).
        """
        return BACKEND.minimize(self, player, loss_fn, weight)

    def _minimize_jointly(self, loss_fn, weight=1.0):
        """One gradient step of several players, all from one forward pass.

        Args:
            loss_fn: `() -> ({player name: loss}, aux)`, run once.
            weight: factor of every loss whose gradient is taken (see
                `_minimize`).

        Returns:
            `aux`. All gradients are taken before any update is applied;
            the updates are applied in the order of the losses.
        """
        return BACKEND.minimize_jointly(self, loss_fn, weight)

    def _forward(self, player, fn):
        """Runs `fn()`, a forward pass of `player`, kept for `_minimize_through`.

        For steps that use the outputs of a player's forward pass before
        that player's update (Pix2Pix updates D on `G(x)`, then G through
        the updated D): the pass runs once, and `_minimize_through` later
        differentiates through it (TensorFlow: its tape resumes; JAX: its
        `jax.vjp`; PyTorch: its autograd graph).

        Args:
            player: the player's name.
            fn: `() -> outputs` (a tensor or a structure of tensors).

        Returns:
            The backend's record of the pass; its `outputs` are `fn()`'s.
        """
        return BACKEND.forward(self, player, fn)

    def _minimize_through(self, forward, loss_fn, weight=1.0):
        """One gradient step of `forward`'s player on `loss_fn(forward.outputs)`.

        The loss must depend on the player's variables through the
        outputs alone: the gradient is the loss's gradient with respect to
        the outputs, pulled back through the recorded pass. Other
        networks (the discriminator) are evaluated at their current
        weights.

        Args:
            forward: what `_forward` returned.
            loss_fn: `outputs -> (loss, aux)`.
            weight: factor of the loss whose gradient is taken (see
                `_minimize`).

        Returns:
            `(aux, grads)`, as `_minimize`.
        """
        return BACKEND.minimize_through(self, forward, loss_fn, weight)

    # ------------------------------------------------------ serialization

    def save_own_variables(self, store):
        # Keras does not save seed-generator states; saving the noise stream's
        # position makes a reloaded model continue with the noise it would
        # have drawn next, so resuming training is exact.
        super().save_own_variables(store)
        if self.DRAWS_NOISE:
            save_seed_state(self, store, "noise_seed_state")

    def load_own_variables(self, store):
        if self.DRAWS_NOISE:
            load_own_variables_and_seed(self, store, "noise_seed_state")
        else:
            super().load_own_variables(store)

    def get_config(self):
        return {
            **super().get_config(),
            **{
                label: keras.saving.serialize_keras_object(getattr(self, label))
                for label in self.NETWORKS
            },
            **{key: getattr(self, key) for key in self.CONFIG},
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for label in cls.NETWORKS:
            # Under the network's own name, as the builders create their
            # weights: the weight paths (`mlp_generator/dense_1/kernel`, the
            # TensorBoard histogram tags) stay those of the saved model.
            name = config[label].get("config", {}).get("name", label)
            with keras.name_scope(name):
                config[label] = keras.saving.deserialize_keras_object(config[label])
        return cls(**config)

    def get_compile_config(self):
        if not self.optimizers:
            return {}
        config = {
            player.optimizer: keras.optimizers.serialize(
                getattr(self, player.optimizer)
            )
            for player in self.PLAYERS
        }
        if self.DEFAULT_LOSS is not None:
            config["loss"] = losses_module.serialize(self.loss_family)
        config.update({key: getattr(self, key) for key in self.COMPILE_CONFIG})
        return {**config, **self._compile_kwargs}

    def compile_from_config(self, config):
        config = dict(config)
        for player in self.PLAYERS:
            config[player.optimizer] = keras.optimizers.deserialize(
                config[player.optimizer]
            )
        if "loss" in config:
            config["loss"] = losses_module.deserialize(config["loss"])
        self.compile(**config)


# ---------------------------------------------------------------- helpers


def _check_backend(cls):
    """Raises a NotImplementedError unless `cls` trains on Keras' backend.

    What counts is `BACKENDS` as declared by the first class of `cls`'s MRO
    that declares it or belongs to this package: a user's subclass of `GAN`
    runs where `GAN` runs (every model of the package declares all three
    backends), and a user's own `AdversarialModel` declares where its step
    runs, TensorFlow alone unless it says otherwise (a step written with a
    `tf.GradientTape` runs nowhere else).
    """
    backend = BACKEND.NAME
    for owner in cls.__mro__:
        if "BACKENDS" in vars(owner) or owner.__module__.startswith("tfgan_edu."):
            break
    backends = vars(owner).get("BACKENDS", ("tensorflow",))
    if backend not in backends:
        raise NotImplementedError(
            f"{cls.__name__} runs on the Keras backends {list(backends)} only "
            f"(the class attribute BACKENDS of {owner.__name__}). A step written as `_train_step` "
            "with `_minimize` runs on every backend: then add "
            f"{backend!r} to BACKENDS. Or set KERAS_BACKEND to one of "
            f"{list(backends)} before importing keras. Received: "
            f"keras.backend.backend()={backend!r}"
        )


def load(filepath, **kwargs):
    """`keras.models.load_model`, saying so when the file is not a `.keras` archive.

    Keras answers "File not found" for a `.keras` file that exists but is
    truncated (a save that was interrupted) or is not a Keras archive at
    all; this checks the file first and says which it is.

    Args:
        filepath: path of a `.keras` file.
        **kwargs: as `keras.models.load_model` (`custom_objects`,
            `compile`, `safe_mode`).

    Returns:
        The model.

    Raises:
        FileNotFoundError: no file at `filepath`.
        ValueError: a file that exists but is not a valid `.keras` archive.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "cut.keras")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"PK\x03\x04 cut short")
    >>> load(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Expected a .keras archive (a zip file holding config.json). Received: filepath=.../cut.keras, a file of 14 bytes that exists but is not a valid zip archive: truncated (an interrupted save?) or not written by Keras
    """
    path = os.fspath(filepath)
    if str(path).endswith(".keras"):
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"Expected a .keras file. Received: filepath={path}, which does "
                "not exist"
            )
        if os.path.isfile(path):
            problem = None
            if not zipfile.is_zipfile(path):
                problem = "is not a valid zip archive"
            else:
                try:
                    with zipfile.ZipFile(path) as archive:
                        if "config.json" not in archive.namelist():
                            problem = "is a zip archive without config.json"
                except (zipfile.BadZipFile, OSError) as exc:
                    problem = f"cannot be read as a zip archive ({exc})"
            if problem is not None:
                raise ValueError(
                    "Expected a .keras archive (a zip file holding config.json). "
                    f"Received: filepath={path}, a file of "
                    f"{os.path.getsize(path)} bytes that exists but {problem}: "
                    "truncated (an interrupted save?) or not written by Keras"
                )
    return keras.models.load_model(filepath, **kwargs)


def _get_optimizer(arg, optimizer):
    """`keras.optimizers.get(optimizer)`, with the accepted names listed if it fails.

    Example:

    >>> _get_optimizer("d_optimizer", "adamm")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Expected `d_optimizer` to be a keras.optimizers.Optimizer, or the name of one: 'adadelta', ..., 'sgd'. Received: d_optimizer='adamm'
    """
    try:
        return keras.optimizers.get(optimizer)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"Expected `{arg}` to be a keras.optimizers.Optimizer, or the name "
            f"of one: {', '.join(map(repr, optimizer_names()))}. Received: "
            f"{arg}={optimizer!r}"
        ) from exc


def optimizer_names():
    """The optimizer names `compile` accepts (those `keras.optimizers.get` takes).

    Example:

    >>> "adam" in optimizer_names()
    True
    """
    names = []
    for attr in dir(keras.optimizers):
        cls = getattr(keras.optimizers, attr)
        if isinstance(cls, type) and issubclass(cls, keras.optimizers.Optimizer):
            try:
                keras.optimizers.get(attr.lower())
            except Exception:
                continue  # Abstract, a wrapper, or not accepted by name.
            names.append(attr.lower())
    return sorted(names)


def _join(names):
    """`a and b`, `a, b and c`."""
    return ", ".join(names[:-1]) + " and " + names[-1]


def save_seed_state(layer, store, seed_key):
    """Stores `layer.seed_generator`'s state under `seed_key` in `store`.

    Keras does not save seed-generator states; the layers of this package
    that draw noise save theirs in `save_own_variables` with this, and
    restore it with `load_own_variables_and_seed`.
    """
    store[seed_key] = layer.seed_generator.state


def load_own_variables_and_seed(layer, store, seed_key):
    """`load_own_variables` for a layer that also saved a seed generator's state.

    Files written before the state was saved have no `seed_key` and keep
    the freshly seeded state.
    """
    if seed_key in set(store.keys()):
        layer.seed_generator.state.assign(store[seed_key])
    own = layer._trainable_variables + layer._non_trainable_variables
    for i, variable in enumerate(own):
        variable.assign(store[f"{i}"])
