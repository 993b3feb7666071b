"""Activations g, g' and costs C, grad C against independent oracles."""

import warnings

import numpy as np
import pytest

from backprop import activations, costs
from backprop.gradcheck import numerical_gradient

ELEMENTWISE = ["sigmoid", "tanh", "relu"]


def test_sigmoid_is_stable_and_exact_for_large_z():
    z = np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning fails the test
        # underflow to 0 of e^{-|z|} is harmless; overflow would not be
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = activations.sigmoid(z)
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a[[0, 1]], 0.0)
    np.testing.assert_array_equal(a[[-2, -1]], 1.0)
    # Reference in extended precision where it does not overflow (|z| <= 40).
    mid = np.abs(z) <= 40
    ref = 1 / (1 + np.exp(-z[mid].astype(np.longdouble)))
    np.testing.assert_allclose(a[mid], ref.astype(np.float64), rtol=1e-15)
    # Tiny but non-zero in the left tail: e^{-40} / (1 + e^{-40}).
    assert a[2] == pytest.approx(np.exp(-40.0), rel=1e-14)


def test_sigmoid_keeps_float32():
    z = np.linspace(-1e4, 1e4, 11, dtype=np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = activations.sigmoid(z)
    assert a.dtype == np.float32


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name, rng):
    g = activations.get_activation(name)
    z = rng.normal(size=50)
    z = z[np.abs(z) > 1e-3]  # away from the ReLU kink
    eps = 1e-6
    numeric = (g(z + eps) - g(z - eps)) / (2 * eps)
    np.testing.assert_allclose(g.prime(z, g(z)), numeric, rtol=1e-8, atol=1e-10)


def test_relu_values():
    z = np.array([-2.0, -1e-9, 0.0, 3.0])
    np.testing.assert_array_equal(activations.relu(z), [0, 0, 0, 3])
    np.testing.assert_array_equal(activations.relu.prime(z, None), [0, 0, 0, 1])


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="'sigmoid', 'tanh', 'relu', 'softmax'"):
        activations.get_activation("sigmiod")
    with pytest.raises(TypeError, match="name or an Activation"):
        activations.get_activation(3)


def test_per_layer_resolution():
    assert activations.per_layer("tanh", 3) == [activations.tanh] * 3
    gs = activations.per_layer(["relu", activations.sigmoid], 2)
    assert gs == [activations.relu, activations.sigmoid]
    with pytest.raises(ValueError, match="2 activations for a network of L = 3"):
        activations.per_layer(["relu", "tanh"], 3)
    with pytest.raises(ValueError, match="layer 1: softmax is only allowed"):
        activations.per_layer(["softmax", "sigmoid"], 2)


@pytest.mark.parametrize("name", ["quadratic", "cross_entropy"])
def test_cost_gradient_matches_finite_differences(name, rng):
    cost = costs.get_cost(name)
    a = rng.uniform(0.1, 0.9, (3, 4))
    y = rng.uniform(0, 1, (3, 4))

    def f(p):
        return cost.C(p[0], y).sum()

    (numeric,) = numerical_gradient(f, [a])
    np.testing.assert_allclose(cost.grad(a, y), numeric, rtol=1e-7)


def test_categorical_cross_entropy_gradient(rng):
    cost = costs.get_cost("categorical_cross_entropy")
    a = rng.uniform(0.1, 0.9, (4, 3))
    y = np.eye(4)[:, [0, 2, 3]]

    def f(p):
        return cost.C(p[0], y).sum()

    (numeric,) = numerical_gradient(f, [a])
    np.testing.assert_allclose(cost.grad(a, y), numeric, rtol=1e-7, atol=1e-9)


def test_quadratic_values():
    a = np.array([[0.5], [2.0]])
    y = np.array([[1.0], [0.0]])
    np.testing.assert_allclose(costs.get_cost("quadratic").C(a, y), [0.5 * (0.25 + 4)])
    np.testing.assert_allclose(costs.get_cost("quadratic").grad(a, y), a - y)


def test_cross_entropy_is_finite_at_zero_and_one():
    ce = costs.get_cost("cross_entropy")
    a = np.array([[0.0, 1.0, 0.0, 1.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            c = ce.C(a, y)
            grad = ce.grad(a, y)
    assert np.all(np.isfinite(c)) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(c[:2], 0, atol=1e-12)  # right and certain
    assert np.all(c[2:] > 30)  # wrong and certain: large, not infinite


def test_cross_entropy_with_sigmoid_is_a_minus_y():
    ce = costs.get_cost("cross_entropy")
    z = np.array([[-3.0, 0.2, 5.0]])
    a = activations.sigmoid(z)
    y = np.array([[1.0, 0.0, 1.0]])
    general = costs.Cost.delta(ce, z, a, y, activations.sigmoid)
    np.testing.assert_allclose(ce.delta(z, a, y, activations.sigmoid), a - y)
    np.testing.assert_allclose(general, a - y, rtol=1e-12)


def test_unknown_cost_lists_valid_names():
    with pytest.raises(ValueError, match="'quadratic', 'cross_entropy'"):
        costs.get_cost("mse")
    with pytest.raises(TypeError, match="name or a Cost"):
        costs.get_cost(None)
