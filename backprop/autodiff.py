"""Reverse-mode automatic differentiation on numpy arrays (chapter 9).

A :class:`Tensor` is a node of a computational graph: a value, the gradient
dC/d(value) that :meth:`Tensor.backward` fills in, the parents the value was
computed from, and a local vector-Jacobian product (vjp) that maps
G = dC/d(value) to J^T G = dC/d(parent) for each parent, J being the
Jacobian of that one operation. Each operation defines its vjp next to its
forward step. backward() visits the nodes in reverse topological order, so
a node's gradient is complete, the contributions of all its consumers added
up (gradients add at forks), before it is handed on to its parents.

:func:`graph` builds chapter 6's minibatch network from these operations;
:func:`gradients` returns the same dC/dW^l, dC/db^l as
:func:`backprop.minibatch.gradients`.
"""

from __future__ import annotations

import numpy as np

from ._checks import prepare
from .activations import sigmoid as _sigmoid
from .activations import softmax as _softmax

__all__ = [
    "C",
    "Tensor",
    "cross_entropy",
    "gradients",
    "graph",
    "quadratic",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "tanh",
]


class Tensor:
    """A value of the graph with its gradient, its parents and its vjp.

    Parameters
    ----------
    value : array_like of float32 or float64
        Any shape; not copied, never modified.
    parents : tuple of Tensor
        The inputs of the operation that computed ``value`` (none: a leaf).
    vjp : callable, optional
        ``vjp(G)`` returns dC/d(parent) for each parent, shaped like it,
        given G = dC/d(value), shaped like ``value``.

    Attributes
    ----------
    grad : numpy.ndarray or None
        dC/d(value), shaped like ``value``; None until :meth:`backward`
        reaches the node. Gradients accumulate: a second backward() adds
        to ``grad``, as in PyTorch; :meth:`zero_grad` resets them.
    """

    __array_ufunc__ = None  # ndarray @ Tensor: a TypeError, not object arrays

    def __init__(self, value, parents=(), vjp=None):
        value = np.asarray(value)
        if value.dtype not in (np.float32, np.float64):
            raise TypeError(
                "a Tensor holds float32 or float64 values, not "
                f"{value.dtype.name}; convert first, e.g. x.astype(np.float64)"
            )
        self.value, self.parents, self.vjp = value, tuple(parents), vjp
        self.grad = None

    shape = property(lambda self: self.value.shape)
    dtype = property(lambda self: self.value.dtype)

    def __repr__(self):
        return f"Tensor(shape={self.shape}, dtype={self.dtype.name})"

    def __matmul__(self, other):
        """Matrix product, e.g. W A: (n, k) @ (k, m) -> (n, m)."""
        A, B = _operands("matmul", self, other)
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise ValueError(
                f"matmul: cannot multiply shapes {A.shape} @ {B.shape}; "
                "need 2-D operands (n, k) @ (k, m)"
            )
        # multiply swaps the inputs: dC/dA = G B^T, dC/dB = A^T G
        return Tensor(A @ B, (self, other), lambda G: (G @ B.T, A.T @ G))

    def __add__(self, other):
        """Elementwise sum with broadcasting, e.g. W A + b with b (n, 1)."""
        A, B = _operands("add", self, other, broadcast=True)

        def vjp(G):  # add hands G to both inputs; a broadcast input sums it
            return _unbroadcast(G, A.shape), _unbroadcast(G, B.shape)

        return Tensor(A + B, (self, other), vjp)

    def __mul__(self, other):
        """Elementwise product with broadcasting."""
        A, B = _operands("mul", self, other, broadcast=True)

        def vjp(G):  # multiply swaps the inputs: G * B for A, G * A for B
            return _unbroadcast(G * B, A.shape), _unbroadcast(G * A, B.shape)

        return Tensor(A * B, (self, other), vjp)

    def sum(self):
        """The sum of all entries, shape (); its vjp copies G to each entry."""
        x = self.value
        return Tensor(x.sum(), (self,), lambda G: (G * np.ones_like(x),))

    def mean(self):
        """The mean of all entries, shape (); its vjp spreads G / size."""
        x, n = self.value, self.value.size
        return Tensor(x.mean(), (self,), lambda G: (G / n * np.ones_like(x),))

    def backward(self):
        """Add dC/dx to ``x.grad`` for this C and every node x it depends on.

        Seeds dC/dC = 1, walks the nodes in reverse topological order, hands
        each node's complete G to its vjp and adds the results up at the
        parents. C must be a scalar, shape ().
        """
        if self.shape != ():
            raise ValueError(
                f"backward() needs a scalar, shape (), not shape {self.shape}"
                "; reduce it first, e.g. with .sum() or .mean()"
            )
        G = {self: np.ones_like(self.value)}  # dC/d(node), this pass only
        for node in reversed(self.topological_order()):
            g = G.pop(node)  # complete: all consumers came before
            node.grad = g if node.grad is None else node.grad + g
            if node.vjp is None:
                continue  # a leaf
            for parent, dp in zip(node.parents, node.vjp(g), strict=True):
                G[parent] = G[parent] + dp if parent in G else dp  # forks add

    def zero_grad(self):
        """Set ``grad`` to None here and on every node this one depends on."""
        for node in self.topological_order():
            node.grad = None

    def topological_order(self):
        """This node and every node it depends on, each after its parents."""
        order, seen, stack = [], {self}, [(self, iter(self.parents))]
        while stack:  # depth-first with an explicit stack: no recursion
            parent = next((p for p in stack[-1][1] if p not in seen), None)
            if parent is None:  # every parent is in order: the node follows
                order.append(stack.pop()[0])
            else:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
        return order


def _operands(op, x, y, broadcast=False):
    """The values of two Tensors; checks their type, dtype and shapes."""
    if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
        raise TypeError(
            f"{op}: both operands must be Tensors, got {type(x).__name__} "
            f"and {type(y).__name__}; wrap arrays in Tensor(...)"
        )
    A, B = x.value, y.value
    if A.dtype != B.dtype:
        raise TypeError(f"{op}: operands are {A.dtype} and {B.dtype}; use one")
    pairs = zip(A.shape, B.shape, strict=False)
    if broadcast and not (
        A.ndim == B.ndim and all(p == q or 1 in (p, q) for p, q in pairs)
    ):
        raise ValueError(
            f"{op}: shapes {A.shape} and {B.shape} do not broadcast: they need "
            "as many axes, each of equal length or 1 (a bias is (n, 1))"
        )
    return A, B


def _unbroadcast(G, shape):
    """Sum G over the axes that broadcasting stretched, back to ``shape``."""
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and G.shape[i] != 1)
    return G.sum(axis=axes, keepdims=True) if axes else G


def _value(op, z):
    if not isinstance(z, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(z).__name__}")
    return z.value


def sigmoid(z):
    """a = 1 / (1 + e^{-z}) elementwise; local derivative a (1 - a)."""
    a = _sigmoid(_value("sigmoid", z))
    return Tensor(a, (z,), lambda G: (G * a * (1 - a),))


def tanh(z):
    """a = tanh z elementwise; local derivative 1 - a^2."""
    a = np.tanh(_value("tanh", z))
    return Tensor(a, (z,), lambda G: (G * (1 - a * a),))


def relu(z):
    """a = max(z, 0): the max routes G to z where z > 0, else to the 0."""
    x = _value("relu", z)
    return Tensor(np.maximum(x, 0), (z,), lambda G: (G * (x > 0),))


def softmax(z):
    """Softmax of each column of z (n, m); vjp a * (G - sum_i a_i G_i)."""
    a = _softmax(_value("softmax", z))
    return Tensor(a, (z,), lambda G: (a * (G - (a * G).sum(0, keepdims=True)),))


def _targets(op, z, Y):
    """z's value, Y checked against it (same shape (n_L, m), dtype), m."""
    x, Y = _value(op, z), np.asarray(Y)
    if x.ndim != 2 or Y.shape != x.shape:
        raise ValueError(
            f"{op}: targets Y of shape {Y.shape} for outputs of shape "
            f"{x.shape}; both must be (n_L, m), samples as columns"
        )
    if Y.dtype != x.dtype:
        raise TypeError(f"{op}: Y is {Y.dtype} but the outputs are {x.dtype}")
    return x, Y, x.shape[1]


def quadratic(a, Y):
    """C = (1/m) sum_j 1/2 ||a_j - y_j||^2 over the columns; dC/da = (a-Y)/m."""
    x, Y, m = _targets("quadratic", a, Y)
    r = x - Y
    return Tensor((r * r).sum() / (2 * m), (a,), lambda G: (G * r / m,))


def cross_entropy(z, Y):
    """Binary cross-entropy of a = sigmoid(z), computed from z.

    ln(1 + e^z) is computed as max(z, 0) + ln(1 + e^{-abs(z)}), which is
    finite for every z::

        C = -(1/m) sum [y ln a + (1 - y) ln(1 - a)]
          = (1/m) sum [ln(1 + e^z) - y z]
        dC/dz = (a - Y) / m
    """
    x, Y, m = _targets("cross_entropy", z, Y)
    softplus = np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))
    C = (softplus - Y * x).sum() / m
    return Tensor(C, (z,), lambda G: (G * (_sigmoid(x) - Y) / m,))


def softmax_cross_entropy(z, Y):
    """Categorical cross-entropy of a = softmax(z), computed from z.

    C = -(1/m) sum y ln a, where ln a = s - ln sum_i e^{s_i} with s = z minus
    its column maximum (no overflow). dC/dz = (a sum_i y_i - Y) / m, that is
    (a - Y) / m for one-hot columns of Y.
    """
    x, Y, m = _targets("softmax_cross_entropy", z, Y)
    s = x - x.max(axis=0, keepdims=True)
    log_a = s - np.log(np.exp(s).sum(axis=0, keepdims=True))

    def vjp(G):
        return (G * (_softmax(x) * Y.sum(axis=0, keepdims=True) - Y) / m,)

    return Tensor(-(Y * log_a).sum() / m, (z,), vjp)


# the operations by name: g^l, and the cost that a cross-entropy fuses with g^L
_ACT = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "softmax": softmax}
_FROM_Z = {  # cost: (g^L, the cost computed from Z^L)
    "cross_entropy": ("sigmoid", cross_entropy),
    "categorical_cross_entropy": ("softmax", softmax_cross_entropy),
}


def graph(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """The computational graph of the minibatch network, up to its cost C.

    Z^l = W^l A^{l-1} + b^l and A^l = g^l(Z^l) for l = 1..L, A^0 = X, then
    C = quadratic(A^L, Y); or C from Z^L, for ``"cross_entropy"`` after a
    sigmoid and ``"categorical_cross_entropy"`` after a softmax (chapter 7).

    Parameters
    ----------
    W, b, X, Y, g, cost
        As in :func:`backprop.minibatch.gradients` and checked the same way:
        ``W[l-1]`` (n_l, n_{l-1}), ``b[l-1]`` (n_l, 1), X (n_0, m), Y (n_L, m).

    Returns
    -------
    C : Tensor, shape ()
        The mean cost over the m samples.
    W, b : lists of L Tensors
        The leaves holding W^l and b^l: after ``C.backward()``,
        ``W[l-1].grad`` is dC/dW^l and ``b[l-1].grad`` is dC/db^l.
    """
    W, b, X, Y, gs, cost = prepare(W, b, X, Y, g, cost)
    names, cost = [gl.name for gl in gs], cost.name
    fused = _FROM_Z.get(cost)
    if not set(names) <= set(_ACT) or not (
        cost == "quadratic" or (fused and fused[0] == names[-1])
    ):
        raise ValueError(
            f"autodiff builds {sorted(_ACT)} with 'quadratic', 'sigmoid' with "
            "'cross_entropy', 'softmax' with 'categorical_cross_entropy'; "
            f"got activations {names} with {cost!r}"
        )
    W, b = [Tensor(Wl) for Wl in W], [Tensor(bl) for bl in b]
    A = Tensor(X)  # A^0
    for l, (Wl, bl, name) in enumerate(zip(W, b, names, strict=True), start=1):
        Z = Wl @ A + bl  # Z^l = W^l A^{l-1} + b^l: (n_l, m)
        if l == len(W) and fused:
            return fused[1](Z, Y), W, b  # C from Z^L
        A = _ACT[name](Z)  # A^l = g^l(Z^l)
    return quadratic(A, Y), W, b


def C(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """The mean cost over the m samples, a 0-d array (see :func:`graph`)."""
    return graph(W, b, X, Y, g, cost)[0].value


def gradients(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """dC/dW^l and dC/db^l by reverse-mode autodiff: graph, backward, read.

    Arguments as in :func:`graph`. Returns (dW, db), lists shaped like W
    and b, equal to :func:`backprop.minibatch.gradients` up to round-off.
    """
    C, W, b = graph(W, b, X, Y, g, cost)
    C.backward()
    return [Wl.grad for Wl in W], [bl.grad for bl in b]
