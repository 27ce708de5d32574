"""A student's function that calls `sys.exit` (or `exit`) gives a failed result.

`SystemExit` is not an `Exception`: before, it escaped `check`, ended the
notebook's kernel, and lost the student's other results.
"""

import sys

import pytest

import tfgan_edu as tge
from tests.exercises import solutions

ex = tge.exercises


@pytest.mark.parametrize("code", [0, 3, "bye"])
def test_sys_exit_in_a_case_is_a_failed_result(code):
    def gaussian_kl(mean, log_var):
        sys.exit(code)

    result = ex.check("gaussian_kl", gaussian_kl, verbose=False)  # nothing escapes
    assert not result.passed and result.score == 0.0
    assert f"raised SystemExit: sys.exit({code!r}) was called" in result.message
    assert "`sys.exit(code)`" in result.message  # the student's line is named
    assert len(result.cases) == len(ex.get("gaussian_kl").cases)
    assert not any(case.passed for case in result.cases)


def test_an_exit_in_some_cases_keeps_the_score_of_the_others():
    calls = []

    def gaussian_kl(mean, log_var):
        calls.append(1)
        if len(calls) == 1:
            raise SystemExit(1)
        return solutions.gaussian_kl(mean, log_var)

    result = ex.check("gaussian_kl", gaussian_kl, verbose=False)
    total = len(ex.get("gaussian_kl").cases)
    assert total >= 2 and len(calls) == total  # every case still ran
    assert not result.passed
    assert result.score == pytest.approx((total - 1) / total)
    assert [case.passed for case in result.cases] == [False] + [True] * (total - 1)


def test_sys_exit_in_a_verified_exercise_is_a_failed_result():
    # `interpolate` is checked by `verify` (a distribution test), not cases.
    def interpolate(real, fake, seed):
        exit(2)  # the builtin `exit` raises SystemExit too

    result = ex.check("interpolate", interpolate, verbose=False)
    assert not result.passed and result.score == 0.0
    assert "raised SystemExit: sys.exit(2) was called" in result.message


def test_check_all_goes_on_after_a_sys_exit():
    def gaussian_kl(mean, log_var):
        sys.exit(1)

    namespace = {"gaussian_kl": gaussian_kl, "reparameterize": solutions.reparameterize}
    results = ex.check_all(
        namespace, exercises=["gaussian_kl", "reparameterize"], verbose=False
    )
    assert [r.passed for r in results] == [False, True]


def test_keyboard_interrupt_still_stops_the_check():
    def gaussian_kl(mean, log_var):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ex.check("gaussian_kl", gaussian_kl, verbose=False)
