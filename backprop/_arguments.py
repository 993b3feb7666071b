"""Checks of the arguments that are not arrays: lists, numbers, activations.

Used by :func:`backprop._checks.prepare` and by :mod:`backprop.train`.
Layers are named by the book's l (see the package docstring).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .activations import Activation, get_activation


def sequences(W, b, w="W"):
    """``W`` and ``b`` as lists with one entry per layer each, L >= 1."""
    if type(W) is list and type(b) is list and 0 < len(W) == len(b):
        return W, b  # the usual case, decided at once
    kind = "arrays" if w == "W" else "numbers"
    if any(isinstance(p, np.ndarray) or not isinstance(p, Sequence) for p in (W, b)):
        raise TypeError(
            f"{w} and b must be sequences (lists or tuples) of per-layer "
            f"{kind}, {w}[0] for layer 1, not single {kind}"
        )
    if len(W) == 0 or len(W) != len(b):
        unit = "layer(s)" if w == "W" else "entries"
        raise ValueError(
            f"{w} has {len(W)} {unit} and b has {len(b)}; they need one entry "
            "per layer each, L >= 1"
        )
    return list(W), list(b)


def scalars(w, b, x, y):
    """The numbers of a chain of single neurons (chapters 1-3), as 0-d arrays.

    ``w``, ``b`` are lists of L numbers, ``x`` and ``y`` (or None) numbers.
    """
    if len(w) == 1:  # one neuron: w and b
        w, b = [scalar("w", w[0])], [scalar("b", b[0])]
    else:
        w = [scalar(f"w^{l} (w[{l - 1}])", wl) for l, wl in enumerate(w, 1)]
        b = [scalar(f"b^{l} (b[{l - 1}])", bl) for l, bl in enumerate(b, 1)]
    return w, b, scalar("x", x), None if y is None else scalar("y", y)


def scalar(name, x):
    """A finite real number as a 0-d float64 (or float32) array."""
    arr = np.asarray(x)
    if arr.ndim != 0:
        raise ValueError(
            f"{name} must be a scalar in the single-neuron steps, got an array "
            f"of shape {arr.shape}; use backprop.matrix for vectors"
        )
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(f"{name} must be a real number, not {arr.dtype.name}")
    if not math.isfinite(arr):
        raise ValueError(f"{name} contains 1 NaN or infinite value(s)")
    return arr


def per_layer(g, L, n_L=None):
    """Resolve ``g`` into one activation per layer, ``[g^1, ..., g^L]``.

    ``g`` is a name, an Activation, or a sequence of L of those. Softmax
    (any activation that is not elementwise) is allowed only as g^L, with
    n_L >= 2 outputs; ``n_L=None`` stands for single-neuron layers
    (chapters 1-3), which take elementwise activations only. Results are
    cached, so resolving the same ``g`` again costs a dictionary look-up.
    """
    key = tuple(g) if isinstance(g, list) else g
    try:
        return list(_per_layer(key, L, n_L))
    except TypeError:  # unhashable: resolve without the cache (or raise)
        return list(_per_layer.__wrapped__(g, L, n_L))


@lru_cache(maxsize=256)
def _per_layer(g, L, n_L):
    if isinstance(g, str | Activation):
        gs = [get_activation(g)] * L
    elif isinstance(g, Sequence):
        if len(g) != L:
            raise ValueError(
                f"got {len(g)} activations for a network of L = {L} layers; "
                f"need {L} activations (one per layer) or one for all layers"
            )
        gs = [get_activation(gl) for gl in g]
    else:
        raise TypeError(
            "g must be an activation name, an Activation, or a sequence of L "
            f"of those, not {type(g).__name__}"
        )
    for l, gl in enumerate(gs, start=1):
        if gl.elementwise:
            continue
        if n_L is None:
            raise ValueError(
                f"{gl.name} is not elementwise and needs a layer of several "
                "neurons; single-neuron layers take 'sigmoid', 'tanh' or 'relu'"
            )
        if l < L:
            raise ValueError(
                f"layer {l}: {gl.name} is only allowed as the last layer's "
                f"activation (layer L = {L})"
            )
        if n_L < 2:
            raise ValueError(
                f"layer {L}: a {gl.name} output needs n_L >= 2 neurons, but "
                f"n_{L} = {n_L}; for one output use 'sigmoid' with cost "
                "'cross_entropy'"
            )
    return tuple(gs)


def layer_sizes(sizes):
    """(n_0, ..., n_L) as a list of ints >= 1, L >= 1 (for init_params)."""
    if isinstance(sizes, str) or not isinstance(sizes, Sequence | np.ndarray):
        raise TypeError(f"sizes must be a list of ints (n_0, ..., n_L), not {sizes!r}")
    sizes = [whole_number(f"sizes[{i}]", n, 1) for i, n in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must be (n_0, ..., n_L) with L >= 1, got {sizes}")
    return sizes


def whole_number(name, n, low, high=None, high_name=None):
    """``n`` as an int in low..high.

    TypeError for anything that is not a real number (None, strings,
    bools); ValueError for other floats (2.0 too) and values out of range.
    """
    span = f">= {low}" if high is None else f"in {low}..{high_name or high}"
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(
            f"{name} must be a whole number {span} (an int), got {n!r} of "
            f"type {type(n).__name__}"
        )
    if not isinstance(n, numbers.Integral) or n < low or (high and n > high):
        raise ValueError(f"{name} must be a whole number {span} (an int), got {n!r}")
    return int(n)


def positive_number(name, x):
    """``x`` as a positive, finite Python float.

    TypeError for anything that is not a real number (None, strings,
    bools); ValueError for zero, negative numbers, NaN and infinities.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{name} must be a positive number (an int or a float), got {x!r} "
            f"of type {type(x).__name__}"
        )
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a positive number, got {x!r}")
    return float(x)
