"""Checkers for the book's exercises (chapters 1-8).

Each chapter's code exercises have their checkers in a module of this
package, ``ch1`` to ``ch8``. A learner writes a function in the cell the
exercise provides and calls its checker on one line, e.g.
``check_delta_tanh(my_delta)``. A checker calls the function on several
random cases (random networks, shapes and points, seeded) and compares each
result with an independent reference: finite differences of the cost in
float64 wherever a derivative is asked for, never one stored value.

What a checker does with an answer:

- **not answered yet** (the function still raises NotImplementedError, or
  returns None or ``...``): prints so and returns a false :class:`Verdict`;
- **wrong**: raises :class:`ExerciseError`, whose message names the output
  that is wrong (or the exception the function raised), the case, and by
  how much it is off, never a traceback from inside numpy;
- **right**: prints what it checked and returns a true :class:`Verdict`.

A :class:`Verdict` is truthy or falsy like a bool, but shows nothing as a
cell's result: the printed line is the verdict, and a checker called on
the last line of a notebook cell adds no ``True`` or ``False`` to it.

This module holds what the checkers share: :func:`verify` runs the cases,
:func:`answer` calls the learner's function, :func:`compare` judges one
output, and :func:`derivative` is the finite-difference reference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..finite_differences import numerical_gradient

__all__ = ["ExerciseError", "Verdict", "answer", "compare", "derivative", "verify"]


class ExerciseError(AssertionError):
    """A wrong answer to an exercise; the message says what is wrong."""


class Verdict:
    """What a checker returns: true if the answer is right.

    ``bool(verdict)`` is the result; ``verdict.passed`` too. In a notebook
    it displays nothing (the checker has printed its verdict already).
    """

    __slots__ = ("passed",)

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self):
        """IPython shows this instead of the repr: nothing."""


class _NotAnswered(Exception):
    """The learner's function is still the template."""


def answer(fn: Callable, *args, what: str = "your function"):
    """Call the learner's ``fn(*args)``; turn any failure into a clear verdict.

    For the template (NotImplementedError, None or ``...``) it raises a
    private signal that :func:`verify` reports as "not answered yet"; for
    any other exception, :class:`ExerciseError` naming it.
    The arguments are copies, so the function cannot change the case.
    """
    copies = [np.array(a) if isinstance(a, np.ndarray) else a for a in args]
    try:
        result = fn(*copies)
    except NotImplementedError:
        raise _NotAnswered from None
    except Exception as error:  # the learner's bug, reported, not re-raised
        raise ExerciseError(f"{what} raised {type(error).__name__}: {error}") from None
    if result is None or result is Ellipsis:
        raise _NotAnswered
    return result


def compare(name: str, got, expected, case: str, rtol: float = 1e-6) -> None:
    """Raise :class:`ExerciseError` unless ``got`` matches ``expected``.

    Checks, in this order: that ``got`` is a real array, its shape, that it
    is finite, and the relative error
    ||got - expected|| / max(||expected||, tiny) against ``rtol``.
    """
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        raise ExerciseError(
            f"{name} should be an array of numbers; got {type(got).__name__} ({case})"
        ) from None
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        raise ExerciseError(
            f"{name} has shape {got.shape} but should have shape "
            f"{expected.shape} ({case})"
        )
    if not np.all(np.isfinite(got)):
        raise ExerciseError(f"{name} contains NaN or infinite values ({case})")
    scale = max(float(np.linalg.norm(expected)), np.finfo(np.float64).tiny)
    error = float(np.linalg.norm(got - expected)) / scale
    if not error <= rtol:
        worst = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
        where = f"at index {tuple(int(i) for i in worst)}, " if got.ndim else ""
        raise ExerciseError(
            f"{name} is off by {error:.1e} (relative error; at most {rtol:.0e} "
            f"is accepted) for {case}: {where}the answer is {got[worst]:.6g} "
            f"and the right value {expected[worst]:.6g}"
        )


def derivative(f: Callable, x, eps: float = 1e-6) -> np.ndarray:
    """df/dx by central differences, in float64: the reference for a gradient.

    ``f(x)`` returns a number; ``x`` is an array (or a float) and is not
    modified. Returns an array shaped like ``x``.
    """
    x = np.array(x, dtype=np.float64)
    return numerical_gradient(lambda p: f(p[0]), [x], eps)[0]


def verify(title: str, case: Callable, n: int = 5, seed: int = 0) -> Verdict:
    """Run ``case(rng, k)`` for k = 0, ..., n - 1 and print the verdict.

    ``case`` draws one random case from ``rng`` (a seeded
    ``numpy.random.Generator``), calls the learner's function through
    :func:`answer` and judges it with :func:`compare`. Returns a true
    :class:`Verdict` if every case passes, a false one if the answer is
    still the template; raises
    :class:`ExerciseError` at the first wrong case.
    """
    rng = np.random.default_rng(seed)
    try:
        for k in range(n):
            case(rng, k)
    except _NotAnswered:
        print(f"{title}: not answered yet")
        return Verdict(False)
    print(f"{title}: correct on {n} random cases")
    return Verdict(True)
