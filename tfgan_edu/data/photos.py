"""Real photographs, offline: scikit-image's and scikit-learn's, split by photo.

The colour photographs that ship inside the scikit-image and
scikit-learn wheels (no download, no `pooch`), divided into two disjoint
sets of whole photographs, so that no test patch comes from a photograph
that training has seen:

- training (`TRAIN_PHOTOS`): `astronaut` (Eileen Collins), `coffee` (a
  cup), `motorcycle_left` and `motorcycle_right` (a stereo pair: both
  views of one scene, so both on this side), `immunohistochemistry`
  (stained tissue), `hubble_deep_field` (galaxies), `china` (a temple,
  scikit-learn);
- test (`TEST_PHOTOS`): `chelsea` (a cat), `rocket` (a launch pad),
  `flower` (scikit-learn).

`retina` (1411 x 1411) also ships, but is left out: most 64 x 64 crops of
it are flat red or the black surround. Images come out as float32
`(H, W, 3)` in [-1, 1]; each photograph is read from disk once per
process (a module-level cache).

Training patches are random `patch_size x patch_size` crops: a
photograph drawn uniformly (each counts the same, whatever its size),
then a position uniform over where the patch fits (`random_patches`, or
`patch_dataset` for fresh crops every epoch). Test patches are fixed:
each test photograph tiled by non-overlapping patches on a grid centred
in it (`held_out_patches`).

Example:

>>> from tfgan_edu.data import photos
>>> photos.photo("chelsea").shape
(300, 451, 3)
>>> tiles, origins = photos.held_out_patches(64)
>>> tiles.shape, origins[0]
((148, 64, 64, 3), ('chelsea', 22, 1))
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tfgan_edu._checks import check_int

TRAIN_PHOTOS: tuple[str, ...] = (
    "astronaut",
    "coffee",
    "motorcycle_left",
    "motorcycle_right",
    "immunohistochemistry",
    "hubble_deep_field",
    "china",
)
"""Photographs the training split crops from."""

TEST_PHOTOS: tuple[str, ...] = ("chelsea", "rocket", "flower")
"""Photographs the test split tiles; training never sees them."""

PHOTO_SPLITS: dict[str, tuple[str, ...]] = {"train": TRAIN_PHOTOS, "test": TEST_PHOTOS}

DEFAULT_PATCH_SIZE: int = 64

_CACHE: dict[str, np.ndarray] = {}


def _read_uint8(name: str) -> np.ndarray:
    """The photograph as shipped: uint8 `(H, W, 3)`."""
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        return np.asarray(load_sample_image(f"{name}.jpg"))
    import skimage.data

    if name in ("motorcycle_left", "motorcycle_right"):
        left, right, _ = skimage.data.stereo_motorcycle()
        return left if name == "motorcycle_left" else right
    return getattr(skimage.data, name)()


def _photo_uint8(name: str) -> np.ndarray:
    if name not in TRAIN_PHOTOS + TEST_PHOTOS:
        raise ValueError(
            f"Expected a photograph name, one of {TRAIN_PHOTOS + TEST_PHOTOS}. "
            f"Received: name={name!r}"
        )
    if name not in _CACHE:
        image = np.ascontiguousarray(_read_uint8(name)[..., :3], dtype=np.uint8)
        image.setflags(write=False)
        _CACHE[name] = image
    return _CACHE[name]


def _to_signed(images_uint8: np.ndarray) -> np.ndarray:
    return (images_uint8.astype(np.float32) / 127.5 - 1.0).astype(np.float32)


def photo(name: str) -> np.ndarray:
    """One photograph, as float32 `(H, W, 3)` in [-1, 1] (`x / 127.5 - 1`).

    Args:
        name: one of `TRAIN_PHOTOS` or `TEST_PHOTOS`.

    Returns:
        A new float32 array `(H, W, 3)` in [-1, 1].

    Example:

    >>> image = photo("astronaut")
    >>> image.shape, float(image.min()) >= -1.0, float(image.max()) <= 1.0
    ((512, 512, 3), True, True)
    """
    return _to_signed(_photo_uint8(name))


def _check_split(split: str) -> tuple[str, ...]:
    if split not in PHOTO_SPLITS:
        raise ValueError(
            f"Expected `split` to be 'train' or 'test'. Received: split={split!r}"
        )
    return PHOTO_SPLITS[split]


def check_patch_size(patch_size) -> int:
    """Checks a patch side: a multiple of 4, from 16 to the smallest photo's side.

    Args:
        patch_size: the side to check.

    Returns:
        `patch_size`, an int.

    Example:

    >>> check_patch_size(64)
    64
    """
    check_int("patch_size", patch_size, minimum=16)
    smallest = min(min(_photo_uint8(n).shape[:2]) for n in TRAIN_PHOTOS + TEST_PHOTOS)
    if patch_size > smallest or patch_size % 4:
        raise ValueError(
            "Expected `patch_size` to be a multiple of 4 between 16 and "
            f"{smallest} (the smallest photograph's side). "
            f"Received: patch_size={patch_size!r}"
        )
    return patch_size


def random_patches(
    n: int,
    patch_size: int = DEFAULT_PATCH_SIZE,
    *,
    split: str = "train",
    seed: int = 0,
) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Random square crops of one split's photographs, as arrays.

    Each crop picks a photograph of the split uniformly, then a top-left
    corner uniform over the positions where the patch fits.

    Args:
        n: number of patches.
        patch_size: side of the square patches, a multiple of 4 from 16
            to 300. Defaults to 64.
        split: `"train"` or `"test"` photographs. Defaults to `"train"`.
        seed: seed of the draws. Defaults to 0.

    Returns:
        A pair `(patches, origins)`: float32 `(n, patch_size, patch_size,
        3)` in [-1, 1], and for each patch `(photo_name, top, left)`.

    Example:

    >>> patches, origins = random_patches(4, 32, seed=0)
    >>> patches.shape, all(o[0] in TRAIN_PHOTOS for o in origins)
    ((4, 32, 32, 3), True)
    """
    check_int("n", n)
    names = _check_split(split)
    patch_size = check_patch_size(patch_size)
    rng = np.random.default_rng(seed)
    patches, origins = [], []
    for index in rng.integers(0, len(names), n):
        image = _photo_uint8(names[index])
        top = int(rng.integers(0, image.shape[0] - patch_size + 1))
        left = int(rng.integers(0, image.shape[1] - patch_size + 1))
        patches.append(image[top : top + patch_size, left : left + patch_size])
        origins.append((names[index], top, left))
    return _to_signed(np.stack(patches)), origins


def held_out_patches(
    patch_size: int = DEFAULT_PATCH_SIZE,
) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """The fixed test patches: every test photograph tiled, in a fixed order.

    Each photograph of `TEST_PHOTOS` is cut into `floor(H / p) x floor(W /
    p)` non-overlapping `p x p` tiles on a grid centred in it (the margin
    left over is split between both sides), row by row.

    Args:
        patch_size: `p`, a multiple of 4 from 16 to 300. Defaults to 64
            (148 tiles: 28 of `chelsea`, 60 of `rocket`, 60 of `flower`).

    Returns:
        A pair `(patches, origins)`: float32 `(N, p, p, 3)` in [-1, 1] and
        for each tile `(photo_name, top, left)`.

    Example:

    >>> tiles, origins = held_out_patches(128)
    >>> tiles.shape, sorted({name for name, _, _ in origins})
    ((36, 128, 128, 3), ['chelsea', 'flower', 'rocket'])
    """
    patch_size = check_patch_size(patch_size)
    patches, origins = [], []
    for name in TEST_PHOTOS:
        image = _photo_uint8(name)
        rows, cols = image.shape[0] // patch_size, image.shape[1] // patch_size
        top0 = (image.shape[0] - rows * patch_size) // 2
        left0 = (image.shape[1] - cols * patch_size) // 2
        for r in range(rows):
            for c in range(cols):
                top, left = top0 + r * patch_size, left0 + c * patch_size
                patches.append(image[top : top + patch_size, left : left + patch_size])
                origins.append((name, top, left))
    return _to_signed(np.stack(patches)), origins


def patch_dataset(
    patch_size: int = DEFAULT_PATCH_SIZE,
    patches_per_epoch: int = 1024,
    *,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Fresh random training crops every epoch, as an unbatched dataset.

    Crops as in `random_patches` (a training photograph uniformly, then a
    uniform position), drawn inside the `tf.data` pipeline from a seed
    stream that changes every epoch (reproducibly for a given `seed`).

    Args:
        patch_size: side of the square patches. Defaults to 64.
        patches_per_epoch: crops per epoch. Defaults to 1024.
        seed: seed of the crops. Defaults to `None` (random).

    Returns:
        A `tf.data.Dataset` of float32 `(patch_size, patch_size, 3)`
        patches in [-1, 1], `patches_per_epoch` of them.

    Example:

    >>> ds = patch_dataset(32, patches_per_epoch=3, seed=0)
    >>> [tuple(p.shape) for p in ds]
    [(32, 32, 3), (32, 32, 3), (32, 32, 3)]
    """
    patch_size = check_patch_size(patch_size)
    check_int("patches_per_epoch", patches_per_epoch)
    images = [_photo_uint8(name) for name in TRAIN_PHOTOS]
    height = max(i.shape[0] for i in images)
    width = max(i.shape[1] for i in images)
    # All training photographs zero-padded into one uint8 tensor
    # (P, H_max, W_max, 3); crops stay inside each photograph's own size.
    stack = np.zeros((len(images), height, width, 3), np.uint8)
    for k, image in enumerate(images):
        stack[k, : image.shape[0], : image.shape[1]] = image
    stack = tf.constant(stack)
    # Positions where a patch fits, per photograph: (P, 2).
    room = tf.constant(
        [(i.shape[0] - patch_size + 1, i.shape[1] - patch_size + 1) for i in images]
    )

    def crop(pair):
        s = tf.cast(pair % (2**31 - 1), tf.int32)
        index = tf.random.stateless_uniform(
            (), seed=s, minval=0, maxval=len(images), dtype=tf.int32
        )
        u = tf.random.stateless_uniform((2,), seed=s + 1, dtype=tf.float32)
        corner = tf.minimum(
            tf.cast(u * tf.cast(room[index], tf.float32), tf.int32), room[index] - 1
        )
        patch = tf.slice(
            stack[index], [corner[0], corner[1], 0], [patch_size, patch_size, 3]
        )
        return tf.cast(patch, tf.float32) / 127.5 - 1.0

    return (
        tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        .batch(2, drop_remainder=True)
        .take(patches_per_epoch)
        .map(crop, num_parallel_calls=tf.data.AUTOTUNE)
    )


def find_patch(
    patch: np.ndarray, split: str | None = None
) -> tuple[str, int, int] | None:
    """Where a patch was cut from: the photograph and its top-left corner.

    Args:
        patch: float `(p, p, 3)` in [-1, 1], an exact crop of a photograph.
        split: search only this split's photographs (`"train"` or
            `"test"`). Defaults to `None`: all.

    Returns:
        `(photo_name, top, left)` of the first exact match, or `None`.

    Example:

    >>> patches, origins = random_patches(1, 16, seed=3)
    >>> find_patch(patches[0]) == origins[0]
    True
    """
    names = TRAIN_PHOTOS + TEST_PHOTOS if split is None else _check_split(split)
    target = np.rint((np.asarray(patch, np.float64) + 1.0) * 127.5).astype(np.int16)
    p, q = target.shape[:2]
    for name in names:
        image = _photo_uint8(name).astype(np.int16)
        h, w = image.shape[0] - p + 1, image.shape[1] - q + 1
        if h < 1 or w < 1:
            continue
        # Candidates where a few pixels match (vectorized), then the whole patch.
        fits = np.ones((h, w), bool)
        for r, c in ((0, 0), (p - 1, q - 1), (p // 2, q // 2), (0, q - 1), (p - 1, 0)):
            fits &= np.all(image[r : r + h, c : c + w] == target[r, c], axis=-1)
        for top, left in zip(*np.nonzero(fits)):
            if np.array_equal(image[top : top + p, left : left + q], target):
                return name, int(top), int(left)
    return None
