"""The exercise checkers' shared machinery (backprop.exercises).

Each chapter's checkers have their own tests (tests/test_exercises_ch*.py),
which feed every checker a right answer and at least one wrong one.
"""

import numpy as np
import pytest

from backprop.exercises import ExerciseError, answer, compare, derivative, verify


def square_sum_case(fn):
    """A small exercise: the gradient of f(x) = sum(x**2) is 2 x."""

    def case(rng, k):
        x = rng.normal(size=(k + 1, 2))
        got = answer(fn, x, what="grad")
        expected = derivative(lambda v: float(np.sum(v**2)), x)
        compare("df/dx", got, expected, f"x of shape {x.shape}")

    return case


def test_a_right_answer_passes_and_says_so(capsys):
    assert verify("gradient of sum(x^2)", square_sum_case(lambda x: 2 * x))
    assert capsys.readouterr().out == (
        "gradient of sum(x^2): correct on 5 random cases\n"
    )


@pytest.mark.parametrize(
    "template",
    [
        lambda x: None,
        lambda x: ...,
        lambda x: (_ for _ in ()).throw(NotImplementedError),
    ],
    ids=["None", "Ellipsis", "NotImplementedError"],
)
def test_the_template_is_not_answered_yet(template, capsys):
    assert not verify("ex", square_sum_case(template))
    assert "not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda x: 3 * x, r"df/dx is off by 5\.0e-01 .* x of shape \(1, 2\)"),
        (
            lambda x: (2 * x).T,
            r"df/dx has shape \(2, 1\) but should have shape \(1, 2\)",
        ),
        (lambda x: np.full_like(x, np.nan), "df/dx contains NaN"),
        (lambda x: "two x", "df/dx should be an array of numbers; got str"),
        (lambda x: x @ x, "grad raised ValueError: matmul"),
    ],
    ids=["value", "shape", "nan", "type", "exception"],
)
def test_a_wrong_answer_fails_with_a_clear_message(wrong, message):
    with pytest.raises(ExerciseError, match=message) as info:
        verify("ex", square_sum_case(wrong))
    # The learner sees our message, not numpy's traceback as the cause.
    error = info.value
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


def test_a_wrong_answer_on_a_later_case_is_caught():
    def wrong_for_two_rows(x):
        return 2 * x if x.shape[0] != 2 else 2 * x + 1e-3

    with pytest.raises(ExerciseError, match=r"x of shape \(2, 2\)"):
        verify("ex", square_sum_case(wrong_for_two_rows))


def test_the_learner_cannot_change_the_case():
    x = np.ones((2, 2))

    def mutating(v):
        v *= 0
        return v

    answer(mutating, x)
    np.testing.assert_array_equal(x, np.ones((2, 2)))


def test_derivative_is_a_central_difference():
    x = np.array([[0.3, -1.2]])
    np.testing.assert_allclose(
        derivative(lambda v: float(np.sum(np.sin(v))), x), np.cos(x), rtol=1e-9
    )


def test_a_verdict_is_a_truth_value_that_shows_nothing_in_a_notebook():
    from IPython.core.interactiveshell import InteractiveShell

    from backprop.exercises import Verdict

    assert Verdict(True) and not Verdict(False)
    # The display hook of a notebook cell formats nothing for it, so a
    # checker on a cell's last line adds no "True" to the output.
    formatter = InteractiveShell.instance().display_formatter
    assert formatter.format(Verdict(True)) == ({}, {})
    assert formatter.format(True) != ({}, {})
