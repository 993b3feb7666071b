"""Step 4: many neurons per layer, one sample as a column (chapter 4).

Shapes are fixed once: a^l and z^l are (n_l, 1), W^l is (n_l, n_{l-1}) and
b^l is (n_l, 1). Forward pass, with a^0 = x::

    z^l = W^l a^{l-1} + b^l,   a^l = g^l(z^l)

Backward pass, from the multivariate chain rule::

    delta^L = grad C(a^L) * g^L'(z^L)
    delta^l = ((W^{l+1})^T delta^{l+1}) * g^l'(z^l)
    dC/dW^l = delta^l (a^{l-1})^T,   dC/db^l = delta^l

(* is the elementwise product.) Lists are indexed as the package docstring
says: ``W[l-1]`` is W^l, ``a[l]`` is a^l.
"""

from __future__ import annotations

from ._checks import prepare

__all__ = ["C", "deltas", "forward", "gradients", "propagate"]


def propagate(W, b, x, g):
    """The forward loop, for inputs that :func:`forward` has checked.

    ``g`` is a list of L Activations. The same code serves one column x or
    m columns X (chapter 6), because ``W @ A + b`` adds b^l to every
    column. Returns (z, a) as :func:`forward`.
    """
    z, a = [], [x]
    for l in range(1, len(W) + 1):
        z.append(W[l - 1] @ a[l - 1] + b[l - 1])  # z^l: (n_l, m)
        a.append(g[l - 1](z[l - 1]))  # a^l = g^l(z^l)
    return z, a


def deltas(W, z, a, y, g, cost):
    """The backward recursion: every layer's error delta^l = dC/dz^l.

    Equations (chapter 4)::

        delta^L = J_{g^L}(z^L)^T grad C(a^L)    (= grad C * g^L'(z^L))
        delta^l = ((W^{l+1})^T delta^{l+1}) * g^l'(z^l)

    ``z``, ``a`` come from :func:`propagate`, ``g`` is the list of L
    Activations and ``cost`` a Cost. Column j of each delta^l belongs to
    sample j, so the same code serves the minibatch module. Returns a list
    of L arrays, ``delta[l-1]`` of shape (n_l, m).
    """
    L = len(W)
    delta = [None] * L
    delta[L - 1] = cost.delta(z[L - 1], a[L], y, g[L - 1])
    for l in range(L - 1, 0, -1):  # l = L-1, ..., 1
        back = W[l].T @ delta[l]  # (W^{l+1})^T delta^{l+1}: (n_l, m)
        delta[l - 1] = g[l - 1].delta(z[l - 1], a[l], back)
    return delta


def forward(W, b, x, g="sigmoid"):
    """Forward pass of one sample through L layers.

    Parameters
    ----------
    W : sequence of L arrays
        ``W[l-1]`` is W^l, shape (n_l, n_{l-1}).
    b : sequence of L arrays
        ``b[l-1]`` is b^l, shape (n_l, 1).
    x : array, shape (n_0, 1)
        One sample as a column.
    g : str, Activation, or sequence of L of them
        The activation of every layer, or g^l per layer.

    Returns
    -------
    z : list of L arrays
        ``z[l-1]`` is z^l, shape (n_l, 1).
    a : list of L + 1 arrays
        ``a[l]`` is a^l, shape (n_l, 1); ``a[0]`` is x.
    """
    W, b, x, _, g, _ = prepare(W, b, x, g=g, one_sample=True)
    return propagate(W, b, x, g)


def C(W, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a^L, y) of one sample.

    Parameters
    ----------
    W, b, x, g
        As in :func:`forward`: x has shape (n_0, 1).
    y : array, shape (n_L, 1)
        The target.
    cost : str or Cost
        ``"quadratic"``, ``"cross_entropy"`` or ``"categorical_cross_entropy"``.

    Returns
    -------
    float
        C(a^L, y), computed from z^L where the cost can (exact for any z).
    """
    W, b, x, y, g, cost = prepare(W, b, x, y, g, cost, one_sample=True)
    z, a = propagate(W, b, x, g)
    return cost.C(a[-1], y, z[-1], g[-1])[0]


def gradients(W, b, x, y, g="sigmoid", cost="quadratic"):
    """dC/dW^l and dC/db^l for one sample, by backpropagation.

    Equations (chapter 4)::

        delta^L = grad C(a^L) * g^L'(z^L)
        delta^l = ((W^{l+1})^T delta^{l+1}) * g^l'(z^l)
        dC/dW^l = delta^l (a^{l-1})^T,   dC/db^l = delta^l

    Parameters
    ----------
    W, b, x, g
        As in :func:`forward`.
    y : array, shape (n_L, 1)
        The target.
    cost : str or Cost
        ``"quadratic"``, ``"cross_entropy"`` or ``"categorical_cross_entropy"``.

    Returns
    -------
    dW, db : lists of L arrays
        Shaped like W and b: ``dW[l-1]`` is dC/dW^l, (n_l, n_{l-1}).
    """
    W, b, x, y, g, cost = prepare(W, b, x, y, g, cost, one_sample=True)
    L = len(W)
    z, a = propagate(W, b, x, g)
    delta = deltas(W, z, a, y, g, cost)
    dW = [delta[l - 1] @ a[l - 1].T for l in range(1, L + 1)]
    db = [delta[l - 1] for l in range(1, L + 1)]
    return dW, db
