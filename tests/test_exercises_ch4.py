"""The checkers of chapter 4's exercises: right answers pass, the template is
"not answered yet", and plausible wrong answers are rejected by name."""

import numpy as np
import pytest

from backprop.exercises import ExerciseError
from backprop.exercises.ch4 import (
    check_backprop,
    check_softmax_jacobian,
    check_tanh_output_delta,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def template(*args):
    raise NotImplementedError


@pytest.mark.parametrize(
    "check", [check_softmax_jacobian, check_tanh_output_delta, check_backprop]
)
def test_the_template_is_not_answered(check, capsys):
    assert not check(template)
    assert "not answered yet" in capsys.readouterr().out


# -- the softmax Jacobian -----------------------------------------------------


def test_softmax_jacobian_right_answer_passes(capsys):
    def jacobian(z):
        a = softmax(z)
        return np.diagflat(a) - a @ a.T

    assert check_softmax_jacobian(jacobian)
    assert "softmax Jacobian, n = 3: correct on 5 random cases" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        # the elementwise rule: only the diagonal a_i (1 - a_i)
        (lambda z: np.diagflat(softmax(z) * (1 - softmax(z))), r"J is off by"),
        # the sign of the off-diagonal part
        (lambda z: np.diagflat(softmax(z)) + softmax(z) @ softmax(z).T, r"J is off"),
        # a_i a_k without the diagonal term
        (lambda z: -softmax(z) @ softmax(z).T, r"J is off by"),
        # the diagonal as a vector
        (lambda z: softmax(z) * (1 - softmax(z)), r"J has shape \(3, 1\)"),
    ],
    ids=["diagonal only", "sign", "no delta_ik", "vector"],
)
def test_softmax_jacobian_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_softmax_jacobian(wrong)


# -- delta^L of a tanh output layer -----------------------------------------


def test_tanh_output_delta_right_answer_passes(capsys):
    def delta(z, y):
        a = np.tanh(z)
        return (a - y) * (1 - a**2)

    assert check_tanh_output_delta(delta)
    assert "correct on 5 random cases" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda z, y: np.tanh(z) - y, r"delta\^L is off by .* n_L = 1"),  # no g'
        (  # the sigmoid's derivative a (1 - a)
            lambda z, y: (np.tanh(z) - y) * np.tanh(z) * (1 - np.tanh(z)),
            r"delta\^L is off by",
        ),
        (lambda z, y: (y - np.tanh(z)) * (1 - np.tanh(z) ** 2), r"delta\^L is off"),
        (  # a matrix product instead of the elementwise one
            lambda z, y: (np.tanh(z) - y) @ (1 - np.tanh(z) ** 2).T,
            r"delta\^L has shape \(2, 2\) but should have shape \(2, 1\)",
        ),
    ],
    ids=["no g'", "sigmoid's g'", "sign", "outer product"],
)
def test_tanh_output_delta_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_tanh_output_delta(wrong)


# -- backprop, with the transposed W of the exercise ---------------------------


def gradients(W, b, x, y, transpose=True, prime_of=0):
    """Backprop for a sigmoid network; the keywords plant the usual bugs."""
    L = len(W)
    a = [x]
    for l in range(1, L + 1):
        a.append(sigmoid(W[l - 1] @ a[l - 1] + b[l - 1]))
    delta = [None] * L
    delta[L - 1] = (a[L] - y) * a[L] * (1 - a[L])
    for l in range(L - 1, 0, -1):
        back = (W[l].T if transpose else W[l]) @ delta[l]
        g_prime = a[l + prime_of] * (1 - a[l + prime_of])
        delta[l - 1] = back * g_prime
    dW = [delta[l - 1] @ a[l - 1].T for l in range(1, L + 1)]
    return dW, list(delta)


def test_backprop_right_answer_passes(capsys):
    assert check_backprop(gradients)
    assert "correct on 5 random cases" in capsys.readouterr().out


def test_backprop_with_W_instead_of_its_transpose_is_rejected():
    # On the checker's non-square layers the shapes do not even match.
    with pytest.raises(ExerciseError, match=r"my_gradients raised ValueError"):
        check_backprop(lambda W, b, x, y: gradients(W, b, x, y, transpose=False))


def test_backprop_with_the_wrong_layers_g_prime_is_rejected():
    wrong = lambda W, b, x, y: gradients(W, b, x, y, prime_of=1)  # noqa: E731
    with pytest.raises(ExerciseError, match=r"my_gradients raised|dC/dW\^1 is off"):
        check_backprop(wrong)


def test_backprop_with_transposed_weight_gradients_is_rejected():
    def transposed(W, b, x, y):
        dW, db = gradients(W, b, x, y)
        return [d.T for d in dW], db

    with pytest.raises(ExerciseError, match=r"dC/dW\^1 has shape"):
        check_backprop(transposed)


def test_backprop_returning_something_else_is_rejected():
    with pytest.raises(ExerciseError, match=r"two lists \(dW, db\) of L = "):
        check_backprop(lambda W, b, x, y: gradients(W, b, x, y)[0])
