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
:mod:`autodiff`        9. reverse-mode autodiff: the same gradients from a
                       graph of Tensors and their local derivatives
=====================  ====================================================

plus :mod:`activations`, :mod:`costs` (with :mod:`cross_entropy`, chapter
7), :mod:`gradcheck` (with :mod:`finite_differences`), :mod:`data` (toy
datasets), :mod:`errata` (the source's slips, kept to show that they fail),
:mod:`exercises` (the checkers of the chapters' exercises) and
:mod:`timing` (timing infrastructure of the chapters and of
``benchmarks/``, not part of the derivation).

Conventions, stated here once for every module:

- Shapes: W^l is (n_l, n_{l-1}), b^l is (n_l, 1), and samples are columns,
  so z^l, a^l and delta^l are (n_l, m), with m = 1 for one sample.
- Layer index: the book numbers layers l = 1, ..., L, Python lists count
  from 0. So ``W[l-1]``, ``b[l-1]``, ``z[l-1]`` and ``delta[l-1]`` belong
  to layer l, while the list of activations has L + 1 entries and ``a[l]``
  is a^l, with ``a[0] = x`` the input. The same holds for the scalar lists
  ``w``, ``b`` of chapter 3 and for the gradients ``dW[l-1]``,
  ``db[l-1]``. Error messages name layers by the book's l.
- Gradient functions return new arrays and never modify their arguments;
  only :mod:`train` updates parameters, on its own copies.
"""

from . import (
    activations,
    autodiff,
    costs,
    cross_entropy,
    data,
    errata,
    exercises,
    finite_differences,
    gradcheck,
    l_layer,
    matrix,
    minibatch,
    single_neuron,
    timing,
    train,
    two_layer,
)

__all__ = [
    "activations",
    "autodiff",
    "costs",
    "cross_entropy",
    "data",
    "errata",
    "exercises",
    "finite_differences",
    "gradcheck",
    "l_layer",
    "matrix",
    "minibatch",
    "single_neuron",
    "timing",
    "train",
    "two_layer",
]
__version__ = "0.1.0"
