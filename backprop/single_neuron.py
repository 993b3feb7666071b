"""Step 1: the simplest network, one input, one neuron (chapter 1).

Forward pass and chain rule, for scalars x, w, b and target y::

    z = w x + b,    a = g(z),    C = C(a)

    delta = dC/dz = C'(a) g'(z)
    dC/dw = delta x
    dC/db = delta
"""

from __future__ import annotations

from . import _checks
from .activations import get_activation

__all__ = ["C", "forward", "gradients", "scalar_activation"]


def scalar_activation(g):
    """Resolve ``g`` for a single neuron: any elementwise activation."""
    g = get_activation(g)
    if not g.elementwise:
        raise ValueError(
            f"{g.name} is not elementwise and needs a layer of several neurons; "
            "single-neuron layers take 'sigmoid', 'tanh' or 'relu'"
        )
    return g


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
    w, b, x = (_checks.as_scalar(n, v) for n, v in (("w", w), ("b", b), ("x", x)))
    g = scalar_activation(g)
    z = w * x + b
    return z, g(z)


def C(w, b, x, y, g="sigmoid", cost="quadratic"):
    """The cost C(a) of one neuron on one sample (x, y)."""
    g = scalar_activation(g)
    _, a = forward(w, b, x, g)
    y = _checks.as_scalar("y", y)
    return _checks.cost_for(cost, y, g, 1).C(a, y)


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
    g = scalar_activation(g)
    z, a = forward(w, b, x, g)
    y = _checks.as_scalar("y", y)
    cost = _checks.cost_for(cost, y, g, 1)
    delta = cost.delta(z, a, y, g)  # dC/dz = C'(a) g'(z)
    return delta * x, delta
