"""Checkers for the exercises of chapter 3 (L layers, one neuron each).

The chains are written out below with numpy alone, and the reference for a
gradient is a central difference of that cost in every parameter. Random
chains keep |z^l| <= 2.5, every ReLU on (z^l >= 0.1, away from the kink,
so that the error flows back) and |w^l| >= 0.3.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation
from . import answer, compare, derivative, verify
from .ch1 import pair

__all__ = ["check_l2_gradients", "check_l_layer_gradients", "check_sigmoid_window"]

_G = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
}


def _chain(rng, L):
    """A random chain: names of g^l, lists w, b, and x, y."""
    while True:
        names = list(rng.choice(list(_G), size=L))
        w = list(rng.choice([-1, 1], L) * rng.uniform(0.3, 1.8, L))
        b, x, y = list(rng.normal(0, 0.7, L)), rng.normal(0, 1), rng.uniform(0, 1)
        a, ok = x, True
        for name, wl, bl in zip(names, w, b, strict=True):
            z = wl * a + bl
            ok &= abs(z) <= 2.5 and (name != "relu" or z >= 0.1)
            a = _G[name](z)
        if ok and abs(a - y) >= 0.1:
            return names, w, b, x, y


def _cost(names, x, y, L, lam=0.0):
    """C(theta) = (y - a^L)^2 / 2 + lam/2 sum (w^l)^2, theta = [w..., b...]."""

    def f(theta):
        a = x
        for l in range(L):
            a = _G[names[l]](theta[l] * a + theta[L + l])
        return 0.5 * (y - a) ** 2 + 0.5 * lam * np.sum(theta[:L] ** 2)

    return f


def _judge(result, names, w, b, x, y, lam, what):
    L = len(w)
    dw, db = pair(result, ("dw", "db"), what)
    expected = derivative(_cost(names, x, y, L, lam), w + b)
    at = f"L = {L}, g = {names}, w = {np.round(w, 3).tolist()}, "
    at += f"b = {np.round(b, 3).tolist()}, x = {x:.3f}, y = {y:.3f}"
    if lam:
        at += f", lam = {lam:.3f}"
    compare("dw (dw[l-1] is dC/dw^l)", dw, expected[:L], at)
    compare("db (db[l-1] is dC/db^l)", db, expected[L:], at)


def check_l_layer_gradients(fn):
    """Check ``fn(w, b, x, y, g) -> (dw, db)`` for an L-layer chain.

    ``w``, ``b`` are lists of L floats (``w[l-1]`` is w^l), ``x``, ``y``
    floats and ``g`` a list of L :class:`backprop.activations.Activation`
    (call ``g[l-1](z)`` for g^l(z), ``g[l-1].prime(z, a)`` for g^l'(z)).
    The cost is quadratic, C = (y - a^L)^2 / 2. ``fn`` returns the lists
    dw and db of chapter 3: dC/dw^l = delta^l a^{l-1}, dC/db^l = delta^l.
    Reference: central differences of C, on chains of L = 1 to 6 layers.
    """

    def case(rng, k):
        names, w, b, x, y = _chain(rng, [2, 3, 4, 1, 6][k])
        g = [get_activation(n) for n in names]
        result = answer(fn, list(w), list(b), x, y, g, what="my_gradients")
        _judge(result, names, w, b, x, y, 0.0, "my_gradients")

    return verify("gradients of L-layer chains", case)


def check_l2_gradients(fn):
    """Check ``fn(w, b, x, y, g, lam) -> (dw, db)`` with an L2 penalty.

    The cost is C_lam = (y - a^L)^2 / 2 + (lam / 2) sum_l (w^l)^2 on a chain
    of L single neurons; ``w``, ``b`` are lists of L floats, ``g`` a list of
    L activation names (as :func:`backprop.l_layer.gradients` takes them),
    ``lam`` > 0 a float. ``fn`` returns the lists dw and db of
    dC_lam/dw^l and dC_lam/db^l. Reference: central differences of C_lam.
    """

    def case(rng, k):
        names, w, b, x, y = _chain(rng, [1, 2, 3, 5, 4][k])
        lam = rng.uniform(0.1, 1.0)
        args = (list(w), list(b), x, y, list(names), lam)
        result = answer(fn, *args, what="my_gradients")
        _judge(result, names, w, b, x, y, lam, "my_gradients")

    return verify("gradients with an L2 penalty", case)


def check_sigmoid_window(fn):
    """Check ``fn(w) -> z_max``: where a sigmoid layer can pass |delta| on.

    For a float w with |w| > 4, the factor |w| sigma'(z) is at least 1
    exactly when |z| <= z_max; ``fn`` returns z_max (a float). Reference:
    the root of |w| sigma'(z) = 1 on z >= 0, found by bisection.
    """

    def sigmoid_prime(z):
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)

    def root(w):
        lo, hi = 0.0, 50.0  # |w| sigma'(lo) >= 1 > |w| sigma'(hi)
        for _ in range(200):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if abs(w) * sigmoid_prime(mid) >= 1 else (lo, mid)
        return lo

    def case(rng, k):
        w = rng.choice([-1, 1]) * rng.uniform(4.1, 60)
        got = answer(fn, w, what="my_z_max")
        compare("z_max", got, root(w), f"w = {w:.3f}")

    return verify("the window of z where |w| sigma'(z) >= 1", case)
