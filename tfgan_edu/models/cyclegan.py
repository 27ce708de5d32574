"""`CycleGAN`: unpaired image-to-image translation (Zhu et al., 2017)."""

from __future__ import annotations

import keras
from keras import ops

from tfgan_edu._checks import check_int, check_non_negative
from tfgan_edu.models import _common
from tfgan_edu.models._base import (
    BACKEND,
    Player,
    load_own_variables_and_seed,
    save_seed_state,
)
from tfgan_edu.models._translation import (
    ImageTranslation,
    apply,
    image_shape_of,
    l1_distance,
)

DIRECTIONS = ("a_to_b", "b_to_a")
# `History`'s entries, then `identity_loss` when the identity term is on.
_TERMS = ("d_a_loss", "d_b_loss", "g_loss", "adv_ab_loss", "adv_ba_loss", "cycle_loss")


@keras.saving.register_keras_serializable(package="tfgan_edu")
class ImagePool(keras.layers.Layer):
    """A history of generated images shown to a discriminator (Shrivastava et al. 2017).

    Training a discriminator only on the latest generator's images lets the
    two players chase each other; showing it older fakes too damps the
    oscillation. CycleGAN keeps the last `pool_size` (50) generated images:
    while the pool is not full, each new image is stored and passed
    through; afterwards, with probability 1/2 an image is passed through,
    otherwise a random stored image is returned in its place and the new
    one takes its slot.

    The pool lives in non-trainable variables (`images`, `count`), so it
    works inside a compiled (and XLA) `train_step` and is saved with the
    model; the coin flips and slots come from `keras.random` with this
    layer's seed generator, whose state is saved too. The images of a batch
    are handled one after another, as in the reference implementation
    (computed for the whole batch at once: a swapping image can receive one
    stored earlier in the same batch).

    Args:
        pool_size: images kept; 0 turns the pool off (images pass through).
            Defaults to 50.
        seed: seed of the coin flips and slots (`None`: random).
        **kwargs: `keras.layers.Layer` arguments (`name`, ...).

    Example:

    >>> import numpy as np
    >>> pool = ImagePool(pool_size=2, seed=0)
    >>> pool.build((None, 1, 1, 1))
    >>> out = pool(np.arange(3, dtype="float32").reshape(3, 1, 1, 1))
    >>> int(pool.count.numpy()), out.shape
    (2, TensorShape([3, 1, 1, 1]))
    >>> np.asarray(out)[:2].ravel().tolist()  # stored and passed through
    [0.0, 1.0]
    """

    def __init__(self, pool_size=50, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = check_int("pool_size", pool_size, minimum=0)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="pool_seed")

    def build(self, input_shape):
        image_shape = tuple(input_shape[1:])
        self.images = self.add_weight(
            shape=(self.pool_size, *image_shape),
            initializer="zeros",
            trainable=False,
            name="images",
        )
        self.count = self.add_weight(
            shape=(), dtype="int32", initializer="zeros", trainable=False, name="count"
        )

    def call(self, images):
        """Returns a batch of the same shape: new images or stored ones."""
        images = ops.cast(images, self.images.dtype)
        if self.pool_size == 0:
            return images
        pool, count = self.images.value, self.count.value
        batch_size = ops.shape(images)[0]
        # All the randomness up front: one coin and one slot per image.
        coins = keras.random.uniform((batch_size,), seed=self.seed_generator)
        slots = keras.random.randint(
            (batch_size,), 0, self.pool_size, seed=self.seed_generator
        )
        # The images are handled in order, without a loop: image i fills
        # slot `count + i` while the pool is not full (the first `filled`
        # images), then swaps with a random slot on heads.
        order = ops.arange(batch_size, dtype="int32")
        filled = ops.clip(self.pool_size - count, 0, batch_size)
        filling = order < filled
        swap = ops.logical_and(ops.logical_not(filling), coins > 0.5)
        writes = ops.logical_or(filling, swap)
        write_slot = ops.where(filling, count + order, slots)  # (B,)
        # What a swapping image i finds in its slot: the image of the last
        # j < i that wrote there in this batch, else the pool's.
        earlier = ops.logical_and(
            ops.logical_and(writes[None, :], write_slot[None, :] == slots[:, None]),
            order[None, :] < order[:, None],
        )  # (B, B)
        found = _last_true(earlier)  # (B,): -1 where none
        stored = ops.where(
            (found >= 0)[:, None, None, None],
            ops.take(images, ops.maximum(found, 0), axis=0),
            ops.take(pool, slots, axis=0),
        )
        returned = ops.where(swap[:, None, None, None], stored, images)
        # Each slot ends with the last image written to it, if any.
        slot_ids = ops.arange(self.pool_size, dtype="int32")
        last_writer = _last_true(
            ops.logical_and(writes[None, :], write_slot[None, :] == slot_ids[:, None])
        )  # (pool_size,)
        self.images.assign(
            ops.where(
                (last_writer >= 0)[:, None, None, None],
                ops.take(images, ops.maximum(last_writer, 0), axis=0),
                pool,
            )
        )
        self.count.assign(count + filled)
        return returned

    def save_own_variables(self, store):
        super().save_own_variables(store)
        save_seed_state(self, store, "pool_seed_state")

    def load_own_variables(self, store):
        load_own_variables_and_seed(self, store, "pool_seed_state")

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "seed": self.seed}


def _last_true(mask):
    """Per row of a boolean `(R, B)` mask, the last column that is True, or -1."""
    columns = ops.arange(ops.shape(mask)[1], dtype="int32")
    return ops.max(ops.where(mask, columns[None, :], -1), axis=1)


@keras.saving.register_keras_serializable(package="tfgan_edu")
class CycleGAN(ImageTranslation):
    """Two generators and two discriminators for unpaired translation.

    `G_AB` translates domain A to B and `G_BA` back; `D_A` and `D_B` judge
    whether an image is a real one of their domain. With `L_g`, `L_d` a
    loss family of `tfgan_edu.losses` (least squares by default, as in the
    paper), `lambda_cyc` = `cycle_weight`, `lambda_id` = `identity_weight`
    and `||.||` the mean absolute error, each `train_step` on a batch
    `(a, b)` of unpaired images:

    1. translates `G_AB(a)`, `G_BA(b)` and back, `G_BA(G_AB(a))`,
       `G_AB(G_BA(b))`;
    2. updates both generators (one optimizer) on
       `L_g(D_B(G_AB(a))) + L_g(D_A(G_BA(b)))
       + lambda_cyc (||G_BA(G_AB(a)) - a|| + ||G_AB(G_BA(b)) - b||)
       + lambda_id (||G_AB(b) - b|| + ||G_BA(a) - a||)`;
    3. updates both discriminators (the other optimizer) on
       `L_d(D_A(a), D_A(pool_A(G_BA(b)))) + L_d(D_B(b), D_B(pool_B(G_AB(a))))`,
       where each `ImagePool` mixes in fakes of earlier steps.

    The cycle term makes the two maps inverse to each other, so a
    translation must keep the content of its input: without it, any map
    onto domain B would fool `D_B`. The identity term asks a generator to
    leave an image of its target domain unchanged (Taigman et al. 2017;
    Zhu et al. use `lambda_id = 0.5 lambda_cyc`). Note that the
    least-squares family of `tfgan_edu.losses` halves both players' losses
    (`0.5 mean((f - 1)^2)` for the generator), where Zhu et al. halve only
    the discriminator's; relative to the adversarial term, the default
    weights 10 and 5 therefore count twice as much as in the paper.

    `History` has `d_a_loss`, `d_b_loss`, `g_loss` (the total of step 2),
    `adv_ab_loss` (`L_g(D_B(G_AB(a)))`), `adv_ba_loss`, `cycle_loss` and
    `identity_loss` (both unweighted; the identity term only when
    `identity_weight > 0`). `evaluate` reports them on held-out batches
    (discriminators on fresh fakes, no pool); `predict` and `model(a)`
    translate A to B; `translate(images, direction)` goes either way.

    Args:
        g_ab: a `keras.Model` from domain-A images to domain-B images in
            [-1, 1], such as `tfgan_edu.networks.unet_generator(...,
            normalization="instance")`.
        g_ba: a `keras.Model` from domain-B images to domain-A images.
        d_a: a `keras.Model` from domain-A images to logits (per image or
            per patch), such as `tfgan_edu.networks.patchgan_discriminator`.
        d_b: the same for domain B.
        cycle_weight: `lambda_cyc`. Defaults to 10.
        identity_weight: `lambda_id`; needs both domains to have the same
            number of channels. Defaults to 5.
        pool_size: images in each discriminator's `ImagePool`; 0 shows the
            discriminators only the latest fakes. Defaults to 50.
        seed: seed of the pools' randomness (`None`: random).
        **kwargs: `keras.Model` arguments (`name`, `dtype`, ...).

    Example:

    >>> import keras, tfgan_edu as tge
    >>> nets = tge.networks
    >>> g = lambda: nets.unet_generator((32, 32, 1), base_filters=4, depth=2)
    >>> d = lambda: nets.patchgan_discriminator((32, 32, 1), base_filters=4,
    ...                                         n_layers=1)
    >>> model = tge.CycleGAN(g(), g(), d(), d(), seed=0)
    >>> model.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
    ...               g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    >>> ds = tge.data.unpaired("digits", task="invert", batch_size=16, seed=0).take(2)
    >>> history = model.fit(ds, epochs=1, verbose=0)
    >>> sorted(history.history)  # doctest: +NORMALIZE_WHITESPACE
    ['adv_ab_loss', 'adv_ba_loss', 'cycle_loss', 'd_a_loss', 'd_b_loss',
     'g_loss', 'identity_loss']
    >>> model.translate(next(iter(ds))[1], direction="b_to_a").shape
    (16, 32, 32, 1)
    """

    BACKENDS = ("tensorflow", "jax", "torch")
    PLAYERS = (
        Player("d", ("d_a", "d_b"), "d_optimizer"),
        Player("g", ("g_ab", "g_ba"), "g_optimizer"),
    )
    NETWORKS = ("g_ab", "g_ba", "d_a", "d_b")
    CONFIG = ("cycle_weight", "identity_weight", "pool_size", "seed")
    DEFAULT_LOSS = "least_squares"
    NAMES = ("domain A", "domain B")

    def __init__(
        self,
        g_ab,
        g_ba,
        d_a,
        d_b,
        cycle_weight=10.0,
        identity_weight=5.0,
        pool_size=50,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self._set_networks(g_ab=g_ab, g_ba=g_ba, d_a=d_a, d_b=d_b)
        self.cycle_weight = check_non_negative("cycle_weight", cycle_weight)
        self.identity_weight = check_non_negative("identity_weight", identity_weight)
        self.shape_a, self.shape_b = self._check_networks()
        pool_seeds = (None, None) if seed is None else (seed, seed + 1)
        self.pool_a = ImagePool(pool_size, seed=pool_seeds[0], name="pool_a")
        self.pool_b = ImagePool(pool_size, seed=pool_seeds[1], name="pool_b")
        self.pool_a.build((None, *self.shape_a))
        self.pool_b.build((None, *self.shape_b))
        self.pool_size = pool_size

        self._add_trackers(*_TERMS, "identity_loss")
        self.built = True

    # ------------------------------------------------------------------ api

    def call(self, inputs, training=False):
        """Translates domain-A images to domain B: `model(a)` is `g_ab(a)`."""
        return self.g_ab(inputs, training=training)

    def translate(self, images, direction="a_to_b", batch_size=256):
        """Translates images with one of the generators, in inference mode.

        Args:
            images: float images in [-1, 1], `(n, H, W, C)` of the source
                domain.
            direction: `"a_to_b"` (with `g_ab`) or `"b_to_a"` (`g_ba`).
                Defaults to `"a_to_b"`.
            batch_size: images per forward pass. Defaults to 256.

        Returns:
            A float32 NumPy array of the translated images.
        """
        if direction not in DIRECTIONS:
            raise ValueError(
                f"Expected `direction` to be 'a_to_b' or 'b_to_a'. "
                f"Received: direction={direction!r}"
            )
        _common.check_sample_count(len(images), batch_size)
        generator = self.g_ab if direction == "a_to_b" else self.g_ba
        batches = [
            ops.convert_to_numpy(
                generator(
                    ops.convert_to_tensor(images[i : i + batch_size]), training=False
                )
            )
            for i in range(0, len(images), batch_size)
        ]
        return ops.convert_to_numpy(ops.concatenate(batches, axis=0)).astype("float32")

    @property
    def image_shapes(self):
        """`(A, B)` image shapes `(H, W, C)`."""
        return self.shape_a, self.shape_b

    def _metric_names(self):
        names = list(_TERMS)
        if self.identity_weight:
            names.append("identity_loss")
        return names

    # ------------------------------------------------------------ training

    def _train_step(self, data):
        a, b = self._unpack(data)
        batch_size = ops.shape(a)[0]
        weight = _common.replica_weight(batch_size)  # 1 on a single device

        # 1.-2. Translate both ways and back; update both generators.
        def g_loss_fn():
            fake_b, fake_a, g_terms = self._generator_losses(a, b, training=True)
            return g_terms["g_loss"], (fake_b, fake_a, g_terms)

        (fake_b, fake_a, g_terms), _ = self._minimize("g", g_loss_fn, weight)

        # 3. Update both discriminators on real images and pooled fakes.
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))

        def d_loss_fn():
            d_terms = self._discriminator_losses(a, b, pooled_a, pooled_b, True)
            return d_terms["d_a_loss"] + d_terms["d_b_loss"], d_terms

        d_terms, _ = self._minimize("d", d_loss_fn, weight)
        self._record({**g_terms, **d_terms}, batch_size)
        return self._results()

    def _test_step(self, data):
        a, b = self._unpack(data)
        fake_b, fake_a, g_terms = self._generator_losses(a, b, training=False)
        d_terms = self._discriminator_losses(a, b, fake_a, fake_b, training=False)
        self._record({**g_terms, **d_terms}, ops.shape(a)[0])
        return self._results()

    def _generator_losses(self, a, b, training):
        """Translations `(G_AB(a), G_BA(b))` and the generators' loss terms."""
        family = self.loss_family
        fake_b = self.g_ab(a, training=training)
        fake_a = self.g_ba(b, training=training)
        adv_ab = family.generator_loss(self.d_b(fake_b, training=training))
        adv_ba = family.generator_loss(self.d_a(fake_a, training=training))
        cycle = l1_distance(self.g_ba(fake_b, training=training), a) + l1_distance(
            self.g_ab(fake_a, training=training), b
        )
        g_loss = adv_ab + adv_ba + self.cycle_weight * cycle
        terms = {"adv_ab_loss": adv_ab, "adv_ba_loss": adv_ba, "cycle_loss": cycle}
        if self.identity_weight:
            identity = l1_distance(self.g_ab(b, training=training), b) + l1_distance(
                self.g_ba(a, training=training), a
            )
            g_loss = g_loss + self.identity_weight * identity
            terms["identity_loss"] = identity
        terms["g_loss"] = g_loss
        return fake_b, fake_a, terms

    def _discriminator_losses(self, a, b, fake_a, fake_b, training):
        d_loss = self.loss_family.discriminator_loss
        return {
            "d_a_loss": d_loss(
                self.d_a(a, training=training), self.d_a(fake_a, training=training)
            ),
            "d_b_loss": d_loss(
                self.d_b(b, training=training), self.d_b(fake_b, training=training)
            ),
        }

    def _check_strategy(self):
        replicas = BACKEND.num_replicas(self)
        if replicas > 1 and self.pool_size:
            raise ValueError(
                "CycleGAN's image pools are state that one device updates image by "
                "image; they cannot be shared by several replicas. Build the model "
                "with pool_size=0 to train under a multi-replica strategy. "
                f"Received: pool_size={self.pool_size}, "
                f"replicas={replicas}"
            )

    def _check_networks(self):
        """Builds the four networks on zeros; returns the shapes of A and B."""
        shape_a = image_shape_of("g_ab", self.g_ab)
        shape_b = image_shape_of("g_ba", self.g_ba)
        if shape_a is None or shape_b is None:
            raise ValueError(
                "Expected `g_ab` and `g_ba` to be functional keras.Models with one "
                "image input each (such as `tge.networks.unet_generator`), so that "
                f"the domains' shapes are known. Received: g_ab={self.g_ab!r}, "
                f"g_ba={self.g_ba!r}"
            )
        for label, net, source, target in (
            ("g_ab", self.g_ab, shape_a, shape_b),
            ("g_ba", self.g_ba, shape_b, shape_a),
        ):
            out = apply(label, net, ops.zeros((2, *source)), f"images {source}")
            if tuple(out.shape[1:]) != target:
                raise ValueError(
                    f"Expected `{label}` to map images {source} to {target}, the "
                    "input shape of the other generator. Received: output of shape "
                    f"{tuple(out.shape[1:])}"
                )
        for label, net, shape in (
            ("d_a", self.d_a, shape_a),
            ("d_b", self.d_b, shape_b),
        ):
            logits = apply(label, net, ops.zeros((2, *shape)), f"images {shape}")
            _common.check_logits_shape(logits, f"the output of `{label}`")
        if self.identity_weight and shape_a != shape_b:
            raise ValueError(
                "The identity loss feeds domain-B images to g_ab (and A to g_ba), so "
                f"both domains need the same shape; here A is {shape_a} and B "
                f"{shape_b}. Pass identity_weight=0. Received: "
                f"identity_weight={self.identity_weight}"
            )
        return shape_a, shape_b
