"""The source's two slips fail the finite-difference check; ours passes.

The book's errata appendix shows the same checks.
"""

import pytest

from backprop import errata, l_layer
from backprop.gradcheck import GradientCheckError, check_gradients

W = [0.9, -1.3, 0.7, 1.1]
B = [0.2, 0.1, -0.3, 0.4]
DATA = (0.8, 0.3)  # x, y


@pytest.mark.parametrize("g", ["sigmoid", "tanh"])
def test_our_recursion_passes(g):
    assert check_gradients(l_layer, (W, B), DATA, g=g).error < 1e-7


@pytest.mark.parametrize("g", ["sigmoid", "tanh"])
def test_as_printed_without_both_slips_is_ours(g):
    fixed = errata.gradients_as_printed(
        *[W, B], *DATA, g=g, drop_gprime=False, bias_slip=False
    )
    assert fixed == l_layer.gradients(W, B, *DATA, g=g)


@pytest.mark.parametrize("g", ["sigmoid", "tanh"])
@pytest.mark.parametrize(
    ("drop_gprime", "bias_slip"), [(True, False), (False, True), (True, True)]
)
def test_each_slip_fails_the_check(g, drop_gprime, bias_slip):
    def as_printed(w, b, x, y, g, cost):
        return errata.gradients_as_printed(
            w, b, x, y, g, cost, drop_gprime=drop_gprime, bias_slip=bias_slip
        )

    with pytest.raises(GradientCheckError, match="relative error"):
        check_gradients(l_layer, (W, B), DATA, g=g, gradients=as_printed)


def test_missing_gprime_leaves_the_last_layer_right():
    """Slip 1 only affects layers below L: delta^L has its g'(z^L)."""
    dw, db = errata.gradients_as_printed(W, B, *DATA, bias_slip=False)
    ref_w, ref_b = l_layer.gradients(W, B, *DATA)
    assert dw[-1] == pytest.approx(ref_w[-1]) and db[-1] == pytest.approx(ref_b[-1])
    assert dw[0] != pytest.approx(ref_w[0], rel=1e-2)
