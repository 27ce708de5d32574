"""Chapter 0's exercises: the references against the library and by hand,
hand-written mistakes named by their hints, refusal of the library's
Gumbel-softmax, and chapter 0 wherever chapters are listed."""

import numpy as np
import pytest
import tensorflow as tf
import tfgan_edu_solutions

import tfgan_edu as tge
from tests.exercises import solutions
from tfgan_edu.experiments import discrete_tokens

ex = tge.exercises
ref = tfgan_edu_solutions.reference


def test_chapter_0_lists_its_exercises_question_and_project():
    assert ex.names(chapter=0) == ["two_sample_accuracy", "gumbel_softmax"]
    assert [q.name for q in ex.questions(chapter=0)] == [
        "random_sentence_valid_percent"
    ]
    assert ex.notebook.chapters_with_exercises()[0] == 0
    assert ex.notebook.notebook_filename(0) == "00_what_is_a_gan_exercises.ipynb"
    assert ex.projects.PROJECTS[0].chapter == 0
    assert "0        two_sample_accuracy" in str(ex.list(chapter=0))


def test_the_cli_lists_chapter_0(capsys):
    from tfgan_edu import cli

    assert cli.main(["exercises", "--chapter", "0"]) == 0
    out = capsys.readouterr().out
    assert "gumbel_softmax" in out and "minimax_discriminator_loss" not in out


def _with_gradient(fn, logits, *args):
    logits = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        y = fn(logits, *args)
        weighted = tf.reduce_sum(y * tf.range(1.0, 1.0 + y.shape[-1]))
    return y.numpy(), tape.gradient(weighted, logits).numpy()


@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("temperature", [0.3, 1.0, 2.5])
def test_gumbel_reference_matches_the_library_in_value_and_gradient(temperature, hard):
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(3, 4, 5)).astype("float32")
    noise = rng.gumbel(size=(3, 4, 5)).astype("float32")
    ours = _with_gradient(
        lambda x: ref("gumbel_softmax")(x, temperature, noise, hard), logits
    )
    library = _with_gradient(
        lambda x: discrete_tokens.gumbel_softmax(
            x, temperature=temperature, hard=hard, noise=noise
        ),
        logits,
    )
    for a, b in zip(ours, library):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_gumbel_reference_by_hand():
    logits = np.array([[2.0, 0.0, -1.0]], np.float32)
    noise = np.array([[0.1, 1.5, -0.3]], np.float32)
    z = (logits.astype(np.float64) + noise) / 0.5
    soft = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    value, grad = _with_gradient(
        lambda x: ref("gumbel_softmax")(x, 0.5, noise, False), logits
    )
    np.testing.assert_allclose(value, soft, rtol=1e-6)
    # d/dl_j sum_k w_k y_k = y_j (w_j - sum_k w_k y_k) / tau
    w = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(grad, soft * (w - (w * soft).sum()) / 0.5, rtol=1e-5)
    hard_value, hard_grad = _with_gradient(
        lambda x: ref("gumbel_softmax")(x, 0.5, noise, True), logits
    )
    assert hard_value.tolist() == [[1.0, 0.0, 0.0]]  # argmax of (2.1, 1.5, -1.3)
    np.testing.assert_allclose(hard_grad, grad, rtol=1e-6)


def test_gumbel_max_samples_follow_the_softmax():
    logits = np.log(np.array([0.5, 0.3, 0.2], np.float32))
    noise = np.random.default_rng(0).gumbel(size=(40_000, 3)).astype("float32")
    y = ref("gumbel_softmax")(np.broadcast_to(logits, noise.shape), 1.0, noise, True)
    np.testing.assert_allclose(np.asarray(y).mean(axis=0), [0.5, 0.3, 0.2], atol=0.01)


def test_two_sample_accuracy_reference_matches_the_library_pooled():
    rng = np.random.default_rng(3)
    real = rng.normal(0.5, 1.0, 30).astype("float32")
    fake = rng.normal(-0.2, 1.0, 10).astype("float32")
    real_acc, fake_acc = tge.diagnostics.discriminator_accuracy(real, fake)
    pooled = (30 * float(real_acc) + 10 * float(fake_acc)) / 40
    assert float(ref("two_sample_accuracy")(real, fake)) == pytest.approx(pooled)
    real, fake = np.array([1.0, -2.0]), np.array([-1.0, -0.5, 3.0])
    assert float(ref("two_sample_accuracy")(real, fake)) == pytest.approx(0.6)


def test_independent_solutions_pass():
    for name in ex.names(chapter=0):
        result = ex.check(name, getattr(solutions, name), verbose=False)
        assert result.passed, result.message


def gumbel_softmax_hard_argmax_only(logits, temperature, noise, hard):
    soft = tf.nn.softmax((logits + noise) / temperature)
    if hard:
        return tf.one_hot(tf.argmax(soft, axis=-1), soft.shape[-1])
    return soft


def gumbel_softmax_without_temperature(logits, temperature, noise, hard):
    soft = tf.nn.softmax(logits + noise)
    if hard:
        one_hot = tf.one_hot(tf.argmax(soft, axis=-1), soft.shape[-1])
        return soft + tf.stop_gradient(one_hot - soft)
    return soft


def accuracy_at_one_half(real_logits, fake_logits):
    right = tf.reduce_sum(tf.cast(real_logits > 0.5, tf.float32)) + tf.reduce_sum(
        tf.cast(fake_logits < 0.5, tf.float32)
    )
    return right / tf.cast(tf.size(real_logits) + tf.size(fake_logits), tf.float32)


def accuracy_mean_of_means(real_logits, fake_logits):
    real = tf.reduce_mean(tf.cast(real_logits > 0, tf.float32))
    return (real + tf.reduce_mean(tf.cast(fake_logits < 0, tf.float32))) / 2


@pytest.mark.parametrize(
    "name, fn, phrase, score",
    [
        ("gumbel_softmax", gumbel_softmax_hard_argmax_only, "no gradient", 0.5),
        (
            "gumbel_softmax",
            gumbel_softmax_without_temperature,
            "Divide by the temperature",
            0.25,
        ),
        ("two_sample_accuracy", accuracy_at_one_half, "not probabilities", None),
        ("two_sample_accuracy", accuracy_mean_of_means, "n_r + n_f", 1 / 3),
    ],
)
def test_hand_written_mistakes_fail_with_their_hint(name, fn, phrase, score):
    result = ex.check(name, fn, verbose=False)
    assert not result.passed
    assert phrase in result.message, result.message
    if score is not None:
        assert result.score == pytest.approx(score)


def test_the_hard_mistake_reports_a_missing_gradient():
    result = ex.check("gumbel_softmax", gumbel_softmax_hard_argmax_only, verbose=False)
    assert "case 3 of 4" in result.message
    assert "the gradient with respect to `logits`" in result.message
    assert "Partial credit: 2 of 4 cases pass." in result.message


def test_the_library_gumbel_softmax_is_refused():
    from tfgan_edu.experiments.discrete_tokens import gumbel_softmax as hidden

    def gumbel_softmax(logits, temperature, noise, hard):
        return hidden(logits, temperature=temperature, hard=hard, noise=noise)

    result = ex.check("gumbel_softmax", gumbel_softmax, verbose=False)
    assert not result.passed and result.score == 0.0
    assert "refused (score 0)" in result.message
    assert "tfgan_edu.experiments.discrete_tokens.gumbel_softmax" in result.message


def test_the_concept_question():
    assert ex.check("random_sentence_valid_percent", 1.0, verbose=False).passed
    wrong = ex.check("random_sentence_valid_percent", 0.8, verbose=False)
    assert not wrong.passed and "vocabulary_size ** length" in wrong.message


@pytest.mark.notebook
def test_the_chapter_0_solution_notebook_grades_full_marks_from_its_metadata():
    from tfgan_edu_solutions import notebooks

    from tfgan_edu.exercises import grading

    path = notebooks.FOLDER / "00_what_is_a_gan_solutions.ipynb"
    report = grading.grade_notebook(path)  # the chapter, 0, from the metadata
    assert report["chapter"] == 0 and report.get("error") is None
    assert report["score"] == report["max_score"] == 3
