"""Step 4: many neurons per layer, one sample as a column (chapter 4).

Shapes are fixed once: a^l and z^l are (n_l, 1), W^l is (n_l, n_{l-1}) and
b^l is (n_l, 1). Forward pass, with a^0 = x::

    z^l = W^l a^{l-1} + b^l,   a^l = g^l(z^l)

Backward pass, from the multivariate chain rule::

    delta^L = grad C(a^L) * g^L'(z^L)
    delta^l = (W^{l+1})^T delta^{l+1} * g^l'(z^l)
    dC/dW^l = delta^l (a^{l-1})^T,   dC/db^l = delta^l

(* is the elementwise product.) Indexing: ``W[l-1]``, ``b[l-1]``,
``z[l-1]`` and ``delta[l-1]`` hold layer l; ``a[l]`` is a^l, ``a[0] = x``.
"""

from __future__ import annotations

from . import _checks

__all__ = ["C", "deltas", "forward", "gradients", "propagate"]


def propagate(W, b, A0, gs):
    """The layer loop of the forward pass, for checked inputs.

    Works unchanged for one column or for m columns (chapter 6), because
    ``W @ A + b`` broadcasts b^l over the columns. Returns (z, a) as in
    :func:`forward`.
    """
    z, a = [], [A0]
    for Wl, bl, gl in zip(W, b, gs, strict=True):
        zl = Wl @ a[-1]  # (n_l, n_{l-1}) @ (n_{l-1}, m) -> (n_l, m)
        zl += bl  # in place: adds b^l to every column
        z.append(zl)
        a.append(gl(zl))
    return z, a


def deltas(W, z, a, Y, gs, cost):
    """The backward recursion: every layer's error delta^l = dC/dz^l.

    Equations (chapter 4)::

        delta^L = J_{g^L}(z^L)^T grad C(a^L)    (= grad C * g'(z^L))
        delta^l = (W^{l+1})^T delta^{l+1} * g^l'(z^l)

    Column j of each delta^l belongs to sample j, so the same code serves
    the minibatch module. Returns a list of L arrays, ``delta[l-1]`` of
    shape (n_l, m).
    """
    L = len(W)
    delta = [None] * L
    delta[L - 1] = cost.delta(z[L - 1], a[L], Y, gs[L - 1])
    for l in range(L - 1, 0, -1):  # book layers l = L-1, ..., 1
        back = W[l].T @ delta[l]  # (W^{l+1})^T delta^{l+1}: (n_l, m)
        delta[l - 1] = gs[l - 1].delta(z[l - 1], a[l], back)
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
    W, b, x, _ = _checks.network(W, b, x, one_sample=True)
    return propagate(W, b, x, _checks.activations_for(W, g))


def C(W, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a^L, y) of one sample (a float)."""
    W, b, x, y = _checks.network(W, b, x, y, one_sample=True)
    gs = _checks.activations_for(W, g)
    cost = _checks.cost_for(cost, y, gs[-1], len(W))
    _, a = propagate(W, b, x, gs)
    return cost.C(a[-1], y)[0]


def gradients(W, b, x, y, g="sigmoid", cost="quadratic"):
    """dC/dW^l and dC/db^l for one sample, by backpropagation.

    Equations (chapter 4)::

        delta^L = grad C(a^L) * g^L'(z^L)
        delta^l = (W^{l+1})^T delta^{l+1} * g^l'(z^l)
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
        Shaped like W and b. The inputs are not modified.
    """
    W, b, x, y = _checks.network(W, b, x, y, one_sample=True)
    gs = _checks.activations_for(W, g)
    cost = _checks.cost_for(cost, y, gs[-1], len(W))
    z, a = propagate(W, b, x, gs)
    delta = deltas(W, z, a, y, gs, cost)
    dW = [d @ a_prev.T for d, a_prev in zip(delta, a[:-1], strict=True)]
    db = delta
    return dW, db
