"""The checkers of chapter 7's exercises: right answers pass, the template is
"not answered", and plausible wrong answers raise ExerciseError."""

import numpy as np
import pytest

from backprop import activations
from backprop.exercises import ExerciseError
from backprop.exercises.ch7 import (
    check_multilabel_delta,
    check_softmax_cce_delta,
    check_stable_cce,
    check_temperature_delta,
)


def template(*args):
    raise NotImplementedError


def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_softmax_cce_delta():
    assert check_softmax_cce_delta(lambda z, y: softmax(z) - y)
    assert not check_softmax_cce_delta(template)
    with pytest.raises(ExerciseError, match=r"delta\^L is off"):
        check_softmax_cce_delta(lambda z, y: y - softmax(z))  # the sign
    with pytest.raises(ExerciseError, match=r"delta\^L is off"):
        check_softmax_cce_delta(lambda z, y: sigmoid(z) - y)  # not softmax
    # a - y with y made one-hot again: right for one-hot targets only
    with pytest.raises(ExerciseError, match="soft targets"):
        check_softmax_cce_delta(
            lambda z, y: softmax(z) - np.eye(len(y))[:, y.argmax(axis=0)]
        )
    # the Jacobian's diagonal only: a (1 - a) * (-y / a)
    with pytest.raises(ExerciseError, match=r"delta\^L is off"):
        check_softmax_cce_delta(lambda z, y: -y * (1 - softmax(z)))


def stable_cce(z, y):
    shifted = z - z.max(axis=0, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -(y * log_a).sum(axis=0)


def test_stable_cce():
    assert check_stable_cce(stable_cce)
    assert not check_stable_cce(template)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        with pytest.raises(ExerciseError, match=r"NaN or infinite .* up to 1000"):
            check_stable_cce(lambda z, y: -(y * np.log(softmax(z))).sum(axis=0))
        with pytest.raises(ExerciseError, match="NaN or infinite"):
            check_stable_cce(  # no shift: e^z overflows
                lambda z, y: -(y * (z - np.log(np.exp(z).sum(axis=0)))).sum(axis=0)
            )
    with pytest.raises(ExerciseError, match=r"C is off .* the right value"):
        check_stable_cce(  # clipped as the package once did: capped near 36
            lambda z, y: -(y * np.log(np.maximum(softmax(z), 2.2e-16))).sum(axis=0)
        )
    with pytest.raises(ExerciseError, match=r"shape \(1, \d\) but should have shape"):
        check_stable_cce(lambda z, y: stable_cce(z, y)[None, :])
    # the package's own cost, computed from z, is exact too
    cce = activations.softmax
    assert check_stable_cce(lambda z, y: -(y * cce.log(z)).sum(axis=0))


def multilabel_delta(z, y, p):
    a = sigmoid(z)
    return a * (1 - y + p * y) - p * y


def test_multilabel_delta():
    assert check_multilabel_delta(multilabel_delta)
    assert not check_multilabel_delta(template)
    with pytest.raises(ExerciseError, match=r"delta\^L is off .* \(case 1\)"):
        check_multilabel_delta(lambda z, y, p: sigmoid(z) - y)  # p ignored
    with pytest.raises(ExerciseError, match=r"delta\^L is off"):
        check_multilabel_delta(lambda z, y, p: p * (sigmoid(z) - y))  # p on both
    with pytest.raises(ExerciseError, match=r"delta\^L is off"):
        check_multilabel_delta(lambda z, y, p: softmax(z) - y)  # not independent


def test_temperature_delta():
    assert check_temperature_delta(lambda z, y, T: (softmax(z / T) - y) / T)
    assert not check_temperature_delta(template)
    # the chain rule's factor 1/T forgotten: right at T = 1 only
    with pytest.raises(ExerciseError, match=r"delta\^L is off .* T = (?!1:)"):
        check_temperature_delta(lambda z, y, T: softmax(z / T) - y)
    with pytest.raises(ExerciseError, match=r"delta\^L is off .* T = "):
        check_temperature_delta(lambda z, y, T: T * (softmax(z / T) - y))  # T, not 1/T
    with pytest.raises(ExerciseError, match=r"delta\^L is off .* T = "):
        check_temperature_delta(lambda z, y, T: softmax(z) - y)  # T ignored
    with pytest.raises(ExerciseError, match=r"delta\^L is off .* T = "):
        check_temperature_delta(lambda z, y, T: (softmax(z / T) - y) / T**2)
