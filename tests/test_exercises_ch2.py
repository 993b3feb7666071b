"""The checkers of chapter 2's exercises: right answers pass, the template is
"not answered yet", and plausible wrong answers are rejected by name."""

import numpy as np
import pytest

from backprop.exercises import ExerciseError
from backprop.exercises.ch2 import (
    check_relu_hidden,
    check_shared_weight,
    check_skip_connection,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def template(*args):
    raise NotImplementedError


# -- a weight shared by both layers -------------------------------------------


def shared(w, b1, b2, x, y, uses=(1, 2)):
    a1 = sigmoid(w * x + b1)
    a2 = sigmoid(w * a1 + b2)
    delta2 = (a2 - y) * a2 * (1 - a2)
    delta1 = delta2 * w * a1 * (1 - a1)
    dw = (delta1 * x if 1 in uses else 0) + (delta2 * a1 if 2 in uses else 0)
    return dw, delta1, delta2


def test_shared_weight_right_answer_passes(capsys):
    assert check_shared_weight(shared)
    assert "correct on 5 random cases" in capsys.readouterr().out


def test_shared_weight_template_is_not_answered():
    assert not check_shared_weight(template)


@pytest.mark.parametrize("uses", [(1,), (2,)], ids=["first use", "second use"])
def test_shared_weight_counting_one_use_is_rejected(uses):
    def wrong(*args):
        return shared(*args, uses=uses)

    with pytest.raises(ExerciseError, match=r"dC/dw is off by .* w = "):
        check_shared_weight(wrong)


# -- a skip connection from x to z^2 ------------------------------------------


def skip(w1, b1, w2, v, b2, x, y, wrong=None):
    a1 = np.tanh(w1 * x + b1)
    a2 = sigmoid(w2 * a1 + v * x + b2)
    delta2 = (a2 - y) * a2 * (1 - a2)
    through = w2 + v if wrong == "v in delta1" else w2
    delta1 = delta2 * through * (1 - a1**2)
    dv = delta2 * a1 if wrong == "dv" else delta2 * x
    return delta1 * x, delta1, delta2 * a1, dv, delta2


def test_skip_connection_right_answer_passes():
    assert check_skip_connection(skip)


def test_skip_connection_template_is_not_answered():
    assert not check_skip_connection(template)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [("v in delta1", r"dC/dw1 is off by"), ("dv", r"dC/dv is off by")],
)
def test_skip_connection_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_skip_connection(lambda *args: skip(*args, wrong=wrong))


def test_skip_connection_rejects_four_outputs():
    with pytest.raises(ExerciseError, match=r"should return 5 values"):
        check_skip_connection(lambda *args: skip(*args)[:4])


# -- a ReLU hidden layer under a sigmoid output with cross-entropy ------------


def relu_deltas(w1, b1, w2, b2, x, y, wrong=None):
    z1 = w1 * x + b1
    a2 = sigmoid(w2 * max(z1, 0.0) + b2)
    delta2 = a2 - y
    if wrong == "quadratic delta2":
        delta2 = (a2 - y) * a2 * (1 - a2)
    gate = {"no gate": 1.0, "sigmoid gate": sigmoid(z1) * (1 - sigmoid(z1))}
    return delta2 * w2 * gate.get(wrong, float(z1 > 0)), delta2


def test_relu_hidden_right_answer_passes(capsys):
    assert check_relu_hidden(relu_deltas)
    assert "correct on 6 random cases" in capsys.readouterr().out


def test_relu_hidden_template_is_not_answered():
    assert not check_relu_hidden(template)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ("no gate", r"delta1 is off by .*hidden neuron off"),
        ("sigmoid gate", r"delta1 is off by"),
        ("quadratic delta2", r"delta2 is off by"),
    ],
)
def test_relu_hidden_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_relu_hidden(lambda *args: relu_deltas(*args, wrong=wrong))
