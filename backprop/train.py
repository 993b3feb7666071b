"""Gradient descent and minibatch SGD (chapters 5 and 6).

This is the only code that updates parameters. It copies the caller's W and
b first, so they are never modified, and then applies for every minibatch::

    W^l := W^l - eta dC/dW^l,    b^l := b^l - eta dC/db^l

with the gradients of :func:`backprop.minibatch.backprop`, the mean of the
per-sample gradients of chapter 4. If the cost becomes NaN or infinite,
training stops with a :class:`DivergenceError`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._arguments import layer_sizes, positive_number, whole_number
from ._checks import FLOATS, prepare
from .matrix import propagate
from .minibatch import backprop

__all__ = ["DivergenceError", "Trained", "gradient_descent", "init_params", "sgd"]


class DivergenceError(FloatingPointError):
    """Training diverged: the cost became NaN or infinite."""


@dataclass(frozen=True)
class Trained:
    """What training returns: the new ``W`` and ``b`` (``W[l-1]`` is W^l),
    and ``costs``, the mean training cost before training and after each
    epoch, shape (epochs + 1,)."""

    W: list
    b: list
    costs: np.ndarray


def init_params(sizes, seed=0, dtype=np.float64):
    """Random initial parameters for layer sizes (n_0, n_1, ..., n_L).

    W^l has entries from N(0, 1/n_{l-1}), so every z^l starts with a
    variance near that of the inputs; b^l = 0. ``dtype``: float64 or
    float32; ``seed``: an int or a numpy Generator (which this advances).

    Returns
    -------
    W, b : lists of L arrays
        ``W[l-1]`` of shape (n_l, n_{l-1}) and ``b[l-1]`` of shape (n_l, 1).
    """
    sizes = layer_sizes(sizes)
    if np.dtype(dtype) not in FLOATS:
        raise TypeError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    rng = np.random.default_rng(seed)
    W = [
        (rng.standard_normal((n, n_prev)) / np.sqrt(n_prev)).astype(dtype)
        for n_prev, n in itertools.pairwise(sizes)
    ]
    b = [np.zeros((n, 1), dtype=dtype) for n in sizes[1:]]
    return W, b


def sgd(
    W, b, X, Y, *, eta, epochs, batch_size=None, seed=0, g="sigmoid",
    cost="quadratic", callback=None,
) -> Trained:  # fmt: skip
    """Minibatch stochastic gradient descent.

    Every epoch shuffles the m samples and takes one gradient step per
    minibatch of ``batch_size`` columns (the last one may be smaller).

    Parameters
    ----------
    W, b : sequences of L arrays
        Initial parameters (not modified).
    X, Y : arrays, shapes (n_0, m) and (n_L, m)
        Training inputs and targets, samples as columns.
    eta : float
        Learning rate, > 0.
    epochs : int
        Passes over the data, >= 0.
    batch_size : int, optional
        Samples per step, 1..m. The default (None) is m: full-batch
        gradient descent, without shuffling.
    seed : int or numpy.random.Generator
        Seeds the shuffling. A Generator is used as it is, so training
        advances the caller's generator.
    g, cost
        As in :func:`backprop.minibatch.gradients`.
    callback : callable, optional
        ``callback(epoch, W, b)`` after each epoch (epoch = 1, 2, ...), with
        the current parameters (copy them to keep them).

    Returns
    -------
    Trained
        New W and b, and the exact mean cost on (X, Y) before training and
        after every epoch. Raises :class:`DivergenceError` if it is NaN or
        infinite.
    """
    W, b, X, Y, g, cost = prepare(W, b, X, Y, g, cost)
    m = X.shape[1]
    eta = positive_number("the learning rate eta", eta)
    epochs = whole_number("epochs", epochs, 0)
    if batch_size is None:
        batch_size = m  # full batch: no shuffling
    batch_size = whole_number("batch_size", batch_size, 1, m, f"m = {m}")
    rng = np.random.default_rng(seed)
    W = [Wl.copy() for Wl in W]  # the caller's arrays are never modified
    b = [bl.copy() for bl in b]
    costs = [_mean_cost(W, b, X, Y, g, cost)]
    with np.errstate(over="ignore", invalid="ignore"):  # divergence: see below
        for epoch in range(1, epochs + 1):
            order = rng.permutation(m) if batch_size < m else slice(None)
            Xs, Ys = X[:, order], Y[:, order]  # the columns, shuffled
            for i in range(0, m, batch_size):
                cols = slice(i, i + batch_size)  # the next minibatch
                dW, db = backprop(W, b, Xs[:, cols], Ys[:, cols], g, cost)
                for l in range(1, len(W) + 1):
                    W[l - 1] -= eta * dW[l - 1]  # W^l := W^l - eta dC/dW^l
                    b[l - 1] -= eta * db[l - 1]  # b^l := b^l - eta dC/db^l
            costs.append(_mean_cost(W, b, X, Y, g, cost))
            if not np.isfinite(costs[-1]):
                raise DivergenceError(
                    f"training diverged in epoch {epoch}: the cost became "
                    f"{costs[-1]}; try a smaller learning rate than eta = {eta}"
                )
            if callback is not None:
                callback(epoch, W, b)
    return Trained(W, b, np.array(costs))


def _mean_cost(W, b, X, Y, g, cost):
    """The mean cost over all m samples, exact: taken from z^L (see costs)."""
    Z, A = propagate(W, b, X, g)
    return float(cost.C(A[-1], Y, Z[-1], g[-1]).mean())


def gradient_descent(
    W, b, X, Y, *, eta, epochs, g="sigmoid", cost="quadratic", callback=None
) -> Trained:
    """Full-batch gradient descent: :func:`sgd` with one batch of all m samples.

    Each epoch is one step W^l := W^l - eta dC/dW^l with the gradient of the
    mean cost over the whole training set.
    """
    return sgd(
        W, b, X, Y, eta=eta, epochs=epochs, g=g, cost=cost, callback=callback
    )  # fmt: skip
