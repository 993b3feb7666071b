"""Checkers for the exercises of chapter 5 (backprop and gradient descent).

The references do not use the package: central differences of costs
written out with numpy alone, and gradient descent itself. The random
sigmoid networks and their gradients serve chapters 6 and 8 too.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np

from . import ExerciseError, Verdict, answer, compare, derivative, verify

__all__ = ["check_by_hand", "check_gradient_descent_step", "check_largest_eta"]
__all__ += ["check_weight_decay_step"]


def _network(rng, m=1, depth=None):
    """Random sizes, W, b of a sigmoid net (1 to 3 layers), X (n_0, m), Y."""
    depth = depth or int(rng.integers(1, 4))
    sizes = [int(n) for n in rng.integers(1, 5, depth + 1)]
    W = [rng.normal(0, 1, (n, p)) / np.sqrt(p) for p, n in itertools.pairwise(sizes)]
    b = [rng.normal(0, 0.5, (n, 1)) for n in sizes[1:]]
    X, Y = rng.normal(0, 1, (sizes[0], m)), rng.uniform(0, 1, (sizes[-1], m))
    return sizes, W, b, X, Y


def _cost(W, b, X, Y, lam=0.0):
    """sum_j ||a^L_j - y_j||^2 / 2 + (lam / 2) sum_l ||W^l||^2, sigmoid layers."""
    A = X
    for Wl, bl in zip(W, b, strict=True):
        A = 1 / (1 + np.exp(-(Wl @ A + bl)))
    return 0.5 * float(np.sum((A - Y) ** 2)) + lam / 2 * sum(np.sum(Wl**2) for Wl in W)


def _gradients(C, W, b):
    """([dC/dW^1, ...], [dC/db^1, ...]) of ``C(W, b)`` by central differences."""
    dW, db = [], []
    for l in range(len(W)):  # W^(l+1) or b^(l+1) replaced by v
        dW.append(derivative(lambda v, l=l: C([*W[:l], v, *W[l + 1 :]], b), W[l]))
        db.append(derivative(lambda v, l=l: C(W, [*b[:l], v, *b[l + 1 :]]), b[l]))
    return dW, db


def _step_case(fn, eta, lam=None):
    """A case: ``fn(W, b, x, y, eta[, lam])`` against theta - eta dC/dtheta."""

    def case(rng, k):
        sizes, W, b, x, y = _network(rng)
        args = [Wl.copy() for Wl in W], [bl.copy() for bl in b], x, y, eta
        new = answer(fn, *args, *(() if lam is None else (lam,)), what="your step")
        if not (isinstance(new, tuple | list) and len(new) == 2) or any(
            not isinstance(p, list | tuple) or len(p) != len(W) for p in new
        ):
            raise ExerciseError("your step should return (W, b): two lists of L arrays")
        dW, db = _gradients(lambda W_, b_: _cost(W_, b_, x, y, lam or 0.0), W, b)
        where = f"the network {'-'.join(map(str, sizes))}"
        for name, mine, old, d in (("W", new[0], W, dW), ("b", new[1], b, db)):
            for l, (p, p_old, dp) in enumerate(zip(mine, old, d, strict=True), 1):
                compare(f"the new {name}^{l}", p, p_old - eta * dp, where, 1e-8)

    return case


def check_gradient_descent_step(fn) -> Verdict:
    """Check ``fn(W, b, x, y, eta) -> (W, b)``: backprop and one step.

    Sigmoid layers, the quadratic cost C = ||a^L - y||^2 / 2, one sample x
    (n_0, 1), y (n_L, 1). ``fn`` returns new lists: the parameters after
    one step theta - eta dC/dtheta (reference: central differences of C).
    """
    return verify("one step of gradient descent", _step_case(fn, 0.5))


def check_weight_decay_step(fn) -> Verdict:
    """Check ``fn(W, b, x, y, eta, lam) -> (W, b)``: a step with weight decay.

    As :func:`check_gradient_descent_step`, for the cost C = ||a^L - y||^2 / 2
    + (lam / 2) sum_l ||W^l||^2 (biases are not penalized).
    """
    return verify("a gradient step with weight decay", _step_case(fn, 0.5, 0.1))


def check_largest_eta(fn) -> Verdict:
    """Check ``fn(h) -> eta_max`` for the cost C(w) = sum_i h_i w_i^2 / 2.

    ``h`` is a 1-D array of curvatures h_i > 0; ``fn`` returns the largest
    learning rate for which gradient descent converges. Reference: gradient
    descent itself, 3000 steps from w = 1 at 0.98 and 1.02 times the answer.
    """

    def case(rng, k):
        h = rng.uniform(0.5, 5, k + 1)
        eta = answer(fn, h, what="my_largest_eta")
        if not (isinstance(eta, numbers.Real) and eta > 0):
            raise ExerciseError(f"eta_max should be a positive number, not {eta!r}")
        where = f"h = {np.round(h, 3)}, your eta_max = {float(eta):.4g}"
        w, factor = np.ones((2, h.size)), np.array([[0.98], [1.02]])
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(3000):
                w = w - factor * eta * h * w  # dC/dw_i = h_i w_i
        below, above = np.max(np.abs(w), axis=1)  # NaN or inf if it diverged
        if not below < 1e-6:
            raise ExerciseError(f"too large: 0.98 eta_max does not converge ({where})")
        if above < 1e6:
            raise ExerciseError(f"too small: 1.02 eta_max still converges ({where})")

    return verify("the largest stable learning rate", case)


# The worked example of chapter 5, with w^2_12 changed from -0.7 to 0.4.
_W = [np.array([[0.2, -0.4], [0.5, 0.3]]), np.array([[0.6, 0.4]])]
_B = [np.array([[0.1], [-0.2]]), np.array([[0.3]])]
_X, _Y = np.array([[1.0], [0.5]]), np.array([[1.0]])


def check_by_hand(numbers) -> Verdict:
    """Check the worked example's numbers with w^2_12 = 0.4, done by hand.

    ``numbers`` maps "z^2", "a^2", "delta^2", "dC/dw^2_12", "delta^1_1",
    "delta^1_2" and "dC/dw^1_22" to floats (four decimals: within 2e-4 is
    accepted), or to ``...`` while not done yet. Reference: the network
    in plain numpy; delta^l = dC/db^l and dC/dw by central differences.
    """
    if not isinstance(numbers, dict):
        raise ExerciseError(f"numbers should be a dict, not {type(numbers).__name__}")
    z2 = (_W[1] @ (1 / (1 + np.exp(-(_W[0] @ _X + _B[0])))) + _B[1]).item()
    dW, db = _gradients(lambda W, b: _cost(W, b, _X, _Y), _W, _B)
    right = {"z^2": z2, "a^2": 1 / (1 + np.exp(-z2)), "delta^2": db[1][0, 0]}
    right |= {"dC/dw^2_12": dW[1][0, 1], "delta^1_1": db[0][0, 0]}
    right |= {"delta^1_2": db[0][1, 0], "dC/dw^1_22": dW[0][1, 1]}
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
        return Verdict(False)
    print(f"by hand, w^2_12 = 0.4: all {len(right)} numbers correct")
    return Verdict(True)
