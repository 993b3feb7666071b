"""The checkers of chapter 9's exercises: right answers pass, the template is
"not answered", and plausible wrong answers raise ExerciseError."""

import numpy as np
import pytest

from backprop.autodiff import Tensor
from backprop.exercises import ExerciseError
from backprop.exercises.ch9 import check_exp, check_maximum


def template(*args):
    raise NotImplementedError


def exp(z):
    a = np.exp(z.value)
    return Tensor(a, (z,), lambda G: (G * a,))


def maximum(u, w):
    first = u.value > w.value
    return Tensor(
        np.maximum(u.value, w.value), (u, w), lambda G: (G * first, G * ~first)
    )


def test_exp(capsys):
    assert check_exp(exp)
    assert "check_exp: correct on 5 random cases" in capsys.readouterr().out
    assert not check_exp(template)
    assert "not answered yet" in capsys.readouterr().out
    wrong = {
        # the local derivative forgotten: G passed on unchanged
        r"dC/dz is off by .* case 0: z of shape": lambda z: Tensor(
            np.exp(z.value), (z,), lambda G: (G,)
        ),
        # the derivative taken at the input: G * z
        r"dC/dz is off by": lambda z: Tensor(
            np.exp(z.value), (z,), lambda G: (G * z.value,)
        ),
        # an array instead of a Tensor
        r"should return a Tensor .* got ndarray": lambda z: np.exp(z.value),
        # no parents: backward() cannot reach z
        r"never reached z: give the Tensor that your exp returns": lambda z: Tensor(
            np.exp(z.value)
        ),
        # the vjp returns the array itself, not a one-element tuple
        r"should return a tuple with one gradient per parent \(1\), got ndarray": (
            lambda z: Tensor(np.exp(z.value), (z,), lambda G: G * np.exp(z.value))
        ),
        # the forward step wrong
        r"the value of your exp is off by": lambda z: Tensor(
            np.exp(z.value) - 1, (z,), lambda G: (G * np.exp(z.value),)
        ),
        # an exception inside the learner's code is reported, not re-raised
        r"your exp raised AttributeError": lambda z: Tensor(np.exp(z.val)),
    }
    for match, fn in wrong.items():
        with pytest.raises(ExerciseError, match=match):
            check_exp(fn)


def larger(u, w):
    return np.maximum(u.value, w.value)


def test_maximum(capsys):
    assert check_maximum(maximum)
    assert "check_maximum: correct on 5 random cases" in capsys.readouterr().out
    assert not check_maximum(template)
    wrong = {
        # add's rule: G to both inputs
        r"dC/du is off by": lambda u, w: Tensor(larger(u, w), (u, w), lambda G: (G, G)),
        # routed to the smaller input
        r"dC/du is off by .* u and w of shape": lambda u, w: Tensor(
            larger(u, w),
            (u, w),
            lambda G: (G * (u.value < w.value), G * (w.value < u.value)),
        ),
        # only u is a parent: w never receives its gradient
        r"should return a tuple with one gradient per parent \(1\), got tuple": (
            lambda u, w: Tensor(larger(u, w), (u,), lambda G: (G, G))
        ),
        r"never reached w": lambda u, w: Tensor(
            larger(u, w), (u,), lambda G: (G * (u.value > w.value),)
        ),
        # the minimum, not the maximum
        r"the value of your maximum is off by": lambda u, w: Tensor(
            np.minimum(u.value, w.value), (u, w), lambda G: (G, G)
        ),
    }
    for match, fn in wrong.items():
        with pytest.raises(ExerciseError, match=match):
            check_maximum(fn)
