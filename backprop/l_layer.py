"""Step 3: L layers of one neuron each, g^l per layer (chapter 3).

Forward pass, l = 1, ..., L, with a^0 = x::

    z^l = w^l a^{l-1} + b^l,   a^l = g^l(z^l)

Backward pass, l = L-1, ..., 1::

    delta^L = C'(a^L) g^L'(z^L)
    delta^l = delta^{l+1} w^{l+1} g^l'(z^l)
    dC/dw^l = delta^l a^{l-1},   dC/db^l = delta^l

Lists are indexed as the package docstring says: ``w[l-1]`` is w^l and
``a[l]`` is a^l.
"""

from __future__ import annotations

from ._checks import prepare

__all__ = ["C", "forward", "gradients", "propagate"]


def propagate(w, b, x, g):
    """The forward loop, for inputs that :func:`forward` has checked.

    ``g`` is a list of L Activations. Returns (z, a) as :func:`forward`.
    """
    z, a = [], [x]
    for l in range(1, len(w) + 1):
        z.append(w[l - 1] * a[l - 1] + b[l - 1])  # z^l = w^l a^{l-1} + b^l
        a.append(g[l - 1](z[l - 1]))  # a^l = g^l(z^l)
    return z, a


def forward(w, b, x, g="sigmoid"):
    """Forward pass through L single-neuron layers.

    Parameters
    ----------
    w, b : sequences of L floats
        ``w[l-1]`` is w^l and ``b[l-1]`` is b^l.
    x : float
        The input, a^0.
    g : str, Activation, or sequence of L of them
        One activation for every layer, or g^l per layer.

    Returns
    -------
    z : list of L floats
        ``z[l-1]`` is z^l.
    a : list of L + 1 floats
        ``a[l]`` is a^l; ``a[0]`` is x and ``a[L]`` the output.
    """
    w, b, x, _, g, _ = prepare(w, b, x, g=g, numbers=True)
    return propagate(w, b, x, g)


def C(w, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a^L, y) of the L-layer network on one sample.

    Parameters
    ----------
    w, b, x, g
        As in :func:`forward`: L floats each, the input, the activations.
    y : float
        The target.
    cost : str or Cost
        The cost, e.g. ``"quadratic"``.

    Returns
    -------
    float
        C(a^L, y), computed from z^L where the cost can.
    """
    w, b, x, y, g, cost = prepare(w, b, x, y, g, cost, numbers=True)
    z, a = propagate(w, b, x, g)
    return cost.C(a[-1], y, z[-1], g[-1])


def gradients(w, b, x, y, g="sigmoid", cost="quadratic"):
    """Partial derivatives dC/dw^l and dC/db^l for every layer l.

    Equations (chapter 3)::

        delta^L = C'(a^L) g^L'(z^L)
        delta^l = delta^{l+1} w^{l+1} g^l'(z^l)     for l = L-1, ..., 1
        dC/dw^l = delta^l a^{l-1},   dC/db^l = delta^l

    Parameters
    ----------
    w, b, x, g
        As in :func:`forward`.
    y : float
        The target.
    cost : str or Cost
        The cost, e.g. ``"quadratic"``.

    Returns
    -------
    dw, db : lists of L floats
        Shaped like ``w`` and ``b``: ``dw[l-1]`` is dC/dw^l.
    """
    w, b, x, y, g, cost = prepare(w, b, x, y, g, cost, numbers=True)
    L = len(w)
    z, a = propagate(w, b, x, g)
    delta = [None] * L
    delta[L - 1] = cost.delta(z[L - 1], a[L], y, g[L - 1])  # C'(a^L) g^L'(z^L)
    for l in range(L - 1, 0, -1):  # l = L-1, ..., 1
        delta[l - 1] = delta[l] * w[l] * g[l - 1].prime(z[l - 1], a[l])
    dw = [delta[l - 1] * a[l - 1] for l in range(1, L + 1)]
    db = list(delta)
    return dw, db
