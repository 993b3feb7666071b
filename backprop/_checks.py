"""Input validation: :func:`prepare`, which every step module calls first.

Bad input raises a ValueError or TypeError that names the layer (the
book's l, see the package docstring) and the shapes; nothing is modified.
The checks cost a few microseconds per call (see ``benchmarks/``).
"""

from __future__ import annotations

import math

import numpy as np

from ._arguments import per_layer, scalars, sequences
from .costs import get_cost

FLOATS = frozenset((np.dtype(np.float32), np.dtype(np.float64)))


def prepare(
    W, b, X, Y=None, g="sigmoid", cost=None, *, numbers=False, one_sample=False
):
    """Check a network and its data, and resolve ``g`` and ``cost``.

    ``W``, ``b`` are lists of L arrays, or with ``numbers=True`` of L numbers
    (single-neuron layers, chapters 1-3, where ``X``, ``Y`` are numbers too).
    ``one_sample=True`` demands m = 1 (chapter 4). ``Y`` and ``cost`` may be
    None (a forward pass). Returns (W, b, X, Y, g, cost): arrays (integer
    data cast to the parameters' dtype), L Activations and a Cost.
    """
    W, b = sequences(W, b, "w" if numbers else "W")
    if numbers:
        W, b, X, Y = scalars(W, b, X, Y)
        g = per_layer(g, len(W))
    else:
        W, b = layers(W, b)
        X = samples("X", X, W, one_sample)
        Y = None if Y is None else samples("Y", Y, W, x_shape=X.shape)
        finite(W, b, X, Y)
        g = per_layer(g, len(W), W[-1].shape[0])
    if cost is not None:
        cost = get_cost(cost)
        cost.check_targets(Y)
        cost.check_output(g[-1], len(W))
    return W, b, X, Y, g, cost


def finite(W, b, X, Y=None):
    """Raise ValueError naming the first array that holds a NaN or an inf.

    One BLAS call per array: x . x is finite if every entry is. Only if the
    sum of them is not (or overflowed) are the entries counted.
    """
    arrays = [*W, *b, X] if Y is None else [*W, *b, X, Y]
    if math.isfinite(sum([np.vdot(x, x) for x in arrays])):
        return
    for l in range(1, len(W) + 1):
        count_nonfinite(f"layer {l}: W^{l}", W[l - 1])
        count_nonfinite(f"layer {l}: b^{l}", b[l - 1])
    count_nonfinite("X", X)
    if Y is not None:
        count_nonfinite("Y", Y)


def count_nonfinite(name, x):
    """Raise ValueError if the array ``x`` holds a NaN or an infinity."""
    bad = x.size - np.count_nonzero(np.isfinite(x))
    if bad:
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s)")


def layers(W, b):
    """W^l, b^l as arrays of one float dtype, with shapes that chain."""
    W = [Wl if type(Wl) is np.ndarray else np.asarray(Wl) for Wl in W]
    b = [bl if type(bl) is np.ndarray else np.asarray(bl) for bl in b]
    dtype, n_prev = W[0].dtype, W[0].shape[1] if W[0].ndim == 2 else None
    for l in range(1, len(W) + 1):
        Wl, bl = W[l - 1], b[l - 1]
        if Wl.dtype is not dtype or bl.dtype is not dtype or dtype not in FLOATS:
            dtypes(l, Wl, bl, dtype)
        shape = Wl.shape
        if len(shape) != 2:
            raise ValueError(f"layer {l}: W^{l} must be 2-D, got shape {shape}")
        if bl.shape != (shape[0], 1):
            hint = "; a 1-D bias would broadcast W a + b to an (n, n) matrix "
            raise ValueError(
                f"layer {l}: b^{l} has shape {bl.shape} but must be "
                f"({shape[0]}, 1) to match W^{l} of shape {shape}"
                + (hint + "silently: use b.reshape(-1, 1)" if bl.ndim == 1 else "")
            )
        if shape[1] != n_prev:
            raise ValueError(
                f"layer {l}: W^{l} has shape {shape}, so it expects n_{l - 1} = "
                f"{shape[1]} inputs, but layer {l - 1} has n_{l - 1} = {n_prev} "
                f"outputs (W^{l - 1} has shape {W[l - 2].shape})"
            )
        n_prev = shape[0]
    return W, b


def dtypes(l, Wl, bl, dtype):
    """Raise TypeError unless W^l and b^l are float32 or float64 like W^1."""
    for p, arr in (("W", Wl), ("b", bl)):
        if arr.dtype not in FLOATS:
            raise TypeError(
                f"layer {l}: {p}^{l} has dtype {arr.dtype.name}; parameters must "
                "be float32 or float64"
            )
        if arr.dtype != dtype:
            raise TypeError(
                f"layer {l}: {p}^{l} is {arr.dtype.name} but W^1 is "
                f"{dtype.name}; use one dtype for all parameters"
            )


def samples(name, A, W, one_sample=False, x_shape=None):
    """X (n_0, m) or Y (n_L, m), samples as columns, for the checked W.

    Integers and booleans are cast to the dtype of W, other dtypes refused.
    For Y, ``x_shape`` is X's shape: Y needs the same m.
    """
    A = A if type(A) is np.ndarray else np.asarray(A)
    if A.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D with samples as columns, got shape {A.shape}; "
            f"for one sample use {name}.reshape(-1, 1)"
        )
    dtype, kind = W[0].dtype, A.dtype.kind
    if A.dtype is not dtype and kind in "biu":
        A = A.astype(dtype)
    elif A.dtype != dtype:
        raise TypeError(
            f"{name} is {A.dtype.name} but the parameters are {dtype.name}; "
            f"convert one of them, e.g. {name}.astype(np.{dtype.name})"
            if kind == "f"
            else f"{name} must hold real numbers, not {A.dtype.name}"
        )
    (n, m), (n_0, n_L) = A.shape, (W[0].shape[1], W[-1].shape[0])
    if x_shape is not None and m != x_shape[1]:
        raise ValueError(
            f"X has m = {x_shape[1]} samples (shape {x_shape}) but Y has {m} "
            f"(shape {A.shape}); both need one column per sample"
        )
    if name == "X" and n != n_0:
        raise ValueError(
            f"X has shape {A.shape}, so n_0 = {n} inputs, but W^1 has shape "
            f"{W[0].shape} and expects n_0 = {n_0} (samples are the columns)"
        )
    if name == "Y" and n != n_L:
        raise ValueError(
            f"Y has shape {A.shape} but the output layer L = {len(W)} has "
            f"n_L = {n_L} neurons; Y must be ({n_L}, m)"
        )
    if m == 0 or (one_sample and m != 1):
        raise ValueError(
            "X has no samples (m = 0 columns)"
            if m == 0
            else f"X has m = {m} samples, but this module takes one, X of "
            "shape (n_0, 1); use backprop.minibatch for m > 1"
        )
    return A
