"""Checkers for the exercises of chapter 9 (reverse-mode autodiff).

Each exercise adds an operation to :mod:`backprop.autodiff`: a function of
Tensors that returns a Tensor with its value, its parents and its vjp. A
checker calls the learner's operation on random inputs, reduces its output
v to C = sum(R * v) with fixed random weights R (so every entry of G differs),
runs ``backward()`` and compares the gradients that reach the inputs with
central differences of the plain numpy function: an independent reference.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Tensor
from . import ExerciseError, Verdict, answer, compare, derivative, verify

__all__ = ["check_exp", "check_maximum"]


def _run(f, *args, what):
    """f(*args); an exception in the learner's code becomes a verdict."""
    try:
        return f(*args)
    except Exception as error:
        raise ExerciseError(f"{what} raised {type(error).__name__}: {error}") from None


def _judge(fn, name, f, xs, names, rng, case):
    """Call ``fn`` on Tensors holding ``xs`` (called ``names``); judge it."""
    leaves = [Tensor(x.copy()) for x in xs]
    v = answer(fn, *leaves, what=name)
    if not isinstance(v, Tensor):
        raise ExerciseError(
            f"{name} should return a Tensor (value, parents, vjp), got "
            f"{type(v).__name__} ({case})"
        )
    compare(f"the value of {name}", v.value, f(*xs), case)
    if v.vjp is not None:
        grads = _run(v.vjp, np.ones_like(v.value), what=f"the vjp of {name}")
        if not isinstance(grads, tuple | list) or len(grads) != len(v.parents):
            raise ExerciseError(
                f"the vjp of {name} should return a tuple with one gradient "
                f"per parent ({len(v.parents)}), got {type(grads).__name__} "
                f"({case})"
            )
    R = rng.normal(size=v.shape)
    C = (v * Tensor(R.astype(v.value.dtype))).sum()  # G = dC/dv = R
    _run(C.backward, what=f"backward() through {name}")
    for i, (leaf, x, u) in enumerate(zip(leaves, xs, names, strict=True)):
        if leaf.grad is None:
            raise ExerciseError(
                f"backward() never reached {u}: give the Tensor that {name} "
                f"returns its parents and its vjp ({case})"
            )

        def C_of(t, i=i):  # C as a plain function of input i
            return float(np.sum(R * f(*xs[:i], t, *xs[i + 1 :])))

        compare(f"dC/d{u}", leaf.grad, derivative(C_of, x), case)


def check_exp(fn) -> Verdict:
    """Check ``fn(z) -> Tensor``, the entrywise exponential with its vjp.

    ``z`` is a Tensor of shape (n, m). ``fn`` returns a Tensor whose value
    is a = e^z (n, m), whose parents are ``(z,)`` and whose vjp maps
    G (n, m) to the one-element tuple ``(dC/dz,)``, with::

        dC/dz = G * e^z     (entrywise; e^z is its own derivative)

    Cases: random shapes, |z| <= 3; reference: central differences.
    """

    def case(rng, k):
        n, m = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        z = rng.uniform(-3, 3, (n, m))
        where = f"case {k}: z of shape {(n, m)}"
        _judge(fn, "your exp", np.exp, [z], ["z"], rng, where)

    return verify("check_exp", case)


def check_maximum(fn) -> Verdict:
    """Check ``fn(u, w) -> Tensor``, the entrywise maximum with its vjp.

    ``u`` and ``w`` are Tensors of one shape (n, m). ``fn`` returns a Tensor
    whose value is max(u, w) entry by entry, whose parents are ``(u, w)``
    and whose vjp routes G (n, m) to the larger input::

        dC/du = G * (u > w),   dC/dw = G * (w > u)   (the masks: 1 or 0)

    Cases: random shapes with |u - w| >= 0.1 everywhere, away from the
    ties where max is not differentiable; reference: central differences.
    """

    def case(rng, k):
        n, m = int(rng.integers(1, 5)), int(rng.integers(1, 6))
        u = rng.normal(size=(n, m))
        gap = rng.choice([-1, 1], (n, m)) * rng.uniform(0.1, 1, (n, m))
        where = f"case {k}: u and w of shape {(n, m)}"
        _judge(fn, "your maximum", np.maximum, [u, u + gap], "uw", rng, where)

    return verify("check_maximum", case)
