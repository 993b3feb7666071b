"""Shared helpers for the package tests (imported as ``helpers``).

Not in conftest.py: book/conftest.py is also a module named ``conftest``, so
``from conftest import ...`` would be ambiguous when pytest runs both.
"""

import numpy as np

from backprop import train

# (hidden activation, output activation, cost) combinations that make sense:
# cross-entropy needs outputs in (0, 1), categorical cross-entropy a softmax.
HIDDEN = ["sigmoid", "tanh", "relu"]
OUTPUT_COST = [
    ("sigmoid", "quadratic"),
    ("tanh", "quadratic"),
    ("relu", "quadratic"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "categorical_cross_entropy"),
    ("softmax", "quadratic"),
]


def network(sizes, seed=0, dtype=np.float64, m=5, out="sigmoid"):
    """Random parameters (with non-zero biases) and data for layer sizes."""
    rng = np.random.default_rng(seed)
    W, b = train.init_params(sizes, seed=rng, dtype=dtype)
    b = [rng.normal(0, 0.5, bl.shape).astype(dtype) for bl in b]
    X = rng.normal(size=(sizes[0], m)).astype(dtype)
    if out == "softmax":
        labels = rng.integers(0, sizes[-1], m)
        Y = np.zeros((sizes[-1], m), dtype)
        Y[labels, np.arange(m)] = 1
    else:
        Y = rng.uniform(0.05, 0.95, (sizes[-1], m)).astype(dtype)
    return W, b, X, Y


def away_from_kink(module, W, b, X, g, margin=1e-3):
    """True if no pre-activation z of a ReLU layer lies within margin of 0."""
    Z, _ = module.forward(W, b, X, g)
    gs = [g] * len(W) if isinstance(g, str) else g
    return all(
        np.abs(z).min() > margin for z, gl in zip(Z, gs, strict=True) if gl == "relu"
    )
