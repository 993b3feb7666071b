"""Step 6: m samples at once, as the columns of A^0 = X (chapter 6).

The forward pass and the recursion for the errors are the one-sample
equations with matrices in place of columns: Z^l and A^l are (n_l, m), and
column j of Delta^l is delta^l of sample j::

    Z^l = W^l A^{l-1} + b^l,   A^l = g^l(Z^l)
    Delta^L = grad C(A^L) * g^L'(Z^L)
    Delta^l = ((W^{l+1})^T Delta^{l+1}) * g^l'(Z^l)

The cost is the mean of the per-sample costs, so its gradients are the
means of the per-sample gradients::

    dC/dW^l = (1/m) Delta^l (A^{l-1})^T    (the product sums over samples)
    dC/db^l = (1/m) sum_j Delta^l[:, j]    (the mean of the columns)

Lists are indexed as the package docstring says: ``W[l-1]`` is W^l,
``A[l]`` is A^l.
"""

from __future__ import annotations

from ._checks import prepare
from .matrix import deltas, propagate

__all__ = ["C", "backprop", "forward", "gradients"]


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
    W, b, X, _, g, _ = prepare(W, b, X, g=g)
    return propagate(W, b, X, g)


def C(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """The mean cost over the m samples, (1/m) sum_j C(a^L(j), y(j)).

    Parameters
    ----------
    W, b, X, g
        As in :func:`forward`: X has shape (n_0, m).
    Y : array, shape (n_L, m)
        Targets as columns.
    cost : str or Cost
        ``"quadratic"``, ``"cross_entropy"`` or ``"categorical_cross_entropy"``.

    Returns
    -------
    float
        The mean cost, in the parameters' dtype, computed from Z^L where the
        cost can (exact for any z).
    """
    W, b, X, Y, g, cost = prepare(W, b, X, Y, g, cost)
    Z, A = propagate(W, b, X, g)
    return cost.C(A[-1], Y, Z[-1], g[-1]).mean()


def gradients(W, b, X, Y, g="sigmoid", cost="quadratic"):
    """Gradients of the mean cost over a minibatch, vectorized.

    Checks the input, then computes :func:`backprop`.

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
    W, b, X, Y, g, cost = prepare(W, b, X, Y, g, cost)
    return backprop(W, b, X, Y, g, cost)


def backprop(W, b, X, Y, g, cost):
    """The equations of chapter 6, for input that is already checked.

    Equations (chapter 6)::

        Delta^L = grad C(A^L) * g^L'(Z^L)
        Delta^l = ((W^{l+1})^T Delta^{l+1}) * g^l'(Z^l)
        dC/dW^l = (1/m) Delta^l (A^{l-1})^T
        dC/db^l = (1/m) sum_j Delta^l[:, j]

    :func:`gradients` calls it after checking its input, and so does
    :func:`backprop.train.sgd`, once per minibatch. Call it directly
    only with what those checks guarantee: W, b, X, Y arrays of one float
    dtype and matching shapes, ``g`` a list of L Activation objects (e.g.
    ``[activations.tanh, activations.softmax]``) and ``cost`` a Cost object
    (e.g. ``costs.COSTS["quadratic"]``). It then costs no checks at all.

    Returns
    -------
    dW, db : lists of L arrays
        As :func:`gradients`: ``dW[l-1]`` is dC/dW^l, ``db[l-1]`` dC/db^l.
    """
    L, m = len(W), X.shape[1]
    Z, A = propagate(W, b, X, g)  # Z^l, A^l: (n_l, m)
    Delta = deltas(W, Z, A, Y, g, cost)  # Delta^l: (n_l, m)
    # (1/m) Delta^l (A^{l-1})^T, and the mean of the columns of Delta^l
    dW = [Delta[l - 1] @ A[l - 1].T / m for l in range(1, L + 1)]
    db = [Delta[l - 1].sum(axis=1, keepdims=True) / m for l in range(1, L + 1)]
    return dW, db
