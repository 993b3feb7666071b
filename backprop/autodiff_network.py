"""The minibatch network as a graph of autodiff Tensors (chapter 9).

The network's own operations, each with its vjp next to its forward step:
the activations g (entrywise, any shape; softmax per column) and the costs
(the mean over m columns). :func:`graph` builds chapter 6's network from
them and the ``@`` and ``+`` of :class:`backprop.autodiff.Tensor`;
:func:`gradients` returns the same dC/dW^l, dC/db^l as
:func:`backprop.minibatch.gradients`.
"""

from __future__ import annotations

import numpy as np

from ._checks import prepare
from .activations import sigmoid as _sigmoid
from .activations import softmax as _softmax
from .autodiff import Tensor

__all__ = ["C", "cross_entropy", "gradients", "graph", "quadratic", "relu"]
__all__ += ["sigmoid", "softmax", "softmax_cross_entropy", "tanh"]


def _value(op, z):
    if not isinstance(z, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(z).__name__}")
    return z.value


def sigmoid(z):
    """a = 1 / (1 + e^{-z}) entrywise, z of any shape; vjp G * a (1 - a)."""
    a = _sigmoid(_value("sigmoid", z))
    return Tensor(a, (z,), lambda G: (G * a * (1 - a),))


def tanh(z):
    """a = tanh z entrywise, z of any shape; vjp G * (1 - a^2)."""
    a = np.tanh(_value("tanh", z))
    return Tensor(a, (z,), lambda G: (G * (1 - a * a),))


def relu(z):
    """a = max(z, 0) entrywise: the max routes G to z where z > 0, else to 0."""
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
    """C = (1/m) sum_j 1/2 ||a^(j) - y^(j)||^2 over the m columns of A^L.

    a is A^L and Y the targets, both (n_L, m); dC/da = (a - Y) / m.
    """
    x, Y, m = _targets("quadratic", a, Y)
    r = x - Y
    return Tensor((r * r).sum() / (2 * m), (a,), lambda G: (G * r / m,))


def cross_entropy(z, Y):
    """Binary cross-entropy of a = sigmoid(z), from Z^L (n_L, m)::

        C = -(1/m) sum [y ln a + (1 - y) ln(1 - a)],   dC/dz = (a - Y) / m

    ln a and ln(1 - a) = ln sigmoid(-z) come from z: finite for every z.
    """
    x, Y, m = _targets("cross_entropy", z, Y)
    C = -(Y * _sigmoid.log(x) + (1 - Y) * _sigmoid.log(-x)).sum() / m
    return Tensor(C, (z,), lambda G: (G * (_sigmoid(x) - Y) / m,))


def softmax_cross_entropy(z, Y):
    """Categorical cross-entropy of a = softmax(z), from Z^L (n_L, m)::

        C = -(1/m) sum y ln a,   dC/dz = (a sum_i y_i - Y) / m

    that is (a - Y) / m for one-hot Y; ln a comes from z: finite for every z.
    """
    x, Y, m = _targets("softmax_cross_entropy", z, Y)
    C = -(Y * _softmax.log(x)).sum() / m
    y_sum = Y.sum(axis=0, keepdims=True)  # sum_i y_i: 1 for one-hot columns
    return Tensor(C, (z,), lambda G: (G * (_softmax(x) * y_sum - Y) / m,))


_G = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "softmax": softmax}
_FROM_Z = {  # (g^L, cost): the cost computed from Z^L
    ("sigmoid", "cross_entropy"): cross_entropy,
    ("softmax", "categorical_cross_entropy"): softmax_cross_entropy,
}


def graph(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """The computational graph of the minibatch network, up to its cost C.

    Z^l = W^l A^{l-1} + b^l, A^l = g^l(Z^l) for l = 1..L with A^0 = X, then
    C = quadratic(A^L, Y); or C from Z^L: ``"cross_entropy"`` after a
    sigmoid, ``"categorical_cross_entropy"`` after a softmax (chapter 7).

    Parameters
    ----------
    W, b, X, Y, g, cost
        As in :func:`backprop.minibatch.gradients`, checked the same way:
        ``W[l-1]`` (n_l, n_{l-1}), ``b[l-1]`` (n_l, 1), X (n_0, m), Y (n_L, m).

    Returns
    -------
    C : Tensor, shape ()
        The mean cost over the m samples.
    W, b : lists of L Tensors
        The leaves: after ``C.backward()``, ``W[l-1].grad`` is dC/dW^l and
        ``b[l-1].grad`` is dC/db^l.
    """
    W, b, X, Y, gs, cost = prepare(W, b, X, Y, g, cost)
    names, cost = [gl.name for gl in gs], cost.name
    fused = _FROM_Z.get((names[-1], cost))
    if not set(names) <= set(_G) or not (fused or cost == "quadratic"):
        raise ValueError(
            f"autodiff builds {sorted(_G)} with 'quadratic', 'sigmoid' with "
            "'cross_entropy', 'softmax' with 'categorical_cross_entropy'; "
            f"got activations {names} with {cost!r}"
        )
    W, b = [Tensor(Wl) for Wl in W], [Tensor(bl) for bl in b]
    A = Tensor(X)  # A^0
    for l, (Wl, bl, name) in enumerate(zip(W, b, names, strict=True), start=1):
        Z = Wl @ A + bl  # Z^l = W^l A^{l-1} + b^l: (n_l, m)
        if l == len(W) and fused:
            return fused(Z, Y), W, b  # C from Z^L
        A = _G[name](Z)  # A^l = g^l(Z^l)
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
