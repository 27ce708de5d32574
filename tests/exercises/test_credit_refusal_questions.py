"""Partial credit, refusal of the library's own solutions, known mistakes
recognised from stored outputs, and the numeric concept questions."""

import contextlib

import numpy as np
import pytest
import tensorflow as tf
import tfgan_edu_solutions as sol
from keras import ops

import tfgan_edu as tge
from tests.exercises import solutions
from tfgan_edu.exercises import _core, _registry

ex = tge.exercises

MISTAKES = [
    (e.name, m.name, m.hint)
    for e in _registry.EXERCISES.values()
    if e.verify is None
    for m in e.mistakes
]


@pytest.fixture
def unguarded(monkeypatch):
    """Lets the instructor package's wrong implementations be checked."""
    monkeypatch.setattr(
        _core._guard, "record_calls", lambda solutions: contextlib.nullcontext([])
    )
    monkeypatch.setattr(_core._guard, "static_calls", lambda fn, solutions: [])


@pytest.mark.parametrize("name, mistake, hint", MISTAKES)
def test_every_known_mistake_is_named_from_its_stored_outputs(
    name, mistake, hint, unguarded
):
    result = ex.check(name, sol.mistake(name, mistake), verbose=False)
    assert not result.passed
    assert hint in result.message
    assert 0.0 <= result.score < 1.0


def _student_d_loss(real_logits, fake_logits):
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def test_the_library_loss_itself_is_refused_and_a_hand_written_one_passes():
    result = ex.check(
        "minimax_discriminator_loss",
        tge.losses.minimax_discriminator_loss,
        verbose=False,
    )
    assert not result.passed and result.score == 0.0
    assert "refused (score 0)" in result.message
    assert "`tfgan_edu.losses.minimax_discriminator_loss`" in result.message
    assert ex.check("minimax_discriminator_loss", _student_d_loss, verbose=False)


def test_an_aliased_library_call_is_caught_while_it_runs():
    from tfgan_edu.penalties import r1_penalty as hidden

    def r1_penalty(critic, real):  # no library name in the source
        return hidden(critic, real)

    result = ex.check("r1_penalty", r1_penalty, verbose=False)
    assert "refused" in result.message
    assert "tfgan_edu.penalties.r1_penalty" in result.message


def test_a_library_name_in_the_source_is_refused_before_running():
    calls = []

    def non_saturating_generator_loss(fake_logits):
        calls.append(1)
        if False:  # never runs: the name alone is enough
            return tge.losses.non_saturating_generator_loss(fake_logits)
        return ops.mean(ops.softplus(-fake_logits))

    result = ex.check(
        "non_saturating_generator_loss", non_saturating_generator_loss, verbose=False
    )
    assert "refused" in result.message and "names" in result.message
    assert calls == []


def test_other_library_functions_stay_allowed():
    def gaussian_kl(mean, log_var):
        tge.losses.hinge_generator_loss(tf.zeros(2))  # not this exercise's solution
        return 0.5 * tf.reduce_sum(tf.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)

    assert ex.check("gaussian_kl", gaussian_kl, verbose=False).passed


def test_partial_credit_is_the_fraction_of_cases_passed_and_listed_per_case():
    def minimax_discriminator_loss(real_logits, fake_logits):
        if real_logits.shape[0] == 3:  # right on case 1 only
            return _student_d_loss(real_logits, fake_logits)
        return tf.constant(0.0)

    result = ex.check(
        "minimax_discriminator_loss", minimax_discriminator_loss, verbose=False
    )
    assert result.score == pytest.approx(1 / 3)
    assert [c.passed for c in result.cases] == [True, False, False]
    assert result.cases[0].message == "passed"
    assert result.cases[1].message.startswith(
        "✗ minimax_discriminator_loss: the returned"
    )
    assert "Partial credit: 1 of 3 cases pass." in result.message
    assert result.to_dict()["cases"][2]["passed"] is False


def test_a_crash_on_one_case_still_scores_the_others():
    def transposed_conv_output_size(size, kernel, stride, padding, output_padding=0):
        if kernel == 1:
            raise ZeroDivisionError("boom")
        if padding == "same":
            return size * stride
        pad = 0 if padding == "valid" else padding
        return (size - 1) * stride - 2 * pad + kernel + output_padding

    result = ex.check(
        "transposed_conv_output_size", transposed_conv_output_size, verbose=False
    )
    assert result.score == pytest.approx(7 / 8)
    assert "ZeroDivisionError: boom" in result.cases[3].message


def test_not_implemented_scores_zero_on_every_case():
    def slerp(z0, z1, t):
        raise NotImplementedError

    result = ex.check("slerp", slerp, verbose=False)
    assert result.score == 0.0 and len(result.cases) == 2
    assert all("not implemented" in c.message for c in result.cases)


# --- concept questions -------------------------------------------------------

HAND = solutions.QUESTION_ANSWERS


def test_every_chapter_has_a_question_and_every_question_a_hand_answer():
    assert {q.chapter for q in ex.questions()} == set(ex.CHAPTERS)
    assert set(HAND) == {q.name for q in ex.questions()}


@pytest.mark.parametrize("name", sorted(HAND))
def test_questions_accept_the_hand_answer_and_reject_others(name):
    assert ex.check(name, HAND[name], verbose=False).passed
    wrong = ex.check(name, HAND[name] * 1.1 + 1.0, verbose=False)
    assert not wrong.passed and "Hint:" in wrong.message


def test_a_question_wants_one_number():
    assert "expected a number" in ex.check("fid_mean_shift", "9", verbose=False).message
    assert (
        "expected one number"
        in ex.check("fid_mean_shift", np.array([9.0, 9.0]), verbose=False).message
    )
    assert ex.check("transposed_conv_same_output", np.int64(14), verbose=False).passed


def test_the_hand_value_of_fid_mean_shift_is_what_the_package_computes():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3))
    b = rng.normal(size=(20000, 3)) + np.array([1.0, 2.0, 2.0])
    assert tge.metrics.frechet_distance(a, b) == pytest.approx(9.0, abs=0.1)


def test_removing_the_call_recorder_is_refused():
    import sys

    def non_saturating_generator_loss(fake_logits):
        sys.setprofile(None)
        return ops.mean(ops.softplus(-fake_logits))

    before = sys.getprofile()
    result = ex.check(
        "non_saturating_generator_loss", non_saturating_generator_loss, verbose=False
    )
    assert result.score == 0.0
    assert "`sys.setprofile`" in result.message
    assert sys.getprofile() is before  # the checker restored what was there
