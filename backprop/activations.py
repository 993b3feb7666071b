"""Activation functions g and their derivatives g' (chapters 1-4).

An activation is a plain pair (g, g') plus one method, :meth:`Activation.delta`,
which turns the gradient of the cost with respect to a layer's output into the
layer's error

    delta = dC/dz = g'(z) * dC/da          (elementwise g, chapters 1-4)
    delta = J_g(z)^T dC/da                 (softmax, chapter 7)

so that the backward pass never needs to know which activation it is using.
Every function keeps the dtype of its input: float32 in, float32 out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "per_layer",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative g'.

    Parameters
    ----------
    name : str
        Short name used in error messages and by :func:`get_activation`.
    g : callable
        ``g(z) -> a``, applied elementwise (same shape and dtype as ``z``).
    prime : callable
        ``prime(z, a) -> g'(z)``. ``a = g(z)`` is passed too, because several
        derivatives are cheapest in terms of the output (sigmoid:
        ``a (1 - a)``, tanh: ``1 - a**2``).
    elementwise : bool
        False only for softmax, whose Jacobian is not diagonal.
    """

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray, np.ndarray], np.ndarray]
    elementwise: bool = True

    def __call__(self, z):
        return self.g(z)

    def delta(self, z, a, grad_a):
        """Layer error delta = dC/dz from grad_a = dC/da.

        For an elementwise g this is ``grad_a * g'(z)``, the book's
        :math:`\\delta = \\nabla C \\odot g'(z)`. Shapes: all (n, m).
        """
        return grad_a * self.prime(z, a)

    def __repr__(self):
        return f"<activation {self.name}>"


def _sigmoid(z):
    # g(z) = 1 / (1 + e^{-z}), computed in place in one new array: four
    # passes, no temporaries, within 3 ulp of the exact value. Below
    # z = -709 (float64) or -88 (float32), where the exact g is subnormal,
    # e^{-z} overflows to inf and g = 1/inf = 0; that warning is silenced.
    z = np.asarray(z)
    a = np.negative(z, out=np.empty(z.shape, np.result_type(z, 0.0)))
    with np.errstate(over="ignore"):
        np.exp(a, out=a)  # e^{-z}
    a += 1  # 1 + e^{-z}
    return np.divide(1, a, out=a)  # 1 / (1 + e^{-z})


def _sigmoid_prime(z, a):
    d = 1 - a  # g'(z) = a (1 - a), with one temporary
    d *= a
    return d


sigmoid = Activation(
    name="sigmoid",
    g=_sigmoid,
    prime=_sigmoid_prime,
)
"""The logistic sigmoid g(z) = 1 / (1 + e^{-z}), with g'(z) = g(z)(1 - g(z))."""

tanh = Activation(
    name="tanh",
    g=np.tanh,
    prime=lambda z, a: 1 - a * a,
)
"""The hyperbolic tangent g(z) = tanh z, with g'(z) = 1 - tanh(z)^2."""

relu = Activation(
    name="relu",
    g=lambda z: np.maximum(z, 0),
    prime=lambda z, a: (z > 0).astype(z.dtype),
)
"""The rectifier g(z) = max(z, 0), with g'(z) = 1 for z > 0 and 0 otherwise.

g is not differentiable at z = 0 (the kink); we use g'(0) = 0 there.
"""


def _softmax(z):
    # Shift by the column maximum: exp never overflows, the result is the
    # same. Entries far below the maximum underflow to 0, correctly rounded.
    with np.errstate(under="ignore"):
        e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_prime(z, a):
    raise TypeError(
        "softmax is not elementwise: it has no g'(z) vector, only a Jacobian; "
        "use softmax.delta(z, a, grad_a)"
    )


class _Softmax(Activation):
    def delta(self, z, a, grad_a):
        """delta = J_g(z)^T grad_a for softmax, column by column.

        With J_ij = a_i (delta_ij - a_j) (symmetric), J^T v = a * (v - a.v),
        so the (n, n) Jacobian is never formed. Shapes: all (n, m).
        """
        return a * (grad_a - (a * grad_a).sum(axis=0, keepdims=True))


softmax = _Softmax(name="softmax", g=_softmax, prime=_softmax_prime, elementwise=False)
"""softmax(z)_i = e^{z_i} / sum_j e^{z_j}, over each column of z.

Only allowed as the last layer's activation (it couples the outputs of one
sample); see chapter 7.
"""

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (sigmoid, tanh, relu, softmax)}
"""The activations by name (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"softmax"``)."""


def get_activation(g: str | Activation) -> Activation:
    """Return the :class:`Activation` for a name or an Activation object.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid names.
    TypeError
        For anything that is neither a name nor an Activation.
    """
    if isinstance(g, Activation):
        return g
    if isinstance(g, str):
        try:
            return ACTIVATIONS[g]
        except KeyError:
            valid = ", ".join(repr(k) for k in ACTIVATIONS)
            raise ValueError(
                f"unknown activation {g!r}; valid names are {valid}"
            ) from None
    raise TypeError(
        f"an activation must be a name or an Activation, not {type(g).__name__}"
    )


def per_layer(g, L: int) -> list[Activation]:
    """Resolve ``g`` into one activation per layer: ``[g^1, ..., g^L]``.

    ``g`` is a name, an :class:`Activation`, or a sequence of L of those.
    Softmax is allowed only for the last layer.
    """
    if isinstance(g, str | Activation):
        gs = [get_activation(g)] * L
    elif isinstance(g, Sequence):
        if len(g) != L:
            raise ValueError(
                f"got {len(g)} activations for a network of L = {L} layers; "
                "pass one name, or exactly one per layer"
            )
        gs = [get_activation(gl) for gl in g]
    else:
        raise TypeError(
            "g must be an activation name, an Activation, or a sequence of L "
            f"of those, not {type(g).__name__}"
        )
    for l, gl in enumerate(gs[:-1], start=1):
        if not gl.elementwise:
            raise ValueError(
                f"layer {l}: {gl.name} is only allowed as the last layer's "
                f"activation (layer L = {L})"
            )
    return gs
