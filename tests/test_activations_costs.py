"""Activations g, g' and costs C, grad C against independent oracles.

Oracles: finite differences, closed forms evaluated with Python's math
module (double precision, one number at a time), and numpy's long double.
"""

import dataclasses
import math
import warnings

import numpy as np
import pytest
from helpers import network
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop import _arguments, activations, costs, minibatch, train
from backprop.activations import Activation, Softmax, sigmoid
from backprop.gradcheck import check_gradients, numerical_gradient

ELEMENTWISE = ["sigmoid", "tanh", "relu"]
ce = costs.get_cost("cross_entropy")
cce = costs.get_cost("categorical_cross_entropy")


def softplus(z):
    """ln(1 + e^z) for a Python float, without overflow (math module)."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def exact_ce(z, y):
    """-[y ln s(z) + (1 - y) ln(1 - s(z))] = y softplus(-z) + (1-y) softplus(z)."""
    return y * softplus(-z) + (1 - y) * softplus(z)


def test_sigmoid_is_stable_and_exact_for_large_z():
    z = np.array([-1e4, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning fails the test
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            a = activations.sigmoid(z)
    np.testing.assert_array_equal(a[[0, 1]], 0.0)
    np.testing.assert_array_equal(a[[-2, -1]], 1.0)
    mid = np.abs(z) <= 40  # where 1 / (1 + e^{-z}) does not overflow
    ref = [1 / (1 + math.exp(-zj)) for zj in z[mid]]
    np.testing.assert_allclose(a[mid], ref, rtol=1e-15)
    assert a[2] == pytest.approx(math.exp(-40.0), rel=1e-14)  # tiny, not 0


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


def test_per_layer_resolution_and_its_cache():
    per_layer = _arguments.per_layer
    assert per_layer("tanh", 3, 4) == [activations.tanh] * 3
    gs = per_layer(["relu", sigmoid], 2, 4)
    assert gs == [activations.relu, sigmoid]
    gs.append("spoiled")  # the caller's list is a copy: the cache is intact
    assert per_layer(["relu", sigmoid], 2, 4) == [activations.relu, sigmoid]
    with pytest.raises(TypeError, match="name or an Activation, not list"):
        per_layer([["relu"], "tanh"], 2, 4)  # unhashable: resolved uncached
    with pytest.raises(ValueError, match="2 activations for a network of L = 3"):
        per_layer(["relu", "tanh"], 3, 4)
    with pytest.raises(ValueError, match="layer 1: softmax is only allowed"):
        per_layer(["softmax", "sigmoid"], 2, 4)
    with pytest.raises(ValueError, match="layer 2: a softmax output needs n_L >= 2"):
        per_layer(["tanh", "softmax"], 2, 1)
    with pytest.raises(ValueError, match="softmax is not elementwise"):
        per_layer("softmax", 1)  # single-neuron layers


@pytest.mark.parametrize("name", ["quadratic", "cross_entropy"])
def test_cost_gradient_matches_finite_differences(name, rng):
    cost = costs.get_cost(name)
    a = rng.uniform(0.1, 0.9, (3, 4))
    y = rng.uniform(0, 1, (3, 4))
    (numeric,) = numerical_gradient(lambda p: cost.C(p[0], y).sum(), [a])
    np.testing.assert_allclose(cost.grad(a, y), numeric, rtol=1e-7)


def test_categorical_cross_entropy_gradient(rng):
    a = rng.uniform(0.1, 0.9, (4, 3))
    y = np.eye(4)[:, [0, 2, 3]]
    (numeric,) = numerical_gradient(lambda p: cce.C(p[0], y).sum(), [a])
    np.testing.assert_allclose(cce.grad(a, y), numeric, rtol=1e-7, atol=1e-9)


def test_quadratic_closed_form():
    a = np.array([[0.5, 3.0], [2.0, 1.0]])
    y = np.array([[1.0, 1.0], [0.0, 1.0]])
    quadratic = costs.get_cost("quadratic")
    # columns: ((0.5-1)^2 + 2^2) / 2 = 2.125 and (2^2 + 0) / 2 = 2
    np.testing.assert_array_equal(quadratic.C(a, y), [2.125, 2.0])
    np.testing.assert_array_equal(quadratic.grad(a, y), [[-0.5, 2.0], [2.0, 0.0]])


def test_cross_entropy_of_a_alone_is_clipped_finite():
    a = np.array([[0.0, 1.0, 0.0, 1.0]])
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            c = ce.C(a, y)
            grad = ce.grad(a, y)
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(c[:2], 0, atol=1e-12)  # right and certain
    # wrong and certain: capped at -ln(eps) without z (with z: exact, below)
    np.testing.assert_allclose(c[2:], -math.log(np.finfo(float).eps), rtol=1e-12)


# --- exact costs from z ---------------------------------------------------------


@pytest.mark.parametrize("z", [40.0, 100.0, 745.0, -40.0, -100.0, 0.5])
@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
def test_cross_entropy_from_z_is_exact(z, y):
    """Clipping a reported 36.04 for z = 40 or 100 and y = 0."""
    c = ce.C(sigmoid(z), y, z, sigmoid)
    assert c == pytest.approx(exact_ce(z, y), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("z", [17.0, 20.0, 50.0, -17.0])
def test_cross_entropy_from_z_is_exact_in_float32(z):
    """Clipping a in float32 capped every z >= 17 at 15.94."""
    z32, y32 = np.float32(z), np.float32(0.0 if z > 0 else 1.0)
    c = ce.C(sigmoid(z32), y32, z32, sigmoid)
    assert c.dtype == np.float32
    assert c == pytest.approx(exact_ce(z, float(y32)), rel=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_categorical_cross_entropy_from_z_is_exact(dtype):
    z = np.array([[100.0, 0.0], [0.0, 30.0], [-50.0, 29.0]], dtype)
    y = np.array([[0, 0], [1, 0], [0, 1]], dtype)
    # C = ln sum_k e^{z_k} - z_true, per column
    exact = [
        100 + math.log1p(math.exp(-100) + math.exp(-150)),
        30 + math.log1p(math.exp(-1) + math.exp(-30)) - 29,
    ]
    c = cce.C(activations.softmax(z), y, z, activations.softmax)
    assert c.dtype == dtype
    np.testing.assert_allclose(c, exact, rtol=1e-15 if dtype == np.float64 else 1e-6)


def test_the_network_cost_and_the_training_history_see_the_exact_cost():
    W, b, X, Y = [np.array([[40.0]])], [np.array([[0.0]])], np.ones((1, 1)), [[0.0]]
    c = minibatch.C(W, b, X, Y, cost="cross_entropy")
    assert c == pytest.approx(exact_ce(40.0, 0.0), rel=1e-15)  # not 36.04
    history = train.sgd(W, b, X, Y, eta=1e-3, epochs=1, cost="cross_entropy").costs
    assert history[0] == pytest.approx(exact_ce(40.0, 0.0), rel=1e-15)
    # one step: dC/dw = dC/db = sigma(40) ~ 1, so z = 40 - 2 eta
    assert history[1] == pytest.approx(exact_ce(40.0 - 2e-3, 0.0), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (3, 4), elements=st.floats(-500, 500)),
    arrays(np.float64, (3, 4), elements=st.floats(0, 1)),
)
def test_cross_entropy_from_z_matches_the_closed_form(z, y):
    c = ce.C(sigmoid(z), y, z, sigmoid)
    exact = [sum(exact_ce(z[i, j], y[i, j]) for i in range(3)) for j in range(4)]
    np.testing.assert_allclose(c, exact, rtol=1e-13, atol=1e-300)
    small = np.abs(z).max(axis=0) < 5  # there a alone is accurate too
    np.testing.assert_allclose(ce.C(sigmoid(z), y)[small], c[small], rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (4, 3), elements=st.floats(-300, 300)), st.data())
def test_categorical_cross_entropy_from_z_matches_long_double(z, data):
    labels = data.draw(arrays(np.int64, 3, elements=st.integers(0, 3)))
    y = np.eye(4)[:, labels]
    c = cce.C(activations.softmax(z), y, z, activations.softmax)
    zl = z.astype(np.longdouble)
    top = zl.max(axis=0)
    exact = top + np.log(np.exp(zl - top).sum(axis=0)) - zl[labels, range(3)]
    np.testing.assert_allclose(c, exact.astype(np.float64), rtol=1e-13, atol=1e-14)


# --- costs recognise activations by their properties ----------------------------


def half_tanh():
    """A user-built activation with outputs in (0, 1): (1 + tanh z) / 2."""
    return Activation(
        "half_tanh", lambda z: (1 + np.tanh(z)) / 2, lambda z, a: 2 * a * (1 - a)
    )


def test_an_unbounded_user_activation_is_refused_by_cross_entropy():
    W, b, X, Y = network((3, 4, 2), m=4, out="softmax")  # one-hot Y
    for cost in ("cross_entropy", "categorical_cross_entropy"):
        with pytest.raises(ValueError, match=r"needs outputs in \(0, 1\).*'half_tanh'"):
            minibatch.gradients(W, b, X, Y, g=["tanh", half_tanh()], cost=cost)


def test_a_bounded_user_activation_takes_the_chain_rule():
    g = dataclasses.replace(half_tanh(), range=(0.0, 1.0))
    W, b, X, Y = network((3, 4, 2), m=4)
    check_gradients(minibatch, (W, b), (X, Y), g=["tanh", g], cost="cross_entropy")
    z = np.array([[0.3, -2.0]])
    # d/dz of the cross-entropy of (1 + tanh z)/2, by finite differences
    (numeric,) = numerical_gradient(lambda p: ce.C(g(p[0]), 0.0).sum(), [z])
    np.testing.assert_allclose(ce.delta(z, g(z), 0.0, g), numeric, rtol=1e-7)


@pytest.mark.parametrize(
    "logistic",
    [
        dataclasses.replace(sigmoid, name="logistic"),
        Activation("s", sigmoid.g, sigmoid.prime, (0, 1), sigmoid.log, logistic=True),
    ],
    ids=["replace", "rebuilt"],
)
def test_a_recreated_logistic_keeps_the_a_minus_y_shortcut(logistic):
    assert logistic is not sigmoid
    # saturated: sigma(40) rounds to 1, so sigma'(z) = a (1 - a) = 0 and the
    # plain chain rule loses the gradient; a - y keeps it: d C / d z = 1
    z = np.array([[40.0]])
    exact = 1 / (1 + math.exp(-40.0))  # sigma(z) - y with y = 0
    assert ce.delta(z, logistic(z), np.zeros((1, 1)), logistic)[0, 0] == exact
    plain = Activation("plain", sigmoid.g, sigmoid.prime, (0, 1))
    assert ce.delta(z, plain(z), np.zeros((1, 1)), plain)[0, 0] == 0.0
    assert ce.C(logistic(z), 0.0, z, logistic) == pytest.approx(exact_ce(40, 0))


def test_a_recreated_softmax_keeps_the_a_minus_y_shortcut():
    z = np.array([[60.0], [0.0], [-3.0]])
    y = np.array([[0.0], [1.0], [0.0]])
    again = Softmax()
    delta = cce.delta(z, again(z), y, again)
    # d/dz_i of ln sum_k e^{z_k} - z_2 is softmax(z)_i - y_i, by math:
    total = sum(math.exp(zk - 60.0) for zk in z[:, 0])
    exact = [math.exp(zk - 60.0) / total for zk in z[:, 0]] - y[:, 0]
    np.testing.assert_allclose(delta[:, 0], exact, rtol=1e-15, atol=1e-300)


# --- scalars, one-dimensional and integer input ----------------------------------


def test_costs_of_scalars_and_integers():
    assert cce.C(0.3, 1.0) == pytest.approx(-math.log(0.3), rel=1e-15)
    assert cce.C(np.array([0.2, 0.8]), np.array([0, 1])) == pytest.approx(
        -math.log(0.8), rel=1e-15
    )  # 1-D input is one sample
    assert ce.C(0.25, 1.0) == pytest.approx(-math.log(0.25), rel=1e-15)
    # integer outputs are read as float64 (0 and 1 are clipped as above)
    y = np.array([[1, 1, 0]])
    ints = ce.C(np.array([[1, 0, 1]]), y)
    np.testing.assert_array_equal(ints, ce.C(np.array([[1.0, 0.0, 1.0]]), y))
    assert ints.dtype == np.float64 and ints[0] < 1e-15 < 36 < ints[1]
    assert costs.get_cost("quadratic").C(3, 1) == 2.0


def test_unknown_cost_lists_valid_names():
    with pytest.raises(ValueError, match="'quadratic', 'cross_entropy'"):
        costs.get_cost("mse")
    with pytest.raises(TypeError, match="name or a Cost"):
        costs.get_cost(None)
