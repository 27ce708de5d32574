"""The published FID's Inception GraphDef, tested offline on a tiny stand-in.

The real `classify_image_graph_def.pb` (91 MB) is never downloaded here. A
tiny GraphDef with the same tensor names and the same quirks replaces it:
a JPEG decoder feeding `ExpandDims` (so every recorded shape after it has
batch size 1), TF1's `ResizeBilinear`, `(x - 128) / 128`, a convolution,
a `BatchNormWithGlobalNormalization` (removed in GraphDef version 9, as in
the 2015 graph), `pool_3` of shape (1, 1, 1, C) and the classifier head
after it (`pool_3/_reshape` to [1, C]). Its features are compared with the
same function written in NumPy.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import time

import numpy as np
import pytest
import tensorflow as tf

import tfgan_edu as tge
from tfgan_edu.data import images as data_images
from tfgan_edu.metrics import features

V1 = tf.compat.v1
SIZE = 6  # the stand-in's ResizeBilinear size (299 in the real graph)
KERNEL = 3
CHANNELS = 4  # the pool_3 dimension (2048 in the real graph)
EPSILON = 1e-3
RNG = np.random.default_rng(17)
CONV_W = RNG.normal(0, 0.5, (KERNEL, KERNEL, 3, CHANNELS)).astype("float32")
BN_MEAN = RNG.normal(0, 0.3, CHANNELS).astype("float32")
BN_VAR = RNG.uniform(0.5, 2.0, CHANNELS).astype("float32")
BN_BETA = RNG.normal(0, 0.3, CHANNELS).astype("float32")
BN_GAMMA = RNG.uniform(0.5, 1.5, CHANNELS).astype("float32")
LOGITS_W = RNG.normal(0, 1, (CHANNELS, 3)).astype("float32")


def tiny_inception_graph_def():
    """A GraphDef shaped like the 2015 graph, with batch size 1 recorded."""
    graph = tf.Graph()
    with graph.as_default():
        contents = V1.placeholder(tf.string, (), name="DecodeJpeg/contents")
        x = tf.io.decode_jpeg(contents, channels=3, name="DecodeJpeg")
        x = tf.cast(x, tf.float32, name="Cast")
        x = tf.expand_dims(x, 0, name="ExpandDims")  # (1, H, W, 3)
        size = tf.constant([SIZE, SIZE], name="ResizeBilinear/size")
        x = V1.image.resize_bilinear(x, size, name="ResizeBilinear")
        x = tf.multiply(tf.subtract(x, 128.0, name="Sub"), 1 / 128.0, name="Mul")
        x = tf.nn.conv2d(x, tf.constant(CONV_W), 1, "VALID", name="conv/Conv2D")
        for name, value in [
            ("mean", BN_MEAN),
            ("variance", BN_VAR),
            ("beta", BN_BETA),
            ("gamma", BN_GAMMA),
        ]:
            tf.constant(value, name=f"conv/batchnorm/{name}")
        x = tf.identity(x, name="conv/batchnorm")  # becomes the old batch norm
        x = tf.nn.relu(x, name="conv")
        side = SIZE - KERNEL + 1
        pool = tf.nn.avg_pool2d(x, side, 1, "VALID", name="pool_3")  # (1, 1, 1, C)
        flat = tf.reshape(pool, [1, CHANNELS], name="pool_3/_reshape")
        tf.nn.softmax(tf.matmul(flat, tf.constant(LOGITS_W)), name="softmax")
        assert pool.shape == (1, 1, 1, CHANNELS)
    graph_def = graph.as_graph_def(add_shapes=True)
    for node in graph_def.node:
        if node.name == "conv/batchnorm":
            node.op = "BatchNormWithGlobalNormalization"
            node.input.extend(
                [f"conv/batchnorm/{n}" for n in ("mean", "variance", "beta", "gamma")]
            )
            node.attr["variance_epsilon"].f = EPSILON
            node.attr["scale_after_normalization"].b = True
    graph_def.versions.producer = 5  # older than version 9, like the 2015 graph
    return graph_def


def legacy_resize_bilinear(images, size):
    """TF1's ResizeBilinear (align_corners=False, no half-pixel centres), float64."""
    n, h, w, c = images.shape

    def axis(in_size):
        src = np.arange(size) * (in_size / size)
        low = np.floor(src).astype(int)
        return low, np.minimum(low + 1, in_size - 1), src - low

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    top = (
        images[:, y0][:, :, x0] * (1 - fx)[:, None]
        + images[:, y0][:, :, x1] * fx[:, None]
    )
    bottom = (
        images[:, y1][:, :, x0] * (1 - fx)[:, None]
        + images[:, y1][:, :, x1] * fx[:, None]
    )
    return top * (1 - fy)[None, :, None, None] + bottom * fy[None, :, None, None]


def numpy_pool_3(images_0_255):
    """The stand-in graph's pool_3, computed in float64 NumPy."""
    x = legacy_resize_bilinear(images_0_255.astype(np.float64), SIZE)
    x = (x - 128.0) / 128.0
    side = SIZE - KERNEL + 1
    patches = np.stack(
        [
            x[:, i : i + side, j : j + side, :]
            for i in range(KERNEL)
            for j in range(KERNEL)
        ],
        axis=3,
    )  # (n, side, side, K*K, 3)
    conv = np.einsum("nhwkc,kcd->nhwd", patches, CONV_W.reshape(KERNEL * KERNEL, 3, -1))
    bn = (conv - BN_MEAN) / np.sqrt(BN_VAR.astype(np.float64) + EPSILON) * BN_GAMMA
    return np.maximum(bn + BN_BETA, 0.0).mean(axis=(1, 2))  # (n, C)


@pytest.fixture
def cached_graph(tmp_path, monkeypatch):
    """The stand-in GraphDef in a temporary Keras cache; downloads forbidden."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv(data_images.OFFLINE_ENV_VAR, "1")

    def no_download(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(features.keras.utils, "get_file", no_download)
    path = tmp_path / "models" / features.INCEPTION_GRAPH_FILE
    path.parent.mkdir()
    path.write_bytes(tiny_inception_graph_def().SerializeToString())
    features.inception_graph_function.cache_clear()
    yield path
    features.inception_graph_function.cache_clear()


@pytest.mark.parametrize("batch_size", [1, 3, 7])
def test_features_equal_numpy_for_batches_of_several_sizes(cached_graph, batch_size):
    extractor = features.get_extractor("inception", batch_size=batch_size)
    rgb = RNG.uniform(-1, 1, (7, 9, 11, 3)).astype("float32")
    got = extractor(rgb)
    assert got.shape == (7, CHANNELS) and got.dtype == np.float32
    expected = numpy_pool_3((rgb.astype(np.float64) + 1) * 127.5)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    # Grayscale images are tiled to RGB; another input size is resized in the graph.
    gray = RNG.uniform(-1, 1, (5, 4, 5, 1)).astype("float32")
    expected = numpy_pool_3(
        (np.repeat(gray, 3, axis=-1).astype(np.float64) + 1) * 127.5
    )
    np.testing.assert_allclose(extractor(gray), expected, rtol=1e-4, atol=1e-5)


def test_the_extractor_streams_through_extract_features_and_fid(cached_graph):
    real = RNG.uniform(-1, 1, (12, 8, 8, 3)).astype("float32")
    fake = np.clip(real + 0.3, -1, 1)
    feats = tge.metrics.extract_features("inception", real, batch_size=5)
    np.testing.assert_allclose(
        feats, numpy_pool_3((real.astype(np.float64) + 1) * 127.5), rtol=1e-4, atol=1e-5
    )
    assert tge.metrics.fid(real, real, extractor="inception") == pytest.approx(
        0.0, abs=1e-6
    )
    assert tge.metrics.fid(real, fake, extractor="inception") > 1e-3


def test_patching_frees_the_batch_dimension_and_replaces_the_old_batch_norm():
    graph_def = tiny_inception_graph_def()
    by_name = {n.name: n for n in graph_def.node}
    assert by_name["pool_3"].attr["_output_shapes"].list.shape[0].dim[0].size == 1
    patched = features.patch_inception_graph(graph_def)
    ops = {n.op for n in patched.node}
    assert "BatchNormWithGlobalNormalization" not in ops
    recorded = [n for n in patched.node if "_output_shapes" in n.attr]
    assert len(recorded) == len(graph_def.node) - 1  # all but the old batch norm
    for node in recorded:  # (reading a missing attr would add an empty one)
        for shape in node.attr["_output_shapes"].list.shape:
            assert not (shape.dim and shape.dim[0].size == 1), node.name
    assert {n.name for n in patched.node} >= set(by_name)  # every name is kept

    def pool_3(graph_def):
        def imported(images):
            return V1.import_graph_def(
                graph_def,
                input_map={"ExpandDims:0": images},
                return_elements=["pool_3:0"],
                name="",
            )[0]

        spec = tf.TensorSpec((None, None, None, 3), tf.float32)
        return V1.wrap_function(imported, [spec])

    # Unpatched, the recorded batch size 1 overrides the batch of the input...
    assert pool_3(graph_def).outputs[0].shape.as_list() == [1, 1, 1, CHANNELS]
    # ...and the old batch norm is refused inside a TF2 function.
    with pytest.raises(tf.errors.UnimplementedError, match="BatchNormWithGlobal"):
        pool_3(graph_def)(tf.zeros((2, 5, 5, 3)))
    patched_function = pool_3(patched)
    assert patched_function.outputs[0].shape.as_list() == [None, 1, 1, CHANNELS]
    images = RNG.uniform(0, 255, (3, 5, 5, 3)).astype("float32")
    np.testing.assert_allclose(
        patched_function(tf.constant(images)).numpy().reshape(3, CHANNELS),
        numpy_pool_3(images),
        rtol=1e-4,
        atol=1e-5,
    )


def test_the_function_has_a_batch_free_signature(cached_graph):
    function = features.inception_graph_function(str(cached_graph))
    assert function.outputs[0].shape.as_list() == [None, CHANNELS]
    for n in (1, 2, 5):
        assert function(tf.zeros((n, 3, 4, 3))).shape == (n, CHANNELS)


def test_a_graph_def_given_by_path_is_used_as_is(tmp_path):
    path = tmp_path / "elsewhere.pb"
    path.write_bytes(tiny_inception_graph_def().SerializeToString())
    images = RNG.uniform(-1, 1, (2, 6, 6, 3)).astype("float32")
    got = features.get_extractor("inception", weights=str(path))(images)
    np.testing.assert_allclose(
        got, numpy_pool_3((images.astype(np.float64) + 1) * 127.5), rtol=1e-4, atol=1e-5
    )


def _assert_says_what_to_download_and_where(info, tmp_path):
    message = str(info.value)
    assert features.INCEPTION_GRAPH_FILE in message
    assert features.INCEPTION_GRAPH_URL in message
    assert str(tmp_path / "models" / features.INCEPTION_GRAPH_FILE) in message
    assert "extractor='digits'" in message
    assert message.endswith("Received: weights='imagenet'")


def test_offline_without_the_cache_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setenv(data_images.OFFLINE_ENV_VAR, "1")
    monkeypatch.setattr(
        features, "_keras_models_dirs", lambda: [str(tmp_path / "models")]
    )
    start = time.perf_counter()
    with pytest.raises(features.WeightsUnavailableError) as info:
        features.get_extractor("inception")
    assert time.perf_counter() - start < 10.0
    _assert_says_what_to_download_and_where(info, tmp_path)
    assert "TFGAN_EDU_OFFLINE=1 forbids downloads" in str(info.value)


def test_an_unreachable_network_without_the_cache_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv(data_images.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.setattr(
        features, "_keras_models_dirs", lambda: [str(tmp_path / "models")]
    )
    monkeypatch.setattr(data_images, "network_available", lambda: False)
    with pytest.raises(features.WeightsUnavailableError) as info:
        features.inception_graph_path()
    _assert_says_what_to_download_and_where(info, tmp_path)
    assert "the network is unreachable" in str(info.value)


def _fake_download(tmp_path, monkeypatch, payload: bytes):
    """`keras.utils.get_file` returning a local archive that holds `payload`."""
    archive = tmp_path / "models" / features.INCEPTION_ARCHIVE_FILE
    archive.parent.mkdir(exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo(features.INCEPTION_GRAPH_FILE)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    calls = []

    def get_file(fname, origin, cache_subdir):
        calls.append((fname, origin, cache_subdir))
        return str(archive)

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delenv(data_images.OFFLINE_ENV_VAR, raising=False)
    monkeypatch.setattr(data_images, "network_available", lambda: True)
    monkeypatch.setattr(features.keras.utils, "get_file", get_file)
    return archive, calls


def test_the_download_keeps_the_checked_graph_and_drops_the_archive(
    tmp_path, monkeypatch
):
    payload = tiny_inception_graph_def().SerializeToString()
    archive, calls = _fake_download(tmp_path, monkeypatch, payload)
    monkeypatch.setattr(features, "INCEPTION_GRAPH_BYTES", len(payload))
    monkeypatch.setattr(
        features, "INCEPTION_GRAPH_MD5", hashlib.md5(payload).hexdigest()
    )
    path = features.inception_graph_path()
    assert calls == [
        (features.INCEPTION_ARCHIVE_FILE, features.INCEPTION_GRAPH_URL, "models")
    ]
    assert path == str(tmp_path / "models" / features.INCEPTION_GRAPH_FILE)
    assert open(path, "rb").read() == payload and not archive.exists()
    assert features.inception_graph_path() == path and len(calls) == 1  # cached


def test_a_download_with_the_wrong_checksum_is_refused(tmp_path, monkeypatch):
    archive, _ = _fake_download(tmp_path, monkeypatch, b"not the 2015 graph")
    with pytest.raises(features.WeightsUnavailableError) as info:
        features.inception_graph_path()
    assert f"MD5 {features.INCEPTION_GRAPH_MD5}" in str(info.value)
    assert str(info.value).endswith(
        f"Received: 18 bytes, MD5 {hashlib.md5(b'not the 2015 graph').hexdigest()}"
    )
    assert not (tmp_path / "models" / features.INCEPTION_GRAPH_FILE).exists()


@pytest.mark.parametrize(
    "weights, message",
    [
        (None, "Received: weights=None"),
        ("no/such/graph.pb", "Received: weights='no/such/graph.pb'"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ValueError) as info:
        features.get_extractor("inception", weights=weights)
    assert str(info.value).endswith(message)


def test_a_file_that_is_not_the_graph_is_refused(tmp_path):
    garbage = tmp_path / "garbage.pb"
    garbage.write_bytes(b"\xff\x00 not a protobuf")
    with pytest.raises(ValueError, match="does not parse as one"):
        features.inception_graph_function(str(garbage))
    other = tmp_path / "other.pb"
    graph = tf.Graph()
    with graph.as_default():
        V1.placeholder(tf.float32, (1, 4), name="x")
    other.write_bytes(graph.as_graph_def().SerializeToString())
    with pytest.raises(ValueError, match="'ExpandDims:0'") as info:
        features.inception_graph_function(str(other))
    assert str(other) in str(info.value)


def test_the_keras_network_stays_available_under_its_own_name():
    assert "inception_keras" in features.EXTRACTORS
    images = RNG.uniform(-1, 1, (1, 8, 8, 1)).astype("float32")
    extractor = features.get_extractor("inception_keras", weights=None)
    assert extractor.name == "inception_keras" and extractor.batch_size == 32
    assert extractor(images).shape == (1, features.INCEPTION_FEATURES)
