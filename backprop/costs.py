"""Cost functions C(a, y) and their gradients with respect to a.

Columns are samples: for an output ``a`` of shape (n_L, m), ``C`` returns
the m per-sample costs and ``grad`` returns dC/da, shaped like ``a``.
Scalars work too (chapters 1-3). ``delta`` is the output error
delta^L = dC/dz^L; the cross-entropies replace the chain rule by the exact
a^L - y where g^L cancels it, and take their logarithms from z^L when it is
given, so that C stays exact where a^L rounds to 0 or 1 (chapter 7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation

# CrossEntropy and CategoricalCrossEntropy are importable from here too;
# they are documented in backprop.cross_entropy.
__all__ = ["COSTS", "Cost", "Quadratic", "get_cost"]


@dataclass(frozen=True)
class Cost:
    """Base class: a per-sample cost C(a, y) with its gradient dC/da."""

    name: str = "cost"

    def C(self, a, y, z=None, g=None):
        """The per-sample cost.

        Parameters
        ----------
        a : array, shape (n_L, m) or (n_L,), or float
            The output a^L = g(z^L); a 1-D ``a`` is one sample.
        y : array or float, shaped like ``a``
            The targets.
        z : array, shaped like ``a``, optional
            z^L: with ``g``, the cross-entropies take ln a^L from it.
        g : Activation, optional
            The output activation g^L.

        Returns
        -------
        array, shape (m,), or float
            One cost per sample, summed over the n_L outputs.
        """
        raise NotImplementedError

    def grad(self, a, y):
        """dC/da, shaped like ``a``: the book's grad C (C'(a) for a scalar)."""
        raise NotImplementedError

    def delta(self, z, a, y, g: Activation):
        """Output error delta^L = dC/dz^L = J_g(z^L)^T grad C(a^L)."""
        return g.delta(z, a, self.grad(a, y))

    def check_targets(self, Y):
        """Raise ValueError if the targets Y are not valid for this cost."""

    def check_output(self, g: Activation, L: int):
        """Raise ValueError if the output activation g^L does not suit this cost."""

    def __repr__(self):
        return f"<cost {self.name}>"

    @staticmethod
    def floats(a):
        """``a`` as a float array: integers and booleans become float64."""
        a = np.asarray(a)
        return a if a.dtype.kind == "f" else a.astype(np.float64)

    @staticmethod
    def per_sample(terms):
        """Sum the terms of (n_L, m) or (n_L,) outputs over the outputs."""
        return terms.sum(axis=0) if np.ndim(terms) else terms


@dataclass(frozen=True, repr=False)
class Quadratic(Cost):
    """Quadratic cost C = 1/2 ||y - a||^2, with grad C = a - y."""

    name: str = "quadratic"

    def C(self, a, y, z=None, g=None):
        """1/2 sum_i (a_i - y_i)^2 per sample, shape (m,); as :meth:`Cost.C`."""
        r = self.floats(a) - y
        return self.per_sample(r * r) / 2

    def grad(self, a, y):
        return self.floats(a) - y


# The cross-entropies of chapter 7 build on Cost, so they come after it.
from .cross_entropy import CategoricalCrossEntropy, CrossEntropy  # noqa: E402

COSTS: dict[str, Cost] = {
    c.name: c for c in (Quadratic(), CrossEntropy(), CategoricalCrossEntropy())
}
"""Every cost by its name, ``"quadratic"``, ``"cross_entropy"`` and
``"categorical_cross_entropy"``."""


def get_cost(cost: str | Cost) -> Cost:
    """The :class:`Cost` for a name, or ``cost`` itself if it is one.

    Raises ValueError for an unknown name (listing the valid names) and
    TypeError for anything else.
    """
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str):
        if cost in COSTS:
            return COSTS[cost]
        valid = ", ".join(repr(k) for k in COSTS)
        raise ValueError(f"unknown cost {cost!r}; valid names are {valid}")
    raise TypeError(f"a cost must be a name or a Cost, not {type(cost).__name__}")
