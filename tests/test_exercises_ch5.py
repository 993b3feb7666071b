"""The checkers of chapter 5's exercises: right answers pass, the template is
"not answered yet", and plausible wrong answers are rejected by name."""

import numpy as np
import pytest

from backprop import matrix
from backprop.exercises import ExerciseError
from backprop.exercises.ch5 import (
    check_by_hand,
    check_gradient_descent_step,
    check_largest_eta,
    check_weight_decay_step,
)


def template(*args):
    raise NotImplementedError


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize(
    "check",
    [check_gradient_descent_step, check_weight_decay_step, check_largest_eta],
)
def test_the_template_is_not_answered(check, capsys):
    assert not check(template)
    assert "not answered yet" in capsys.readouterr().out


# -- one step of gradient descent (the exercise's bug: W updated too early) ----


def step(W, b, x, y, eta, update_first=False, bias_sign=1.0):
    """Backprop and one step for a sigmoid network; keywords plant bugs."""
    W, b = [Wl.copy() for Wl in W], [bl.copy() for bl in b]
    L = len(W)
    a = [x]
    for l in range(1, L + 1):
        a.append(sigmoid(W[l - 1] @ a[l - 1] + b[l - 1]))
    delta = (a[L] - y) * a[L] * (1 - a[L])
    for l in range(L, 0, -1):
        dW, db = delta @ a[l - 1].T, delta
        if update_first:
            W[l - 1] -= eta * dW
        if l > 1:
            delta = (W[l - 1].T @ delta) * a[l - 1] * (1 - a[l - 1])
        if not update_first:
            W[l - 1] -= eta * dW
        b[l - 1] -= bias_sign * eta * db
    return W, b


def test_gradient_descent_step_right_answer_passes(capsys):
    assert check_gradient_descent_step(step)
    assert "one step of gradient descent: correct on 5" in capsys.readouterr().out


def test_gradient_descent_step_with_the_package_passes():
    def with_package(W, b, x, y, eta):
        dW, db = matrix.gradients(W, b, x, y)
        new_W = [Wl - eta * d for Wl, d in zip(W, dW, strict=True)]
        return new_W, [bl - eta * d for bl, d in zip(b, db, strict=True)]

    assert check_gradient_descent_step(with_package)


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        # the exercise's bug: (BP2) uses W^l after its update
        ({"update_first": True}, r"the new W\^1 is off by"),
        ({"bias_sign": -1.0}, r"the new b\^\d is off by"),  # the sign of db
        ({"bias_sign": 0.0}, r"the new b\^\d is off by"),  # b never updated
    ],
    ids=["W updated before (BP2)", "bias sign", "bias not updated"],
)
def test_gradient_descent_step_wrong_answers_are_rejected(keywords, message):
    with pytest.raises(ExerciseError, match=message):
        check_gradient_descent_step(
            lambda W, b, x, y, eta: step(W, b, x, y, eta, **keywords)
        )


def test_gradient_descent_step_must_return_two_lists():
    with pytest.raises(ExerciseError, match=r"two lists of L arrays"):
        check_gradient_descent_step(lambda W, b, x, y, eta: W)


# -- a step with weight decay ---------------------------------------------------


def decay_step(W, b, x, y, eta, lam, on_W=1.0, on_b=0.0):
    dW, db = matrix.gradients(W, b, x, y)
    new_W = [(1 - on_W * eta * lam) * Wl - eta * d for Wl, d in zip(W, dW, strict=True)]
    new_b = [(1 - on_b * eta * lam) * bl - eta * d for bl, d in zip(b, db, strict=True)]
    return new_W, new_b


def test_weight_decay_step_right_answer_passes(capsys):
    assert check_weight_decay_step(decay_step)
    assert "weight decay: correct on 5 random cases" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"on_W": 0.0}, r"the new W\^1 is off by"),  # no decay at all
        ({"on_W": 2.0}, r"the new W\^1 is off by"),  # 2 lam W: forgot the 1/2
        ({"on_W": -1.0}, r"the new W\^1 is off by"),  # the sign: growth
        ({"on_b": 1.0}, r"the new b\^1 is off by"),  # the biases decayed too
    ],
    ids=["no decay", "2 lam", "sign", "biases decayed"],
)
def test_weight_decay_step_wrong_answers_are_rejected(keywords, message):
    with pytest.raises(ExerciseError, match=message):
        check_weight_decay_step(
            lambda W, b, x, y, eta, lam: decay_step(W, b, x, y, eta, lam, **keywords)
        )


# -- the largest stable learning rate --------------------------------------------


def test_largest_eta_right_answer_passes(capsys):
    assert check_largest_eta(lambda h: 2 / np.max(h))
    assert "correct on 5 random cases" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda h: 1 / np.max(h), r"too small: 1\.02 eta_max still converges"),
        (lambda h: 2 / np.min(h), r"too large: 0\.98 eta_max does not converge"),
        (lambda h: 2 / np.mean(h), r"too large"),
        (lambda h: 2 * np.max(h), r"too large|too small"),
        (lambda h: 2 / h, r"should be a positive number"),
        (lambda h: -2 / np.max(h), r"should be a positive number"),
    ],
    ids=["1/h", "smallest h", "mean h", "2h", "array", "negative"],
)
def test_largest_eta_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_largest_eta(wrong)


# -- the worked example by hand ---------------------------------------------------

W_CHANGED = [np.array([[0.2, -0.4], [0.5, 0.3]]), np.array([[0.6, 0.4]])]
B = [np.array([[0.1], [-0.2]]), np.array([[0.3]])]
X, Y = np.array([[1.0], [0.5]]), np.array([[1.0]])


def by_hand(digits=4):
    """The numbers of the exercise from the package, rounded as by hand."""
    z, a = matrix.forward(W_CHANGED, B, X)
    dW, db = matrix.gradients(W_CHANGED, B, X, Y)
    numbers = {
        "z^2": z[1][0, 0],
        "a^2": a[2][0, 0],
        "delta^2": db[1][0, 0],
        "dC/dw^2_12": dW[1][0, 1],
        "delta^1_1": db[0][0, 0],
        "delta^1_2": db[0][1, 0],
        "dC/dw^1_22": dW[0][1, 1],
    }
    return {k: round(float(v), digits) for k, v in numbers.items()}


def test_by_hand_right_answer_passes(capsys):
    assert check_by_hand(by_hand())
    assert "all 7 numbers correct" in capsys.readouterr().out


def test_by_hand_partly_answered_is_not_answered_yet(capsys):
    numbers = {**by_hand(), "delta^1_1": ..., "dC/dw^1_22": ...}
    assert not check_by_hand(numbers)
    assert "2 of 7 numbers not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # delta^2 without g'(z^2): just a^2 - y
        (lambda n: {"delta^2": n["a^2"] - 1.0}, r"delta\^2 = -0\.29\d\d should be"),
        # the old weight -0.7 in (BP2): delta^1_2 keeps its old sign
        (lambda n: {"delta^1_2": 0.0187}, r"delta\^1_2 = 0\.0187 should be -0\.0059"),
        # x_1 instead of x_2 in (BP3)
        (lambda n: {"dC/dw^1_22": n["delta^1_2"]}, r"dC/dw\^1_22 = "),
        (lambda n: {"z^2": "0.86"}, r"z\^2 should be a number|z\^2 = "),
        (lambda n: {"a^2": None}, r"a\^2 should be a number"),
    ],
    ids=["delta2 without g'", "old weight", "wrong input", "string", "None"],
)
def test_by_hand_wrong_answers_are_rejected(change, message):
    numbers = by_hand()
    with pytest.raises(ExerciseError, match=message):
        check_by_hand({**numbers, **change(numbers)})


def test_by_hand_accepts_rounding_but_not_more():
    numbers = by_hand()
    assert check_by_hand({**numbers, "a^2": numbers["a^2"] + 1.5e-4})
    with pytest.raises(ExerciseError, match=r"a\^2 = "):
        check_by_hand({**numbers, "a^2": numbers["a^2"] + 3e-4})


def test_by_hand_needs_a_dict():
    with pytest.raises(ExerciseError, match=r"numbers should be a dict"):
        check_by_hand([0.1] * 7)
