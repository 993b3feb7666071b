"""Small deterministic 2-D datasets, generated with numpy (no downloads).

Every function returns ``(X, Y)`` with samples as columns: X has shape
(2, m) and Y has shape (1, m) for two classes (labels 0/1) or (k, m),
one-hot, for k > 2 classes. The same seed gives the same data on every
machine.
"""

from __future__ import annotations

import numpy as np

__all__ = ["circles", "moons", "one_hot", "spirals", "xor"]


def one_hot(labels, k: int | None = None) -> np.ndarray:
    """Labels 0..k-1 of shape (m,) as a one-hot matrix of shape (k, m).

    ``k`` defaults to the largest label + 1. Raises ValueError for empty,
    non-integer or out-of-range labels, and for k < 1.
    """
    labels = np.asarray(labels)
    if labels.size == 0:
        raise ValueError("labels is empty; one_hot needs m >= 1 integer labels")
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}"
        )
    k = int(labels.max()) + 1 if k is None else k
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a whole number of classes >= 1, got {k!r}")
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(f"labels must lie in 0..{k - 1}")
    Y = np.zeros((k, labels.size))
    Y[labels, np.arange(labels.size)] = 1
    return Y


def _targets(labels, k):
    return labels[np.newaxis, :].astype(np.float64) if k == 2 else one_hot(labels, k)


def xor():
    """The four XOR points: X = [[0,0,1,1],[0,1,0,1]], Y = [[0,1,1,0]]."""
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    return X, Y


def moons(m: int = 200, noise: float = 0.1, seed=0):
    """Two interleaving half circles, m samples (half per class)."""
    rng = np.random.default_rng(seed)
    m0 = m // 2
    t0 = np.linspace(0, np.pi, m0)
    t1 = np.linspace(0, np.pi, m - m0)
    X = np.hstack(
        [
            np.vstack([np.cos(t0), np.sin(t0)]),
            np.vstack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
        ]
    )
    X += noise * rng.standard_normal(X.shape)
    labels = np.repeat([0, 1], [m0, m - m0])
    return X, _targets(labels, 2)


def circles(m: int = 200, noise: float = 0.05, factor: float = 0.5, seed=0):
    """A small circle (class 1) inside a large one (class 0)."""
    rng = np.random.default_rng(seed)
    m0 = m // 2
    t0 = np.linspace(0, 2 * np.pi, m0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, m - m0, endpoint=False)
    X = np.hstack(
        [
            np.vstack([np.cos(t0), np.sin(t0)]),
            factor * np.vstack([np.cos(t1), np.sin(t1)]),
        ]
    )
    X += noise * rng.standard_normal(X.shape)
    labels = np.repeat([0, 1], [m0, m - m0])
    return X, _targets(labels, 2)


def spirals(m: int = 300, k: int = 3, noise: float = 0.2, seed=0):
    """k interleaved spiral arms, m samples in all (nearly m/k per arm)."""
    if k < 2:
        raise ValueError(f"spirals needs k >= 2 classes, got {k}")
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % k
    r = np.linspace(0.05, 1, m)
    t = labels * (2 * np.pi / k) + 4 * r + noise * rng.standard_normal(m)
    X = np.vstack([r * np.sin(t), r * np.cos(t)])
    return X, _targets(labels, k)
