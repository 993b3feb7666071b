"""Gradient descent and minibatch SGD (chapters 5 and 6).

This is the only code that updates parameters. It copies the caller's W and
b first, so they are never modified, and applies for every minibatch::

    W^l := W^l - eta dC/dW^l,    b^l := b^l - eta dC/db^l

If the cost becomes NaN or infinite, training stops with a
:class:`DivergenceError` that names the epoch.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from . import _checks
from .matrix import propagate
from .minibatch import gradients_unchecked

__all__ = ["DivergenceError", "Trained", "gradient_descent", "init_params", "sgd"]


class DivergenceError(FloatingPointError):
    """Training diverged: the cost became NaN or infinite."""


@dataclass(frozen=True)
class Trained:
    """What training returns: new parameters and the cost history."""

    W: list
    """Trained weights, ``W[l-1]`` is W^l."""
    b: list
    """Trained biases, ``b[l-1]`` is b^l."""
    costs: np.ndarray
    """Mean cost on the training set before training and after each epoch,
    shape (epochs + 1,)."""


def init_params(sizes: Sequence[int], seed=0, dtype=np.float64):
    """Random initial parameters for layer sizes (n_0, n_1, ..., n_L).

    W^l has entries from N(0, 1/n_{l-1}), so every z^l starts with a
    variance near that of the inputs; b^l = 0.

    Returns
    -------
    W, b : lists of L arrays
        ``W[l-1]`` of shape (n_l, n_{l-1}) and ``b[l-1]`` of shape (n_l, 1).
    """
    if len(sizes) < 2 or any(int(n) < 1 for n in sizes):
        raise ValueError(
            f"sizes must be (n_0, ..., n_L) with L >= 1, n_l >= 1: {sizes}"
        )
    rng = np.random.default_rng(seed)
    W = [
        (rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype)
        for n_prev, n in itertools.pairwise(sizes)
    ]
    b = [np.zeros((n, 1), dtype=dtype) for n in sizes[1:]]
    return W, b


def _step(W, b, X, Y, gs, cost, eta, dW, db):
    """One minibatch step, in place: the update of :func:`sgd`.

    ``dW`` and ``db`` are arrays shaped like W and b that the caller reuses
    from step to step. They receive -eta dC/dW^l and -eta dC/db^l (see
    :func:`backprop.minibatch.gradients_unchecked`), so the update is one
    addition per parameter, with no temporary array::

        W^l := W^l - eta dC/dW^l,    b^l := b^l - eta dC/db^l
    """
    gradients_unchecked(W, b, X, Y, gs, cost, scale=-eta, out=(dW, db))
    for Wl, bl, dWl, dbl in zip(W, b, dW, db, strict=True):
        Wl += dWl  # dWl = -eta dC/dW^l
        bl += dbl  # dbl = -eta dC/db^l


def sgd(
    W,
    b,
    X,
    Y,
    *,
    eta: float,
    epochs: int,
    batch_size: int | None = None,
    seed=0,
    g="sigmoid",
    cost="quadratic",
    callback: Callable | None = None,
) -> Trained:
    """Minibatch stochastic gradient descent.

    Every epoch shuffles the m samples with a seeded
    ``numpy.random.Generator`` and walks through them in minibatches of
    ``batch_size`` columns (the last one may be smaller), taking one step
    per minibatch with the gradients of :func:`backprop.minibatch.gradients`.

    Parameters
    ----------
    W, b : sequences of L arrays
        Initial parameters (not modified).
    X : array, shape (n_0, m)
        Training inputs as columns.
    Y : array, shape (n_L, m)
        Training targets as columns.
    eta : float
        Learning rate, > 0.
    epochs : int
        Passes over the data, >= 0.
    batch_size : int, optional
        Samples per step; the default (None) is m: full-batch gradient
        descent without shuffling.
    seed : int or numpy.random.Generator
        Seeds the shuffling.
    g, cost
        As in :func:`backprop.minibatch.gradients`.
    callback : callable, optional
        ``callback(epoch, W, b)`` after each epoch (epoch = 1, 2, ...), with
        the current parameters (copy them to keep them).

    Returns
    -------
    Trained
        New parameters and the cost history.

    Raises
    ------
    DivergenceError
        If the training cost becomes NaN or infinite.
    """
    W, b, X, Y = _checks.network(W, b, X, Y)
    gs = _checks.activations_for(W, g)
    cost = _checks.cost_for(cost, Y, gs[-1], len(W))
    m = X.shape[1]
    if not (np.isfinite(eta) and eta > 0):
        raise ValueError(f"the learning rate eta must be a positive number, got {eta}")
    if int(epochs) != epochs or epochs < 0:
        raise ValueError(f"epochs must be a whole number >= 0, got {epochs}")
    batch_size = m if batch_size is None else batch_size
    if int(batch_size) != batch_size or not 1 <= batch_size <= m:
        raise ValueError(
            f"batch_size must be a whole number in 1..m = {m}, got {batch_size}"
        )
    eta = float(eta)  # a Python float is "weak": float32 stays float32
    shuffle = batch_size < m
    rng = np.random.default_rng(seed)
    W = [Wl.copy() for Wl in W]  # the caller's arrays are never modified
    b = [bl.copy() for bl in b]
    dW = [np.empty_like(Wl) for Wl in W]  # reused by every step
    db = [np.empty_like(bl) for bl in b]

    def mean_cost():
        _, A = propagate(W, b, X, gs)
        return float(cost.C(A[-1], Y).mean())

    costs = [mean_cost()]
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(1, int(epochs) + 1):
            order = rng.permutation(m) if shuffle else None
            for start in range(0, m, batch_size):
                if shuffle:
                    cols = order[start : start + batch_size]
                    Xb, Yb = X[:, cols], Y[:, cols]
                else:
                    Xb, Yb = X, Y
                _step(W, b, Xb, Yb, gs, cost, eta, dW, db)
            costs.append(mean_cost())
            if not np.isfinite(costs[-1]):
                raise DivergenceError(
                    f"training diverged in epoch {epoch}: the cost became "
                    f"{costs[-1]}; try a smaller learning rate than eta = {eta}"
                )
            if callback is not None:
                callback(epoch, W, b)
    return Trained(W, b, np.array(costs))


def gradient_descent(
    W, b, X, Y, *, eta, epochs, g="sigmoid", cost="quadratic", callback=None
) -> Trained:
    """Full-batch gradient descent: :func:`sgd` with one batch of all m samples.

    Each epoch is one step W^l := W^l - eta dC/dW^l with the gradient of the
    mean cost over the whole training set.
    """
    return sgd(
        W,
        b,
        X,
        Y,
        eta=eta,
        epochs=epochs,
        batch_size=None,
        g=g,
        cost=cost,
        callback=callback,
    )
