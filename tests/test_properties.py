"""Property-based tests over random architectures (hypothesis).

Depth L in 1..5, widths n_l in 1..8, m in 1..16, per-layer activations drawn
at random (softmax only as the output, with categorical cross-entropy).
"""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backprop import matrix, minibatch
from backprop.gradcheck import check_gradients
from backprop.train import init_params

HIDDEN = ["sigmoid", "tanh", "relu"]


@st.composite
def problems(draw, max_m=16):
    L = draw(st.integers(1, 5))
    sizes = draw(st.lists(st.integers(1, 8), min_size=L + 1, max_size=L + 1))
    m = draw(st.integers(1, max_m))
    out = draw(st.sampled_from(["sigmoid", "tanh", "relu", "softmax", "sigmoid_ce"]))
    if out == "softmax":
        sizes[-1] = max(sizes[-1], 2)  # a softmax over one output is constant
    g = [draw(st.sampled_from(HIDDEN)) for _ in range(L - 1)]
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    W, b = init_params(sizes, seed=rng)
    b = [rng.normal(0, 0.3, bl.shape) for bl in b]
    X = rng.normal(size=(sizes[0], m))
    if out == "softmax":
        Y = np.zeros((sizes[-1], m))
        Y[rng.integers(0, sizes[-1], m), np.arange(m)] = 1
        g, cost = [*g, "softmax"], "categorical_cross_entropy"
    elif out == "sigmoid_ce":
        Y = rng.uniform(0, 1, (sizes[-1], m))
        g, cost = [*g, "sigmoid"], "cross_entropy"
    else:
        Y = rng.normal(size=(sizes[-1], m))
        g, cost = [*g, out], "quadratic"
    return W, b, X, Y, g, cost


def kink_free(W, b, X, g, margin=1e-4):
    Z, _ = minibatch.forward(W, b, X, g)
    return all(
        np.abs(z).min() > margin for z, gl in zip(Z, g, strict=True) if gl == "relu"
    )


COMMON = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@COMMON
@given(problems())
def test_minibatch_gradients_match_finite_differences(problem):
    W, b, X, Y, g, cost = problem
    assume(kink_free(W, b, X, g))
    dW, db = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    # a gradient that is (almost) exactly zero, e.g. a dead ReLU network,
    # has no meaningful relative error: finite differences see only round-off
    assume(np.sqrt(sum(np.sum(d * d) for d in dW + db)) > 1e-6)
    result = check_gradients(minibatch, (W, b), (X, Y), g=g, cost=cost)
    assert result.error < 1e-7


@COMMON
@given(problems())
def test_minibatch_is_the_mean_of_one_sample_gradients(problem):
    W, b, X, Y, g, cost = problem
    dW, db = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    per = [
        matrix.gradients(W, b, X[:, [j]], Y[:, [j]], g=g, cost=cost)
        for j in range(X.shape[1])
    ]
    for l in range(len(W)):
        np.testing.assert_allclose(
            dW[l], np.mean([p[0][l] for p in per], axis=0), rtol=1e-9, atol=1e-15
        )
        np.testing.assert_allclose(
            db[l], np.mean([p[1][l] for p in per], axis=0), rtol=1e-9, atol=1e-15
        )


@COMMON
@given(problems(max_m=1))
def test_one_sample_matrix_equals_minibatch(problem):
    W, b, X, Y, g, cost = problem
    one = matrix.gradients(W, b, X, Y, g=g, cost=cost)
    batch = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    for a, c in zip(one[0] + one[1], batch[0] + batch[1], strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-300)


@COMMON
@given(problems())
def test_float32_stays_float32(problem):
    W, b, X, Y, g, cost = problem
    f32 = [
        [w.astype(np.float32) for w in W],
        [x.astype(np.float32) for x in b],
        X.astype(np.float32),
        Y.astype(np.float32),
    ]
    Z, A = minibatch.forward(*f32[:3], g=g)
    dW, db = minibatch.gradients(*f32, g=g, cost=cost)
    assert all(x.dtype == np.float32 for x in Z + A + dW + db)
    assert minibatch.C(*f32, g=g, cost=cost).dtype == np.float32
