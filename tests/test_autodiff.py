"""Tests of backprop.autodiff and autodiff_network (chapter 9).

Oracles: central finite differences in float64 for every operation (relative
error < 1e-7, ReLU inputs kept at least 0.1 from the kink), and the
hand-derived backprop of chapter 6, ``minibatch.gradients``, on networks
drawn by hypothesis (equal to 1e-12 relative).
"""

import numpy as np
import pytest
from helpers import HIDDEN, OUTPUT_COST
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop import autodiff_network, minibatch, train
from backprop.activations import Activation
from backprop.autodiff import Tensor
from backprop.gradcheck import check_gradients, numerical_gradient, relative_error

FD_TOL = 1e-7  # relative error against central differences, float64
EQ_TOL = 1e-12  # relative difference against minibatch.gradients


def away_from_zero(rng, shape, margin=0.1):
    """Normal entries with |x| >= margin: ReLU's kink stays out of reach."""
    x = rng.normal(size=shape)
    return np.where(x >= 0, x + margin, x - margin)


def one_hot(rng, n, m):
    Y = np.zeros((n, m))
    Y[rng.integers(0, n, m), np.arange(m)] = 1
    return Y


def fd_error(build, inputs, rng):
    """Relative error of backward() against finite differences.

    ``build(*tensors)`` returns a Tensor; a non-scalar output y is reduced
    to C = sum(y * R) with fixed random weights R, so that every entry of
    G = dC/dy differs.
    """
    probe = build(*[Tensor(x) for x in inputs])
    R = Tensor(rng.normal(size=probe.shape)) if probe.shape != () else None

    def cost(*tensors):
        y = build(*tensors)
        return y if R is None else (y * R).sum()

    leaves = [Tensor(x) for x in inputs]
    cost(*leaves).backward()
    numeric = numerical_gradient(
        lambda p: float(cost(*map(Tensor, p)).value), inputs, eps=1e-6
    )
    return relative_error([t.grad for t in leaves], numeric)


rng0 = np.random.default_rng(2026)
Y_prob = rng0.uniform(size=(3, 4))  # targets in [0, 1]
Y_hot = one_hot(rng0, 3, 4)
OPS = {
    # name: (build, input shapes)
    "matmul": (lambda A, B: A @ B, [(3, 4), (4, 5)]),
    "add": (lambda A, B: A + B, [(3, 4), (3, 4)]),
    "add bias (n, 1)": (lambda A, b: A + b, [(3, 4), (3, 1)]),
    "add row (1, m)": (lambda r, A: r + A, [(1, 4), (3, 4)]),
    "add (n, 1) + (1, m)": (lambda c, r: c + r, [(3, 1), (1, 4)]),
    "mul": (lambda A, B: A * B, [(3, 4), (3, 4)]),
    "mul broadcast": (lambda A, b: A * b, [(3, 4), (3, 1)]),
    "sum": (lambda A: A.sum(), [(3, 4)]),
    "mean": (lambda A: A.mean(), [(3, 4)]),
    "sigmoid": (autodiff_network.sigmoid, [(3, 4)]),
    "tanh": (autodiff_network.tanh, [(3, 4)]),
    "relu": (autodiff_network.relu, [(3, 4)]),
    "softmax": (autodiff_network.softmax, [(3, 4)]),
    "quadratic": (lambda a: autodiff_network.quadratic(a, Y_prob), [(3, 4)]),
    "cross_entropy": (lambda z: autodiff_network.cross_entropy(z, Y_prob), [(3, 4)]),
    "softmax_cross_entropy one-hot": (
        lambda z: autodiff_network.softmax_cross_entropy(z, Y_hot),
        [(3, 4)],
    ),
    "softmax_cross_entropy soft targets": (
        lambda z: autodiff_network.softmax_cross_entropy(z, Y_prob),
        [(3, 4)],
    ),
}


@pytest.mark.parametrize("name", OPS)
def test_every_operation_matches_finite_differences(name, rng):
    build, shapes = OPS[name]
    inputs = [away_from_zero(rng, shape) for shape in shapes]
    assert fd_error(build, inputs, rng) < FD_TOL


@pytest.mark.parametrize(("out", "cost"), OUTPUT_COST)
def test_network_graph_matches_finite_differences(out, cost, rng):
    sizes = (3, 5, 4, 3)
    g = ["tanh", "relu", out]
    W, b = train.init_params(sizes, seed=rng)
    b = [rng.normal(0, 0.5, bl.shape) for bl in b]
    X = rng.normal(size=(3, 6))
    Y = one_hot(rng, 3, 6) if out == "softmax" else rng.uniform(size=(3, 6))
    Z, _ = minibatch.forward(W, b, X, g)
    assert np.abs(Z[1]).min() > 1e-3  # layer 2 is ReLU: away from the kink
    # its C against its gradients: backward() against finite differences
    result = check_gradients(autodiff_network, (W, b), (X, Y), g=g, cost=cost)
    assert result.error < FD_TOL


@st.composite
def networks(draw):
    """Depth 1-4, widths 1-6, m 1-8, mixed hidden activations, every
    valid (output, cost) pair; the arrays come from a drawn seed."""
    L = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 6), min_size=L + 1, max_size=L + 1))
    m = draw(st.integers(1, 8))
    out, cost = draw(st.sampled_from(OUTPUT_COST))
    if out == "softmax":
        sizes[-1] = max(sizes[-1], 2)  # a softmax of one output is constant
    g = [*draw(st.lists(st.sampled_from(HIDDEN), min_size=L - 1, max_size=L - 1))]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    W, b = train.init_params(sizes, seed=rng)
    b = [rng.normal(0, 0.5, bl.shape) for bl in b]
    X = rng.normal(size=(sizes[0], m))
    Y = (
        one_hot(rng, sizes[-1], m)
        if out == "softmax"
        else rng.uniform(size=(sizes[-1], m))
    )
    return W, b, X, Y, [*g, out], cost


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_autodiff_equals_minibatch_gradients(net):
    W, b, X, Y, g, cost = net
    dW, db = autodiff_network.gradients(W, b, X, Y, g, cost)
    dW_bp, db_bp = minibatch.gradients(W, b, X, Y, g, cost)
    # every entry to 1e-12 relative to the gradient's scale, its largest
    # entry: entries (or whole parameters) whose gradient cancels to almost
    # nothing have no meaningful relative error of their own
    scale = max(np.abs(d).max() for d in dW_bp + db_bp)
    for ours, theirs in zip(dW + db, dW_bp + db_bp, strict=True):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=EQ_TOL, atol=EQ_TOL * scale)
    # the costs too, each computed from Z^L where the cost allows
    c_ours, c_theirs = (
        autodiff_network.C(W, b, X, Y, g, cost),
        minibatch.C(W, b, X, Y, g, cost),
    )
    np.testing.assert_allclose(c_ours, c_theirs, rtol=1e-10)


def small_graph(rng):
    """A 3-4-2 tanh/sigmoid network as Tensors: (C, leaves, Z^1)."""
    W1, b1 = Tensor(rng.normal(size=(4, 3))), Tensor(rng.normal(size=(4, 1)))
    W2, b2 = Tensor(rng.normal(size=(2, 4))), Tensor(rng.normal(size=(2, 1)))
    X, Y = Tensor(rng.normal(size=(3, 5))), rng.uniform(size=(2, 5))
    Z1 = W1 @ X + b1
    C = autodiff_network.quadratic(
        autodiff_network.sigmoid(W2 @ autodiff_network.tanh(Z1) + b2), Y
    )
    return C, [W1, b1, W2, b2], Z1


def test_gradients_accumulate_over_two_backward_calls(rng):
    C, leaves, Z1 = small_graph(rng)
    C.backward()
    once = [t.grad.copy() for t in [*leaves, Z1]]
    C.backward()  # adds the same gradient again, as in PyTorch
    for t, g1 in zip([*leaves, Z1], once, strict=True):
        np.testing.assert_allclose(t.grad, 2 * g1, rtol=1e-15)
    C.zero_grad()  # resets every node C depends on
    assert all(t.grad is None for t in [*leaves, Z1, C])
    C.backward()
    for t, g1 in zip(leaves, once[:-1], strict=True):
        np.testing.assert_allclose(t.grad, g1, rtol=1e-15)


def test_two_costs_on_shared_leaves_add_up(rng):
    W, x = Tensor(rng.normal(size=(3, 3))), Tensor(rng.normal(size=(3, 2)))
    C1 = autodiff_network.tanh(W @ x).sum()
    C2 = (W * W).mean()
    C1.backward()
    g1 = W.grad.copy()
    W.zero_grad()
    C2.backward()
    g2 = W.grad.copy()
    C1.backward()  # now W.grad = g2 + g1
    np.testing.assert_allclose(W.grad, g1 + g2, rtol=1e-15)


def test_a_shared_weight_matches_finite_differences(rng):
    # the same W and b in two layers: their gradients add at the fork
    X, Y = rng.normal(size=(3, 4)), rng.uniform(size=(3, 4))

    def build(W, b):
        h = autodiff_network.tanh(W @ Tensor(X) + b)
        return autodiff_network.quadratic(autodiff_network.sigmoid(W @ h + b), Y)

    inputs = [rng.normal(size=(3, 3)), rng.normal(size=(3, 1))]
    assert fd_error(build, inputs, rng) < FD_TOL


def test_a_skip_connection_matches_finite_differences(rng):
    # h feeds a layer and skips past it: r = h + tanh(W2 h + b2)
    X, Y = rng.normal(size=(3, 5)), rng.uniform(size=(2, 5))

    def build(W1, b1, W2, b2, W3, b3):
        h = autodiff_network.tanh(W1 @ Tensor(X) + b1)
        r = h + autodiff_network.tanh(W2 @ h + b2)
        return autodiff_network.cross_entropy(W3 @ r + b3, Y)

    shapes = [(4, 3), (4, 1), (4, 4), (4, 1), (2, 4), (2, 1)]
    inputs = [rng.normal(size=s) for s in shapes]
    assert fd_error(build, inputs, rng) < FD_TOL


@pytest.mark.parametrize(
    "build",
    [lambda x: x + x, lambda x: x * x, lambda x: autodiff_network.relu(x) * x],
    ids=["x + x", "x * x", "relu(x) * x"],
)
def test_one_tensor_used_twice_in_one_operation(build, rng):
    assert fd_error(build, [away_from_zero(rng, (3, 2))], rng) < FD_TOL


def test_deep_graph_needs_no_recursion(rng):
    # 5000 nodes, deeper than Python's default recursion limit of 1000
    x = Tensor(np.array([[0.5]]))
    y, a = x, []
    for _ in range(5000):
        y = autodiff_network.tanh(y)
        a.append(y.value[0, 0])
    y.sum().backward()
    expected = np.prod([1 - ak**2 for ak in a])  # chain rule, by hand
    np.testing.assert_allclose(x.grad[0, 0], expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype, rng):
    W, b = train.init_params((3, 4, 2), seed=rng, dtype=dtype)
    X = rng.normal(size=(3, 5)).astype(dtype)
    Y = rng.uniform(size=(2, 5)).astype(dtype)
    C, _, _ = autodiff_network.graph(W, b, X, Y, ["relu", "sigmoid"], "cross_entropy")
    C.backward()
    nodes = C.topological_order()
    assert {t.value.dtype for t in nodes} == {np.dtype(dtype)}
    assert {t.grad.dtype for t in nodes} == {np.dtype(dtype)}
    dW, _ = autodiff_network.gradients(W, b, X, Y, ["relu", "sigmoid"], "cross_entropy")
    dW64, _ = minibatch.gradients(
        [w.astype(np.float64) for w in W],
        [v.astype(np.float64) for v in b],
        X.astype(np.float64),
        Y.astype(np.float64),
        ["relu", "sigmoid"],
        "cross_entropy",
    )
    rtol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(dW[0], dW64[0], rtol=rtol, atol=rtol * 1e-3)


def test_costs_from_z_are_finite_where_a_saturates():
    z = Tensor(np.array([[800.0, -800.0], [30.0, -30.0]]))
    Y = np.array([[0.0, 1.0], [0.0, 1.0]])
    C = autodiff_network.cross_entropy(z, Y)  # ln(1 + e^z) - y z, per entry
    np.testing.assert_allclose(C.value, (800 + 800 + 30 + 30) / 2, rtol=1e-12)
    C.backward()
    np.testing.assert_allclose(z.grad, np.array([[1, -1], [1, -1]]) / 2, rtol=1e-12)
    z = Tensor(np.array([[1000.0, -1000.0], [0.0, 0.0]]))
    C = autodiff_network.softmax_cross_entropy(z, np.array([[0.0, 1.0], [1.0, 0.0]]))
    np.testing.assert_allclose(C.value, (1000 + 1000) / 2, rtol=1e-12)
    C.backward()
    np.testing.assert_allclose(z.grad, np.array([[1, -1], [-1, 1]]) / 2, atol=1e-15)


def test_inputs_are_not_modified(rng):
    W, b = train.init_params((3, 4, 2), seed=rng)
    X, Y = rng.normal(size=(3, 5)), rng.uniform(size=(2, 5))
    before = [p.copy() for p in [*W, *b, X, Y]]
    autodiff_network.gradients(W, b, X, Y, "tanh", "quadratic")
    for p, p0 in zip([*W, *b, X, Y], before, strict=True):
        np.testing.assert_array_equal(p, p0)


def T(*shape, dtype=np.float64):
    return Tensor(np.ones(shape, dtype))


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: T(2, 3) @ T(4, 2), ValueError, r"\(2, 3\) @ \(4, 2\)"),
        (lambda: T(3) @ T(3, 2), ValueError, r"2-D operands"),
        (lambda: T(2, 3) + T(3), ValueError, r"\(2, 3\) and \(3,\).*\(n, 1\)"),
        (lambda: T(2, 3) * T(2, 4), ValueError, r"\(2, 3\) and \(2, 4\)"),
        (lambda: T(2, 2) + T(2, 2, dtype=np.float32), TypeError, "float64 and float32"),
        (
            lambda: T(2, 2) + np.ones((2, 2)),
            TypeError,
            "expected Tensors, got Tensor and ndarray",
        ),
        (lambda: np.ones((2, 2)) @ T(2, 2), TypeError, "unsupported operand"),
        (lambda: autodiff_network.sigmoid(np.ones(2)), TypeError, "expected a Tensor"),
        (lambda: T(2, 2).backward(), ValueError, r"scalar.*shape \(2, 2\)"),
        (lambda: (T(2, 2) @ T(2, 1)).backward(), ValueError, r"shape \(2, 1\)"),
        (
            lambda: Tensor(np.arange(3)),
            TypeError,
            "float32 or float64 values, not int64",
        ),
        (lambda: Tensor([True]), TypeError, "not bool"),
        (lambda: Tensor(np.ones(2, complex)), TypeError, "not complex128"),
        (lambda: Tensor("x"), TypeError, "float32 or float64"),
        (
            lambda: autodiff_network.quadratic(T(2, 3), np.ones((3, 2))),
            ValueError,
            r"Y of shape \(3, 2\) for outputs of shape \(2, 3\)",
        ),
        (
            lambda: autodiff_network.cross_entropy(
                T(2, 3), np.ones((2, 3), np.float32)
            ),
            TypeError,
            "Y is float32 but the outputs are float64",
        ),
    ],
)
def test_bad_input_is_a_clear_error(make, error, match):
    with pytest.raises(error, match=match):
        make()


# a user-built Activation: minibatch accepts it, autodiff has no node for it
SWISH = Activation("swish", lambda z: z / (1 + np.exp(-z)), lambda z, a: 1.0)


@pytest.mark.parametrize(
    ("g", "cost", "b_shape", "match"),
    [
        (["tanh", "softmax"], "cross_entropy", (2, 1), "'cross_entropy'$"),
        ("sigmoid", "categorical_cross_entropy", (2, 1), "'categorical_cross"),
        ("tanh", "cross_entropy", (2, 1), "layer 2: cross_entropy needs outputs"),
        ("swish", "quadratic", (2, 1), "unknown activation 'swish'"),
        (SWISH, "quadratic", (2, 1), r"got activations \['swish', 'swish'\]"),
        ("tanh", "quadratic", (2,), r"layer 2: b\^2 has shape \(2,\)"),
    ],
)
def test_bad_network_is_a_clear_error(g, cost, b_shape, match, rng):
    W, b = train.init_params((3, 4, 2), seed=rng)
    b[1] = np.zeros(b_shape)
    X, Y = rng.normal(size=(3, 5)), one_hot(rng, 2, 5)
    with pytest.raises(ValueError, match=match):
        autodiff_network.graph(W, b, X, Y, g, cost)
