"""Backpropagation, derived step by step as small, tested numpy code.

One module per step of the derivation in the book "Backprop, derived and
tested" (after "You Could Have Invented Backprop", Types and Tailcalls, 2020):

==================================  ==========================================
module                              step
==================================  ==========================================
:mod:`~backprop.single_neuron`      1. one input, one neuron
:mod:`~backprop.two_layer`          2. two single-neuron layers
:mod:`~backprop.l_layer`            3. L single-neuron layers, g^l per layer
:mod:`~backprop.matrix`             4. many neurons per layer, one sample
:mod:`~backprop.train`              5. gradient descent (and minibatch SGD)
:mod:`~backprop.minibatch`          6. m samples as the columns of X
:mod:`~backprop.autodiff`           9. reverse-mode autodiff: a Tensor, its
                                    operations and backward()
:mod:`~backprop.autodiff_network`   9. the network's operations and costs as
                                    Tensors, and its graph
==================================  ==========================================

plus :mod:`~backprop.activations`, :mod:`~backprop.costs` (with
:mod:`~backprop.cross_entropy`, chapter 7), :mod:`~backprop.gradcheck` (with
:mod:`~backprop.finite_differences`), :mod:`~backprop.data` (toy datasets),
:mod:`~backprop.errata` (the source's slips, kept to show that they fail),
:mod:`~backprop.exercises` (the checkers of the chapters' exercises) and
:mod:`~backprop.timing` (timing infrastructure of the chapters and of
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
  only :mod:`~backprop.train` updates parameters, on its own copies.
"""

from . import (
    activations,
    autodiff,
    autodiff_network,
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
    "autodiff_network",
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
