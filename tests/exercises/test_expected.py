"""The answers stay out of the student package; the stored expectations are
what the instructor package's references compute, bit for bit."""

import configparser
import json
from pathlib import Path

import numpy as np
import pytest
import setuptools
import tfgan_edu_solutions
from tfgan_edu_solutions.expected import write_expected

import tfgan_edu as tge
from tfgan_edu.exercises import _expected, _registry

ROOT = Path(__file__).resolve().parents[2]


def test_no_reference_is_reachable_from_the_student_package():
    ex = tge.exercises
    assert not hasattr(ex, "reference")
    for exercise in _registry.EXERCISES.values():
        assert not hasattr(exercise, "reference")
        for mistake in exercise.mistakes:
            assert isinstance(mistake.name, str)  # a name, not an implementation
    for module_name in _registry.MODULES:
        module = getattr(ex, module_name)
        for exercise in module.EXERCISES:
            # the student-facing module defines no function of the answer's name
            assert not callable(getattr(module, exercise.name, None)), exercise.name
            for mistake in exercise.mistakes:
                assert not hasattr(module, mistake.name), mistake.name


def test_the_wheel_leaves_the_instructor_package_out_and_ships_the_expectations():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    include = [p.strip() for p in config["options.packages.find"]["include"].split(",")]
    packages = setuptools.find_packages(where=str(ROOT), include=include)
    assert "tfgan_edu.exercises" in packages
    assert not [p for p in packages if "solutions" in p or "instructor" in p]
    data = config["options.package_data"]["tfgan_edu.exercises"]
    assert "expected/*.npz" in data and "expected/*.json" in data


def _arrays(path):
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


# The stored files are bit for bit what the references compute on the machine
# that wrote them. Another CPU rounds differently (SIMD paths of NumPy's and
# oneDNN's kernels): regenerated on an AMD EPYC with AVX2, files written on an
# Intel Xeon with AVX-512 differed in 16 of their arrays, float32 network
# outputs by at most 4.3e-6 (dcgan_generator_block), float64 values by 2 ulp,
# (sums near 229 by 7e-8 relative), float64 values by 2 ulp, and two
# floats inside a JSON spec in their 17th digit. Within the checks' own
# tolerances (`rtol` 1e-5; `atol` 1e-5 for the DCGAN blocks) the files are
# the references' values.
FLOAT32_RTOL = 1e-5
FLOAT32_ATOL = 1e-5
FLOAT64_RTOL = 1e-12


def _assert_json_equal(new, old, where):
    if isinstance(old, float) and isinstance(new, float):
        assert new == pytest.approx(old, rel=FLOAT64_RTOL), where
    elif isinstance(old, dict) and isinstance(new, dict):
        assert sorted(new) == sorted(old), where
        for key in old:
            _assert_json_equal(new[key], old[key], (*where, key))
    elif isinstance(old, list) and isinstance(new, list):
        assert len(new) == len(old), where
        for i, (n, o) in enumerate(zip(new, old)):
            _assert_json_equal(n, o, (*where, i))
    else:
        assert new == old, where


def _assert_same_array(new, old, where):
    assert new.shape == old.shape, where
    if new.dtype.kind == "U" and old.dtype.kind == "U" and str(old).startswith("{"):
        # A JSON spec: its length may change with a float's last digits.
        _assert_json_equal(json.loads(str(new)), json.loads(str(old)), where)
        return
    assert new.dtype == old.dtype, where
    if new.dtype == np.float32:
        np.testing.assert_allclose(
            new, old, rtol=FLOAT32_RTOL, atol=FLOAT32_ATOL, err_msg=str(where)
        )
    elif new.dtype == np.float64:
        np.testing.assert_allclose(
            new, old, rtol=FLOAT64_RTOL, atol=0, err_msg=str(where)
        )
    else:
        assert new.tobytes() == old.tobytes(), where


def test_regenerating_the_expectations_gives_the_stored_files(tmp_path):
    written = write_expected(tmp_path)
    stored = sorted(p.name for p in _expected.EXPECTED_DIR.iterdir())
    assert sorted(p.name for p in written) == stored
    for path in written:
        old = _expected.EXPECTED_DIR / path.name
        if path.suffix == ".json":
            assert path.read_bytes() == old.read_bytes()
            continue
        new_arrays, old_arrays = _arrays(path), _arrays(old)
        assert sorted(new_arrays) == sorted(old_arrays), path.name
        for key, value in new_arrays.items():
            _assert_same_array(value, old_arrays[key], (path.name, key))


def test_the_comparison_notices_a_changed_value():
    x = np.linspace(-1, 1, 8, dtype="float32")
    _assert_same_array(x + 4e-6, x, "close")
    with pytest.raises(AssertionError):
        _assert_same_array(x + 1e-4, x, "changed")
    spec = np.array(json.dumps({"v": [1.0713925753724503, "a"]}))
    _assert_same_array(
        np.array(json.dumps({"v": [1.0713925753724505, "a"]})), spec, "s"
    )
    with pytest.raises(AssertionError):
        _assert_same_array(np.array(json.dumps({"v": [1.08, "a"]})), spec, "s")
    with pytest.raises(AssertionError):
        _assert_same_array(np.array([1, 2]), np.array([1, 3]), "ints")


def test_the_stored_observations_are_the_references_on_every_case():
    # A second, independent route to the same numbers: the records the
    # instructor package computes now, decoded from the stored file.
    from tfgan_edu_solutions.expected import records

    stored = _expected.load("minimax_discriminator_loss")
    fresh = records("minimax_discriminator_loss")
    assert set(stored) == set(fresh)
    # case 1 by hand: mean(softplus(-[2, .5, -1])) + mean(softplus([-3, 0, 1.5]))
    r, f = np.array([2.0, 0.5, -1.0]), np.array([-3.0, 0.0, 1.5])
    by_hand = np.mean(np.logaddexp(0, -r)) + np.mean(np.logaddexp(0, f))
    assert float(stored["case1"][0][1]) == pytest.approx(by_hand, rel=1e-6)


def test_encode_decode_round_trip_keeps_structure_and_dtypes():
    value = {"a": (1, 2.5, None, True), "b": np.arange(3, dtype=np.int32)}
    arrays = {}
    back = _expected.decode(
        json.loads(json.dumps(_expected.encode(value, arrays))), arrays
    )
    assert back["a"] == (1, 2.5, None, True)
    assert back["b"].dtype == np.int32 and back["b"].tolist() == [0, 1, 2]


def test_instructor_reference_is_there_for_instructors():
    assert (
        float(
            tfgan_edu_solutions.reference("gaussian_kl")(
                np.zeros((1, 2), np.float32), np.zeros((1, 2), np.float32)
            )[0]
        )
        == 0.0
    )
