"""`tge.exercises.check`: references pass, solutions pass, wrong answers fail usefully."""

import re
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
import tfgan_edu_solutions

import tfgan_edu as tge
from tests.exercises import solutions

ex = tge.exercises
NAMES = ex.names()


def test_at_least_twelve_exercises_cover_every_chapter():
    assert len(NAMES) >= 12
    assert {e.chapter for e in ex.list()} == set(ex.CHAPTERS)
    for chapter in ex.CHAPTERS:  # at least two per chapter
        assert len(ex.names(chapter)) >= 2, chapter


@pytest.mark.parametrize("name", NAMES)
def test_the_instructor_reference_is_refused_as_a_submission(name):
    result = ex.check(name, tfgan_edu_solutions.reference(name), verbose=False)
    assert not result.passed and result.score == 0.0
    assert "refused (score 0)" in result.message
    assert "tfgan_edu_solutions." in result.message


@pytest.mark.parametrize("name", NAMES)
def test_independent_solution_passes(name):
    result = ex.check(name, getattr(solutions, name), verbose=False)
    assert result.passed, result.message


@pytest.mark.parametrize("name", NAMES)
def test_stub_fails_as_not_implemented(name):
    namespace = {}
    exec(ex.get(name).stub, namespace)  # noqa: S102 - our own stub source
    result = ex.check(name, namespace[name], verbose=False)
    assert not result.passed
    assert "not implemented yet" in result.message


# --- the wrong answers of the issue, written as a student would -----------------


def interpolate_normal(real, fake, seed):
    eps = tf.random.stateless_normal(
        [real.shape[0]] + [1] * (len(real.shape) - 1), [seed, 0]
    )
    return eps * real + (1 - eps) * fake


def interpolate_per_element(real, fake, seed):
    eps = tf.random.stateless_uniform(tf.shape(real), [seed, 0])
    return eps * real + (1 - eps) * fake


def saturating_generator_loss(fake_logits):
    return tf.reduce_mean(tf.math.log(1.0 - tf.sigmoid(fake_logits)))


def gradient_penalty_without_epsilon(critic, real, fake, eps):
    eps = tf.reshape(eps, [-1] + [1] * (len(real.shape) - 1))
    x_hat = eps * real + (1 - eps) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grads = tf.reshape(tape.gradient(scores, x_hat), [real.shape[0], -1])
    return tf.reduce_mean((tf.norm(grads, axis=1) - 1.0) ** 2)


def kl_wrong_sign(mean, log_var):
    return 0.5 * tf.reduce_sum(1.0 + log_var - mean**2 - tf.exp(log_var), axis=-1)


def reparameterize_with_variance(mean, log_var, eps):
    return mean + tf.exp(log_var) * eps


def cycle_l2(real_a, cycled_a, real_b, cycled_b, weight=10.0):
    return weight * (
        tf.reduce_mean((real_a - cycled_a) ** 2)
        + tf.reduce_mean((real_b - cycled_b) ** 2)
    )


def frechet_without_factor_two(mu1, sigma1, mu2, sigma2):
    from scipy import linalg

    covmean = linalg.sqrtm(sigma1 @ sigma2).real
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1 + sigma2 - covmean))


def inception_score_reversed_kl(probs):
    p_y = probs.mean(axis=0)
    kl = np.sum(p_y * (np.log(p_y) - np.log(probs + 1e-30)), axis=1)
    return float(np.exp(kl.mean()))


def train_step_generator_first(self, real):
    shape = (real.shape[0], self.latent_dim)
    g_vars = self.generator.trainable_variables
    d_vars = self.discriminator.trainable_variables
    z = keras.random.normal(shape, seed=self.seed_generator)
    with tf.GradientTape() as tape:
        g_loss = tf.reduce_mean(tf.nn.softplus(-self.discriminator(self.generator(z))))
    self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    z = keras.random.normal(shape, seed=self.seed_generator)
    with tf.GradientTape() as tape:
        real_logits = self.discriminator(real)
        fake_logits = self.discriminator(self.generator(z))
        d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(
            tf.nn.softplus(fake_logits)
        )
    self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    return {"d_loss": d_loss, "g_loss": g_loss}


def spectral_frobenius(kernel, u, n_iterations):
    return kernel / np.sqrt(np.sum(kernel**2)), u


def d_loss_log_sigmoid(real_logits, fake_logits):
    return -tf.reduce_mean(tf.math.log(tf.sigmoid(real_logits))) - tf.reduce_mean(
        tf.math.log(1.0 - tf.sigmoid(fake_logits))
    )


WRONG_ANSWERS = [
    # (exercise, wrong function, phrases the message must contain)
    ("interpolate", interpolate_normal, ["outside [0, 1]", "U[0, 1]", "std"]),
    ("interpolate", interpolate_per_element, ["ONE weight per example"]),
    ("non_saturating_generator_loss", saturating_generator_loss, ["saturating loss"]),
    (
        "gradient_penalty",
        gradient_penalty_without_epsilon,
        ["NaN", "epsilon inside the square root"],
    ),
    ("gaussian_kl", kl_wrong_sign, ["never negative"]),
    ("reparameterize", reparameterize_with_variance, ["standard deviation"]),
    ("cycle_consistency_loss", cycle_l2, ["L1 distance"]),
    ("frechet_distance", frechet_without_factor_two, ["factor 2"]),
    ("inception_score", inception_score_reversed_kl, ["reversed"]),
    ("train_step", train_step_generator_first, ["before the discriminator"]),
    ("spectral_normalize", spectral_frobenius, ["Frobenius"]),
    ("minimax_discriminator_loss", d_loss_log_sigmoid, ["softplus", "inf"]),
]


@pytest.mark.parametrize(
    "name, fn, phrases",
    WRONG_ANSWERS,
    ids=[f"{n}-{f.__name__}" for n, f, _ in WRONG_ANSWERS],
)
def test_known_wrong_answer_fails_with_a_useful_message(name, fn, phrases, capsys):
    result = ex.check(name, fn)
    assert not result.passed
    printed = capsys.readouterr().out
    assert printed.strip() == result.message
    assert result.message.startswith(f"✗ {name}: ")
    assert "expected: " in result.message and "received: " in result.message
    assert "Hint: " in result.message
    for phrase in phrases:
        assert phrase in result.message, result.message


def test_the_failing_case_and_values_are_shown():
    result = ex.check("gaussian_kl", kl_wrong_sign, verbose=False)
    lines = result.message.splitlines()
    assert lines[0] == "✗ gaussian_kl: the returned value: differs at 5 of 5 positions"
    assert lines[1].startswith("  case 2 of 2: a batch of 5")
    # The expected value is the positive KL, the received one its negative.
    expected = float(lines[2].split("[")[1].split(",")[0])
    received = float(lines[3].split("[")[1].split(",")[0])
    assert expected > 0 and received == pytest.approx(-expected, rel=1e-4)


# --- functions that crash, loop or return nonsense --------------------------------


def test_a_crash_is_a_failed_result_naming_the_error_and_line():
    def gaussian_kl(mean, log_var):
        scale = 1 / 0
        return scale * mean

    result = ex.check("gaussian_kl", gaussian_kl, verbose=False)
    assert not result.passed
    assert "raised ZeroDivisionError: division by zero" in result.message
    assert "`scale = 1 / 0`" in result.message


def test_an_endless_loop_runs_into_the_time_limit():
    def optimal_discriminator(p_data, p_g):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a student's catch-all does not swallow the limit
                pass

    start = time.perf_counter()
    result = ex.check(
        "optimal_discriminator", optimal_discriminator, timeout=0.3, verbose=False
    )
    # Without the limit the loop never ends; with it the check returns
    # after about 0.3 s. 10 s tells the two apart on a busy machine.
    assert time.perf_counter() - start < 10
    assert not result.passed
    assert "time limit of 0.3 s" in result.message


@pytest.mark.parametrize(
    "fn, phrase",
    [
        (lambda fake_logits: None, "did you forget `return`"),
        (lambda fake_logits: [0.5], "expected a tensor"),
        (
            lambda fake_logits: tf.reduce_mean(
                tf.nn.softplus(-fake_logits), keepdims=True
            ),
            "wrong shape",
        ),
        (
            lambda fake_logits: tf.cast(
                tf.reduce_mean(tf.nn.softplus(-fake_logits)), tf.float64
            ),
            "wrong dtype",
        ),
        (
            lambda fake_logits: tf.constant(
                np.mean(np.logaddexp(0, -fake_logits.numpy()))
            ),
            "is None",
        ),
        ("not a function", "expected a function"),
    ],
    ids=["none", "list", "shape", "dtype", "gradient-cut", "not-callable"],
)
def test_wrong_return_values_are_explained(fn, phrase):
    result = ex.check("non_saturating_generator_loss", fn, verbose=False)
    assert not result.passed
    assert phrase in result.message, result.message


def test_a_number_exercise_rejects_an_array():
    def frechet_distance(mu1, sigma1, mu2, sigma2):
        return np.zeros(3)

    result = ex.check("frechet_distance", frechet_distance, verbose=False)
    assert "expected a number" in result.message


def test_unknown_names_and_chapters_are_errors():
    with pytest.raises(ValueError, match=r"Received: name='gp'$"):
        ex.check("gp", lambda: None)
    with pytest.raises(ValueError, match=r"Received: chapter=9$"):
        ex.names(chapter=9)


def test_result_object():
    result = ex.check("slerp", solutions.slerp, verbose=False)
    assert bool(result) is True
    assert repr(result) == "CheckResult(name='slerp', passed=True)"
    assert result.to_dict() == {
        "name": "slerp",
        "passed": True,
        "message": result.message,
        "score": 1.0,
        "cases": [
            {"description": case.description, "passed": True, "message": "passed"}
            for case in ex.get("slerp").cases
        ],
    }


def test_table_lists_every_exercise_with_chapter_and_summary():
    table = ex.list()
    text = str(table)
    assert text.splitlines()[0].split() == [
        "chapter",
        "exercise",
        "what",
        "the",
        "student",
        "writes",
    ]
    for exercise in table:
        assert (
            f"{exercise.chapter}        {exercise.name}" in text
            or exercise.name in text
        )
    markdown = table._repr_markdown_()
    assert markdown.count("\n") == len(NAMES) + 1
    # Every row has its 3 cells: a `|` in a summary (KL(p || q)) is escaped.
    for row in markdown.splitlines():
        cells = re.split(r"(?<!\\)\|", row)
        assert len(cells) == 5, row  # "", 3 cells, ""
    assert [e.name for e in ex.list(chapter=6)] == [
        "interpolate",
        "gradient_penalty",
        "r1_penalty",
        "spectral_normalize",
    ]


def test_check_leaves_keras_models_of_the_student_alone():
    # The training-step check builds fresh networks for every call: running it
    # twice gives the same verdict (no state carried over).
    first = ex.check("train_step", solutions.train_step, verbose=False)
    second = ex.check("train_step", solutions.train_step, verbose=False)
    assert first.passed and second.passed
