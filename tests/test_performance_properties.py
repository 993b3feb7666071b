"""The optimized code paths against a plain reference (issue #5).

The package fuses and reorders some textbook lines for speed (in-place
sigmoid, 1/m folded into Delta, gradients written into reused arrays, a
cheaper finiteness check). These tests pin what must not change: float32
stays float32 everywhere, inputs are never modified, and the results equal
a straightforward implementation written here, to 1e-12 relative in
float64. No timings are asserted.
"""

import itertools
import warnings

import numpy as np
import pytest
from helpers import HIDDEN, OUTPUT_COST

from backprop import _checks, activations, matrix, minibatch, train
from backprop.activations import per_layer
from backprop.benchmark import median_times, step_cases
from backprop.costs import get_cost

COMBOS = [
    (hidden, out, cost)
    for hidden, (out, cost) in itertools.product(HIDDEN, OUTPUT_COST)
]
RTOL = 1e-12  # float64: relative to the largest entry of each array


# --- a plain reference: the chapter 6 equations, one line each ------------


def ref_g(name, z):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))  # |z| stays small in these tests
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    e = np.exp(z - z.max(axis=0))  # softmax, column by column
    return e / e.sum(axis=0)


def ref_prime(name, z, a):
    return {"sigmoid": a * (1 - a), "tanh": 1 - a**2, "relu": 1.0 * (z > 0)}[name]


def ref_gradients(W, b, X, Y, gs, cost):
    """Textbook minibatch backprop, no in-place tricks."""
    m = X.shape[1]
    Z, A = [], [X]
    for Wl, bl, g in zip(W, b, gs, strict=True):
        Z.append(Wl @ A[-1] + bl)
        A.append(ref_g(g, Z[-1]))
    aL, zL, gL = A[-1], Z[-1], gs[-1]
    if cost == "quadratic" and gL == "softmax":
        v = aL - Y  # J^T v with J = diag(a) - a a^T
        delta = aL * (v - (aL * v).sum(axis=0))
    elif cost == "quadratic":
        delta = (aL - Y) * ref_prime(gL, zL, aL)
    else:  # cross-entropy + sigmoid, categorical cross-entropy + softmax
        delta = aL - Y
    dW, db = [None] * len(W), [None] * len(W)
    for l in range(len(W) - 1, -1, -1):
        dW[l] = delta @ A[l].T / m
        db[l] = delta.mean(axis=1, keepdims=True)
        if l > 0:
            delta = (W[l].T @ delta) * ref_prime(gs[l - 1], Z[l - 1], A[l])
    return Z, A, dW, db


def ref_sgd(W, b, X, Y, gs, cost, eta, epochs, batch_size, seed):
    """The training loop with the update written as in the book."""
    W, b = [w.copy() for w in W], [x.copy() for x in b]
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            cols = order[start : start + batch_size]
            _, _, dW, db = ref_gradients(W, b, X[:, cols], Y[:, cols], gs, cost)
            W = [Wl - eta * dWl for Wl, dWl in zip(W, dW, strict=True)]
            b = [bl - eta * dbl for bl, dbl in zip(b, db, strict=True)]
    return W, b


def assert_close(actual, desired, rtol=RTOL):
    for a, d in zip(actual, desired, strict=True):
        assert a.dtype == d.dtype and a.shape == d.shape
        np.testing.assert_allclose(a, d, rtol=rtol, atol=rtol * np.abs(d).max())


def problem(hidden, out, cost, dtype=np.float64, sizes=(5, 4, 3, 3), m=6):
    """Random parameters (non-zero biases), data and targets in ``dtype``."""
    rng = np.random.default_rng(3)
    W, b = train.init_params(sizes, seed=rng, dtype=dtype)
    b = [rng.normal(0, 0.5, bl.shape).astype(dtype) for bl in b]
    X = rng.normal(size=(sizes[0], m)).astype(dtype)
    if out == "softmax" and cost == "categorical_cross_entropy":
        Y = np.zeros((sizes[-1], m), dtype)
        Y[rng.integers(0, sizes[-1], m), np.arange(m)] = 1
    else:
        Y = rng.uniform(0.05, 0.95, (sizes[-1], m)).astype(dtype)
    return W, b, X, Y, [hidden] * (len(sizes) - 2) + [out], cost


def snapshot(*arrays):
    return [np.copy(a) for a in itertools.chain.from_iterable(arrays)]


# --- results equal the reference ------------------------------------------


@pytest.mark.parametrize(("hidden", "out", "cost"), COMBOS)
def test_minibatch_matches_the_plain_reference(hidden, out, cost):
    W, b, X, Y, g, cost = problem(hidden, out, cost)
    Z_ref, A_ref, dW_ref, db_ref = ref_gradients(W, b, X, Y, g, cost)
    Z, A = minibatch.forward(W, b, X, g)
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    assert_close(Z + A, Z_ref + A_ref)
    assert_close(dW + db, dW_ref + db_ref)


@pytest.mark.parametrize(("hidden", "out", "cost"), COMBOS)
def test_one_sample_matrix_matches_the_plain_reference(hidden, out, cost):
    W, b, X, Y, g, cost = problem(hidden, out, cost, m=1)
    _, _, dW_ref, db_ref = ref_gradients(W, b, X, Y, g, cost)
    dW, db = matrix.gradients(W, b, X, Y, g, cost)
    assert_close(dW + db, dW_ref + db_ref)


@pytest.mark.parametrize(("out", "cost"), [("sigmoid", "quadratic"), OUTPUT_COST[-2]])
@pytest.mark.parametrize("batch_size", [4, 7, 20])
def test_sgd_matches_the_plain_training_loop(out, cost, batch_size):
    W, b, X, Y, g, cost = problem("sigmoid", out, cost, m=20)
    kw = dict(eta=0.3, epochs=3, batch_size=batch_size, seed=5)
    trained = train.sgd(W, b, X, Y, g=g, cost=cost, **kw)
    W_ref, b_ref = ref_sgd(W, b, X, Y, g, cost, **kw)
    assert_close(trained.W + trained.b, W_ref + b_ref)


def test_scaled_gradients_into_given_arrays():
    W, b, X, Y, g, cost = problem("tanh", "sigmoid", "cross_entropy")
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    out = ([np.full_like(w, np.nan) for w in W], [np.full_like(x, np.nan) for x in b])
    got = minibatch.gradients_unchecked(
        W, b, X, Y, per_layer(g, len(W)), get_cost(cost), scale=-0.25, out=out
    )
    assert all(x is y for x, y in zip(got[0] + got[1], out[0] + out[1], strict=True))
    assert_close(out[0] + out[1], [-0.25 * x for x in dW + db])


def test_step_cases_agree_with_each_other():
    cases = step_cases((6, 5, 4, 3), 7, seed=1, eta=0.2)
    W_vec, b_vec = cases["vectorized"]()
    W_per, b_per = cases["per_sample"]()
    assert_close(W_vec + b_vec, W_per + b_per)


# --- float32 in, float32 throughout ---------------------------------------


@pytest.mark.parametrize(("hidden", "out", "cost"), COMBOS)
def test_float32_forward_gradients_and_sgd(hidden, out, cost):
    W, b, X, Y, g, cost = problem(hidden, out, cost, dtype=np.float32)
    Z, A = minibatch.forward(W, b, X, g)
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    dw1, db1 = matrix.gradients(W, b, X[:, :1], Y[:, :1], g, cost)
    trained = train.sgd(W, b, X, Y, eta=0.1, epochs=2, batch_size=4, g=g, cost=cost)
    arrays = Z + A + dW + db + dw1 + db1 + trained.W + trained.b
    assert all(x.dtype == np.float32 for x in arrays)
    assert minibatch.C(W, b, X, Y, g, cost).dtype == np.float32
    # float32 is float64 to float32 rounding, not a different computation
    W64 = [w.astype(np.float64) for w in W]
    b64 = [x.astype(np.float64) for x in b]
    dW64, db64 = minibatch.gradients(
        W64, b64, X.astype(float), Y.astype(float), g, cost
    )
    for a, d in zip(dW + db, dW64 + db64, strict=True):
        np.testing.assert_allclose(a, d, rtol=1e-4, atol=1e-5 * np.abs(d).max())


def test_float32_benchmark_cases():
    cases = step_cases((6, 5, 4, 3), 7, dtype=np.float32)
    W, b = cases["vectorized"]()
    W_per, b_per = cases["per_sample"]()
    products = [x for group in cases["gemm"]() for x in group]
    assert all(x.dtype == np.float32 for x in W + b + W_per + b_per + products)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softmax"])
def test_activations_keep_float32(name):
    z = np.linspace(-30, 30, 12, dtype=np.float32).reshape(4, 3)
    g = activations.get_activation(name)
    a = g(z)
    assert a.dtype == np.float32
    grad = g.delta(z, a, np.ones_like(z))
    assert grad.dtype == np.float32


# --- nothing is modified ---------------------------------------------------


@pytest.mark.parametrize(("hidden", "out", "cost"), COMBOS)
def test_no_input_is_modified(hidden, out, cost):
    W, b, X, Y, g, cost = problem(hidden, out, cost)
    before = snapshot(W, b, [X, Y])
    minibatch.forward(W, b, X, g)
    minibatch.C(W, b, X, Y, g, cost)
    dW, db = minibatch.gradients(W, b, X, Y, g, cost)
    matrix.gradients(W, b, X[:, :1], Y[:, :1], g, cost)
    train.sgd(W, b, X, Y, eta=0.1, epochs=2, batch_size=4, g=g, cost=cost)
    for x, y in zip(snapshot(W, b, [X, Y]), before, strict=True):
        np.testing.assert_array_equal(x, y)
    # the gradients are new arrays, not views of anything the caller has
    for grad in dW + db:
        assert not any(np.shares_memory(grad, x) for x in W + b + [X, Y])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "softmax"])
def test_activation_and_delta_leave_their_inputs_alone(name):
    rng = np.random.default_rng(0)
    z, v = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    z0, v0 = z.copy(), v.copy()
    g = activations.get_activation(name)
    a = g(z)
    a0 = a.copy()
    g.delta(z, a, v)
    for x, x0 in ((z, z0), (v, v0), (a, a0)):
        np.testing.assert_array_equal(x, x0)


# --- the in-place sigmoid ---------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "lim", "ulps"), [(np.float64, 700, 3), (np.float32, 85, 4)]
)
def test_sigmoid_within_a_few_ulp_without_warnings(dtype, lim, ulps):
    z = np.concatenate([np.linspace(-lim, lim, 20001), [-1e4, -1e3, 1e3, 1e4]])
    z = z.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a = activations.sigmoid(z)
    assert a.dtype == dtype
    exact = 1 / (1 + np.exp(-z.astype(np.longdouble)))
    ulp = np.spacing(exact.astype(dtype)).astype(np.longdouble)
    assert np.all(np.abs(a - exact) <= ulps * ulp)
    assert np.all((a >= 0) & (a <= 1))


def test_sigmoid_of_scalars_and_integers():
    assert float(activations.sigmoid(0.0)) == 0.5
    assert activations.sigmoid(np.float32(2)).dtype == np.float32
    np.testing.assert_allclose(
        activations.sigmoid(np.array([0, 2])), [0.5, 0.8807970779778823]
    )


# --- the finiteness check ----------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_check_finite_finds_every_bad_value(bad, dtype):
    x = np.zeros((3, 4), dtype)
    x[2, 1] = x[0, 3] = bad
    with pytest.raises(ValueError, match=r"X contains 2 NaN or infinite value\(s\)"):
        _checks.check_finite("X", x)


def test_check_finite_accepts_huge_finite_values_and_empty_arrays():
    _checks.check_finite("W", np.full((4, 4), np.finfo(np.float64).max))
    _checks.check_finite("W", np.array([np.finfo(np.float32).max] * 3, np.float32))
    _checks.check_finite("X", np.empty((3, 0)))


# --- the timing helper -------------------------------------------------------


def test_median_times_interleaves_the_candidates():
    calls = []
    cases = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = median_times(cases, repeat=2, number=2)
    assert set(times) == {"a", "b"} and all(t >= 0 for t in times.values())
    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 2  # warm-up, then reps


def test_median_times_calibrates_number():
    calls = []
    median_times({"a": lambda: calls.append(1)}, repeat=3)
    assert len(calls) > 100  # ~0.05 s of no-op calls per repetition
