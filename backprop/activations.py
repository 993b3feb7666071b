"""Activation functions g and their derivatives g' (chapters 1-4 and 7).

An activation is a plain pair (g, g') plus :meth:`Activation.delta`, which
turns dC/da into the layer's error, so that the backward pass never needs
to know which activation it uses::

    delta = dC/dz = g'(z) * dC/da          (elementwise g, chapters 1-4)
    delta = J_g(z)^T dC/da                 (softmax, chapter 7)

It also tells the costs what they need to know (chapter 7). Every function
keeps the dtype of its input: float32 in, float32 out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["ACTIVATIONS", "Activation", "Softmax", "get_activation"]
__all__ += ["relu", "sigmoid", "softmax", "tanh"]


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative g'.

    Parameters
    ----------
    name : str
        Used in error messages and by :func:`get_activation`.
    g : callable
        ``g(z) -> a``, elementwise: same shape and dtype as ``z``.
    prime : callable
        ``prime(z, a) -> g'(z)``, given ``a = g(z)`` too: some derivatives
        are cheapest from the output (sigmoid a (1 - a), tanh 1 - a^2).
    range : (float, float)
        Bounds of the outputs; cross-entropy needs them within [0, 1].
    log : callable, optional
        ``log(z) -> ln g(z)``, exact even where g(z) rounds to 0 or 1.
    logistic : bool
        True for 1 / (1 + e^{-z}): cross-entropy's delta^L is a^L - y.
    elementwise : bool
        False only for :class:`Softmax`, whose Jacobian is not diagonal.
    """

    name: str
    g: Callable[[np.ndarray], np.ndarray]
    prime: Callable[[np.ndarray, np.ndarray], np.ndarray]
    range: tuple[float, float] = (-np.inf, np.inf)
    log: Callable[[np.ndarray], np.ndarray] | None = None
    logistic: bool = False
    elementwise: bool = True

    def __call__(self, z):
        return self.g(z)

    def delta(self, z, a, grad_a):
        """delta = grad_a * g'(z); z, a, grad_a and delta are all (n, m)."""
        return grad_a * self.prime(z, a)

    def __repr__(self):
        return f"<activation {self.name}>"


def _sigmoid(z):
    # Where z < -709 (float64) or -88 (float32), e^{-z} overflows to inf
    # and 1 / inf = 0 is the correctly rounded g(z): that warning is noise.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


sigmoid = Activation(
    name="sigmoid",
    g=_sigmoid,
    prime=lambda z, a: a * (1 - a),
    range=(0.0, 1.0),
    log=lambda z: -np.logaddexp(0, -z),  # ln g(z) = -ln(1 + e^{-z})
    logistic=True,
)
"""The logistic sigmoid g(z) = 1 / (1 + e^{-z}), with g'(z) = g(z)(1 - g(z))."""

tanh = Activation("tanh", np.tanh, lambda z, a: 1 - a * a, range=(-1.0, 1.0))
"""The hyperbolic tangent g(z) = tanh z, with g'(z) = 1 - tanh(z)^2."""

relu = Activation(
    "relu",
    lambda z: np.maximum(z, 0),
    lambda z, a: (z > 0).astype(z.dtype),
    (0, np.inf),
)
"""The rectifier g(z) = max(z, 0), with g'(z) = 1 for z > 0 and 0 otherwise.

g is not differentiable at z = 0 (the kink); we use g'(0) = 0 there.
"""


def _softmax(z):
    # Shift by the column maximum: exp never overflows, the result is the
    # same. Entries far below the maximum underflow to 0, correctly rounded.
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _log_softmax(z):
    # ln softmax(z)_i = z_i - ln sum_k e^{z_k}, with the same shift.
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _no_prime(z, a):
    raise TypeError(
        "softmax is not elementwise: it has no g'(z) vector, only a Jacobian; "
        "use softmax.delta(z, a, grad_a)"
    )


@dataclass(frozen=True, repr=False)
class Softmax(Activation):
    """softmax(z)_i = e^{z_i} / sum_k e^{z_k}, over each column of z.

    Only allowed as the last layer's activation, with n_L >= 2 (chapter 7).
    """

    name: str = "softmax"
    g: Callable = _softmax
    prime: Callable = _no_prime
    range: tuple[float, float] = (0.0, 1.0)
    log: Callable | None = _log_softmax
    elementwise: bool = False

    def delta(self, z, a, grad_a):
        """delta = J_g(z)^T grad_a, column by column; all shapes (n, m).

        With J_ik = a_i (delta_ik - a_k), a symmetric matrix,
        J^T v = a * (v - a.v), so the (n, n) Jacobian is never formed.
        """
        return a * (grad_a - (a * grad_a).sum(axis=0, keepdims=True))


softmax = Softmax()

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (sigmoid, tanh, relu, softmax)}
"""The activations by name (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"softmax"``)."""


def get_activation(g: str | Activation) -> Activation:
    """The :class:`Activation` for a name, or ``g`` itself if it is one.

    Raises ValueError for an unknown name (listing the valid names) and
    TypeError for anything that is neither a name nor an Activation.
    """
    if isinstance(g, Activation):
        return g
    if isinstance(g, str):
        if g in ACTIVATIONS:
            return ACTIVATIONS[g]
        valid = ", ".join(repr(k) for k in ACTIVATIONS)
        raise ValueError(f"unknown activation {g!r}; valid names are {valid}")
    raise TypeError(
        f"an activation must be a name or an Activation, not {type(g).__name__}"
    )
