"""The referee: check_gradients and relative_error catch every wrong gradient.

Each test here fails if its part of the referee is switched off. The ones
marked "mutant" were written against a planted bug (see the docstrings) and
verified to fail on it.
"""

import numpy as np
import pytest
from helpers import network

from backprop import l_layer, minibatch, train
from backprop.gradcheck import (
    GradientCheckError,
    check_gradients,
    numerical_gradient,
    relative_error,
)

TOL = 1e-7


def deep_sigmoid_net():
    """An 11-hidden-layer sigmoid net, 3 neurons wide, targets near a^L.

    The gradients of its first layers are ~1e-10, eight orders of magnitude
    below those of the last layers (vanishing gradients).
    """
    sizes = (3,) + (3,) * 11 + (1,)
    rng = np.random.default_rng(0)
    W, b = train.init_params(sizes, seed=rng)
    X = rng.normal(size=(3, 4))
    _, A = minibatch.forward(W, b, X)
    return W, b, X, A[-1] + 0.05


def zero_dW1(W, b, X, Y, g, cost):
    """minibatch.gradients with dC/dW^1 replaced by zeros, nothing else."""
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    dW[0] = np.zeros_like(dW[0])
    return dW, db


def test_a_wrong_first_layer_is_flagged_by_the_per_parameter_criterion():
    """Mutant "per-parameter criterion disabled" survives without this test.

    Only dW^1 is wrong (zero), and it is so small that the relative error
    over all parameters stays below the tolerance: only the per-parameter
    criterion can catch it, and it must name W^1 and nothing else.
    """
    W, b, X, Y = deep_sigmoid_net()
    correct = check_gradients(minibatch, (W, b), (X, Y))
    assert correct.flagged == [] and correct.error < TOL
    with pytest.raises(GradientCheckError) as caught:
        check_gradients(minibatch, (W, b), (X, Y), gradients=zero_dW1)
    result = caught.value.result
    assert result.error < TOL  # the global criterion alone would pass it
    assert result.flagged == ["W^1"]
    assert "per-parameter criterion: W^1;" in str(caught.value)


def test_the_flagged_parameter_reports_its_own_error():
    """Mutant "per-parameter errors zeroed" survives without this test.

    A zeroed gradient has relative error ||n|| / (0 + ||n||) = 1 exactly;
    the correct parameters stay far below that.
    """
    W, b, X, Y = deep_sigmoid_net()
    with pytest.raises(GradientCheckError) as caught:
        check_gradients(minibatch, (W, b), (X, Y), gradients=zero_dW1)
    result = caught.value.result
    errors = dict(zip(result.names, result.errors, strict=True))
    assert errors["W^1"] == 1.0
    assert errors["W^12"] < 1e-6 and errors["b^12"] < 1e-6
    assert "W^1 1.0e+00" in str(caught.value)


def test_python_floats_are_judged_in_float64():
    """Scalar parameters given as Python floats (chapters 1-3) are float64.

    numpy 2 treats a Python float as a "weak" scalar, so taking the dtype
    from the values themselves gave float32 and a round-off allowance of
    about 7 |C| per entry, under which the per-parameter criterion flagged
    nothing.
    """
    from backprop import single_neuron

    def without_gprime(w, b, x, y, g, cost):  # delta = C'(a), no g'(z)
        a = 1 / (1 + np.exp(-(w * x + b)))
        return (a - y) * x, a - y

    with pytest.raises(GradientCheckError) as caught:
        check_gradients(
            single_neuron, (0.8, -0.3), (1.5, 0.2), gradients=without_gprime
        )
    assert caught.value.result.flagged == ["w", "b"]


def test_names_follow_the_module_and_the_book():
    W, b, X, Y = network((3, 4, 2), m=3)
    result = check_gradients(minibatch, (W, b), (X, Y))
    assert result.names == ["W^1", "W^2", "b^1", "b^2"]
    result = check_gradients(l_layer, ([0.5, 0.3], [0.1, -0.2]), (0.7, 0.2))
    assert result.names == ["w^1", "w^2", "b^1", "b^2"]


def test_a_gradient_off_by_a_tenth_of_a_percent_fails():
    W, b, X, Y = network((3, 4, 2), m=4)

    def wrong(W, b, X, Y, g, cost):
        dW, db = minibatch.gradients(W, b, X, Y, g, cost)
        return [1.001 * d for d in dW], db

    with pytest.raises(GradientCheckError) as caught:
        check_gradients(minibatch, (W, b), (X, Y), gradients=wrong)
    assert caught.value.result.error > TOL
    assert caught.value.result.flagged == ["W^1", "W^2"]


def transposed_dW2(W, b, X, Y, g, cost):
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    dW[1] = dW[1].T  # right numbers, wrong shape
    return dW, db


def test_a_gradient_of_the_wrong_shape_is_an_error():
    """A dW^2 of shape (4, 1) for a W^2 of shape (1, 4) used to pass."""
    W, b, X, Y = network((3, 4, 1), m=4)
    message = r"gradient of W\^2 has shape \(4, 1\), but W\^2 has shape \(1, 4\)"
    with pytest.raises(ValueError, match=message):
        check_gradients(minibatch, (W, b), (X, Y), gradients=transposed_dW2)


def test_relative_error_compares_shapes_not_only_sizes():
    with pytest.raises(ValueError, match=r"gradient 0 has shape \(2, 3\).*\(3, 2\)"):
        relative_error([np.ones((2, 3))], [np.ones((3, 2))])
    with pytest.raises(ValueError, match="1 gradients against 2"):
        relative_error([np.ones(2)], [np.ones(2), np.ones(1)])


def test_relative_error_closed_form():
    # ||a - n|| / (||a|| + ||n||) with a = (3, 4), n = (0, 0, 0): 5 / 5
    assert relative_error([np.array([3.0, 4.0]), 0.0], [np.zeros(2), 0.0]) == 1.0
    assert relative_error([np.zeros((2, 2))], [np.zeros((2, 2))]) == 0.0
    a, n = [np.array([1.0, 2.0])], [np.array([1.0, 2.5])]
    assert relative_error(a, n) == pytest.approx(0.5 / (np.sqrt(5) + np.sqrt(7.25)))


def test_numerical_gradient_of_a_cubic():
    # d/dx sum x^3 = 3 x^2; the central difference is exact up to eps^2 x
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    (grad,) = numerical_gradient(lambda p: float(np.sum(p[0] ** 3)), [x], eps=1e-5)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-9, atol=1e-9)
    assert x[0, 0] == 0.5  # the point itself is untouched


def test_tol_inf_reports_without_raising():
    W, b, X, Y = network((3, 4, 2), m=4)
    result = check_gradients(minibatch, (W, b), (X, Y), gradients=zero_dW1, tol=np.inf)
    assert result.flagged == [] and result.errors[0] == 1.0
