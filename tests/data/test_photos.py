"""Real photographs offline: split by photograph, crops traced back to their photo."""

import socket

import numpy as np
import pytest
import skimage.data
from sklearn.datasets import load_sample_image

import tfgan_edu as tge
from tfgan_edu.data import image_pairs, photos


def test_every_photograph_loads_with_the_network_disabled(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network disabled by the test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(photos, "_CACHE", {})
    for name in photos.TRAIN_PHOTOS + photos.TEST_PHOTOS:
        image = photos.photo(name)
        assert image.dtype == np.float32 and image.ndim == 3 and image.shape[2] == 3
        assert image.min() >= -1.0 and image.max() <= 1.0
        assert image.std() > 0.1, name  # a real picture, not a blank


def test_photographs_are_the_shipped_ones_rescaled():
    np.testing.assert_allclose(
        photos.photo("astronaut"), skimage.data.astronaut() / 127.5 - 1.0, atol=1e-6
    )
    np.testing.assert_allclose(
        photos.photo("flower"), load_sample_image("flower.jpg") / 127.5 - 1.0, atol=1e-6
    )
    left, right, _ = skimage.data.stereo_motorcycle()
    np.testing.assert_allclose(
        photos.photo("motorcycle_right"), right / 127.5 - 1, atol=1e-6
    )
    # Read once: the cache hands back the same array.
    assert photos._photo_uint8("coffee") is photos._photo_uint8("coffee")


def test_the_split_is_disjoint_by_photograph():
    assert not set(photos.TRAIN_PHOTOS) & set(photos.TEST_PHOTOS)
    # The stereo pair shows one scene: both views on the same side.
    assert {"motorcycle_left", "motorcycle_right"} <= set(photos.TRAIN_PHOTOS)
    # No two photographs (across splits) are the same picture at the same size.
    shapes = {n: photos.photo(n).shape for n in photos.TEST_PHOTOS}
    for train_name in photos.TRAIN_PHOTOS:
        train = photos.photo(train_name)
        for test_name, shape in shapes.items():
            if train.shape == shape:
                assert not np.array_equal(train, photos.photo(test_name))


def test_held_out_tiles_come_from_the_test_photographs_only():
    tiles, origins = photos.held_out_patches(64)
    assert tiles.shape == (148, 64, 64, 3)
    counts = {n: sum(o[0] == n for o in origins) for n in photos.TEST_PHOTOS}
    # chelsea 300 x 451 -> 4 x 7; rocket and flower 427 x 640 -> 6 x 10.
    assert counts == {"chelsea": 28, "rocket": 60, "flower": 60}
    for k in (0, 27, 28, 100, 147):
        assert photos.find_patch(tiles[k]) == origins[k]
        assert photos.find_patch(tiles[k], split="train") is None
    # Non-overlapping tiles, grid centred: chelsea (300 x 451) leaves margins
    # of 44 and 3 pixels, so its first tile is at (22, 1), the next at (22, 65).
    assert origins[0] == ("chelsea", 22, 1)
    assert origins[1] == ("chelsea", 22, 65)


def test_random_patches_match_their_photograph_and_position():
    patches, origins = photos.random_patches(6, 32, seed=1)
    assert patches.shape == (6, 32, 32, 3)
    for patch, origin in zip(patches, origins):
        assert origin[0] in photos.TRAIN_PHOTOS
        name, top, left = origin
        np.testing.assert_array_equal(
            patch, photos.photo(name)[top : top + 32, left : left + 32]
        )
    test_patches, test_origins = photos.random_patches(3, 32, split="test", seed=1)
    assert all(o[0] in photos.TEST_PHOTOS for o in test_origins)


def test_training_crops_are_fresh_every_epoch_seeded_and_from_training_photos():
    ds = photos.patch_dataset(32, patches_per_epoch=8, seed=5)
    first, second = np.stack(list(ds)), np.stack(list(ds))
    assert first.shape == (8, 32, 32, 3)
    assert not np.array_equal(first, second)
    again = np.stack(list(photos.patch_dataset(32, patches_per_epoch=8, seed=5)))
    np.testing.assert_array_equal(first, again)
    for patch in first:
        found = photos.find_patch(patch)
        assert found is not None and found[0] in photos.TRAIN_PHOTOS


def test_paired_photos_train_batches_come_from_training_photographs():
    ds = tge.data.paired("photos", "denoise", 4, n=8, patch_size=32, seed=0)
    batches = list(ds)
    assert len(batches) == 2
    for noisy, clean in batches:
        assert noisy.shape == clean.shape == (4, 32, 32, 3)
        for patch in clean.numpy():
            assert photos.find_patch(patch)[0] in photos.TRAIN_PHOTOS
        assert not np.array_equal(noisy.numpy(), clean.numpy())


@pytest.mark.parametrize("task", image_pairs.TASKS)
def test_paired_photos_test_split_degrades_the_tiles_once(task):
    ds = tge.data.paired(
        "photos",
        task,
        50,
        split="test",
        shuffle=False,
        drop_remainder=False,
        factor=4,
        noise_std=0.2,
    )
    degraded = np.concatenate([b[0].numpy() for b in ds])
    clean = np.concatenate([b[1].numpy() for b in ds])
    tiles, _ = photos.held_out_patches(64)
    np.testing.assert_array_equal(clean, tiles)
    expected = tge.data.degrade(
        tiles,
        task,
        seed=image_pairs.TEST_DEGRADATION_SEED,
        factor=4,
        noise_std=0.2,
        mask_size=16,
    ).numpy()
    np.testing.assert_array_equal(degraded, expected)
    assert degraded.min() >= -1.0 and degraded.max() <= 1.0
    if task == "colorize":
        assert degraded.shape == (148, 64, 64, 1)
        luma = ((tiles + 1) / 2) @ np.array([0.2989, 0.5870, 0.1140]) * 2 - 1
        np.testing.assert_allclose(degraded[..., 0], luma, atol=1e-5)
    elif task == "inpaint":
        # Exactly one 16 x 16 square set to 0 (patch_size // 4), the rest kept.
        changed = np.any(degraded != tiles, axis=-1) | np.all(degraded == 0, axis=-1)
        hole = np.all(degraded == 0, axis=-1)
        assert (hole.sum(axis=(1, 2)) >= 256).all()
        np.testing.assert_array_equal(degraded[~hole], tiles[~hole])
        assert changed.any()
    elif task == "denoise":
        inside = np.abs(tiles) < 0.5  # far from the clip at +-1
        assert np.std((degraded - tiles)[inside]) == pytest.approx(0.2, rel=0.02)
    else:  # x4: the bicubic up-sampling of a 16 x 16 area down-sample
        low = tiles.reshape(148, 16, 4, 16, 4, 3).mean(axis=(2, 4))
        blocks = degraded.reshape(148, 16, 4, 16, 4, 3).mean(axis=(2, 4))
        # Bicubic keeps the block means (up to its overshoot at edges) ...
        assert np.mean(np.abs(blocks - low) < 0.08) > 0.99
        # ... and loses the detail inside the blocks.
        detail = tiles - np.repeat(np.repeat(low, 4, axis=1), 4, axis=2)
        kept = degraded - np.repeat(np.repeat(blocks, 4, axis=1), 4, axis=2)
        assert np.std(kept) < 0.7 * np.std(detail)


def test_paired_photos_errors():
    with pytest.raises(ValueError, match="patch_size"):
        tge.data.paired("photos", "denoise", 4, patch_size=30)
    with pytest.raises(ValueError, match="patch_size"):
        tge.data.paired("photos", "denoise", 4, patch_size=400)
    with pytest.raises(ValueError, match="Received: name='photos'"):
        tge.data.unpaired("photos", "invert", 4)
    with pytest.raises(ValueError, match="Received: n=149"):
        tge.data.paired("photos", "denoise", 4, split="test", n=149)
    with pytest.raises(ValueError, match="name"):
        photos.photo("retina")
