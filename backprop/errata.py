"""The source's L-layer formulas, exactly as printed, to show that they fail.

"You Could Have Invented Backprop" (Types and Tailcalls, 2020) derives the
L-layer recursion correctly, delta^l = delta^{l+1} w^{l+1} g'(z^l), but its
L-layer formulas have two slips:

1. the summary of the backward pass writes delta^l = w^{l+1} delta^{l+1},
   dropping the factor g'(z^l);
2. the chain rule for the bias, just before the summary, is written
   dC/db^l = dC/dz^l dz^l/dw^l.
   Taken literally that is delta^l a^{l-1}, because dz^l/dw^l = a^{l-1};
   dz^l/db^l = 1 is meant, and the final answer delta^l is right.

:func:`gradients_as_printed` implements both literally, with a switch
for each slip, so that the errata appendix and the tests can show that each
one fails the finite-difference check while :func:`backprop.l_layer.gradients`
passes. Never use it for anything else.
"""

from __future__ import annotations

from ._checks import prepare
from .l_layer import propagate

__all__ = ["gradients_as_printed"]


def gradients_as_printed(
    w, b, x, y, g="sigmoid", cost="quadratic", *, drop_gprime=True, bias_slip=True
):
    """L-layer gradients following the source as printed (deliberately wrong).

    With both switches off this is the correct recursion of
    :func:`backprop.l_layer.gradients`.

    Parameters
    ----------
    w, b, x, y, g, cost
        As in :func:`backprop.l_layer.gradients`.
    drop_gprime : bool
        Slip 1: delta^l = w^{l+1} delta^{l+1}, without g'(z^l).
    bias_slip : bool
        Slip 2: dC/db^l = delta^l dz^l/dw^l = delta^l a^{l-1}.

    Returns
    -------
    dw, db : lists of L floats
    """
    w, b, x, y, g, cost = prepare(w, b, x, y, g, cost, numbers=True)
    L = len(w)
    z, a = propagate(w, b, x, g)
    delta = [None] * L
    delta[L - 1] = cost.delta(z[L - 1], a[L], y, g[L - 1])  # C'(a^L) g^L'(z^L)
    for l in range(L - 1, 0, -1):
        delta[l - 1] = w[l] * delta[l]
        if not drop_gprime:
            delta[l - 1] = delta[l - 1] * g[l - 1].prime(z[l - 1], a[l])
    dw = [delta[l - 1] * a[l - 1] for l in range(1, L + 1)]
    if bias_slip:
        db = [delta[l - 1] * a[l - 1] for l in range(1, L + 1)]
    else:
        db = list(delta)
    return dw, db
