"""Gradient checks: a step module's gradients against finite differences.

:func:`check_gradients` measures with :mod:`backprop.finite_differences`
(re-exported here) and judges twice: the relative error over all
parameters, and each parameter on its own (chapter 8).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .finite_differences import numerical_gradient, relative_error

# numerical_gradient and relative_error are importable from here too; they
# are documented in backprop.finite_differences.
__all__ = ["GradientCheck", "GradientCheckError", "check_gradients"]


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`check_gradients`."""

    error: float
    """Relative error over all parameters."""
    errors: list
    """Relative error of each parameter, in the order of ``names``."""
    names: list
    """The parameters' names, e.g. ``["W^1", "W^2", "b^1", "b^2"]``."""
    flagged: list
    """Parameters the per-parameter criterion finds off (empty if none)."""
    analytic: list
    """The analytic gradients, one flat float64 array per parameter."""
    numeric: list
    """The finite-difference gradients, in the same layout."""


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with finite differences.

    ``result`` is the :class:`GradientCheck`; ``result.flagged`` names the
    parameters that the per-parameter criterion finds off.
    """

    def __init__(self, message, result=None):
        super().__init__(message)
        self.result = result


def _leaves(params, names):
    """Flatten (w, b) or (W_list, b_list) into (name, value) pairs, with a rebuild."""
    leaves, layout = [], []
    for p, name in zip(params, names, strict=True):
        if isinstance(p, list | tuple):
            layout.append(len(p))
            leaves += [(f"{name}^{l}", pl) for l, pl in enumerate(p, start=1)]
        else:
            layout.append(None)
            leaves.append((name, p))

    def rebuild(flat):
        out, i = [], 0
        for n in layout:
            out.append(flat[i] if n is None else list(flat[i : i + n]))
            i += 1 if n is None else n
        return out

    return leaves, rebuild


def check_gradients(
    module, params: Sequence, data: Sequence, *, g="sigmoid", cost="quadratic",
    eps: float = 1e-6, tol: float = 1e-7, gradients: Callable | None = None,
) -> GradientCheck:  # fmt: skip
    """Compare a step module's gradients with finite differences; raise if off.

    Parameters
    ----------
    module : module
        A step module: anything with ``C(*params, *data, g=, cost=)`` and
        ``gradients(*params, *data, g=, cost=)``.
    params : sequence
        The parameters in the module's order: ``(w, b)``, ``(w1, b1, w2,
        b2)``, or ``(W, b)`` (lists). They are named after ``module.C``'s
        arguments, with the book's layer index: ``"W^1"``, ``"b^2"``.
    data : sequence
        ``(x, y)`` or ``(X, Y)``.
    g, cost
        Passed on to the module.
    eps, tol : float
        Finite-difference step; largest relative error accepted.
    gradients : callable, optional
        A replacement for ``module.gradients`` with the same signature, e.g.
        a deliberately wrong formula from :mod:`backprop.errata`.

    Returns
    -------
    GradientCheck
        With ``error <= tol`` and nothing flagged.

    Raises
    ------
    ValueError
        If a gradient's shape differs from its parameter's shape.
    GradientCheckError
        If the relative error over all parameters exceeds ``tol``, or one
        parameter's is off by more than ``tol`` plus the round-off of the
        finite differences (``64 eps_mach |C| / eps`` per entry, with
        eps_mach = ``np.finfo(dtype).eps``); ``error.result.flagged`` names
        those parameters.
    """
    names = list(inspect.signature(module.C).parameters)[: len(params)]
    leaves, rebuild = _leaves(params, names)
    analytic, _ = _leaves(
        (gradients or module.gradients)(*params, *data, g=g, cost=cost), names
    )
    for (name, p), (_, d) in zip(leaves, analytic, strict=True):
        if np.shape(d) != np.shape(p):
            raise ValueError(
                f"the gradient of {name} has shape {np.shape(d)}, but {name} "
                f"has shape {np.shape(p)}"
            )

    def f(flat):
        return module.C(*rebuild(flat), *data, g=g, cost=cost)

    values = [p for _, p in leaves]
    numeric = [
        np.ravel(n).astype(np.float64) for n in numerical_gradient(f, values, eps)
    ]
    analytic = [np.ravel(d).astype(np.float64) for _, d in analytic]
    pairs = list(zip(analytic, numeric, strict=True))
    # Per parameter too: in one norm over all parameters, a wrong gradient
    # of a parameter with a tiny gradient (an early layer of a deep sigmoid
    # net) would drown. Each parameter may differ by tol relative, plus the
    # round-off of the central difference, about eps_mach |C| / eps per entry.
    # The dtype the differences are taken in: a Python float counts as
    # float64 (np.asarray), not as numpy 2's "weak" scalar.
    dtype = np.result_type(*[np.asarray(v) for v in values], np.float32)
    noise = 64 * np.finfo(dtype).eps
    noise *= abs(float(f(values))) / eps
    flagged = [
        name
        for (name, _), (a, n) in zip(leaves, pairs, strict=True)
        if np.linalg.norm(a - n)
        > tol * (np.linalg.norm(a) + np.linalg.norm(n)) + noise * np.sqrt(a.size)
    ]
    names = [name for name, _ in leaves]
    errors = [relative_error([a], [n]) for a, n in pairs]
    result = GradientCheck(
        relative_error(analytic, numeric), errors, names, flagged, analytic, numeric
    )
    if not result.error <= tol or flagged:
        each = ", ".join(f"{k} {e:.1e}" for k, e in zip(names, errors, strict=True))
        raise GradientCheckError(
            f"{module.__name__}: relative error {result.error:.2e} (tolerance "
            f"{tol:.0e}); off by the per-parameter criterion: "
            f"{', '.join(flagged) or 'none'}; per parameter: {each}",
            result,
        )
    return result
