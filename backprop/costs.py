"""Cost functions C(a, y) and their gradients with respect to a.

Columns are samples. For an output ``a`` of shape (n_L, m), :meth:`Cost.C`
returns the m per-sample costs (summed over the n_L outputs) and
:meth:`Cost.grad` returns dC/da with the shape of ``a``. Scalars work too
(chapters 1-3), and then ``C`` returns a scalar.

A cost also offers :meth:`Cost.delta`, the output layer's error
delta^L = dC/dz^L. By default it is the book's chain rule, g's
vector-Jacobian product applied to grad C; a cost may replace it by an
exact simplification that is cheaper and numerically safer (cross-entropy
with a sigmoid or softmax output: delta^L = a^L - y, chapter 7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation, relu, sigmoid, softmax, tanh

__all__ = [
    "COSTS",
    "CategoricalCrossEntropy",
    "Cost",
    "CrossEntropy",
    "Quadratic",
    "get_cost",
]


def _sum_outputs(terms):
    """Sum elementwise cost terms over the outputs (axis 0), if there are any."""
    return terms.sum(axis=0) if np.ndim(terms) else terms


@dataclass(frozen=True)
class Cost:
    """Base class: a per-sample cost C(a, y) with its gradient dC/da."""

    name: str = "cost"

    def C(self, a, y):
        """Per-sample cost: shape (m,) for (n, m) inputs, a scalar for scalars."""
        raise NotImplementedError

    def grad(self, a, y):
        """dC/da, the book's grad C (or C'(a) for a scalar output)."""
        raise NotImplementedError

    def check_targets(self, Y):
        """Raise ValueError if the targets Y are not valid for this cost."""

    def check_output(self, g: Activation, L: int):
        """Raise ValueError if the output activation g^L does not suit this cost."""

    def delta(self, z, a, y, g: Activation):
        """Output error delta^L = dC/dz^L = J_g(z^L)^T grad C(a^L)."""
        return g.delta(z, a, self.grad(a, y))

    def __repr__(self):
        return f"<cost {self.name}>"


@dataclass(frozen=True, repr=False)
class Quadratic(Cost):
    """Quadratic cost C = 1/2 ||y - a||^2, with grad C = a - y."""

    name: str = "quadratic"

    def C(self, a, y):
        r = a - y
        return _sum_outputs(r * r) / 2

    def grad(self, a, y):
        return a - y


@dataclass(frozen=True, repr=False)
class CrossEntropy(Cost):
    """Binary cross-entropy, C = -sum_i [y_i ln a_i + (1 - y_i) ln(1 - a_i)].

    Each output is read as the probability of a 0/1 label, so 0 <= y <= 1.
    grad C = (a - y) / (a (1 - a)). To stay finite when a is exactly 0 or 1
    (a saturated sigmoid), a is clipped to [eps, 1 - eps] with eps the
    machine epsilon of its dtype. With a sigmoid output the chain rule
    collapses to delta^L = a^L - y, which :meth:`delta` uses.
    """

    name: str = "cross_entropy"

    def _clip(self, a):
        eps = np.finfo(a.dtype).eps
        return np.clip(a, eps, 1 - eps)

    def C(self, a, y):
        a = self._clip(np.asarray(a))
        return _sum_outputs(-(y * np.log(a) + (1 - y) * np.log1p(-a)))

    def grad(self, a, y):
        a = self._clip(np.asarray(a))
        return (a - y) / (a * (1 - a))

    def check_targets(self, Y):
        if np.any((Y < 0) | (Y > 1)):
            raise ValueError(
                "cross_entropy needs targets y in [0, 1]; "
                f"got values from {Y.min()} to {Y.max()}"
            )

    def check_output(self, g, L):
        if g in (tanh, relu):
            raise ValueError(
                f"layer {L}: {self.name} needs outputs in (0, 1), from 'sigmoid' "
                f"or 'softmax', but g^{L} is {g.name!r}"
            )

    def delta(self, z, a, y, g):
        if g is sigmoid:
            return a - y  # sigma'(z) = a(1 - a) cancels grad C's denominator
        return super().delta(z, a, y, g)


@dataclass(frozen=True, repr=False)
class CategoricalCrossEntropy(Cost):
    """Categorical cross-entropy C = -sum_i y_i ln a_i for one-hot y.

    Meant for a softmax output layer, where delta^L = a^L - y (chapter 7).
    Each column of y must be one-hot. a is clipped below at the machine
    epsilon so that C and grad C = -y / a stay finite when a_i = 0.
    """

    name: str = "categorical_cross_entropy"

    def _clip(self, a):
        return np.maximum(a, np.finfo(a.dtype).eps)

    def C(self, a, y):
        return _sum_outputs(-(y * np.log(self._clip(a))))

    def grad(self, a, y):
        return -y / self._clip(a)

    def check_targets(self, Y):
        Y = np.asarray(Y)
        ok = Y.ndim == 2 and np.all((Y == 0) | (Y == 1)) and np.all(Y.sum(axis=0) == 1)
        if not ok:
            raise ValueError(
                "categorical_cross_entropy needs one-hot targets: every column "
                "of Y is 0 except for a single 1 (see backprop.data.one_hot)"
            )

    def check_output(self, g, L):
        if g in (tanh, relu):
            raise ValueError(
                f"layer {L}: {self.name} needs outputs in (0, 1), from 'sigmoid' "
                f"or 'softmax', but g^{L} is {g.name!r}"
            )

    def delta(self, z, a, y, g):
        if g is softmax:
            return a - y  # J^T (-y/a) = a * (1^T y) - y = a - y for one-hot y
        return super().delta(z, a, y, g)


COSTS: dict[str, Cost] = {
    c.name: c for c in (Quadratic(), CrossEntropy(), CategoricalCrossEntropy())
}
"""The costs by name (``"quadratic"``, ``"cross_entropy"``,
``"categorical_cross_entropy"``)."""


def get_cost(cost: str | Cost) -> Cost:
    """Return the :class:`Cost` for a name or a Cost object.

    Raises ValueError for an unknown name (listing the valid names) and
    TypeError for anything else.
    """
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str):
        try:
            return COSTS[cost]
        except KeyError:
            valid = ", ".join(repr(k) for k in COSTS)
            raise ValueError(
                f"unknown cost {cost!r}; valid names are {valid}"
            ) from None
    raise TypeError(f"a cost must be a name or a Cost, not {type(cost).__name__}")
