"""Checkers for the exercises of chapter 4 (many neurons per layer).

Every reference is a central difference of a function written out below
with numpy alone: the softmax, the quadratic cost of a tanh output layer,
and the cost of a sigmoid network. Random points keep |z| <= 3, away from
the flat tails where a difference quotient loses its digits.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import ExerciseError, answer, compare, derivative, verify

__all__ = ["check_backprop", "check_softmax_jacobian", "check_tanh_output_delta"]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def check_softmax_jacobian(fn):
    """Check ``fn(z) -> J``, the Jacobian of the softmax for n = 3.

    ``z`` has shape (3, 1); ``fn`` returns the (3, 3) array with
    J[i, k] = d softmax(z)_i / d z_k = a_i (delta_ik - a_k), a = softmax(z).
    Reference: central differences of each softmax(z)_i (row i of J).
    """

    def case(rng, k):
        z = rng.uniform(-3, 3, (3, 1))
        got = answer(fn, z, what="my_jacobian")
        rows = [derivative(lambda v, i=i: _softmax(v)[i, 0], z).T for i in range(3)]
        compare("J", got, np.vstack(rows), f"z = {np.round(z.ravel(), 3)}")

    return verify("softmax Jacobian, n = 3", case)


def check_tanh_output_delta(fn):
    """Check ``fn(z, y) -> delta`` for a tanh output layer, quadratic cost.

    ``z`` (the weighted inputs z^L) and ``y`` (the targets) have shape
    (n, 1); the output is a^L = tanh(z^L) and the cost
    C = ||a^L - y||^2 / 2. ``fn`` returns delta^L = dC/dz^L, shape (n, 1).
    Reference: central differences of C as a function of z.
    """

    def case(rng, k):
        n = k + 1
        z = rng.uniform(-2.5, 2.5, (n, 1))
        y = rng.uniform(-1, 1, (n, 1))
        got = answer(fn, z, y, what="my_delta")
        expected = derivative(lambda v: 0.5 * np.sum((np.tanh(v) - y) ** 2), z)
        compare("delta^L", got, expected, f"n_L = {n}")

    return verify("delta^L of a tanh output layer, quadratic cost", case)


def _network(rng):
    """A random sigmoid network whose neighbouring layers differ in width."""
    L = int(rng.integers(2, 4))
    sizes = [int(rng.integers(2, 5))]
    for _ in range(L):
        sizes.append(int(rng.choice([n for n in range(1, 6) if n != sizes[-1]])))
    W = [rng.normal(0, 1, (n, m)) / np.sqrt(m) for m, n in itertools.pairwise(sizes)]
    b = [rng.normal(0, 0.5, (n, 1)) for n in sizes[1:]]
    x = rng.normal(0, 1, (sizes[0], 1))
    y = rng.uniform(0, 1, (sizes[-1], 1))
    return sizes, W, b, x, y


def _cost(W, b, x, y):
    """C = ||a^L - y||^2 / 2 of a sigmoid network, by the forward pass."""
    a = x
    for Wl, bl in zip(W, b, strict=True):
        a = _sigmoid(Wl @ a + bl)
    return 0.5 * float(np.sum((a - y) ** 2))


def _two_lists(result, L, what):
    """Split ``result`` into the lists dW and db of L arrays each."""
    ok = isinstance(result, tuple | list) and len(result) == 2
    if not ok or any(not isinstance(r, tuple | list) or len(r) != L for r in result):
        raise ExerciseError(
            f"{what} should return two lists (dW, db) of L = {L} arrays each"
        )
    return result


def check_backprop(fn):
    """Check ``fn(W, b, x, y) -> (dW, db)``: backprop for a sigmoid network.

    Every layer has the sigmoid activation, the cost is
    C = ||a^L - y||^2 / 2, and ``W[l-1]`` (n_l, n_{l-1}), ``b[l-1]``
    (n_l, 1), x (n_0, 1) and y (n_L, 1) are as in ``backprop.matrix``.
    ``fn`` returns the lists dW and db, ``dW[l-1]`` = dC/dW^l shaped like
    W^l. The random networks have neighbouring layers of different widths.
    Reference: central differences of C, one parameter entry at a time.
    """

    def case(rng, k):
        sizes, W, b, x, y = _network(rng)
        L = len(W)
        copies = ([Wl.copy() for Wl in W], [bl.copy() for bl in b])
        result = answer(fn, *copies, x, y, what="my_gradients")
        dW, db = _two_lists(result, L, "my_gradients")
        where = f"the network {'-'.join(map(str, sizes))}"
        for l in range(1, L + 1):
            for i, (name, got) in enumerate((("dC/dW", dW), ("dC/db", db))):

                def f(p, l=l, i=i):  # C as a function of W^l (i = 0) or b^l
                    params = [list(W), list(b)]
                    params[i][l - 1] = p
                    return _cost(*params, x, y)

                expected = derivative(f, (W, b)[i][l - 1])
                compare(f"{name}^{l}", got[l - 1], expected, where)

    return verify("backprop of a sigmoid network (non-square layers)", case)
