"""Checkers for the exercises of chapter 5 (backprop and gradient descent).

The references do not use the package: central differences of costs
written out below with numpy alone, and gradient descent itself.
"""

from __future__ import annotations

import itertools
import math
import numbers

import numpy as np

from . import ExerciseError, answer, compare, derivative, verify

__all__ = ["check_by_hand", "check_gradient_descent_step", "check_largest_eta"]
__all__ += ["check_weight_decay_step"]


def _network(rng):
    """A random sigmoid network of 1 to 3 layers, and one sample x, y."""
    sizes = [int(n) for n in rng.integers(1, 5, int(rng.integers(2, 5)))]
    W = [rng.normal(0, 1, (n, p)) / np.sqrt(p) for p, n in itertools.pairwise(sizes)]
    b = [rng.normal(0, 0.5, (n, 1)) for n in sizes[1:]]
    x, y = rng.normal(0, 1, (sizes[0], 1)), rng.uniform(0, 1, (sizes[-1], 1))
    return sizes, W, b, x, y


def _cost(W, b, x, y, lam):
    """||a^L - y||^2 / 2 + (lam / 2) sum_l ||W^l||^2, for sigmoid layers."""
    a = x
    for Wl, bl in zip(W, b, strict=True):
        a = 1 / (1 + np.exp(-(Wl @ a + bl)))
    penalty = sum(float(np.sum(Wl**2)) for Wl in W)
    return 0.5 * float(np.sum((a - y) ** 2)) + lam / 2 * penalty


def _step_case(fn, eta, lam=None):
    """A case: ``fn(W, b, x, y, eta[, lam])`` against theta - eta (finite diff.)."""

    def case(rng, k):
        sizes, W, b, x, y = _network(rng)
        extra = () if lam is None else (lam,)
        copies = ([Wl.copy() for Wl in W], [bl.copy() for bl in b])
        result = answer(fn, *copies, x, y, eta, *extra, what="your step")
        ok = isinstance(result, tuple | list) and len(result) == 2
        if not ok or any(
            not isinstance(r, list | tuple) or len(r) != len(W) for r in result
        ):
            raise ExerciseError("your step should return (W, b): two lists of L arrays")
        where = f"the network {'-'.join(map(str, sizes))}"
        for i, (name, new) in enumerate((("W", result[0]), ("b", result[1]))):
            for l in range(1, len(W) + 1):

                def f(p, l=l, i=i):  # the cost as a function of W^l or b^l
                    params = [list(W), list(b)]
                    params[i][l - 1] = p
                    return _cost(*params, x, y, lam or 0.0)

                old = (W, b)[i][l - 1]
                expected = old - eta * derivative(f, old)
                compare(f"the new {name}^{l}", new[l - 1], expected, where, 1e-8)

    return case


def check_gradient_descent_step(fn):
    """Check ``fn(W, b, x, y, eta) -> (W, b)``: backprop and one step.

    Sigmoid layers, the quadratic cost C = ||a^L - y||^2 / 2, one sample x
    (n_0, 1), y (n_L, 1). ``fn`` returns new lists: the parameters after
    one gradient-descent step. Reference: theta - eta times central
    differences of C.
    """
    return verify("one step of gradient descent", _step_case(fn, 0.5))


def check_weight_decay_step(fn):
    """Check ``fn(W, b, x, y, eta, lam) -> (W, b)``: a step with weight decay.

    As :func:`check_gradient_descent_step`, for the cost
    C = ||a^L - y||^2 / 2 + (lam / 2) sum_l ||W^l||^2 (biases are not
    penalized). Reference: theta - eta times central differences of it.
    """
    return verify("a gradient step with weight decay", _step_case(fn, 0.5, 0.1))


def check_largest_eta(fn):
    """Check ``fn(h) -> eta_max`` for the cost C(w) = sum_i h_i w_i^2 / 2.

    ``h`` is a 1-D array of curvatures h_i > 0. ``fn`` returns the largest
    learning rate for which gradient descent converges (the limit: every
    eta below it converges, every eta above it does not). Reference:
    gradient descent itself, run for 3000 steps at 0.98 and 1.02 times
    the answer from w_i = 1.
    """

    def case(rng, k):
        h = rng.uniform(0.5, 5, k + 1)
        eta = answer(fn, h, what="my_largest_eta")
        if not (isinstance(eta, numbers.Real) and eta > 0):
            raise ExerciseError(f"eta_max should be a positive number, not {eta!r}")
        where = f"h = {np.round(h, 3)}, your eta_max = {float(eta):.4g}"
        final = {}
        for factor in (0.98, 1.02):
            w = np.ones_like(h)
            with np.errstate(over="ignore", invalid="ignore"):
                for _ in range(3000):
                    w = w - factor * eta * h * w  # dC/dw_i = h_i w_i
            final[factor] = np.max(np.abs(w))  # NaN or inf if it diverged
        if not final[0.98] < 1e-6:
            raise ExerciseError(f"too large: 0.98 eta_max does not converge ({where})")
        if final[1.02] < 1e6:
            raise ExerciseError(f"too small: 1.02 eta_max still converges ({where})")

    return verify("the largest stable learning rate", case)


# The worked example of chapter 5, with w^2_12 changed from -0.7 to 0.4.
_X, _Y = np.array([1.0, 0.5]), 1.0
_W1, _B1 = np.array([[0.2, -0.4], [0.5, 0.3]]), np.array([0.1, -0.2])
_W2, _B2 = np.array([0.6, 0.4]), 0.3


def _example(W1=_W1, b1=_B1, W2=_W2, b2=_B2):
    """(z^2, a^2, C) of the changed example, neuron by neuron."""
    z1 = [W1[i, 0] * _X[0] + W1[i, 1] * _X[1] + b1[i] for i in (0, 1)]
    a1 = [1 / (1 + math.exp(-t)) for t in z1]
    z2 = W2[0] * a1[0] + W2[1] * a1[1] + b2
    a2 = 1 / (1 + math.exp(-z2))
    return z2, a2, 0.5 * (a2 - _Y) ** 2


def check_by_hand(numbers):
    """Check the worked example's numbers with w^2_12 = 0.4, done by hand.

    ``numbers`` maps "z^2", "a^2", "delta^2", "dC/dw^2_12", "delta^1_1",
    "delta^1_2" and "dC/dw^1_22" to floats (four decimals: within 2e-4 is
    accepted), or to ``...`` while not done yet. Reference: the network
    with plain floats; delta^l = dC/db^l and dC/dw by central differences.
    """
    z2, a2, _ = _example()
    dW1 = derivative(lambda v: _example(W1=v)[2], _W1)
    db1 = derivative(lambda v: _example(b1=v)[2], _B1)  # delta^1 = dC/db^1
    dW2 = derivative(lambda v: _example(W2=v)[2], _W2)
    db2 = derivative(lambda v: _example(b2=v)[2], _B2)  # delta^2 = dC/db^2
    right = {"z^2": z2, "a^2": a2, "delta^2": db2, "dC/dw^2_12": dW2[1]}
    right |= {"delta^1_1": db1[0], "delta^1_2": db1[1], "dC/dw^1_22": dW1[1, 1]}
    if not isinstance(numbers, dict):
        raise ExerciseError(f"numbers should be a dict, not {type(numbers).__name__}")
    missing = [k for k in right if numbers.get(k, ...) is ...]
    wrong = []
    for k in (k for k in right if k not in missing):
        try:
            value = float(numbers[k])
        except (TypeError, ValueError):
            raise ExerciseError(f"{k} should be a number, not {numbers[k]!r}") from None
        if not abs(value - float(right[k])) <= 2e-4:
            wrong.append(f"{k} = {value:.4f} should be {float(right[k]):.4f}")
    if wrong:
        raise ExerciseError("the example with w^2_12 = 0.4: " + "; ".join(wrong))
    if missing:
        print(f"by hand: {len(missing)} of {len(right)} numbers not answered yet")
        return False
    print(f"by hand, w^2_12 = 0.4: all {len(right)} numbers correct")
    return True
