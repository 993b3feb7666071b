"""The chain of generalizations: each step contains the previous one."""

import numpy as np
import pytest
from helpers import HIDDEN, network

from backprop import l_layer, matrix, minibatch, single_neuron, two_layer

RTOL = 1e-12  # the same arithmetic in a different order


@pytest.mark.parametrize("g", HIDDEN)
def test_l_layer_with_one_layer_is_single_neuron(g):
    dw, db = single_neuron.gradients(0.9, 0.2, 1.3, 0.4, g=g)
    dws, dbs = l_layer.gradients([0.9], [0.2], 1.3, 0.4, g=g)
    np.testing.assert_allclose([dws[0], dbs[0]], [dw, db], rtol=RTOL)


# cross-entropy needs an output in (0, 1): only with a sigmoid output
OUT_COST = [(g, "quadratic") for g in HIDDEN] + [("sigmoid", "cross_entropy")]


@pytest.mark.parametrize("g1", HIDDEN)
@pytest.mark.parametrize(("g2", "cost"), OUT_COST)
def test_two_layer_equals_l_layer_with_L_2(g1, g2, cost):
    w1, b1, w2, b2, x, y = 0.8, 0.3, 1.1, -0.2, 1.5, 0.6
    two = two_layer.gradients(w1, b1, w2, b2, x, y, g=(g1, g2), cost=cost)
    dw, db = l_layer.gradients([w1, w2], [b1, b2], x, y, g=[g1, g2], cost=cost)
    np.testing.assert_allclose(two, [dw[0], db[0], dw[1], db[1]], rtol=RTOL)
    z1, a1, z2, a2 = two_layer.forward(w1, b1, w2, b2, x, g=(g1, g2))
    z, a = l_layer.forward([w1, w2], [b1, b2], x, g=[g1, g2])
    np.testing.assert_allclose([z1, a1, z2, a2], [z[0], a[1], z[1], a[2]])


@pytest.mark.parametrize("L", [1, 2, 5])
@pytest.mark.parametrize("g", HIDDEN)
def test_l_layer_equals_matrix_when_every_n_l_is_1(L, g):
    rng = np.random.default_rng(L)
    w, b = list(rng.uniform(0.5, 1.5, L)), list(rng.uniform(-0.3, 0.3, L))
    x, y = 0.7, 0.2
    dw, db = l_layer.gradients(w, b, x, y, g=g)
    W = [np.array([[wl]]) for wl in w]
    B = [np.array([[bl]]) for bl in b]
    dW, dB = matrix.gradients(W, B, np.array([[x]]), np.array([[y]]), g=g)
    np.testing.assert_allclose([d.item() for d in dW], dw, rtol=RTOL)
    np.testing.assert_allclose([d.item() for d in dB], db, rtol=RTOL)


@pytest.mark.parametrize("g", [*HIDDEN, ["tanh", "softmax"]])
def test_matrix_equals_minibatch_with_m_1(g):
    out = "softmax" if isinstance(g, list) else "sigmoid"
    cost = "categorical_cross_entropy" if out == "softmax" else "quadratic"
    W, b, X, Y = network((4, 5, 3), m=1, out=out)
    one = matrix.gradients(W, b, X, Y, g=g, cost=cost)
    batch = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    for a, c in zip(one[0] + one[1], batch[0] + batch[1], strict=True):
        np.testing.assert_allclose(a, c, rtol=RTOL)


@pytest.mark.parametrize("g", HIDDEN)
@pytest.mark.parametrize("cost", ["quadratic", "cross_entropy"])
def test_minibatch_gradient_is_the_mean_of_per_sample_gradients(g, cost):
    gs = [g, "sigmoid"]
    W, b, X, Y = network((4, 6, 2), m=9)
    dW, db = minibatch.gradients(W, b, X, Y, g=gs, cost=cost)
    per = [
        matrix.gradients(W, b, X[:, [j]], Y[:, [j]], g=gs, cost=cost)
        for j in range(X.shape[1])
    ]
    for l in range(2):
        np.testing.assert_allclose(
            dW[l], np.mean([p[0][l] for p in per], 0), rtol=1e-10
        )
        np.testing.assert_allclose(
            db[l], np.mean([p[1][l] for p in per], 0), rtol=1e-10
        )
    per_cost = [matrix.C(W, b, X[:, [j]], Y[:, [j]], g=gs, cost=cost) for j in range(9)]
    assert minibatch.C(W, b, X, Y, g=gs, cost=cost) == pytest.approx(np.mean(per_cost))


@pytest.mark.parametrize("z_out", [-40.0, 40.0])
def test_saturated_cross_entropy_is_the_same_in_every_step(z_out):
    """delta^L = a^L - y even where sigmoid'(z^L) underflows (chapter 7)."""
    w, b, x, y = [1.0, 1.0], [0.0, z_out - 0.5], 0.0, 1.0 if z_out < 0 else 0.0
    dw, db = l_layer.gradients(w, b, x, y, cost="cross_entropy")
    assert abs(db[-1]) == pytest.approx(1.0, rel=1e-12)  # a - y, not ~0
    W = [np.array([[wl]]) for wl in w]
    B = [np.array([[bl]]) for bl in b]
    dW, dB = matrix.gradients(
        W, B, np.array([[x]]), np.array([[y]]), cost="cross_entropy"
    )
    np.testing.assert_allclose([d.item() for d in dB], db, rtol=RTOL)
    np.testing.assert_allclose([d.item() for d in dW], dw, rtol=RTOL)
    _, db1 = single_neuron.gradients(1.0, z_out, 0.0, y, cost="cross_entropy")
    assert abs(db1) == pytest.approx(1.0, rel=1e-12)
