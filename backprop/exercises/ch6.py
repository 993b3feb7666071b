"""Checkers for the exercises of chapter 6 (minibatches).

The references are computed in plain numpy: the quadratic cost of sigmoid
(or tanh) layers, averaged or summed over the m columns, written out and
differentiated by central differences (helpers shared with chapter 5),
never by the ``minibatch`` code that the exercises re-derive.
"""

from __future__ import annotations

import numbers

import numpy as np

from .. import minibatch
from . import ExerciseError, Verdict, answer, compare, derivative, verify
from .ch5 import _cost, _gradients, _network

__all__ = ["check_bias_gradient", "check_eta_for_summed_cost"]
__all__ += ["check_minibatch_gradients", "check_rank_bound"]


def _number(value, what):
    """``value`` as a float; ExerciseError unless it is a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ExerciseError(f"{what} should be a number, got {value!r}")
    return float(value)


def check_bias_gradient(fn) -> Verdict:
    """Check ``fn(Delta) -> dC/db^l``, the backward of the bias broadcast.

    ``Delta`` is Delta^l, shape (n_l, m): column j is the error delta^l of
    sample j, without any 1/m. ``fn`` returns the gradient of the MEAN cost
    C = (1/m) sum_j C^(j) with respect to b^l, shape (n_l, 1)::

        dC/db^l = (1/m) Delta^l 1

    Each case is one layer Z = W X + b 1^T, A = tanh(Z), with the mean
    quadratic cost; the reference is the central difference in b.
    """

    def case(rng, k):
        n, m = int(rng.integers(1, 6)), int(rng.integers(2, 8))
        W, X = rng.normal(size=(n, 3)), rng.normal(size=(3, m))
        b, Y = rng.normal(0, 0.5, (n, 1)), rng.uniform(-1, 1, (n, m))
        A = np.tanh(W @ X + b)
        Delta = (A - Y) * (1 - A**2)  # the per-sample errors, one per column

        def C(b_):
            return 0.5 * np.sum((np.tanh(W @ X + b_) - Y) ** 2) / m

        got = answer(fn, Delta, what="your bias gradient")
        compare("dC/db^l", got, derivative(C, b), f"n_l = {n}, m = {m} (case {k})")

    return verify("bias gradient (1/m) Delta 1", case)


def check_rank_bound(fn) -> Verdict:
    """Check ``fn(m, n_l, n_prev, softmax) -> int``, the rank bound of dC/dW^l.

    The largest possible rank of a minibatch weight gradient
    (1/m) Delta^l (A^{l-1})^T of shape (n_l, n_prev) for m samples; with
    ``softmax=True`` for the output layer of a softmax network trained with
    the categorical cross-entropy. The bound must hold and be reached: each
    case computes the gradient of a random one-layer network with
    :func:`backprop.minibatch.gradients` and its rank with
    ``numpy.linalg.matrix_rank``.
    """

    def case(rng, k):
        softmax = k % 2 == 1
        n_l = int(rng.integers(2 if softmax else 1, 7))
        m, n_prev = (int(v) for v in rng.integers(1, 7, size=2))
        if k % 4 == 1:  # a softmax case with n_l <= m, n_(l-1)
            m, n_prev = (int(v) for v in rng.integers(n_l, 8, size=2))
        W, b = [rng.normal(size=(n_l, n_prev))], [rng.normal(size=(n_l, 1))]
        X = rng.normal(size=(n_prev, m))
        if softmax:
            Y = np.eye(n_l)[:, rng.integers(n_l, size=m)]  # one-hot columns
            g, cost = "softmax", "categorical_cross_entropy"
        else:
            Y, g, cost = rng.uniform(size=(n_l, m)), "sigmoid", "quadratic"
        dW, _ = minibatch.gradients(W, b, X, Y, g, cost)
        rank = int(np.linalg.matrix_rank(dW[0]))
        bound = answer(fn, m, n_l, n_prev, softmax, what="your rank bound")
        where = f"m = {m}, n_l = {n_l}, n_(l-1) = {n_prev}, softmax = {softmax}"
        if isinstance(bound, bool) or not isinstance(bound, int | np.integer):
            raise ExerciseError(f"the bound should be an int, got {bound!r} ({where})")
        if bound != rank:
            problem = "is too small" if bound < rank else "is never reached"
            raise ExerciseError(
                f"your bound {bound} {problem}: for {where} the gradient of a "
                f"random network has rank {rank}"
            )

    return verify("rank bound of a minibatch weight gradient", case, n=10)


def check_minibatch_gradients(fn) -> Verdict:
    """Check ``fn(W, b, X, Y) -> (dW, db)``, the minibatch gradients.

    The network has sigmoid layers and the quadratic cost averaged over the
    m columns of X (n_0, m) and Y (n_L, m); ``dW[l-1]`` is dC/dW^l and
    ``db[l-1]`` is dC/db^l, shaped like W^l and b^l. Every case has m >= 2.
    """

    def case(rng, k):
        m = int(rng.integers(2, 9))
        sizes, W, b, X, Y = _network(rng, m, depth=1 + k % 3)
        got = answer(fn, W, b, X, Y)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise ExerciseError("your function should return the pair (dW, db)")
        where = f"sizes {sizes}, m = {m} (case {k})"
        ref = _gradients(lambda W_, b_: _cost(W_, b_, X, Y) / m, W, b)
        for name, mine, right in zip(("W", "b"), got, ref, strict=True):
            if len(mine) != len(W):
                raise ExerciseError(
                    f"d{name} has {len(mine)} entries, one per layer: need "
                    f"{len(W)} ({where})"
                )
            for l in range(1, len(W) + 1):
                compare(f"dC/d{name}^{l}", mine[l - 1], right[l - 1], where)

    return verify("minibatch gradients", case)


def check_eta_for_summed_cost(fn) -> Verdict:
    """Check ``fn(eta, m) -> eta_sum``, the learning rate for a summed cost.

    With the mean cost C = (1/m) sum_j C^(j) a step is -eta dC/dtheta. With
    the summed cost C_sum = sum_j C^(j) and the rate eta_sum the step must
    be the same. Each case measures both gradients by central differences
    on a random sigmoid network and compares the two steps.
    """

    def case(rng, k):
        m, eta = int(rng.integers(2, 12)), float(rng.uniform(0.05, 1.0))
        _, W, b, X, Y = _network(rng, m)
        eta_sum = _number(answer(fn, eta, m, what="your eta_sum"), "eta_sum")
        mean_dW, mean_db = _gradients(lambda W_, b_: _cost(W_, b_, X, Y) / m, W, b)
        sum_dW, sum_db = _gradients(lambda W_, b_: _cost(W_, b_, X, Y), W, b)
        names = [f"{p}^{l}" for p in "Wb" for l in range(1, len(W) + 1)]
        where = f"eta = {eta:.3f}, m = {m} (case {k})"
        for name, d_mean, d_sum in zip(
            names, mean_dW + mean_db, sum_dW + sum_db, strict=True
        ):
            compare(f"the step of {name}", -eta_sum * d_sum, -eta * d_mean, where)

    return verify("learning rate for the summed cost", case)
