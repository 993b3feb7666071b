"""Input validation shared by the step modules.

Every public function validates before it computes, so bad input raises a
ValueError or TypeError that names the layer and the shapes, and nothing is
ever modified. Layers are named with the book's 1-based index l = 1..L; the
Python lists are 0-based, so layer l lives at ``W[l - 1]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .activations import per_layer
from .costs import get_cost


def _dtype_name(x):
    return np.asarray(x).dtype.name


def check_finite(name, x):
    """Raise ValueError if ``x`` holds a NaN or an infinity.

    Fast path: NaN propagates through min and max, and an infinity is the
    min or the max, so two reductions decide it without a temporary array
    the size of ``x`` (this runs on every parameter, every call).
    """
    if np.size(x) == 0 or (np.isfinite(np.min(x)) and np.isfinite(np.max(x))):
        return
    bad = np.size(x) - np.count_nonzero(np.isfinite(x))
    raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")


def as_scalar(name, x):
    """A finite real number as a 0-d float64 (or float32) array."""
    arr = np.asarray(x)
    if arr.ndim != 0:
        raise ValueError(
            f"{name} must be a scalar in the single-neuron steps, "
            f"got an array of shape {arr.shape}; use backprop.matrix for vectors"
        )
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must be a real number, not {arr.dtype.name}")
    check_finite(name, arr)
    return arr


def scalar_layers(w, b, x):
    """Check the scalar parameters of L single-neuron layers.

    Returns (w, b, x) with w, b lists of 0-d arrays; raises for lists of
    different lengths, non-scalars and non-finite values.
    """
    if not isinstance(w, Sequence) or not isinstance(b, Sequence):
        raise TypeError("w and b must be sequences with one number per layer")
    if len(w) != len(b) or len(w) == 0:
        raise ValueError(
            f"w has {len(w)} entries and b has {len(b)}; "
            "they need one number per layer each, L >= 1"
        )
    w = [as_scalar(f"w^{l} (w[{l - 1}])", wl) for l, wl in enumerate(w, 1)]
    b = [as_scalar(f"b^{l} (b[{l - 1}])", bl) for l, bl in enumerate(b, 1)]
    return w, b, as_scalar("x", x)


def network(W, b, X, Y=None, *, one_sample=False):
    """Check a layered network's parameters and data; return them as arrays.

    Parameters
    ----------
    W, b : sequences of L arrays
        ``W[l-1]`` is W^l of shape (n_l, n_{l-1}); ``b[l-1]`` is b^l of
        shape (n_l, 1).
    X : array, shape (n_0, m)
        Samples as columns.
    Y : array, shape (n_L, m), optional
        Targets as columns.
    one_sample : bool
        If true, m must be 1 (the one-sample module of chapter 4).

    Returns
    -------
    W, b : lists of arrays
    X, Y : arrays (integer or boolean data is cast to the parameters' dtype)
    """
    if isinstance(W, np.ndarray) or isinstance(b, np.ndarray):
        raise TypeError(
            "W and b must be sequences (lists or tuples) of per-layer arrays, "
            "W[0] = W^1, not a single array"
        )
    if not isinstance(W, Sequence) or not isinstance(b, Sequence):
        raise TypeError("W and b must be lists (or tuples) of per-layer arrays")
    if len(W) == 0 or len(W) != len(b):
        raise ValueError(
            f"W has {len(W)} layer(s) and b has {len(b)}; they need one array "
            "per layer each, L >= 1"
        )
    W = [np.asarray(Wl) for Wl in W]
    b = [np.asarray(bl) for bl in b]
    dtype = W[0].dtype
    for l, (Wl, bl) in enumerate(zip(W, b, strict=True), start=1):
        for sym, arr in (("W", Wl), ("b", bl)):
            if arr.dtype not in (np.float32, np.float64):
                raise TypeError(
                    f"layer {l}: {sym}^{l} has dtype {arr.dtype.name}; "
                    "parameters must be float32 or float64"
                )
            if arr.dtype != dtype:
                raise TypeError(
                    f"layer {l}: {sym}^{l} is {arr.dtype.name} but W^1 is "
                    f"{dtype.name}; use one dtype for all parameters"
                )
        if Wl.ndim != 2:
            raise ValueError(
                f"layer {l}: W^{l} must be 2-D (n_{l}, n_{l - 1}), got shape {Wl.shape}"
            )
        n_l = Wl.shape[0]
        if bl.shape != (n_l, 1):
            hint = (
                "; a 1-D bias would broadcast W a + b to an (n, n) matrix "
                "without any error: use b.reshape(-1, 1)"
                if bl.shape == (n_l,)
                else ""
            )
            raise ValueError(
                f"layer {l}: b^{l} has shape {bl.shape} but must be "
                f"({n_l}, 1) to match W^{l} of shape {Wl.shape}{hint}"
            )
        if l > 1 and Wl.shape[1] != W[l - 2].shape[0]:
            raise ValueError(
                f"layer {l}: W^{l} has shape {Wl.shape}, so it expects "
                f"n_{l - 1} = {Wl.shape[1]} inputs, but layer {l - 1} has "
                f"n_{l - 1} = {W[l - 2].shape[0]} outputs "
                f"(W^{l - 1} has shape {W[l - 2].shape})"
            )
        check_finite(f"layer {l}: W^{l}", Wl)
        check_finite(f"layer {l}: b^{l}", bl)

    X = _data("X", X, dtype)
    n0, m = X.shape
    if n0 != W[0].shape[1]:
        raise ValueError(
            f"X has shape {X.shape}, so n_0 = {n0} inputs, but W^1 has shape "
            f"{W[0].shape} and expects n_0 = {W[0].shape[1]} (samples are "
            "the columns of X)"
        )
    if m == 0:
        raise ValueError("X has no samples (m = 0 columns)")
    if one_sample and m != 1:
        raise ValueError(
            f"X has m = {m} samples, but this module handles one sample, "
            "X of shape (n_0, 1); use backprop.minibatch for m > 1"
        )
    if Y is not None:
        Y = _data("Y", Y, dtype)
        if Y.shape[1] != m:
            raise ValueError(
                f"X has m = {m} samples (shape {X.shape}) but Y has "
                f"{Y.shape[1]} (shape {Y.shape}); both need one column per sample"
            )
        n_L = W[-1].shape[0]
        if Y.shape[0] != n_L:
            raise ValueError(
                f"Y has shape {Y.shape} but the output layer L = {len(W)} has "
                f"n_L = {n_L} neurons; Y must be ({n_L}, m)"
            )
    return W, b, X, Y


def _data(name, A, dtype):
    A = np.asarray(A)
    if A.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with samples as columns, got shape {A.shape}; "
            f"for one sample use {name}.reshape(-1, 1)"
        )
    if A.dtype.kind in "biu":
        A = A.astype(dtype)
    elif A.dtype.kind != "f":
        raise TypeError(f"{name} must hold real numbers, not {A.dtype.name}")
    elif A.dtype != dtype:
        raise TypeError(
            f"{name} is {A.dtype.name} but the parameters are {dtype.name}; "
            f"convert one of them, e.g. {name}.astype(np.{dtype.name})"
        )
    check_finite(name, A)
    return A


def activations_for(W, g):
    """Resolve ``g`` into one activation per layer of the checked network W.

    See :func:`backprop.activations.per_layer`; in addition, a softmax output
    needs at least two neurons (with one, a^L = 1 whatever z^L, and every
    gradient would silently be zero).
    """
    gs = per_layer(g, len(W))
    if not gs[-1].elementwise and W[-1].shape[0] < 2:
        raise ValueError(
            f"layer {len(W)}: a {gs[-1].name} output needs n_L >= 2 neurons, "
            f"but W^{len(W)} has shape {W[-1].shape}; for one output use "
            "'sigmoid' with cost 'cross_entropy'"
        )
    return gs


def cost_for(cost, Y, g_L, L):
    """Resolve ``cost`` and check the targets Y and the output activation g^L.

    Raises ValueError for targets the cost cannot take (e.g. labels that are
    not one-hot for the categorical cross-entropy) and for an output layer
    whose values the cost cannot take (cross-entropy after tanh or ReLU).
    """
    cost = get_cost(cost)
    cost.check_targets(Y)
    cost.check_output(g_L, L)
    return cost
