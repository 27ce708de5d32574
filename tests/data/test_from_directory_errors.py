"""`tge.data.from_directory`: a missing folder and corrupt files are named at the call.

Issue 17: a missing folder gave Keras' "No images found in directory", and a
file that does not decode stopped `fit` mid-epoch with a tf.data
`InvalidArgumentError` that named no file.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import pytest

import tfgan_edu as tge


def _write_images(folder, n, prefix=""):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        plt.imsave(folder / f"{prefix}{i}.png", np.eye(8) * (i + 1), cmap="gray")


def test_a_missing_folder_is_named(tmp_path):
    missing = tmp_path / "no_such_folder"
    with pytest.raises(FileNotFoundError) as exc:
        tge.data.from_directory(missing, batch_size=2)
    assert str(exc.value) == (
        "Expected `path` to be a folder of images. "
        f"Received: path={str(missing)!r} (no such folder)"
    )


def test_a_file_instead_of_a_folder_is_named(tmp_path):
    _write_images(tmp_path, 1)
    a_file = tmp_path / "0.png"
    with pytest.raises(
        NotADirectoryError, match=r"Received: path=.*0\.png' \(a file\)"
    ):
        tge.data.from_directory(a_file, batch_size=2)


def test_files_that_do_not_decode_are_named_before_training(tmp_path):
    _write_images(tmp_path, 4)
    (tmp_path / "notes.png").write_bytes(b"not an image")  # wrong content
    whole = (tmp_path / "1.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(whole[: len(whole) // 2])  # truncated
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(ValueError) as exc:
        tge.data.from_directory(tmp_path, image_size=8, batch_size=2)
    message = str(exc.value)
    assert message.startswith(
        "Expected every image file under `path` to decode as PNG, JPEG, BMP or GIF. "
        "Received: 3 that do not: "
    )
    for name in ("notes.png", "cut.png", "empty.jpg"):
        assert repr(str(tmp_path / name)) in message, name
    for good in range(4):
        assert f"{os.sep}{good}.png" not in message
    assert message.endswith(f"(path={str(tmp_path)!r})")


def test_many_bad_files_are_counted(tmp_path):
    _write_images(tmp_path, 2)
    for i in range(7):
        (tmp_path / f"bad{i}.gif").write_bytes(b"GIF89a-but-not-really")
    with pytest.raises(ValueError, match=r"Received: 7 that do not: .* and 2 more"):
        tge.data.from_directory(tmp_path, batch_size=2)


def test_a_corrupt_file_in_a_class_folder_is_named(tmp_path):
    _write_images(tmp_path / "cats", 3)
    _write_images(tmp_path / "dogs", 3)
    (tmp_path / "dogs" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    with pytest.raises(ValueError) as exc:
        tge.data.from_directory(tmp_path, with_labels=True, batch_size=2)
    assert repr(str(tmp_path / "dogs" / "broken.png")) in str(exc.value)
    assert "Received: 1 that do not" in str(exc.value)


@pytest.mark.parametrize("color_mode", ["grayscale", "rgb"])
def test_a_clean_folder_still_loads_every_image(tmp_path, color_mode):
    _write_images(tmp_path / "a", 3)
    _write_images(tmp_path / "b", 2)
    ds = tge.data.from_directory(
        tmp_path,
        image_size=8,
        color_mode=color_mode,
        batch_size=5,
        with_labels=True,
        shuffle=False,
    )
    images, labels = next(iter(ds))
    assert images.shape == (5, 8, 8, 1 if color_mode == "grayscale" else 3)
    assert sorted(labels.numpy().tolist()) == [0, 0, 0, 1, 1]
    assert -1.0 <= float(np.min(images)) and float(np.max(images)) <= 1.0


def test_a_folder_of_only_bad_files_names_them_all(tmp_path):
    tmp_path.joinpath("a.png").write_bytes(b"x")
    tmp_path.joinpath("b.bmp").write_bytes(b"BM")
    with pytest.raises(ValueError, match=r"Received: 2 that do not: .*a\.png.*b\.bmp"):
        tge.data.from_directory(tmp_path, batch_size=1)
