"""Step 2: two layers of one neuron each (chapter 2).

Forward pass, with a^0 = x::

    z^1 = w^1 a^0 + b^1,   a^1 = g^1(z^1)
    z^2 = w^2 a^1 + b^2,   a^2 = g^2(z^2)

Backward pass: delta^2 as for one neuron, then one step back by the chain
rule, dz^2/dz^1 = w^2 g^1'(z^1)::

    delta^2 = C'(a^2) g^2'(z^2)
    delta^1 = delta^2 w^2 g^1'(z^1)
    dC/dw^l = delta^l a^{l-1},   dC/db^l = delta^l
"""

from __future__ import annotations

from ._checks import prepare

__all__ = ["C", "forward", "gradients"]


def forward(w1, b1, w2, b2, x, g="sigmoid"):
    """Forward pass through two single-neuron layers.

    Parameters
    ----------
    w1, b1, w2, b2 : float
        Weights and biases of layer 1 and layer 2.
    x : float
        The input, a^0.
    g : str, Activation, or pair of them
        One activation for both layers, or (g^1, g^2).

    Returns
    -------
    z1, a1, z2, a2 : float
        Weighted inputs and activations; a2 is the output.
    """
    (w1, w2), (b1, b2), x, _, (g1, g2), _ = prepare(
        [w1, w2], [b1, b2], x, g=g, numbers=True
    )
    z1 = w1 * x + b1
    a1 = g1(z1)
    z2 = w2 * a1 + b2
    a2 = g2(z2)
    return z1, a1, z2, a2


def C(w1, b1, w2, b2, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a^2, y) of the two-layer network on one sample.

    Parameters
    ----------
    w1, b1, w2, b2, x, g
        As in :func:`forward` (floats, and the activations).
    y : float
        The target.
    cost : str or Cost
        The cost, e.g. ``"quadratic"``.

    Returns
    -------
    float
        C(a^2, y), computed from z^2 where the cost can.
    """
    (w1, w2), (b1, b2), x, y, (g1, g2), cost = prepare(
        [w1, w2], [b1, b2], x, y, g, cost, numbers=True
    )
    z2 = w2 * g1(w1 * x + b1) + b2
    return cost.C(g2(z2), y, z2, g2)


def gradients(w1, b1, w2, b2, x, y, g="sigmoid", cost="quadratic"):
    """Partial derivatives of C with respect to w^1, b^1, w^2, b^2.

    Equations (chapter 2)::

        delta^2 = C'(a^2) g^2'(z^2)
        delta^1 = delta^2 w^2 g^1'(z^1)
        dC/dw^2 = delta^2 a^1,   dC/db^2 = delta^2
        dC/dw^1 = delta^1 x,     dC/db^1 = delta^1

    Returns
    -------
    dw1, db1, dw2, db2 : float
        In the order of the parameters.
    """
    (w1, w2), (b1, b2), x, y, (g1, g2), cost = prepare(
        [w1, w2], [b1, b2], x, y, g, cost, numbers=True
    )
    z1 = w1 * x + b1
    a1 = g1(z1)
    z2 = w2 * a1 + b2
    a2 = g2(z2)
    delta2 = cost.delta(z2, a2, y, g2)  # C'(a^2) g^2'(z^2)
    delta1 = delta2 * w2 * g1.prime(z1, a1)
    return delta1 * x, delta1, delta2 * a1, delta2
