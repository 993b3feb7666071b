"""Finite differences: the referee's measurements (every chapter, chapter 8).

The central difference

    dC/dtheta_i  ~  (C(theta + eps e_i) - C(theta - eps e_i)) / (2 eps)

has truncation error O(eps^2), against O(eps) for a one-sided difference.
In float64 with eps ~ 1e-6 it agrees with a correct analytic gradient to a
relative error far below 1e-7, while a wrong formula is off by far more.
:mod:`backprop.gradcheck` compares a step module's gradients with it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f: Callable, params: Sequence, eps: float = 1e-6) -> list:
    """Central-difference estimate of df/dparams for every entry of every parameter.

    Parameters
    ----------
    f : callable
        ``f(params) -> float``, called with a list shaped like ``params``.
    params : sequence of arrays or floats
        The point at which to differentiate. Not modified: f sees copies.
        Their dtype is kept (use float64 for checks; chapter 8 shows why).
    eps : float
        The step.

    Returns
    -------
    list of arrays
        One array per parameter, with its shape and dtype.
    """
    theta = [np.array(p, dtype=np.result_type(p, 0.0)) for p in params]  # copies
    grads = [np.zeros_like(p) for p in theta]
    for p, grad in zip(theta, grads, strict=True):
        flat, gflat = p.reshape(-1), grad.reshape(-1)  # views
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            c_plus = f(theta)
            flat[i] = old - eps
            c_minus = f(theta)
            flat[i] = old
            gflat[i] = (c_plus - c_minus) / (2 * eps)
    return grads


def relative_error(analytic: Sequence, numeric: Sequence) -> float:
    """||analytic - numeric|| / (||analytic|| + ||numeric||) over all entries.

    Both are sequences of arrays (or floats), entry i of one with the shape
    of entry i of the other, else ValueError. The norms run over every
    entry of every parameter. Returns 0.0 when both are exactly zero.
    """
    if len(analytic) != len(numeric):
        raise ValueError(f"{len(analytic)} gradients against {len(numeric)}")
    for i, (a, n) in enumerate(zip(analytic, numeric, strict=True)):
        if np.shape(a) != np.shape(n):
            raise ValueError(
                f"gradient {i} has shape {np.shape(a)}, but {np.shape(n)} was expected"
            )
    a, n = (np.concatenate([np.ravel(x) for x in xs]) for xs in (analytic, numeric))
    a, n = a.astype(np.float64), n.astype(np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)
