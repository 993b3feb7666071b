"""Reverse-mode automatic differentiation on numpy arrays (chapter 9).

A :class:`Tensor` is a node of a computational graph: a value, the parents
it was computed from and a vjp, the vector-Jacobian product that maps
G = dC/d(value) to dC/d(parent) for each parent. Each operation (``@``,
``+``, ``*``, ``sum``, ``mean``) defines its vjp next to its forward step;
:meth:`Tensor.backward` applies the vjps in reverse topological order, so
that gradients add up at forks before they move on. Nothing here is
specific to networks: :mod:`backprop.autodiff_network` adds activations,
costs and the network's graph.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Tensor"]


class Tensor:
    """A node of the graph: a value, its parents, its vjp and its gradient.

    Parameters
    ----------
    value : array_like of float32 or float64
        Any shape, e.g. W^l (n_l, n_{l-1}) or A^l (n_l, m); not copied.
    parents : tuple of Tensor
        The inputs of the operation that computed ``value``; () for a leaf.
    vjp : callable, optional
        ``vjp(G)`` maps G = dC/d(value), shaped like ``value``, to a tuple
        of dC/d(parent), one per parent, each shaped like its parent.

    Attributes
    ----------
    grad : numpy.ndarray or None
        dC/d(value), shaped like ``value``, added by :meth:`backward`; it
        accumulates over calls, as in PyTorch, until :meth:`zero_grad`.
    """

    __array_ufunc__ = None  # ndarray @ Tensor: a TypeError, not object arrays

    def __init__(self, value, parents=(), vjp=None):
        self.value = np.asarray(value)
        if self.value.dtype not in (np.float32, np.float64):
            raise TypeError(
                "a Tensor holds float32 or float64 values, not "
                f"{self.value.dtype.name}; convert, e.g. x.astype(np.float64)"
            )
        self.parents, self.vjp, self.grad = tuple(parents), vjp, None

    shape = property(lambda self: self.value.shape)

    def __matmul__(self, other):
        """Matrix product, e.g. W A: (n, k) @ (k, m) -> (n, m)."""
        A, B = _values("matmul", self, other)
        if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
            raise ValueError(
                f"matmul: cannot multiply shapes {A.shape} @ {B.shape}; "
                "need 2-D operands (n, k) @ (k, m)"
            )
        # multiply swaps the inputs: dC/dA = G B^T, dC/dB = A^T G
        return Tensor(A @ B, (self, other), lambda G: (G @ B.T, A.T @ G))

    def __add__(self, other):
        """Entrywise sum, broadcasting axes of length 1: W A + b, b (n, 1)."""
        A, B = _values("add", self, other, broadcast=True)

        def vjp(G):  # add hands G to both inputs; a broadcast input sums it
            return _sum_to(G, A), _sum_to(G, B)

        return Tensor(A + B, (self, other), vjp)

    def __mul__(self, other):
        """Entrywise product, broadcasting axes of length 1."""
        A, B = _values("mul", self, other, broadcast=True)

        def vjp(G):  # multiply swaps the inputs: G * B for A, G * A for B
            return _sum_to(G * B, A), _sum_to(G * A, B)

        return Tensor(A * B, (self, other), vjp)

    def sum(self):
        """The sum of all entries, shape (); its vjp copies G to every entry."""
        x = self.value
        return Tensor(x.sum(), (self,), lambda G: (np.full_like(x, G),))

    def mean(self):
        """The mean of all entries, shape (); its vjp spreads G / size."""
        x, n = self.value, self.value.size
        return Tensor(x.mean(), (self,), lambda G: (np.full_like(x, G / n),))

    def backward(self):
        """Add dC/dx to ``x.grad`` for this scalar C and every x it depends on.

        Seeds dC/dC = 1, then visits the nodes in reverse topological order,
        so each node's G is complete before its vjp hands it on.
        """
        if self.shape != ():
            raise ValueError(
                f"backward() needs a scalar, shape (), not shape {self.shape}"
                "; reduce it first, e.g. with .sum() or .mean()"
            )
        G = {self: np.ones_like(self.value)}  # dC/d(node), this call only
        for node in reversed(self.topological_order()):
            g = G.pop(node)  # complete: every consumer came before
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
            if parent is None:  # all its parents are in order: the node next
                order.append(stack.pop()[0])
            else:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
        return order


def _values(op, x, y, broadcast=False):
    """The values of two Tensors of one dtype, checked (shapes that fit)."""
    if not (isinstance(x, Tensor) and isinstance(y, Tensor)):
        raise TypeError(
            f"{op}: expected Tensors, got {type(x).__name__} and "
            f"{type(y).__name__}; wrap arrays in Tensor(...)"
        )
    A, B = x.value, y.value
    if A.dtype != B.dtype:
        raise TypeError(f"{op}: operands are {A.dtype} and {B.dtype}; use one")
    lengths = zip(A.shape, B.shape, strict=False)  # used if A.ndim == B.ndim
    if broadcast and (
        A.ndim != B.ndim or any(p != q and 1 not in (p, q) for p, q in lengths)
    ):
        raise ValueError(
            f"{op}: shapes {A.shape} and {B.shape} do not broadcast: they need "
            "as many axes, each of equal length or 1 (a bias is (n, 1))"
        )
    return A, B


def _sum_to(G, x):
    """G summed over the axes along which x (length 1) was broadcast."""
    axes = tuple(i for i, n in enumerate(x.shape) if n == 1 and G.shape[i] != 1)
    return G.sum(axis=axes, keepdims=True) if axes else G
