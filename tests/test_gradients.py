"""Finite differences agree with every step's gradients (float64, rel. err < 1e-7).

Every step module x every activation x each cost that applies to it. ReLU
inputs are kept away from the kink at z = 0 (see helpers.away_from_kink).
The referee itself is tested in test_gradcheck.py.
"""

import numpy as np
import pytest
from helpers import HIDDEN, OUTPUT_COST, away_from_kink, network

from backprop import l_layer, matrix, minibatch, single_neuron, two_layer
from backprop.gradcheck import check_gradients

TOL = 1e-7  # relative error over all parameters, float64
SCALAR_G_COST = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("relu", "quadratic"),
    ("sigmoid", "cross_entropy"),
]


@pytest.mark.parametrize(("g", "cost"), SCALAR_G_COST)
@pytest.mark.parametrize("point", [(0.7, -0.3, 1.5, 0.2), (-1.2, 0.4, -0.8, 0.9)])
def test_single_neuron(g, cost, point):
    w, b, x, y = point
    if g == "relu" and w * x + b <= 0:
        w = -w  # keep z > 0: on the flat side the gradient is exactly 0
    result = check_gradients(single_neuron, (w, b), (x, y), g=g, cost=cost, tol=TOL)
    assert result.error < TOL
    assert np.linalg.norm(np.concatenate(result.analytic)) > 0


@pytest.mark.parametrize("g1", HIDDEN)
@pytest.mark.parametrize(("g2", "cost"), SCALAR_G_COST)
def test_two_layer(g1, g2, cost):
    params = (0.8, 0.3, -1.1, 0.25)  # w1, b1, w2, b2: z1 = 1.5, z2 = ...
    if g2 == "relu":
        params = (0.8, 0.3, 1.1, 0.25)
    result = check_gradients(
        two_layer, params, (1.5, 0.6), g=(g1, g2), cost=cost, tol=TOL
    )
    assert result.error < TOL


@pytest.mark.parametrize("L", [1, 2, 3, 6])
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("out", "cost"), SCALAR_G_COST)
def test_l_layer(L, hidden, out, cost):
    rng = np.random.default_rng(L)
    w = list(rng.uniform(0.5, 1.5, L))  # positive weights and biases keep
    b = list(rng.uniform(0.1, 0.5, L))  # every z > 0, away from ReLU's kink
    g = [hidden] * (L - 1) + [out]
    result = check_gradients(l_layer, (w, b), (0.7, 0.3), g=g, cost=cost, tol=TOL)
    assert result.error < TOL


@pytest.mark.parametrize("module", [matrix, minibatch])
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("out", "cost"), OUTPUT_COST)
@pytest.mark.parametrize("sizes", [(3, 2), (4, 5, 3), (2, 6, 4, 3)])
def test_layered(module, hidden, out, cost, sizes):
    m = 1 if module is matrix else 7
    W, b, X, Y = network(sizes, seed=len(sizes), m=m, out=out)
    g = [hidden] * (len(sizes) - 2) + [out]
    assert away_from_kink(module, W, b, X, g)
    result = check_gradients(module, (W, b), (X, Y), g=g, cost=cost, tol=TOL)
    assert result.error < TOL
    assert all(e < 1e-6 for e in result.errors)  # and no parameter hides
