"""Timing infrastructure of the chapters (0, 6, 7, 9) and of ``benchmarks/``.

Not part of the derivation. :func:`median_times` times several candidates
fairly on a shared, noisy machine: their repetitions are interleaved (a, b,
c, a, b, c, ...), so a burst of load slows them all alike, and the median
of the repetitions is reported. Compare only times from the same call, as
ratios.

:func:`step_cases` builds the candidates of chapter 6 for one network: a
minibatch SGD step with the vectorized gradient, the same step with the
one-sample gradient of chapter 4 in a loop over the columns, and the matrix
products alone (the GEMM bound, the floor for any implementation).
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import matrix, minibatch
from .train import init_params

__all__ = ["median_times", "step_cases"]

clock = time.perf_counter
"""The clock of :func:`median_times`: wall time. A caller may set
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
        if number is None and t < 0.05:
            t = _seconds(f)  # calibrate on a warm call
        calls[name] = number or max(1, math.ceil(0.05 / max(t, 1e-9)))
    times = {name: [] for name in cases}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, f in cases.items():
                n = calls[name]
                t0 = clock()
                for _ in range(n):
                    f()
                times[name].append((clock() - t0) / n)
    finally:
        if gc_was_enabled:
            gc.enable()
    return {name: statistics.median(ts) for name, ts in times.items()}


def _seconds(f):
    t0 = clock()
    f()
    return clock() - t0


def step_cases(
    sizes: Sequence[int], m: int, dtype=np.float64, seed=0, eta=0.1
) -> dict[str, Callable[[], object]]:
    """Ways to take one SGD step on a sigmoid MLP, as callables.

    The network has layer sizes ``sizes`` = (n_0, ..., n_L), sigmoid
    activations and the quadratic cost, parameters from
    :func:`backprop.train.init_params`; the minibatch has m random samples
    from ``numpy.random.default_rng(seed)``, all in ``dtype``. Each step
    callable updates its own copy of the parameters, W^l := W^l - eta dW^l
    (so calling it again costs the same), and returns (W, b).

    Returns
    -------
    dict of str to callable
        ``"vectorized"``: the gradients of
        :func:`backprop.minibatch.gradients`, then the update.
        ``"per_sample"``: :func:`backprop.matrix.gradients` for each of the
        m columns, averaged, then the update. Both check their input, once
        per call: the comparison is like for like.
        ``"gemm"``: only the matrix products of the vectorized step, same
        shapes and dtype, into preallocated outputs: per layer
        W^l A^{l-1}, Delta^l (A^{l-1})^T and, for l >= 2, (W^l)^T Delta^l.
    """
    sizes, dtype, eta = [int(n) for n in sizes], np.dtype(dtype), float(eta)
    rng = np.random.default_rng(seed)
    W0, b0 = init_params(sizes, seed=seed, dtype=dtype)
    X, Y = rng.random((sizes[0], m), dtype), rng.random((sizes[-1], m), dtype)
    columns = [(X[:, [j]], Y[:, [j]]) for j in range(m)]

    def stepper(gradients):
        W, b = [Wl.copy() for Wl in W0], [bl.copy() for bl in b0]

        def step():
            dW, db = gradients(W, b)
            for l in range(len(W)):
                W[l] -= eta * dW[l]
                b[l] -= eta * db[l]
            return W, b

        return step

    def per_sample(W, b):
        grads = [matrix.gradients(W, b, x, y) for x, y in columns]
        dW = [sum(dWj[l] for dWj, _ in grads) / m for l in range(len(W))]
        db = [sum(dbj[l] for _, dbj in grads) / m for l in range(len(W))]
        return dW, db

    A = [rng.random((n, m), dtype) for n in sizes[:-1]]  # A^0 .. A^{L-1}
    Delta = [rng.random((n, m), dtype) for n in sizes[1:]]
    Z = [np.empty((n, m), dtype) for n in sizes[1:]]
    dW = [np.empty_like(Wl) for Wl in W0]
    back = [np.empty((n, m), dtype) for n in sizes[1:-1]]

    def gemm():
        for l in range(len(W0)):
            np.matmul(W0[l], A[l], out=Z[l])  # Z^l = W^l A^{l-1}
        for l in range(len(W0) - 1, -1, -1):
            np.matmul(Delta[l], A[l].T, out=dW[l])  # Delta^l (A^{l-1})^T
            if l > 0:
                np.matmul(W0[l].T, Delta[l], out=back[l - 1])  # (W^l)^T Delta^l
        return Z, dW, back

    return {
        "vectorized": stepper(lambda W, b: minibatch.gradients(W, b, X, Y)),
        "per_sample": stepper(per_sample),
        "gemm": gemm,
    }
