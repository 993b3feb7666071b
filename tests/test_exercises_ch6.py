"""The checkers of chapter 6's exercises: right answers pass, the template is
"not answered", and plausible wrong answers raise ExerciseError."""

import numpy as np
import pytest

from backprop import activations, costs, matrix, minibatch
from backprop.exercises import ExerciseError
from backprop.exercises.ch6 import (
    check_bias_gradient,
    check_eta_for_summed_cost,
    check_minibatch_gradients,
    check_rank_bound,
)


def template(*args):
    raise NotImplementedError


def textbook_gradients(W, b, X, Y, scale_by_m=True):
    """The chapter's equations for sigmoid layers and the quadratic cost."""
    g = [activations.sigmoid] * len(W)
    Z, A = matrix.propagate(W, b, X, g)
    Delta = matrix.deltas(W, Z, A, Y, g, costs.get_cost("quadratic"))
    m = X.shape[1] if scale_by_m else 1
    dW = [Delta[l] @ A[l].T / m for l in range(len(W))]
    db = [Delta[l].sum(axis=1, keepdims=True) / m for l in range(len(W))]
    return dW, db


def test_bias_gradient(capsys):
    assert check_bias_gradient(lambda D: D.mean(axis=1, keepdims=True))
    assert "correct on 5 random cases" in capsys.readouterr().out
    assert not check_bias_gradient(template)
    with pytest.raises(ExerciseError, match=r"dC/db\^l is off by .* n_l = \d+, m = "):
        check_bias_gradient(lambda D: D.sum(axis=1, keepdims=True))  # no 1/m
    with pytest.raises(ExerciseError, match=r"shape \(\d+,\) but should have shape"):
        check_bias_gradient(lambda D: D.mean(axis=1))  # no keepdims
    with pytest.raises(ExerciseError, match="shape"):
        check_bias_gradient(lambda D: D.mean(axis=0, keepdims=True))  # wrong axis


def rank_bound(m, n_l, n_prev, softmax):
    return min(m, n_l - 1 if softmax else n_l, n_prev)


def test_rank_bound():
    assert check_rank_bound(rank_bound)
    assert not check_rank_bound(template)
    with pytest.raises(ExerciseError, match=r"is never reached: .* softmax = True"):
        check_rank_bound(lambda m, n_l, n_prev, softmax: min(m, n_l, n_prev))
    with pytest.raises(ExerciseError, match="is too small"):
        check_rank_bound(lambda m, n_l, n_prev, softmax: 1)
    with pytest.raises(ExerciseError, match="is never reached"):
        check_rank_bound(lambda m, n_l, n_prev, softmax: min(n_l, n_prev))
    with pytest.raises(ExerciseError, match="should be an int"):
        check_rank_bound(lambda *args: float(rank_bound(*args)))


def test_minibatch_gradients():
    assert check_minibatch_gradients(textbook_gradients)
    assert check_minibatch_gradients(minibatch.gradients)
    assert not check_minibatch_gradients(template)
    with pytest.raises(ExerciseError, match=r"dC/dW\^1 is off by .* m = "):
        check_minibatch_gradients(
            lambda W, b, X, Y: textbook_gradients(W, b, X, Y, scale_by_m=False)
        )

    def bias_summed(W, b, X, Y):  # dW averaged, db summed over the samples
        dW, db = textbook_gradients(W, b, X, Y)
        return dW, [X.shape[1] * d for d in db]

    with pytest.raises(ExerciseError, match=r"dC/db\^1 is off"):
        check_minibatch_gradients(bias_summed)
    with pytest.raises(ExerciseError, match="the pair"):
        check_minibatch_gradients(lambda W, b, X, Y: textbook_gradients(W, b, X, Y)[0])


def test_eta_for_summed_cost():
    assert check_eta_for_summed_cost(lambda eta, m: eta / m)
    assert not check_eta_for_summed_cost(template)
    with pytest.raises(ExerciseError, match=r"the step of W\^1 is off .* m = "):
        check_eta_for_summed_cost(lambda eta, m: eta * m)
    with pytest.raises(ExerciseError, match="the step of W"):
        check_eta_for_summed_cost(lambda eta, m: eta)
    with pytest.raises(ExerciseError, match="should be a number"):
        check_eta_for_summed_cost(lambda eta, m: np.array([eta / m]))
