"""Backpropagation, derived step by step as small, tested numpy code.

One module per step of the derivation in the book "Backprop, derived and
tested" (after "You Could Have Invented Backprop", Types and Tailcalls, 2020):

=====================  ====================================================
module                 step
=====================  ====================================================
:mod:`single_neuron`   1. one input, one neuron
:mod:`two_layer`       2. two single-neuron layers
:mod:`l_layer`         3. L single-neuron layers, g^l per layer
:mod:`matrix`          4. many neurons per layer, one sample as a column
:mod:`train`           5. gradient descent (and minibatch SGD)
:mod:`minibatch`       6. m samples as the columns of X
=====================  ====================================================

plus :mod:`activations`, :mod:`costs`, :mod:`gradcheck` (finite
differences), :mod:`data` (toy datasets) and :mod:`errata` (the source's
slips, kept to show that they fail).

Conventions: W^l has shape (n_l, n_{l-1}), b^l is (n_l, 1), samples are
columns. Python lists are 0-based, so layer l's arrays are ``W[l-1]``,
``b[l-1]``, ``z[l-1]``, ``delta[l-1]``, while ``a[l]`` is a^l with
``a[0] = x``.
"""

from . import (
    activations,
    costs,
    data,
    errata,
    gradcheck,
    l_layer,
    matrix,
    minibatch,
    single_neuron,
    train,
    two_layer,
)

__all__ = [
    "activations",
    "costs",
    "data",
    "errata",
    "gradcheck",
    "l_layer",
    "matrix",
    "minibatch",
    "single_neuron",
    "train",
    "two_layer",
]
__version__ = "0.1.0"
