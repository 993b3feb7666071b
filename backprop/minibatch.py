"""Step 6: m samples at once, as the columns of A^0 = X (chapter 6).

The forward pass and the recursion for the errors are the one-sample
equations with matrices in place of columns: Z^l and A^l are (n_l, m), and
column j of Delta^l is delta^l of sample j::

    Z^l = W^l A^{l-1} + b^l,   A^l = g^l(Z^l)
    Delta^L = grad C(A^L) * g^L'(Z^L)
    Delta^l = (W^{l+1})^T Delta^{l+1} * g^l'(Z^l)

The cost is the mean of the per-sample costs, so its gradients are the
means of the per-sample gradients::

    dC/dW^l = (1/m) Delta^l (A^{l-1})^T    (the product sums over samples)
    dC/db^l = (1/m) sum_j Delta^l[:, j]    (the mean of the columns)
"""

from __future__ import annotations

import numpy as np

from . import _checks
from .matrix import deltas, propagate

__all__ = ["C", "forward", "gradients", "gradients_unchecked"]


def forward(W, b, X, g="sigmoid"):
    """Forward pass of m samples through L layers.

    Parameters
    ----------
    W : sequence of L arrays
        ``W[l-1]`` is W^l, shape (n_l, n_{l-1}).
    b : sequence of L arrays
        ``b[l-1]`` is b^l, shape (n_l, 1).
    X : array, shape (n_0, m)
        The samples as columns, A^0.
    g : str, Activation, or sequence of L of them
        The activation of every layer, or g^l per layer.

    Returns
    -------
    Z : list of L arrays
        ``Z[l-1]`` is Z^l, shape (n_l, m).
    A : list of L + 1 arrays
        ``A[l]`` is A^l, shape (n_l, m); ``A[0]`` is X.
    """
    W, b, X, _ = _checks.network(W, b, X)
    return propagate(W, b, X, _checks.activations_for(W, g))


def C(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """The mean cost over the m samples, (1/m) sum_j C(a^L(j), y(j))."""
    W, b, X, Y = _checks.network(W, b, X, Y)
    gs = _checks.activations_for(W, g)
    cost = _checks.cost_for(cost, Y, gs[-1], len(W))
    _, A = propagate(W, b, X, gs)
    return cost.C(A[-1], Y).mean()


def gradients(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """Gradients of the mean cost over a minibatch, vectorized.

    Equations (chapter 6)::

        Delta^L = grad C(A^L) * g^L'(Z^L)
        Delta^l = (W^{l+1})^T Delta^{l+1} * g^l'(Z^l)
        dC/dW^l = (1/m) Delta^l (A^{l-1})^T
        dC/db^l = (1/m) sum_j Delta^l[:, j]

    Parameters
    ----------
    W, b, X, g
        As in :func:`forward`.
    Y : array, shape (n_L, m)
        Targets as columns.
    cost : str or Cost
        ``"quadratic"``, ``"cross_entropy"`` or ``"categorical_cross_entropy"``.

    Returns
    -------
    dW, db : lists of L arrays
        Shaped like W and b, averaged over the m samples. The inputs are
        not modified. float32 inputs give float32 gradients.
    """
    W, b, X, Y = _checks.network(W, b, X, Y)
    gs = _checks.activations_for(W, g)
    cost = _checks.cost_for(cost, Y, gs[-1], len(W))
    return gradients_unchecked(W, b, X, Y, gs, cost)


def gradients_unchecked(W, b, X, Y, gs, cost, *, scale=1.0, out=None):
    """:func:`gradients` for inputs that were already checked.

    ``gs`` is the list of L :class:`~backprop.activations.Activation`
    objects and ``cost`` a :class:`~backprop.costs.Cost`. The training loop
    checks its inputs once and then calls this for every minibatch, with
    ``scale = -eta`` and ``out = (dW, db)``, arrays shaped like W and b that
    it reuses, so that a step allocates no parameter-sized arrays. It
    computes, for c = scale / m::

        dW^l = (c Delta^l) (A^{l-1})^T = scale dC/dW^l
        db^l = sum_j (c Delta^l)[:, j]  = scale dC/db^l

    The factor c is applied to Delta^l (n_l x m), the smaller operand, not
    to the product (n_l x n_{l-1}). Returns (dW, db), new arrays unless
    ``out`` is given.
    """
    Z, A = propagate(W, b, X, gs)
    Delta = deltas(W, Z, A, Y, gs, cost)  # new arrays, ours to scale
    c = float(scale) / X.shape[1]  # a Python float: float32 stays float32
    L = len(W)
    dW, db = out if out is not None else ([None] * L, [None] * L)
    for l, (D, A_prev) in enumerate(zip(Delta, A[:-1], strict=True)):
        D *= c
        dW[l] = np.matmul(D, A_prev.T, out=dW[l])  # (n_l, m) @ (m, n_{l-1})
        db[l] = np.sum(D, axis=1, keepdims=True, out=db[l])  # (n_l, 1)
    return dW, db
