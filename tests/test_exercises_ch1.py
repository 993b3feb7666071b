"""The checkers of chapter 1's exercises: right answers pass, the template is
"not answered yet", and plausible wrong answers are rejected by name."""

import numpy as np
import pytest

from backprop.exercises import ExerciseError
from backprop.exercises.ch1 import (
    check_delta_cross_entropy,
    check_delta_tanh,
    check_neuron_gradients,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def template(*args):
    raise NotImplementedError


# -- delta of a tanh neuron with the quadratic cost ---------------------------


def test_delta_tanh_right_answer_passes(capsys):
    def delta(z, y):
        a = np.tanh(z)
        return (a - y) * (1 - a**2)

    assert check_delta_tanh(delta)
    assert "correct on 5 random cases" in capsys.readouterr().out


def test_delta_tanh_template_is_not_answered(capsys):
    assert not check_delta_tanh(template)
    assert "not answered yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong",
    [
        lambda z, y: np.tanh(z) - y,  # forgot g'(z)
        lambda z, y: (np.tanh(z) - y) * sigmoid(z) * (1 - sigmoid(z)),  # sigma'
        lambda z, y: (y - np.tanh(z)) * (1 - np.tanh(z) ** 2),  # sign of C'(a)
    ],
    ids=["no g'", "sigmoid's g'", "sign"],
)
def test_delta_tanh_wrong_answers_are_rejected(wrong):
    with pytest.raises(ExerciseError, match=r"delta is off by .* for z = "):
        check_delta_tanh(wrong)


# -- delta of a sigmoid neuron with cross-entropy -----------------------------


def test_delta_cross_entropy_right_answer_passes():
    assert check_delta_cross_entropy(lambda z, y: sigmoid(z) - y)


def test_delta_cross_entropy_template_is_not_answered():
    assert not check_delta_cross_entropy(template)


def test_delta_cross_entropy_rejects_the_extra_sigma_prime():
    # C'(a) g'(z) with C'(a) = a - y, the quadratic cost's, is not cross-entropy's
    def wrong(z, y):
        a = sigmoid(z)
        return (a - y) * a * (1 - a)

    with pytest.raises(ExerciseError, match=r"delta is off by"):
        check_delta_cross_entropy(wrong)


def test_delta_cross_entropy_rejects_a_wrong_shape():
    with pytest.raises(ExerciseError, match=r"delta has shape \(1,\)"):
        check_delta_cross_entropy(lambda z, y: np.array([sigmoid(z) - y]))


# -- both gradients of a sigmoid neuron, from scratch -------------------------


def neuron_gradients(w, b, x, y):
    a = sigmoid(w * x + b)
    delta = (a - y) * a * (1 - a)
    return delta * x, delta


def test_neuron_gradients_right_answer_passes():
    assert check_neuron_gradients(neuron_gradients)


def test_neuron_gradients_template_is_not_answered():
    assert not check_neuron_gradients(template)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (lambda *p: neuron_gradients(*p)[::-1], r"dC/dw is off by"),
        (lambda w, b, x, y: (neuron_gradients(w, b, x, y)[1],) * 2, "dC/dw is off"),
        (lambda *p: neuron_gradients(*p)[0], r"should return 2 values .* float"),
        (lambda *p: (*neuron_gradients(*p), 0.0), r"got a tuple of 3"),
        (lambda w, b, x, y: 1 / 0, r"my_gradients raised ZeroDivisionError"),
    ],
    ids=["swapped", "no x", "one value", "three values", "exception"],
)
def test_neuron_gradients_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_neuron_gradients(wrong)
