"""What must hold for every input: dtypes, purity, the training loop, timing.

float32 stays float32 everywhere, no input is ever modified, gradients are
new arrays, ``train.sgd`` takes exactly the steps of a plain loop built from
chapter 4's one-sample gradients, and the timing helpers of
:mod:`backprop.timing` do what they say. No timings are asserted.
"""

import itertools
import warnings

import numpy as np
import pytest
from helpers import HIDDEN, OUTPUT_COST

from backprop import _checks, activations, matrix, minibatch, train
from backprop.timing import median_times, step_cases

COMBOS = [
    (hidden, out, cost)
    for hidden, (out, cost) in itertools.product(HIDDEN, OUTPUT_COST)
]


def problem(hidden, out, cost, dtype=np.float64, sizes=(5, 4, 3, 3), m=6):
    """Random parameters (non-zero biases), data and targets in ``dtype``."""
    rng = np.random.default_rng(3)
    W, b = train.init_params(sizes, seed=rng, dtype=dtype)
    b = [rng.normal(0, 0.5, bl.shape).astype(dtype) for bl in b]
    X = rng.normal(size=(sizes[0], m)).astype(dtype)
    if cost == "categorical_cross_entropy" or out == "softmax":
        Y = np.zeros((sizes[-1], m), dtype)
        Y[rng.integers(0, sizes[-1], m), np.arange(m)] = 1
    else:
        Y = rng.uniform(0.05, 0.95, (sizes[-1], m)).astype(dtype)
    return W, b, X, Y, [hidden] * (len(sizes) - 2) + [out], cost


def snapshot(*arrays):
    return [np.copy(a) for a in itertools.chain.from_iterable(arrays)]


# --- the training loop against a plain loop of chapter-4 gradients -------------


def plain_sgd(W, b, X, Y, g, cost, eta, epochs, batch_size, seed):
    """SGD written out: per-sample matrix.gradients, averaged, then a step."""
    W, b = [w.copy() for w in W], [x.copy() for x in b]
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m) if batch_size < m else np.arange(m)
        for start in range(0, m, batch_size):
            cols = order[start : start + batch_size]
            grads = [
                matrix.gradients(W, b, X[:, [j]], Y[:, [j]], g, cost) for j in cols
            ]
            for l in range(len(W)):
                W[l] = W[l] - eta * np.mean([dW[l] for dW, _ in grads], axis=0)
                b[l] = b[l] - eta * np.mean([db[l] for _, db in grads], axis=0)
    return W, b


@pytest.mark.parametrize(("out", "cost"), [("sigmoid", "quadratic"), OUTPUT_COST[-2]])
@pytest.mark.parametrize("batch_size", [4, 7, 20])
def test_sgd_takes_the_steps_of_the_plain_loop(out, cost, batch_size):
    W, b, X, Y, g, cost = problem("sigmoid", out, cost, m=20)
    kw = dict(eta=0.3, epochs=3, batch_size=batch_size, seed=5)
    trained = train.sgd(W, b, X, Y, g=g, cost=cost, **kw)
    W_ref, b_ref = plain_sgd(W, b, X, Y, g, cost, **kw)
    for got, ref in zip(trained.W + trained.b, W_ref + b_ref, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


def test_step_cases_agree_with_each_other():
    cases = step_cases((6, 5, 4, 3), 7, seed=1, eta=0.2)
    W_vec, b_vec = cases["vectorized"]()
    W_per, b_per = cases["per_sample"]()
    for got, ref in zip(W_vec + b_vec, W_per + b_per, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


# --- float32 in, float32 throughout -----------------------------------------------


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
    assert g.delta(z, a, np.ones_like(z)).dtype == np.float32
    if g.log is not None:
        assert g.log(z).dtype == np.float32


# --- nothing is modified -------------------------------------------------------------


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


def test_a_seed_generator_is_advanced_by_sgd():
    W, b, X, Y, g, _ = problem("tanh", "sigmoid", "quadratic", m=8)
    rng = np.random.default_rng(11)
    fresh = np.random.default_rng(11)
    train.sgd(W, b, X, Y, eta=0.1, epochs=2, batch_size=4, seed=rng, g=g)
    fresh.permutation(8), fresh.permutation(8)  # what two epochs draw
    assert rng.random() == fresh.random()


# --- the sigmoid ---------------------------------------------------------------------


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


# --- the finiteness check ------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("where", [r"W\^2", r"b\^1", "X", "Y"])
def test_finite_finds_every_bad_value(bad, dtype, where):
    W, b = train.init_params((4, 3, 2), dtype=dtype)
    X, Y = np.zeros((4, 5), dtype), np.zeros((2, 5), dtype)
    spoiled = {r"W\^2": W[1], r"b\^1": b[0], "X": X, "Y": Y}[where]
    spoiled[1, 0] = spoiled[-1, -1] = bad
    with pytest.raises(ValueError, match=rf"{where} contains 2 NaN or infinite"):
        _checks.finite(W, b, X, Y)


def test_finite_sees_strided_arrays_and_accepts_huge_values():
    W, b = train.init_params((4, 3, 2))
    X = np.zeros((5, 8)).T[::2]  # (4, 5), not contiguous
    X[2, 3] = np.nan
    with pytest.raises(ValueError, match=r"X contains 1 NaN"):
        _checks.finite(W, b, X)
    # x . x overflows to inf here: the entries are then counted, all finite
    huge = np.full((4, 5), np.finfo(np.float64).max)
    _checks.finite(W, b, huge, huge[:2])
    _checks.finite(W, b, np.empty((4, 0)))


# --- the timing helper ----------------------------------------------------------------


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
