"""Cross-entropy and softmax (chapter 7): gradients, Jacobian, stability, bad input.

Tolerances:
- finite differences: relative error < 1e-7 over all parameters (float64,
  central differences, eps = 1e-6; see chapter 8);
- softmax's delta against an explicit Jacobian^T-vector product: rtol 1e-12;
- the a - y shortcuts and the general chain rule (base ``Cost.delta``)
  against finite differences of the cost written out in long double.
"""

import copy

import numpy as np
import pytest

from backprop import (
    activations,
    costs,
    gradcheck,
    l_layer,
    matrix,
    minibatch,
    single_neuron,
    train,
    two_layer,
)

TOL = 1e-7
softmax = activations.softmax
sigmoid = activations.sigmoid
cce = costs.get_cost("categorical_cross_entropy")
ce = costs.get_cost("cross_entropy")

# (output activation, cost, kind of target). The first three are the pairs
# chapter 7 uses; the last two take the general J^T grad C path with a cost
# that has a shortcut for another activation.
OUTPUT_COST = [
    ("softmax", "categorical_cross_entropy", "one_hot"),
    ("softmax", "quadratic", "one_hot"),
    ("sigmoid", "cross_entropy", "probability"),
    ("softmax", "cross_entropy", "probability"),
    ("sigmoid", "categorical_cross_entropy", "one_hot"),
]
HIDDEN = ["sigmoid", "tanh", "relu"]


def make_network(sizes, m, target, seed):
    """Random parameters (non-zero biases) and data with targets of one kind."""
    rng = np.random.default_rng(seed)
    W, b = train.init_params(sizes, seed=rng)
    b = [rng.normal(0, 0.5, bl.shape) for bl in b]
    X = rng.normal(size=(sizes[0], m))
    n_L = sizes[-1]
    if target == "one_hot":
        Y = np.zeros((n_L, m))
        Y[rng.integers(0, n_L, m), np.arange(m)] = 1
    else:
        Y = rng.uniform(0, 1, (n_L, m))
    return W, b, X, Y


def relu_margin(module, W, b, X, g):
    """Smallest |z| over the ReLU layers (inf if there are none)."""
    Z, _ = module.forward(W, b, X, g)
    return min(
        (np.abs(z).min() for z, gl in zip(Z, g, strict=True) if gl == "relu"),
        default=np.inf,
    )


# --- finite differences -----------------------------------------------------


# (layer sizes, hidden activations): no hidden layer, one of each kind, and
# two hidden layers with mixed activations.
NETWORKS = [
    ((3, 4), ()),
    *[((4, 5, 3), (h,)) for h in HIDDEN],
    ((3, 6, 4, 5), ("tanh", "relu")),
    ((3, 6, 4, 5), ("relu", "sigmoid")),
]


@pytest.mark.parametrize("module", [matrix, minibatch])
@pytest.mark.parametrize(("sizes", "hidden"), NETWORKS)
@pytest.mark.parametrize(("out", "cost", "target"), OUTPUT_COST)
def test_gradients_match_finite_differences(module, sizes, hidden, out, cost, target):
    m = 1 if module is matrix else 7
    W, b, X, Y = make_network(sizes, m, target, seed=len(sizes) + m)
    g = [*hidden, out]
    # keep ReLU inputs away from the kink, where the check is meaningless
    assert relu_margin(module, W, b, X, g) > 1e-3
    result = gradcheck.check_gradients(module, (W, b), (X, Y), g=g, cost=cost, tol=TOL)
    assert result.error < TOL
    assert max(result.errors) < 1e-6  # no single parameter hides in the total
    assert np.linalg.norm(np.concatenate(result.analytic)) > 1e-3  # not trivial


@pytest.mark.parametrize(("out", "cost", "target"), OUTPUT_COST[:3])
def test_minibatch_is_the_mean_of_per_sample_gradients(out, cost, target):
    W, b, X, Y = make_network((4, 5, 3), 6, target, seed=3)
    g = ["tanh", out]
    dW, db = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    per_sample = [
        matrix.gradients(W, b, X[:, [j]], Y[:, [j]], g=g, cost=cost) for j in range(6)
    ]
    for l in range(2):
        mean_dW = np.mean([s[0][l] for s in per_sample], axis=0)
        mean_db = np.mean([s[1][l] for s in per_sample], axis=0)
        np.testing.assert_allclose(dW[l], mean_dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db[l], mean_db, rtol=1e-12, atol=1e-15)


# --- the softmax Jacobian ------------------------------------------------------


def softmax_jacobian(a):
    """J_ki = da_k / dz_i = a_k ([k = i] - a_i) for one column a of shape (n,)."""
    return np.diag(a) - np.outer(a, a)


def test_softmax_delta_is_the_jacobian_transpose_product():
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, (5, 6))
    v = rng.normal(size=(5, 6))
    a = softmax(z)
    delta = softmax.delta(z, a, v)
    expected = np.column_stack(
        [softmax_jacobian(a[:, j]).T @ v[:, j] for j in range(z.shape[1])]
    )
    np.testing.assert_allclose(delta, expected, rtol=1e-12, atol=1e-15)


def test_softmax_jacobian_matches_finite_differences():
    z = np.random.default_rng(1).normal(size=(4, 1))
    a = softmax(z)[:, 0]
    rows = [
        gradcheck.numerical_gradient(lambda p, k=k: softmax(p[0])[k, 0], [z])[0][:, 0]
        for k in range(4)
    ]
    np.testing.assert_allclose(np.array(rows), softmax_jacobian(a), rtol=0, atol=1e-9)


def test_softmax_has_no_elementwise_derivative():
    z = np.zeros((3, 1))
    with pytest.raises(TypeError, match="not elementwise"):
        softmax.prime(z, softmax(z))


# --- the a - y shortcuts against finite differences ----------------------------
#
# delta^L = dC/dz^L. The references differentiate the cost as a function of
# z numerically; the cost itself is written out here (long double), so the
# package's delta code is not used to check itself.


def dC_dz(cost_of_z, z):
    """Central differences; their round-off is ~ u |C| / eps < 1e-8 here."""
    (numeric,) = gradcheck.numerical_gradient(lambda p: float(cost_of_z(p[0])), [z])
    return numeric


def ref_cce(z, y):
    """-sum y ln softmax(z), from z in long double."""
    zl = z.astype(np.longdouble)
    top = zl.max(axis=0)
    return np.sum(y * (top + np.log(np.exp(zl - top).sum(axis=0)) - zl))


def ref_ce(z, y):
    """-sum [y ln sigma(z) + (1 - y) ln(1 - sigma(z))], from z in long double."""
    zl = z.astype(np.longdouble)
    return np.sum(y * np.logaddexp(0, -zl) + (1 - y) * np.logaddexp(0, zl))


def test_categorical_shortcut_is_dC_dz():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 3, (6, 8))
    y = np.zeros_like(z)
    y[rng.integers(0, 6, 8), np.arange(8)] = 1
    numeric = dC_dz(lambda z: ref_cce(z, y), z)
    shortcut = cce.delta(z, softmax(z), y, softmax)
    general = costs.Cost.delta(cce, z, softmax(z), y, softmax)  # J^T (-y / a)
    np.testing.assert_allclose(shortcut, numeric, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(general, numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("target", ["binary", "probability"])
def test_binary_shortcut_is_dC_dz(target):
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, (4, 8))
    if target == "binary":
        y = rng.integers(0, 2, z.shape).astype(float)
    else:
        y = rng.uniform(0, 1, z.shape)
    numeric = dC_dz(lambda z: ref_ce(z, y), z)
    shortcut = ce.delta(z, sigmoid(z), y, sigmoid)
    general = costs.Cost.delta(ce, z, sigmoid(z), y, sigmoid)  # grad C * s'(z)
    np.testing.assert_allclose(shortcut, numeric, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(general, numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize(
    ("cost", "g"), [(cce, sigmoid), (ce, softmax)], ids=["cce-sigmoid", "ce-softmax"]
)
def test_without_its_activation_a_cost_takes_the_chain_rule(cost, g):
    # CE and CCE with the other output: delta = J^T grad C, not a - y.
    rng = np.random.default_rng(4)
    z = rng.normal(size=(3, 5))
    y = np.zeros_like(z)
    y[rng.integers(0, 3, 5), np.arange(5)] = 1
    numeric = dC_dz(lambda z: cost.C(g(z), y).sum(), z)
    delta = cost.delta(z, g(z), y, g)
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-8)
    assert not np.allclose(delta, g(z) - y)


# --- numerical stability -------------------------------------------------------

# np.exp(-2e4) underflows to 0.0, which is the correctly rounded value of
# e^{-20000}; numpy ignores underflow by default. Everything else (overflow,
# division by zero, invalid operations such as inf - inf) raises here.
STRICT = dict(all="raise", under="ignore")


def test_softmax_is_stable_for_huge_inputs():
    z = np.array([[1e4, 1e4, -1e4, 0.0], [-1e4, 1e4, -1e4, 1e4], [0.0, 0.0, -1e4, 1e4]])
    with np.errstate(**STRICT):
        a = softmax(z)
    assert np.all(np.isfinite(a))
    np.testing.assert_allclose(a.sum(axis=0), 1, rtol=1e-15)
    np.testing.assert_array_equal(a[:, 0], [1, 0, 0])
    np.testing.assert_allclose(a[:, 1], [0.5, 0.5, 0], rtol=1e-15)
    np.testing.assert_allclose(a[:, 2], [1 / 3, 1 / 3, 1 / 3], rtol=1e-15)
    np.testing.assert_allclose(a[:, 3], [0, 0.5, 0.5], rtol=1e-15)


def test_softmax_is_shift_invariant():
    z = np.random.default_rng(5).normal(size=(4, 3))
    with np.errstate(**STRICT):
        np.testing.assert_allclose(softmax(z + 1e4), softmax(z), rtol=1e-9)
        np.testing.assert_allclose(softmax(z - 1e4), softmax(z), rtol=1e-9)


def test_softmax_keeps_float32():
    z = np.array([[1e4], [-1e4], [0.0]], dtype=np.float32)
    with np.errstate(**STRICT):
        a = softmax(z)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a[:, 0], np.array([1, 0, 0], np.float32))


@pytest.mark.parametrize(
    ("out", "cost", "target"),
    [OUTPUT_COST[0], OUTPUT_COST[1], OUTPUT_COST[2]],
)
def test_saturated_outputs_give_finite_costs_and_gradients(out, cost, target):
    # weights ~1e4 drive every z of the output layer to about +-1e4
    W, b, X, Y = make_network((3, 4, 5), 6, target, seed=6)
    W = [W[0], 1e4 * np.sign(W[1])]
    g = ["tanh", out]
    with np.errstate(**STRICT):
        Z, _ = minibatch.forward(W, b, X, g)
        assert np.abs(Z[-1]).max() > 1e3
        C = minibatch.C(W, b, X, Y, g=g, cost=cost)
        dW, db = minibatch.gradients(W, b, X, Y, g=g, cost=cost)
    assert np.isfinite(C)
    assert all(np.all(np.isfinite(d)) for d in dW + db)


# --- bad input ---------------------------------------------------------------------


def net(target="one_hot", sizes=(3, 4, 2)):
    return make_network(sizes, 5, target, seed=7)


@pytest.mark.parametrize(
    "call",
    [
        lambda W, b, X, Y, g: minibatch.forward(W, b, X, g),
        lambda W, b, X, Y, g: minibatch.C(W, b, X, Y, g=g),
        lambda W, b, X, Y, g: minibatch.gradients(W, b, X, Y, g=g),
        lambda W, b, X, Y, g: matrix.gradients(W, b, X[:, :1], Y[:, :1], g=g),
        lambda W, b, X, Y, g: matrix.forward(W, b, X[:, :1], g),
        lambda W, b, X, Y, g: train.sgd(W, b, X, Y, g=g, eta=0.1, epochs=1),
    ],
    ids=[
        "mb.forward",
        "mb.C",
        "mb.gradients",
        "matrix.gradients",
        "matrix.forward",
        "sgd",
    ],
)
@pytest.mark.parametrize(
    ("g", "layer"),
    [
        (["softmax", "sigmoid"], 1),
        (["softmax", "softmax"], 1),
        ("softmax", 1),  # one name for every layer
        (["tanh", "softmax", "softmax"], 2),
    ],
)
def test_softmax_only_in_the_last_layer(call, g, layer):
    sizes = (3, 4, 5, 2) if len(g) == 3 else (3, 4, 2)
    W, b, X, Y = net(sizes=sizes)
    with pytest.raises(ValueError, match=f"layer {layer}: softmax is only allowed"):
        call(W, b, X, Y, g)


@pytest.mark.parametrize(
    "call",
    [
        lambda: single_neuron.forward(0.5, 0.1, 1.0, g="softmax"),
        lambda: single_neuron.C(0.5, 0.1, 1.0, 1.0, g="softmax"),
        lambda: single_neuron.gradients(0.5, 0.1, 1.0, 1.0, g="softmax"),
        lambda: two_layer.gradients(
            0.5, 0.1, 0.3, 0.2, 1.0, 1.0, g=("tanh", "softmax")
        ),
        lambda: l_layer.forward([0.5, 0.3], [0.1, 0.2], 1.0, g="softmax"),
        lambda: l_layer.gradients(
            [0.5, 0.3], [0.1, 0.2], 1.0, 1.0, g=["tanh", "softmax"]
        ),
    ],
    ids=["sn.forward", "sn.C", "sn.gradients", "two_layer", "l_layer.fw", "l_layer.gr"],
)
def test_softmax_is_refused_by_single_neuron_layers(call):
    with pytest.raises(ValueError, match="softmax is not elementwise"):
        call()


def _two_ones(Y):
    Y = Y.copy()
    Y[:, 0] = 1  # every class is "true" for sample 1
    return Y


def _negative(Y):
    Y = Y.copy()
    Y[:3, 0] = [-1, 1, 1]  # sums to 1, yet is not one-hot
    return Y


NOT_ONE_HOT = {
    "soft labels": lambda Y: np.full_like(Y, 1 / Y.shape[0]),  # columns sum to 1
    "two ones": _two_ones,
    "no one": np.zeros_like,
    "a two": lambda Y: 2 * Y,
    "negative": _negative,
}


@pytest.mark.parametrize("spoil", list(NOT_ONE_HOT.values()), ids=list(NOT_ONE_HOT))
@pytest.mark.parametrize("where", ["minibatch", "matrix", "sgd"])
def test_categorical_cross_entropy_needs_one_hot_labels(spoil, where):
    W, b, X, Y = net(sizes=(3, 4, 3))
    Y = spoil(Y)
    g = ["tanh", "softmax"]
    cost = "categorical_cross_entropy"
    with pytest.raises(ValueError, match="one-hot"):
        if where == "minibatch":
            minibatch.gradients(W, b, X, Y, g=g, cost=cost)
        elif where == "matrix":
            matrix.gradients(W, b, X[:, :1], Y[:, :1], g=g, cost=cost)
        else:
            train.sgd(W, b, X, Y, g=g, cost=cost, eta=0.1, epochs=1)


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_cross_entropy_targets_must_lie_in_0_1(bad):
    W, b, X, Y = net(target="probability")
    Y = Y.copy()
    Y[1, 2] = bad
    match = r"cross_entropy needs targets y in \[0, 1\]"
    with pytest.raises(ValueError, match=match):
        minibatch.gradients(W, b, X, Y, cost="cross_entropy")
    with pytest.raises(ValueError, match=match):
        matrix.gradients(W, b, X[:, 2:3], Y[:, 2:3], cost="cross_entropy")
    with pytest.raises(ValueError, match=match):
        train.sgd(W, b, X, Y, cost="cross_entropy", eta=0.1, epochs=1)
    with pytest.raises(ValueError, match=match):
        single_neuron.gradients(0.5, 0.1, 1.0, bad, cost="cross_entropy")
    with pytest.raises(ValueError, match=match):
        l_layer.gradients([0.5, 0.3], [0.1, 0.2], 1.0, bad, cost="cross_entropy")


FAILING_CALLS = {
    "softmax hidden": lambda W, b, X, Y: minibatch.gradients(
        W, b, X, Y, g=["softmax", "softmax"], cost="categorical_cross_entropy"
    ),
    "not one-hot": lambda W, b, X, Y: minibatch.gradients(
        W, b, X, 0.5 * Y, g=["tanh", "softmax"], cost="categorical_cross_entropy"
    ),
    "CE target > 1": lambda W, b, X, Y: minibatch.gradients(
        W, b, X, Y + 1, g="sigmoid", cost="cross_entropy"
    ),
    "sgd not one-hot": lambda W, b, X, Y: train.sgd(
        W,
        b,
        X,
        0.5 * Y,
        g=["tanh", "softmax"],
        cost="categorical_cross_entropy",
        eta=0.1,
        epochs=1,
    ),
    "sgd softmax hidden": lambda W, b, X, Y: train.sgd(
        W, b, X, Y, g=["softmax", "softmax"], eta=0.1, epochs=1
    ),
}


@pytest.mark.parametrize("call", list(FAILING_CALLS.values()), ids=list(FAILING_CALLS))
def test_callers_arrays_are_unchanged_after_an_error(call):
    W, b, X, Y = net()
    saved = copy.deepcopy((W, b, X, Y))
    with pytest.raises(ValueError):
        call(W, b, X, Y)
    for now, before in zip((W, b), saved[:2], strict=True):
        assert len(now) == len(before)
        for p, q in zip(now, before, strict=True):
            np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(X, saved[2])
    np.testing.assert_array_equal(Y, saved[3])
