"""Finite-difference gradient checks (every chapter, and chapter 8).

The central difference

    dC/dtheta_i  ~  (C(theta + eps e_i) - C(theta - eps e_i)) / (2 eps)

has truncation error O(eps^2), against O(eps) for a one-sided difference.
In float64 with eps ~ 1e-6 it agrees with a correct analytic gradient to a
relative error far below 1e-7, while a wrong formula is off by far more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GradientCheck",
    "GradientCheckError",
    "check_gradients",
    "numerical_gradient",
    "relative_error",
]


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with finite differences."""


def _float_dtype(p):
    """The dtype of p if it is floating, else float64 (a Python float too)."""
    dtype = np.asarray(p).dtype
    return dtype if dtype.kind == "f" else np.dtype(np.float64)


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
    theta = [np.array(p, dtype=_float_dtype(p)) for p in params]  # copies
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


def _flatten(xs):
    return np.concatenate([np.ravel(np.asarray(x, dtype=np.float64)) for x in xs])


def relative_error(analytic: Sequence, numeric: Sequence) -> float:
    """||analytic - numeric|| / (||analytic|| + ||numeric||) over all entries.

    Both are sequences of arrays (or floats) with matching shapes. The norms
    run over every entry of every parameter, so a single tiny component
    cannot blow the ratio up. Returns 0.0 when both are exactly zero.
    """
    a, n = _flatten(analytic), _flatten(numeric)
    if a.shape != n.shape:
        raise ValueError(f"gradient sizes differ: {a.size} vs {n.size} entries")
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradients`."""

    error: float
    """Relative error over all parameters."""
    errors: list
    """Relative error of each parameter, in the order of ``params``."""
    analytic: list
    """The analytic gradients, flattened into one array per parameter."""
    numeric: list
    """The finite-difference gradients, in the same layout."""


def _leaves(params):
    """Flatten (w, b) or (W_list, b_list) into a list of arrays, with a rebuild."""
    leaves, layout = [], []
    for p in params:
        if isinstance(p, list | tuple):
            layout.append(len(p))
            leaves.extend(p)
        else:
            layout.append(None)
            leaves.append(p)

    def rebuild(flat):
        out, i = [], 0
        for n in layout:
            if n is None:
                out.append(flat[i])
                i += 1
            else:
                out.append(list(flat[i : i + n]))
                i += n
        return out

    return leaves, rebuild


def check_gradients(
    module,
    params: Sequence,
    data: Sequence,
    *,
    g="sigmoid",
    cost="quadratic",
    eps: float = 1e-6,
    tol: float = 1e-7,
    gradients: Callable | None = None,
) -> GradientCheck:
    """Compare a step module's gradients with finite differences; raise if off.

    Parameters
    ----------
    module : module
        One of the step modules (single_neuron, two_layer, l_layer, matrix,
        minibatch): anything with ``C(*params, *data, g=, cost=)`` and
        ``gradients(*params, *data, g=, cost=)``.
    params : sequence
        The parameters in the module's order, e.g. ``(w, b)`` for one neuron,
        ``(w1, b1, w2, b2)`` for two layers, ``(W, b)`` (two lists) for the
        layered modules.
    data : sequence
        ``(x, y)`` or ``(X, Y)``.
    g, cost
        Passed on to the module.
    eps : float
        Finite-difference step.
    tol : float
        Largest relative error accepted (1e-7 for float64).
    gradients : callable, optional
        A replacement for ``module.gradients`` with the same signature, e.g.
        a deliberately wrong formula from :mod:`backprop.errata`.

    Returns
    -------
    GradientCheck
        With ``error <= tol``.

    Raises
    ------
    GradientCheckError
        If the relative error over all parameters exceeds ``tol``, or if any
        one parameter's gradient is off by more than ``tol`` relative plus
        the finite differences' round-off (about ``64 u abs(C) / eps`` per
        entry, u the unit round-off); the message gives each parameter's
        error.
    """
    gradients = gradients or module.gradients
    leaves, rebuild = _leaves(params)
    analytic, _ = _leaves(gradients(*params, *data, g=g, cost=cost))

    def f(flat):
        return module.C(*rebuild(flat), *data, g=g, cost=cost)

    numeric = numerical_gradient(f, leaves, eps)
    analytic = [np.ravel(np.asarray(a, dtype=np.float64)) for a in analytic]
    numeric = [np.ravel(n.astype(np.float64)) for n in numeric]
    errors = [relative_error([a], [n]) for a, n in zip(analytic, numeric, strict=True)]
    result = GradientCheck(relative_error(analytic, numeric), errors, analytic, numeric)
    # Per parameter too: in one norm over all parameters, a wrong gradient
    # of a parameter with a tiny gradient (an early layer of a deep sigmoid
    # net) would drown. Each parameter may differ by tol relative, plus the
    # round-off of the central difference, about u |C| / eps per entry.
    u = np.finfo(np.result_type(*leaves, np.float32)).eps
    noise = 64 * u * abs(float(f(leaves))) / eps
    bad = [
        i
        for i, (a, n) in enumerate(zip(analytic, numeric, strict=True))
        if np.linalg.norm(a - n)
        > tol * (np.linalg.norm(a) + np.linalg.norm(n)) + noise * np.sqrt(a.size)
    ]
    if not result.error <= tol or bad:
        worst = ", ".join(
            f"{e:.1e}{' (!)' if i in bad else ''}" for i, e in enumerate(errors)
        )
        raise GradientCheckError(
            f"{module.__name__}: relative error {result.error:.2e} "
            f"(tolerance {tol:.0e}; per parameter, (!) = off: {worst})"
        )
    return result
