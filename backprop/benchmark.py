"""Timing helpers for the speed claims of chapters 0 and 6 (and benchmarks/).

:func:`median_times` times several candidates fairly on a shared, noisy
machine: their repetitions are interleaved (a, b, c, a, b, c, ...), so a
burst of load slows them all alike, and the median of the repetitions is
reported. Compare only times from the same call, as ratios.

:func:`step_cases` builds the three candidates of chapter 6 for one
network: one vectorized SGD step, the same step one sample at a time, and
the matrix products alone (the GEMM bound, the floor for any
implementation).
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import matrix
from .activations import per_layer
from .costs import get_cost
from .train import _step, init_params

__all__ = ["median_times", "step_cases"]

_clock = time.perf_counter
"""The clock of :func:`median_times`: wall time. benchmarks/run.py may set
``time.process_time`` (CPU time of the process, immune to waiting for a
busy core; meaningful with one BLAS thread only)."""


def median_times(
    cases: dict[str, Callable[[], object]], repeat=7, number=None
) -> dict[str, float]:
    """Seconds per call of each candidate: the median over ``repeat`` runs.

    Every candidate is called once to warm up. Then each repetition calls
    every candidate in turn (a, b, c, a, b, c, ...), ``number`` times in a
    row, with the garbage collector paused, as ``timeit`` does.

    Parameters
    ----------
    cases : dict of str to callable
        The candidates, called without arguments.
    repeat : int
        Repetitions; the median over them is returned.
    number : int, optional
        Calls per repetition. The default (None) picks, per candidate,
        enough calls for a repetition to take about 0.05 s or more.

    Returns
    -------
    dict of str to float
        Seconds per call, with the keys of ``cases``.
    """
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    if number is not None and number < 1:
        raise ValueError(f"number must be >= 1 or None, got {number}")
    calls = {}
    for name, f in cases.items():
        t = _seconds(f)  # warm-up: caches, lazy imports, first allocations
        if number is not None:
            calls[name] = int(number)
        elif t >= 0.05:
            calls[name] = 1  # slow enough: one call per repetition
        else:
            t = _seconds(f)  # calibrate on a warm call
            calls[name] = max(1, math.ceil(0.05 / max(t, 1e-9)))
    times = {name: [] for name in cases}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, f in cases.items():
                n = calls[name]
                t0 = _clock()
                for _ in range(n):
                    f()
                times[name].append((_clock() - t0) / n)
    finally:
        if gc_was_enabled:
            gc.enable()
    return {name: statistics.median(ts) for name, ts in times.items()}


def _seconds(f):
    t0 = _clock()
    f()
    return _clock() - t0


def step_cases(
    sizes: Sequence[int], m: int, dtype=np.float64, seed=0, eta=0.1
) -> dict[str, Callable[[], object]]:
    """Three ways to take one SGD step on a sigmoid MLP, as callables.

    The network has layer sizes ``sizes`` = (n_0, ..., n_L), sigmoid
    activations and the quadratic cost; the minibatch has m random samples.
    Parameters come from :func:`backprop.train.init_params` and the data
    from ``numpy.random.default_rng(seed)``, all in ``dtype``.

    Each callable updates its own copy of the parameters in place, so
    calling it again costs the same and allocates nothing that lasts, and
    returns the arrays it wrote: (W, b) after the step, or for ``"gemm"``
    the lists of products.

    Parameters
    ----------
    sizes : sequence of int
        Layer sizes (n_0, n_1, ..., n_L).
    m : int
        Samples in the minibatch.
    dtype : numpy dtype
        float64 or float32, for parameters and data alike.
    seed : int
        Seeds the parameters and the data.
    eta : float
        Learning rate of the update.

    Returns
    -------
    dict of str to callable
        ``"vectorized"``: one step of :func:`backprop.train.sgd` on the
        (n_0, m) minibatch: the gradients of
        :func:`backprop.minibatch.gradients` (scaled by -eta, into arrays
        that are reused) and the update W^l := W^l - eta dC/dW^l,
        b^l := b^l - eta dC/db^l, exactly as the training loop takes it.
        ``"per_sample"``: :func:`backprop.matrix.gradients` for each of
        the m columns in a Python loop, averaged, then the same update.
        ``"gemm"``: only the matrix products of the vectorized step, with
        the same shapes and dtype, into preallocated outputs: per layer
        W^l A^{l-1} (forward), Delta^l (A^{l-1})^T and, for l >= 2,
        (W^l)^T Delta^l (backward).
    """
    sizes = [int(n) for n in sizes]
    dtype = np.dtype(dtype)
    eta = float(eta)  # a Python float keeps float32 updates float32
    rng = np.random.default_rng(seed)
    W0, b0 = init_params(sizes, seed=seed, dtype=dtype)
    X = rng.random((sizes[0], m), dtype=dtype)
    Y = rng.random((sizes[-1], m), dtype=dtype)

    def copies():
        return [Wl.copy() for Wl in W0], [bl.copy() for bl in b0]

    W_vec, b_vec = copies()
    dW_vec = [np.empty_like(Wl) for Wl in W0]  # reused, as in train.sgd
    db_vec = [np.empty_like(bl) for bl in b0]
    gs, cost = per_layer("sigmoid", len(W0)), get_cost("quadratic")

    def vectorized():
        _step(W_vec, b_vec, X, Y, gs, cost, eta, dW_vec, db_vec)
        return W_vec, b_vec

    W_per, b_per = copies()
    columns = [(X[:, [j]], Y[:, [j]]) for j in range(m)]

    def per_sample():
        dW = [np.zeros_like(Wl) for Wl in W_per]
        db = [np.zeros_like(bl) for bl in b_per]
        for x, y in columns:
            dWj, dbj = matrix.gradients(W_per, b_per, x, y, "sigmoid", "quadratic")
            for total, grad in zip(dW + db, dWj + dbj, strict=True):
                total += grad
        for p, total in zip(W_per + b_per, dW + db, strict=True):
            total *= -eta / m  # -eta times the mean over the m samples
            p += total  # W^l := W^l - eta dC/dW^l (and b^l)
        return W_per, b_per

    # The GEMM bound: the same products on random operands of the same
    # shapes, written into outputs that are allocated once.
    A = [rng.random((n, m), dtype=dtype) for n in sizes[:-1]]  # A^0..A^{L-1}
    Delta = [rng.random((n, m), dtype=dtype) for n in sizes[1:]]
    Z = [np.empty((n, m), dtype=dtype) for n in sizes[1:]]
    dW = [np.empty_like(Wl) for Wl in W0]
    back = [np.empty((n, m), dtype=dtype) for n in sizes[1:-1]]

    def gemm():
        for l, (Wl, A_prev) in enumerate(zip(W0, A, strict=True)):
            np.matmul(Wl, A_prev, out=Z[l])  # Z^l = W^l A^{l-1}
        for l in range(len(W0) - 1, -1, -1):
            np.matmul(Delta[l], A[l].T, out=dW[l])  # Delta^l (A^{l-1})^T
            if l > 0:
                np.matmul(W0[l].T, Delta[l], out=back[l - 1])  # (W^l)^T Delta^l
        return Z, dW, back

    return {"vectorized": vectorized, "per_sample": per_sample, "gemm": gemm}
