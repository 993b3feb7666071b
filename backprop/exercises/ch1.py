"""Checkers for the exercises of chapter 1 (one neuron).

Every reference is a central difference of a cost written out below with
numpy alone, at random points with |z| <= 2.5 (off the flat tails, where a
difference quotient loses its digits) and |a - y| >= 0.1.
"""

from __future__ import annotations

import numpy as np

from . import ExerciseError, answer, compare, derivative, verify

__all__ = ["check_delta_cross_entropy", "check_delta_tanh", "check_neuron_gradients"]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _point(rng, g, y_low, y_high):
    """A random (z, y) with |z| <= 2.5 and |g(z) - y| >= 0.1."""
    while True:
        z, y = rng.uniform(-2.5, 2.5), rng.uniform(y_low, y_high)
        if abs(g(z) - y) >= 0.1:
            return z, y


def check_delta_tanh(fn):
    """Check ``fn(z, y) -> delta`` for a tanh neuron with the quadratic cost.

    The neuron's output is a = tanh(z) and its cost C = (y - a)^2 / 2; ``fn``
    gets the floats z and y and returns delta = dC/dz = C'(a) g'(z) (a
    float). Reference: central differences of C as a function of z.
    """

    def case(rng, k):
        z, y = _point(rng, np.tanh, -1, 1)
        got = answer(fn, z, y, what="my_delta")
        expected = derivative(lambda t: 0.5 * (y - np.tanh(t)) ** 2, z)
        compare("delta", got, expected, f"z = {z:.3f}, y = {y:.3f}")

    return verify("delta of a tanh neuron, quadratic cost", case)


def check_delta_cross_entropy(fn):
    """Check ``fn(z, y) -> delta`` for a sigmoid neuron with cross-entropy.

    The output is a = sigma(z) = 1 / (1 + e^{-z}) and the cost the binary
    cross-entropy C = -y ln a - (1 - y) ln(1 - a), y in [0, 1]; ``fn``
    returns delta = dC/dz (a float). Reference: central differences of C
    as a function of z.
    """

    def cost(z, y):
        a = _sigmoid(z)
        return -y * np.log(a) - (1 - y) * np.log(1 - a)

    def case(rng, k):
        z, y = _point(rng, _sigmoid, 0, 1)
        got = answer(fn, z, y, what="my_delta")
        expected = derivative(lambda t: cost(t, y), z)
        compare("delta", got, expected, f"z = {z:.3f}, y = {y:.3f}")

    return verify("delta of a sigmoid neuron, cross-entropy", case)


def pair(result, names, what):
    """Split ``result`` into len(names) outputs, or say what is wrong."""
    if not isinstance(result, tuple | list) or len(result) != len(names):
        got = f"{type(result).__name__}"
        if isinstance(result, tuple | list):
            got += f" of {len(result)}"
        raise ExerciseError(
            f"{what} should return {len(names)} values ({', '.join(names)}); "
            f"got a {got}"
        )
    return result


def check_neuron_gradients(fn):
    """Check ``fn(w, b, x, y) -> (dC/dw, dC/db)`` for one sigmoid neuron.

    z = w x + b, a = sigma(z), C = (y - a)^2 / 2, for floats w, b, x, y;
    ``fn`` returns the pair of floats (dC/dw, dC/db) = delta (x, 1), in
    that order. Reference: central differences of C in w and in b.
    """
    names = ("dC/dw", "dC/db")

    def case(rng, k):
        while True:
            w, b, x = rng.normal(0, 1.5, size=3)
            z, y = w * x + b, rng.uniform(0, 1)
            if abs(z) <= 2.5 and abs(x) >= 0.2 and abs(_sigmoid(z) - y) >= 0.1:
                break
        result = pair(
            answer(fn, w, b, x, y, what="my_gradients"), names, "my_gradients"
        )

        def cost(p):
            return 0.5 * (y - _sigmoid(p[0] * x + p[1])) ** 2

        expected = derivative(cost, [w, b])
        at = f"w = {w:.3f}, b = {b:.3f}, x = {x:.3f}, y = {y:.3f}"
        for name, got, e in zip(names, result, expected, strict=True):
            compare(name, got, e, at)

    return verify("dC/dw and dC/db of a sigmoid neuron", case)
