"""The cross-entropy costs of chapter 7, imported into :mod:`backprop.costs`.

Both need outputs that are probabilities (g^L with a range within [0, 1]),
both collapse the chain rule to delta^L = a^L - y for the output activation
that cancels it (the logistic function, softmax), and both take ln a^L from
z^L when it is given, which stays exact where a^L rounds to 0 or 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Softmax
from .costs import Cost

__all__ = ["CategoricalCrossEntropy", "CrossEntropy", "ProbabilityCost"]


def _clip(a):
    """``a`` as floats in [eps, 1 - eps], eps the machine epsilon of its dtype.

    Keeps the logarithms and quotients finite where only a is known.
    """
    a = Cost.floats(a)
    eps = np.finfo(a.dtype).eps
    return np.clip(a, eps, 1 - eps)


class ProbabilityCost(Cost):
    """Base of the cross-entropies: a cost of probabilities.

    Its :meth:`check_output` requires the output activation's range to lie
    within [0, 1].
    """

    def check_output(self, g, L):
        low, high = g.range
        if low < 0 or high > 1:
            raise ValueError(
                f"layer {L}: {self.name} needs outputs in (0, 1), from 'sigmoid' "
                f"or 'softmax', but g^{L} is {g.name!r} with outputs in "
                f"[{low}, {high}]"
            )


@dataclass(frozen=True, repr=False)
class CrossEntropy(ProbabilityCost):
    """Binary cross-entropy, C = -sum_i [y_i ln a_i + (1 - y_i) ln(1 - a_i)].

    Each output is the probability of a 0/1 label: 0 <= y <= 1. grad C is
    (a - y) / (a (1 - a)); with a logistic output the chain rule collapses
    to delta^L = a^L - y, which :meth:`delta` uses.
    """

    name: str = "cross_entropy"

    def C(self, a, y, z=None, g=None):
        """Per-sample cost: shape (m,), or a float (see ``Cost.C``).

        With z and a logistic g, ln a = ln g(z) and ln(1 - a) = ln g(-z):
        exact for any z. Else a is clipped to [eps, 1 - eps], which caps
        each term at -ln eps (36.04 in float64).
        """
        if g is not None and g.logistic:
            return self.per_sample(-(y * g.log(z) + (1 - y) * g.log(-z)))
        a = _clip(a)
        return self.per_sample(-(y * np.log(a) + (1 - y) * np.log1p(-a)))

    def grad(self, a, y):
        a = _clip(a)
        return (a - y) / (a * (1 - a))

    def check_targets(self, Y):
        if Y.min() < 0 or Y.max() > 1:
            raise ValueError(
                "cross_entropy needs targets y in [0, 1]; "
                f"got values from {Y.min()} to {Y.max()}"
            )

    def delta(self, z, a, y, g):
        if g.logistic:
            return a - y  # sigma'(z) = a(1 - a) cancels grad C's denominator
        return super().delta(z, a, y, g)


@dataclass(frozen=True, repr=False)
class CategoricalCrossEntropy(ProbabilityCost):
    """Categorical cross-entropy C = -sum_i y_i ln a_i, for one-hot y.

    Meant for a softmax output layer, where delta^L = a^L - y (chapter 7).
    grad C = -y / a.
    """

    name: str = "categorical_cross_entropy"

    def C(self, a, y, z=None, g=None):
        """Per-sample cost: shape (m,), or a float (see ``Cost.C``).

        With z and a g that has ``g.log`` (softmax: ln a = z - ln sum_k
        e^{z_k}), ln a comes from z: exact for any z. Else a is clipped.
        """
        if g is not None and g.log is not None:
            return self.per_sample(-(y * g.log(z)))
        return self.per_sample(-(y * np.log(_clip(a))))

    def grad(self, a, y):
        return -y / _clip(a)

    def check_targets(self, Y):
        # One-hot: every column's largest entry is 1, and Y has only m
        # non-zero entries in all, so one per column: that 1.
        ok = Y.ndim == 2 and np.count_nonzero(Y) == Y.shape[1]
        if not (ok and Y.max(axis=0).min() == 1):
            raise ValueError(
                "categorical_cross_entropy needs one-hot targets: every column "
                "of Y is 0 except for a single 1 (see backprop.data.one_hot)"
            )

    def delta(self, z, a, y, g):
        if isinstance(g, Softmax):
            return a - y  # J^T (-y/a) = a * (1^T y) - y = a - y for one-hot y
        return super().delta(z, a, y, g)
