"""Training: the cost decreases, XOR is learned, divergence is an error."""

import numpy as np
import pytest
from helpers import network

from backprop import data, minibatch, train


def accuracy(W, b, X, Y, g="sigmoid"):
    _, A = minibatch.forward(W, b, X, g)
    return np.mean((A[-1] > 0.5) == (Y > 0.5))


def test_xor_is_learned_by_a_2_3_1_network():
    X, Y = data.xor()
    W, b = train.init_params([2, 3, 1], seed=0)
    result = train.gradient_descent(
        W, b, X, Y, eta=5.0, epochs=3000, cost="cross_entropy"
    )
    assert accuracy(result.W, result.b, X, Y) == 1.0
    assert result.costs[-1] < 0.01 < result.costs[0]


@pytest.mark.parametrize("batch_size", [None, 16, 1])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cost_decreases_and_inputs_are_untouched(batch_size, dtype):
    X, Y = data.moons(m=64, seed=3)
    X, Y = X.astype(dtype), Y.astype(dtype)
    W, b = train.init_params([2, 8, 1], seed=1, dtype=dtype)
    W0, b0 = [w.copy() for w in W], [x.copy() for x in b]
    result = train.sgd(
        W,
        b,
        X,
        Y,
        eta=0.5,
        epochs=20,
        batch_size=batch_size,
        g=["tanh", "sigmoid"],
        cost="cross_entropy",
        seed=2,
    )
    assert result.costs.shape == (21,)
    assert result.costs[-1] < 0.8 * result.costs[0]
    assert all(w.dtype == dtype for w in result.W + result.b)
    for w, w0 in zip(W + b, W0 + b0, strict=True):
        np.testing.assert_array_equal(w, w0)


def test_same_seed_same_result_and_shuffling_matters():
    X, Y = data.moons(m=50, seed=0)
    W, b = train.init_params([2, 5, 1], seed=0)
    kw = dict(eta=1.0, epochs=3, batch_size=10, g="tanh", cost="quadratic")
    r1 = train.sgd(W, b, X, Y, seed=7, **kw)
    r2 = train.sgd(W, b, X, Y, seed=7, **kw)
    r3 = train.sgd(W, b, X, Y, seed=8, **kw)
    np.testing.assert_array_equal(r1.W[0], r2.W[0])
    assert not np.allclose(r1.W[0], r3.W[0])


def test_full_batch_gradient_descent_is_one_step_per_epoch():
    W, b, X, Y = network((3, 4, 2), m=6)
    result = train.gradient_descent(W, b, X, Y, eta=0.3, epochs=1)
    dW, db = minibatch.gradients(W, b, X, Y)
    for l in range(2):
        np.testing.assert_allclose(result.W[l], W[l] - 0.3 * dW[l], rtol=1e-14)
        np.testing.assert_allclose(result.b[l], b[l] - 0.3 * db[l], rtol=1e-14)


def test_divergence_stops_with_an_error_naming_the_epoch():
    X, Y = data.moons(m=40, seed=0)
    W, b = train.init_params([2, 4, 1], seed=0)
    W0 = [w.copy() for w in W]
    # a linear-ish (ReLU) output with a far too large step overshoots further
    # every epoch, until the cost overflows
    with pytest.raises(train.DivergenceError, match=r"diverged in epoch \d+.*smaller"):
        train.sgd(W, b, 10 * X, 10 * Y, eta=100, epochs=500, g=["tanh", "relu"])
    np.testing.assert_array_equal(W[0], W0[0])


def test_callback_sees_every_epoch():
    X, Y = data.xor()
    W, b = train.init_params([2, 2, 1])
    seen = []
    train.gradient_descent(
        W, b, X, Y, eta=1.0, epochs=4, callback=lambda epoch, W, b: seen.append(epoch)
    )
    assert seen == [1, 2, 3, 4]


def test_init_params_shapes_and_scale():
    W, b = train.init_params([784, 100, 10], seed=0, dtype=np.float32)
    assert [w.shape for w in W] == [(100, 784), (10, 100)]
    assert [x.shape for x in b] == [(100, 1), (10, 1)]
    assert W[0].dtype == np.float32 and not np.any(b[0])
    assert W[0].std() == pytest.approx(1 / np.sqrt(784), rel=0.02)


def test_datasets_are_deterministic_columns():
    for make in (data.moons, data.circles):
        X, Y = make(m=30, seed=4)
        assert X.shape == (2, 30) and Y.shape == (1, 30)
        np.testing.assert_array_equal(X, make(m=30, seed=4)[0])
        assert set(np.unique(Y)) == {0.0, 1.0}
    X, Y = data.spirals(m=30, k=3, seed=1)
    assert X.shape == (2, 30) and Y.shape == (3, 30)
    np.testing.assert_array_equal(Y.sum(axis=0), 1)
    np.testing.assert_array_equal(
        data.one_hot(np.array([2, 0]), 3), [[0, 1], [0, 0], [1, 0]]
    )
    with pytest.raises(ValueError, match=r"labels must lie in 0..1"):
        data.one_hot(np.array([0, 2]), 2)


def test_the_cost_history_is_the_exact_mean_training_cost():
    """Checked against the cost written out per sample, from z, in long double."""
    X, Y = data.spirals(m=30, k=3, seed=2)
    W, b = train.init_params([2, 6, 3], seed=3)
    g, cost = ["tanh", "softmax"], "categorical_cross_entropy"
    seen = [([w.copy() for w in W], [x.copy() for x in b])]

    def keep(epoch, W, b):
        seen.append(([w.copy() for w in W], [x.copy() for x in b]))

    kw = dict(eta=2.0, epochs=4, batch_size=8, g=g, cost=cost, callback=keep)
    trained = train.sgd(W, b, X, Y, **kw)
    for (Wk, bk), recorded in zip(seen, trained.costs, strict=True):
        Z, _ = minibatch.forward(Wk, bk, X, g)
        z = Z[-1].astype(np.longdouble)
        log_softmax = z - z.max(0) - np.log(np.exp(z - z.max(0)).sum(0))
        exact = -(Y * log_softmax).sum(0).mean()
        assert recorded == pytest.approx(float(exact), rel=1e-13)


def test_a_confidently_wrong_network_reports_its_true_cost():
    # z^L = 50 on every sample whose label is 0: the cost is about 50 per
    # sample, not the 36.04 a clipped a^L would give
    X, Y = np.ones((1, 4)), np.zeros((1, 4))
    W, b = [np.array([[50.0]])], [np.zeros((1, 1))]
    trained = train.sgd(W, b, X, Y, eta=1e-6, epochs=1, cost="cross_entropy")
    assert trained.costs[0] == pytest.approx(50.0, rel=1e-15)
