"""Checkers for the exercises of chapter 2 (two layers, one neuron each).

Each network is written out below with numpy alone; the reference is a
central difference of its cost in every parameter, at random points with
|z^l| <= 2.5 (ReLU: |z^1| >= 0.1, away from the kink).
"""

from __future__ import annotations

import numpy as np

from . import answer, compare, derivative, verify
from .ch1 import pair

__all__ = ["check_relu_hidden", "check_shared_weight", "check_skip_connection"]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _quadratic(forward_pass, y):
    return 0.5 * (y - forward_pass[2]) ** 2


def _draw(rng, forward, n, ok=lambda z1: True):
    """n parameters, x, y and the cost C(params) of a random case.

    Every |z^l| <= 2.5, |x| >= 0.2, every parameter |p| >= 0.3, a^2 at
    least 0.1 from y, and ok(z1), so that no derivative is so small that
    the difference quotient's round-off counts.
    """
    while True:
        params = rng.choice([-1, 1], n) * rng.uniform(0.3, 2.0, n)
        x, y = rng.choice([-1, 1]) * rng.uniform(0.2, 1.5), rng.uniform(0, 1)
        z1, z2, a2 = forward(params, x)
        if max(abs(z1), abs(z2)) <= 2.5 and abs(a2 - y) >= 0.1 and ok(z1):
            return params, x, y


def _parameter_case(fn, names, forward):
    """A case for ``fn(*params, x, y) -> one derivative per parameter``."""

    def case(rng, k):
        while True:  # a case in which no derivative nearly cancels
            p, x, y = _draw(rng, forward, len(names))
            expected = derivative(lambda q, x=x, y=y: _quadratic(forward(q, x), y), p)
            if np.all(np.abs(expected) >= 1e-3):
                break
        at = ", ".join(
            f"{n.split('/d')[1]} = {q:.3f}" for n, q in zip(names, p, strict=True)
        )
        at += f", x = {x:.3f}, y = {y:.3f}"
        result = pair(answer(fn, *p, x, y, what="my_gradients"), names, "my_gradients")
        for name, got, e in zip(names, result, expected, strict=True):
            compare(name, got, e, at)

    return case


def check_shared_weight(fn):
    """Check ``fn(w, b1, b2, x, y) -> (dC/dw, dC/db1, dC/db2)``: a shared weight.

    Both layers use the same weight w: z^1 = w x + b^1, a^1 = sigma(z^1),
    z^2 = w a^1 + b^2, a^2 = sigma(z^2), C = (y - a^2)^2 / 2. ``fn`` gets
    floats and returns the three derivatives as floats, in that order. The
    answer: the weight collects one term per use, dC/dw = delta^2 a^1 +
    delta^1 x. Reference: central differences of C.
    """

    def forward(p, x):
        w, b1, b2 = p
        z1 = w * x + b1
        z2 = w * _sigmoid(z1) + b2
        return z1, z2, _sigmoid(z2)

    names = ("dC/dw", "dC/db1", "dC/db2")
    case = _parameter_case(fn, names, forward)
    return verify("gradients with a shared weight", case)


def check_skip_connection(fn):
    """Check the gradients of a two-layer network with a skip connection.

    ``fn(w1, b1, w2, v, b2, x, y) -> (dC/dw1, dC/db1, dC/dw2, dC/dv, dC/db2)``
    for z^1 = w^1 x + b^1, a^1 = tanh(z^1), z^2 = w^2 a^1 + v x + b^2,
    a^2 = sigma(z^2), C = (y - a^2)^2 / 2; floats in, five floats out in
    that order. Reference: central differences of C.
    """

    def forward(p, x):
        w1, b1, w2, v, b2 = p
        z1 = w1 * x + b1
        z2 = w2 * np.tanh(z1) + v * x + b2
        return z1, z2, _sigmoid(z2)

    names = ("dC/dw1", "dC/db1", "dC/dw2", "dC/dv", "dC/db2")
    case = _parameter_case(fn, names, forward)
    return verify("gradients with a skip connection", case)


def check_relu_hidden(fn):
    """Check ``fn(w1, b1, w2, b2, x, y) -> (delta1, delta2)``: a ReLU hidden layer.

    z^1 = w^1 x + b^1, a^1 = relu(z^1) = max(z^1, 0), z^2 = w^2 a^1 + b^2,
    a^2 = sigma(z^2), and the cross-entropy C = -y ln a^2 - (1 - y)
    ln(1 - a^2). ``fn`` returns delta^1 = dC/dz^1 and delta^2 = dC/dz^2 as
    floats. Reference: central differences of C in b^1 and b^2 (dC/db^l =
    delta^l). The cases alternate between a hidden neuron that is on
    (z^1 >= 0.1) and off (z^1 <= -0.1).
    """
    names = ("delta1", "delta2")

    def forward(p, x):
        w1, b1, w2, b2 = p
        z1 = w1 * x + b1
        z2 = w2 * max(z1, 0.0) + b2
        return z1, z2, _sigmoid(z2)

    def case(rng, k):
        on = k % 2 == 0
        p, x, y = _draw(rng, forward, 4, lambda z1: z1 >= 0.1 if on else z1 <= -0.1)

        def cost(b):  # C as a function of (b^1, b^2)
            a2 = forward((p[0], b[0], p[2], b[1]), x)[2]
            return -y * np.log(a2) - (1 - y) * np.log(1 - a2)

        result = pair(answer(fn, *p, x, y, what="my_deltas"), names, "my_deltas")
        expected = derivative(cost, [p[1], p[3]])
        state = "on" if on else "off"
        at = "w1, b1, w2, b2 = " + ", ".join(f"{q:.3f}" for q in p)
        at += f", x = {x:.3f}, y = {y:.3f} (hidden neuron {state})"
        # delta^2 first, as the backward pass computes it
        for i in (1, 0):
            compare(names[i], result[i], expected[i], at)

    return verify("delta^1 and delta^2 with a ReLU hidden layer", case, n=6)
