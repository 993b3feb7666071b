"""Checkers for the exercises of chapter 7 (cross-entropy and softmax).

The costs are written out here in plain numpy (or, for exact values, in
50-digit decimal arithmetic), never taken from ``backprop.costs``, which is
what the exercises re-derive. Output errors are checked against central
differences of the summed cost: column j of dC/dZ is delta^L of sample j.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

from . import Verdict, answer, compare, derivative, verify

__all__ = ["check_multilabel_delta", "check_softmax_cce_delta", "check_stable_cce"]
__all__ += ["check_temperature_delta"]


def _log_softmax(z):
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def _targets(rng, n, m, soft):
    """m columns that are probability vectors: one-hot, or soft if ``soft``."""
    if soft:
        Y = rng.uniform(size=(n, m)) ** 3  # some entries near 0
        return Y / Y.sum(axis=0, keepdims=True)
    return np.eye(n)[:, rng.integers(n, size=m)]


def _delta_case(fn, temperature):
    """A case: delta^L of C = -sum y ln softmax(z / T), one-hot or soft y.

    T = 1 unless ``temperature``; then ``fn`` also gets T (1 in case 0,
    afterwards random from 0.5 to 5).
    """

    def case(rng, k):
        n, m = int(rng.integers(2, 6)), int(rng.integers(1, 6))
        z = rng.uniform(-3, 3, (n, m))
        y = _targets(rng, n, m, soft=k % 2 == 1)
        where = f"n = {n}, m = {m}, {'soft' if k % 2 else 'one-hot'} targets"
        args, T = (z, y), 1.0
        if temperature:
            T = float(np.exp(rng.uniform(np.log(0.5), np.log(5)))) if k else 1.0
            args, where = (z, y, T), f"{where}, T = {T:.3g}"
        expected = derivative(lambda z_: -np.sum(y * _log_softmax(z_ / T)), z)
        compare("delta^L", answer(fn, *args, what="your delta"), expected, where)

    return case


def check_softmax_cce_delta(fn) -> Verdict:
    """Check ``fn(z, y) -> delta``, delta^L of softmax + categorical CE.

    ``z`` is Z^L, shape (n, m); ``y`` has m columns that are probability
    vectors (y_k >= 0, sum_k y_k = 1: one-hot, or soft as with label
    smoothing). ``fn`` returns the (n, m) matrix whose column j is
    dC^(j)/dz^(j) for C^(j) = -sum_k y_kj ln softmax(z^(j))_k.
    """
    title = "delta^L for softmax + categorical cross-entropy"
    return verify(title, _delta_case(fn, temperature=False), n=6)


def check_temperature_delta(fn) -> Verdict:
    """Check ``fn(z, y, T) -> delta``, delta^L of a softmax at temperature T.

    As :func:`check_softmax_cce_delta`, for the cost
    C^(j) = -sum_k y_kj ln softmax(z^(j) / T)_k with a float T > 0 (T = 1
    in the first case, then random from 0.5 to 5).
    """
    title = "delta^L for a softmax at temperature T"
    return verify(title, _delta_case(fn, temperature=True), n=6)


def _exact_cce(z, y):
    """-sum_k y_k ln softmax(z)_k per column, in 50-digit arithmetic."""
    costs = []
    with localcontext() as context:
        context.prec = 50
        for zj, yj in zip(z.T, y.T, strict=True):
            zs = [Decimal(float(v)) for v in zj]  # the exact binary values
            log_sum = sum(v.exp() for v in zs).ln()
            costs.append(float(sum(Decimal(float(t)) * (log_sum - v)
                                   for t, v in zip(yj, zs, strict=True))))  # fmt: skip
    return np.array(costs)


def check_stable_cce(fn) -> Verdict:
    """Check ``fn(z, y) -> C``, the categorical cross-entropy from z.

    ``z`` is Z^L, shape (n, m), possibly with entries of size 1000; ``y`` is
    one-hot, (n, m). ``fn`` returns the m per-sample costs, shape (m,),
    C^(j) = -sum_k y_kj ln softmax(z^(j))_k, finite and accurate for any z.
    The reference is computed with 50 significant digits.
    """

    def case(rng, k):
        n, m = int(rng.integers(2, 6)), int(rng.integers(2, 6))
        scale = [1.0, 30.0, 300.0, 1000.0, 1000.0][k % 5]
        z = rng.uniform(-scale, scale, (n, m))
        y = _targets(rng, n, m, soft=False)
        y[:, 0] = np.eye(n)[:, np.argmin(z[:, 0])]  # one sample badly wrong
        got = answer(fn, z, y, what="your cost")
        compare("C", got, _exact_cce(z, y), f"n = {n}, m = {m}, |z| up to {scale:g}",
                rtol=1e-12)  # fmt: skip

    return verify("categorical cross-entropy from z", case)


def check_multilabel_delta(fn) -> Verdict:
    """Check ``fn(z, y, p) -> delta``, delta^L of weighted multi-label BCE.

    n independent sigmoid outputs a = sigma(z), labels y in {0, 1} (any
    number of 1s per column), and a weight p_i >= 1 on the positive term of
    output i::

        C^(j) = -sum_i [p_i y_ij ln a_ij + (1 - y_ij) ln(1 - a_ij)]

    ``z`` and ``y`` are (n, m), ``p`` is (n, 1); ``fn`` returns the (n, m)
    matrix whose column j is dC^(j)/dz^(j).
    """

    def case(rng, k):
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        z = rng.uniform(-3, 3, (n, m))
        y = (rng.uniform(size=(n, m)) < 0.4).astype(float)
        p = 1 + rng.uniform(0, 4, (n, 1)) if k else np.ones((n, 1))

        def C(z_):  # ln sigma(z) = -ln(1 + e^-z), ln(1 - sigma(z)) = -ln(1 + e^z)
            return np.sum(p * y * np.logaddexp(0, -z_) + (1 - y) * np.logaddexp(0, z_))

        got = answer(fn, z, y, p, what="your delta")
        compare("delta^L", got, derivative(C, z), f"n = {n}, m = {m} (case {k})")

    return verify("delta^L for weighted multi-label cross-entropy", case)
