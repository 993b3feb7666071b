"""Step 3: L layers of one neuron each, g^l per layer (chapter 3).

Forward pass, l = 1, ..., L, with a^0 = x::

    z^l = w^l a^{l-1} + b^l,   a^l = g^l(z^l)

Backward pass, l = L-1, ..., 1::

    delta^L = C'(a^L) g^L'(z^L)
    delta^l = delta^{l+1} w^{l+1} g^l'(z^l)
    dC/dw^l = delta^l a^{l-1},   dC/db^l = delta^l

Indexing: Python lists are 0-based and the book's layers are 1-based, so
w^l, b^l, z^l and delta^l live at index l - 1, while the list of
activations has L + 1 entries and ``a[l]`` is a^l (``a[0]`` is x).
"""

from __future__ import annotations

from . import _checks
from .single_neuron import scalar_activation

__all__ = ["C", "forward", "gradients"]


def _activations(g, L):
    if isinstance(g, list | tuple):
        if len(g) != L:
            raise ValueError(
                f"got {len(g)} activations for L = {L} layers; "
                "pass one, or exactly one per layer"
            )
        return [scalar_activation(gl) for gl in g]
    return [scalar_activation(g)] * L


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
        ``a[l]`` is a^l; ``a[0]`` is x and ``a[-1]`` the output a^L.
    """
    w, b, x = _checks.scalar_layers(w, b, x)
    gs = _activations(g, len(w))
    z, a = [], [x]
    for wl, bl, gl in zip(w, b, gs, strict=True):
        z.append(wl * a[-1] + bl)
        a.append(gl(z[-1]))
    return z, a


def C(w, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a^L) of the L-layer network on one sample (x, y)."""
    w, b, x = _checks.scalar_layers(w, b, x)
    gs = _activations(g, len(w))
    _, a = forward(w, b, x, gs)
    y = _checks.as_scalar("y", y)
    return _checks.cost_for(cost, y, gs[-1], len(w)).C(a[-1], y)


def gradients(w, b, x, y, g="sigmoid", cost="quadratic"):
    """Partial derivatives dC/dw^l and dC/db^l for every layer l.

    Equations (chapter 3)::

        delta^L = C'(a^L) g^L'(z^L)
        delta^l = delta^{l+1} w^{l+1} g^l'(z^l)     for l = L-1, ..., 1
        dC/dw^l = delta^l a^{l-1},   dC/db^l = delta^l

    Returns
    -------
    dw, db : lists of L floats
        Shaped like ``w`` and ``b``: ``dw[l-1]`` is dC/dw^l.
    """
    w, b, x = _checks.scalar_layers(w, b, x)
    L = len(w)
    gs = _activations(g, L)
    z, a = forward(w, b, x, gs)
    y = _checks.as_scalar("y", y)
    cost = _checks.cost_for(cost, y, gs[L - 1], L)
    delta = [None] * L
    delta[L - 1] = cost.delta(z[L - 1], a[L], y, gs[L - 1])  # C'(a^L) g^L'(z^L)
    for l in range(L - 1, 0, -1):  # book layers l = L-1, ..., 1
        delta[l - 1] = delta[l] * w[l] * gs[l - 1].prime(z[l - 1], a[l])
    dw = [delta[l - 1] * a[l - 1] for l in range(1, L + 1)]
    db = list(delta)
    return dw, db
