"""Step 1: the simplest network, one input, one neuron (chapter 1).

Forward pass and chain rule, for scalars x, w, b and target y::

    z = w x + b,    a = g(z),    C = C(a)

    delta = dC/dz = C'(a) g'(z)
    dC/dw = delta x
    dC/db = delta
"""

from __future__ import annotations

from ._checks import prepare

__all__ = ["C", "forward", "gradients"]


def forward(w, b, x, g="sigmoid"):
    """Forward pass of one neuron: z = w x + b, a = g(z).

    Parameters
    ----------
    w, b, x : float
        Weight, bias and input (scalars).
    g : str or Activation
        The activation, e.g. ``"sigmoid"``, ``"tanh"`` or ``"relu"``.

    Returns
    -------
    z, a : float
        The neuron's weighted input and its activation (the output).
    """
    (w,), (b,), x, _, (g,), _ = prepare([w], [b], x, g=g, numbers=True)
    z = w * x + b
    return z, g(z)


def C(w, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a, y) of one neuron on one sample (x, y).

    Parameters
    ----------
    w, b, x, y : float
        Weight, bias, input and target.
    g, cost
        The activation and the cost, as in :func:`gradients`.

    Returns
    -------
    float
        C(a, y) with a = g(w x + b), computed from z where the cost can
        (cross-entropy: exact for any z).
    """
    (w,), (b,), x, y, (g,), cost = prepare([w], [b], x, y, g, cost, numbers=True)
    z = w * x + b
    return cost.C(g(z), y, z, g)


def gradients(w, b, x, y, g="sigmoid", cost="quadratic"):
    """dC/dw and dC/db of one neuron on one sample, by the chain rule.

    Equations (chapter 1)::

        delta = C'(a) g'(z),   dC/dw = delta x,   dC/db = delta

    Parameters
    ----------
    w, b, x, y : float
        Weight, bias, input and target.
    g : str or Activation
        The activation.
    cost : str or Cost
        The cost, e.g. ``"quadratic"`` (C = (y - a)^2 / 2, C'(a) = a - y).

    Returns
    -------
    dw, db : float
        The two partial derivatives, in the order of the parameters.
    """
    (w,), (b,), x, y, (g,), cost = prepare([w], [b], x, y, g, cost, numbers=True)
    z = w * x + b
    a = g(z)
    delta = cost.delta(z, a, y, g)  # dC/dz = C'(a) g'(z)
    return delta * x, delta
