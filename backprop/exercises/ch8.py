"""Checkers for the exercises of chapter 8 (gradient checking).

The exercises build the referee itself, so the references are exact
derivatives and the package's float64 backprop, which every chapter of the
book has checked against finite differences.
"""

from __future__ import annotations

import numpy as np

from .. import minibatch, train
from ..finite_differences import numerical_gradient, relative_error
from ..gradcheck import GradientCheckError, check_gradients
from . import ExerciseError, Verdict, answer, verify
from .ch5 import _network
from .ch6 import _number

__all__ = ["check_difference_order", "check_float32_eps", "check_gradient_checker"]
__all__ += ["check_hidden_bug"]


def check_float32_eps(fn) -> Verdict:
    """Check ``fn(dtype) -> eps``, the finite-difference step for a dtype.

    On random 2-layer sigmoid networks (quadratic cost), the central
    difference computed entirely in ``dtype`` with the step ``fn(dtype)``
    must match the float64 backprop gradient to a relative error below
    2e-4 for numpy.float32 and 1e-8 for numpy.float64.
    """

    def case(rng, k):
        m = int(rng.integers(3, 9))
        sizes, W, b, X, Y = _network(rng, m, depth=2)
        dW, db = minibatch.gradients(W, b, X, Y)

        def cost(p):  # computed in the dtype of the parameters p
            dtype = p[0].dtype
            return minibatch.C(p[:2], p[2:], X.astype(dtype), Y.astype(dtype))

        for dtype, bound in ((np.float32, 2e-4), (np.float64, 1e-8)):
            eps = _number(answer(fn, dtype, what="your step"), "the step")
            if not 0 < eps < 1:
                raise ExerciseError(f"the step should be in (0, 1), got {eps}")
            numeric = numerical_gradient(cost, [p.astype(dtype) for p in W + b], eps)
            error = relative_error(dW + db, numeric)
            if not error < bound:
                raise ExerciseError(
                    f"with eps = {eps:.1e} the {np.dtype(dtype).name} check of a "
                    f"{'-'.join(map(str, sizes))} network (m = {m}) has relative "
                    f"error {error:.1e}; it should be below {bound:.0e}"
                )

    return verify("finite-difference step per dtype", case)


_SPOIL = {  # name: how a right gradient d is spoiled (r: a random generator)
    "right": lambda d, r: d,
    "off by 1e-4 relative": lambda d, r: d * (1 + 1e-4),
    "2 % off in one entry": lambda d, r: d + 0.02 * np.abs(d).max()
    * (np.arange(d.size) == r.integers(d.size)).reshape(d.shape),
    "with its entries reversed": lambda d, r: d.ravel()[::-1].reshape(d.shape),
}  # fmt: skip


def check_gradient_checker(fn) -> Verdict:
    """Check ``fn(f, theta, grad) -> bool``, a minimal gradient checker.

    ``f(theta) -> float`` for a float64 array ``theta``; ``fn`` returns
    whether ``grad`` (shaped like theta) is df/dtheta. It gets right and
    wrong gradients (off by 1e-4 relative, 2 % off in one entry, entries
    reversed) of functions whose gradients are of size 1e-8 to 1e6.
    """
    scales, names = (1.0, 1e-8, 1e6, 1e-3), list(_SPOIL)

    def case(rng, k):
        scale, name = scales[k // len(names)], names[k % len(names)]
        theta = rng.normal(size=(int(rng.integers(2, 4)), int(rng.integers(1, 4))))
        c = rng.uniform(0.5, 2, theta.shape)

        def f(t):  # s (sum_i sin(c_i t_i) + (c . t)^2 / 2)
            return scale * float(np.sum(np.sin(c * t)) + np.sum(c * t) ** 2 / 2)

        right = scale * (c * np.cos(c * theta) + c * np.sum(c * theta))
        verdict = answer(fn, f, theta, _SPOIL[name](right, rng), what="your checker")
        if not isinstance(verdict, bool | np.bool_):
            raise ExerciseError(f"your checker should return a bool, got {verdict!r}")
        if bool(verdict) != (name == "right"):
            what = "rejected a right" if name == "right" else "accepted a wrong"
            raise ExerciseError(
                f"your checker {what} gradient ({name}) of a function whose "
                f"gradient has entries of size about {scale:.0e} (case {k})"
            )

    return verify("gradient checker", case, n=len(scales) * len(names))


_STENCILS = {  # name: (estimate of f'(x), the order of its truncation error)
    "one-sided (forward)": (lambda f, x, h: (f(x + h) - f(x)) / h, 1),
    "one-sided (backward)": (lambda f, x, h: (f(x) - f(x - h)) / h, 1),
    "central": (lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h), 2),
    "three-point one-sided": (
        lambda f, x, h: (-3 * f(x) + 4 * f(x + h) - f(x + 2 * h)) / (2 * h), 2),
    "five-point central": (
        lambda f, x, h: (f(x - 2 * h) - 8 * f(x - h) + 8 * f(x + h) - f(x + 2 * h))
        / (12 * h), 4),
}  # fmt: skip


def check_difference_order(fn) -> Verdict:
    """Check ``fn(stencil) -> p``, the measured order of a difference formula.

    ``stencil(f, x, eps)`` estimates f'(x) for a function f of a float x;
    ``fn`` returns the float p with error ~ eps^p, measured. Five formulas
    of orders 1, 1, 2, 2 and 4; p must be within 0.25 of the order.
    """

    def case(rng, k):
        name, (stencil, order) = list(_STENCILS.items())[k]
        p = _number(answer(fn, stencil, what="your order"), "the order")
        if not abs(p - order) <= 0.25:
            raise ExerciseError(
                f"you measured an order of {p:.2f} for the {name} difference, "
                f"but its error shrinks like eps^{order}"
            )

    return verify("order of the truncation error", case, n=len(_STENCILS))


def check_hidden_bug(fn) -> Verdict:
    """Check ``fn(dW, db) -> (dW, db)``, a bug only the per-parameter test sees.

    ``dW``, ``db``: the right gradients of a deep sigmoid net (10 to 12 layers
    of 3 or 4 neurons, then one output; quadratic cost; 4 samples). ``fn``
    returns a spoiled copy that ``check_gradients`` rejects although the
    relative error over all parameters stays below its tolerance 1e-7.
    """

    def case(rng, k):
        width, depth = int(rng.integers(3, 5)), int(rng.integers(10, 13))
        W, b = train.init_params((width,) * (depth + 1) + (1,), seed=rng)
        X = rng.normal(size=(width, 4))
        Y = minibatch.forward(W, b, X)[1][-1] + 0.05  # early gradients vanish
        dW, db = minibatch.gradients(W, b, X, Y)
        got = answer(fn, [d.copy() for d in dW], [d.copy() for d in db])
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise ExerciseError("your function should return the pair (dW, db)")
        net = f"a {depth + 1}-layer net of width {width} (case {k})"
        try:
            check_gradients(minibatch, (W, b), (X, Y), gradients=lambda *_, **__: got)
        except GradientCheckError as error:
            if error.result.error <= 1e-7:
                return  # only the per-parameter criterion caught it: right
            problem = (
                f"the global criterion already catches your bug in {net}: the "
                f"relative error over all parameters is {error.result.error:.1e}"
            )
        except ValueError as error:
            problem = f"check_gradients refused your gradients: {error}"
        else:
            problem = f"check_gradients passes your gradients for {net}: no bug"
        raise ExerciseError(problem)

    return verify("a bug that only the per-parameter criterion catches", case)
