"""Bad input raises a clear ValueError/TypeError and changes nothing."""

import copy

import numpy as np
import pytest
from helpers import network

from backprop import data, l_layer, matrix, minibatch, single_neuron, train, two_layer


def snapshot(*arrays):
    return copy.deepcopy(arrays)


def assert_unchanged(before, after):
    for x, y in zip(before, after, strict=True):
        if isinstance(x, list | tuple):
            assert_unchanged(x, y)
        else:
            np.testing.assert_array_equal(x, y)


def good(m=4):
    return network((3, 4, 2), seed=1, m=m)


def bias_1d(W, b, X, Y):
    b[1] = b[1].ravel()
    return W, b, X, Y


def w_wrong_shape(W, b, X, Y):
    W[1] = np.ones((2, 5))
    return W, b, X, Y


def x_wrong_rows(W, b, X, Y):
    return W, b, np.ones((2, X.shape[1])), Y


def y_wrong_m(W, b, X, Y):
    return W, b, X, Y[:, :-1]


def y_wrong_rows(W, b, X, Y):
    return W, b, X, np.ones((3, X.shape[1]))


def x_no_samples(W, b, X, Y):
    return W, b, X[:, :0], Y[:, :0]


def x_nan(W, b, X, Y):
    X = X.copy()
    X[0, 0] = np.nan
    return W, b, X, Y


def w_inf(W, b, X, Y):
    W[0] = W[0].copy()
    W[0][1, 1] = np.inf
    return W, b, X, Y


def b_nan(W, b, X, Y):
    b[1] = b[1].copy()
    b[1][0, 0] = np.nan
    return W, b, X, Y


def b_inf(W, b, X, Y):
    b[0] = b[0].copy()
    b[0][2, 0] = -np.inf
    return W, b, X, Y


def y_nan(W, b, X, Y):
    Y = Y.copy()
    Y[0, 0] = np.nan
    return W, b, X, Y


def mixed_dtypes(W, b, X, Y):
    return W, b, X.astype(np.float32), Y


def b_dtype(W, b, X, Y):
    b[0] = b[0].astype(np.float32)
    return W, b, X, Y


def x_1d(W, b, X, Y):
    return W, b, X[:, 0], Y


CASES = [
    (
        bias_1d,
        ValueError,
        r"layer 2: b\^2 has shape \(2,\) but must be \(2, 1\).*reshape",
    ),
    (
        w_wrong_shape,
        ValueError,
        r"layer 2: W\^2 has shape \(2, 5\).*layer 1 has n_1 = 4",
    ),
    (x_wrong_rows, ValueError, r"X has shape \(2, \d\).*W\^1 has shape \(4, 3\)"),
    (y_wrong_m, ValueError, r"X has m = 4 samples .* but Y has 3"),
    (y_wrong_rows, ValueError, r"Y has shape \(3, 4\).*n_L = 2"),
    (x_no_samples, ValueError, r"no samples \(m = 0"),
    (x_nan, ValueError, r"X contains 1 NaN or infinite"),
    (w_inf, ValueError, r"layer 1: W\^1 contains 1 NaN or infinite"),
    (b_nan, ValueError, r"layer 2: b\^2 contains 1 NaN or infinite"),
    (b_inf, ValueError, r"layer 1: b\^1 contains 1 NaN or infinite"),
    (y_nan, ValueError, r"Y contains 1 NaN"),
    (mixed_dtypes, TypeError, r"X is float32 but the parameters are float64"),
    (b_dtype, TypeError, r"layer 1: b\^1 is float32 but W\^1 is float64"),
    (x_1d, ValueError, r"X must be 2-D.*X.reshape\(-1, 1\)"),
]


Y_CASES = (y_wrong_m, y_wrong_rows, y_nan)  # forward takes no Y
CALLS = [
    (call, *case)
    for call in ("forward", "gradients", "C", "sgd")
    for case in CASES
    if not (call == "forward" and case[0] in Y_CASES)
]


@pytest.mark.parametrize(("call", "breaker", "error", "message"), CALLS)
def test_minibatch_bad_input(call, breaker, error, message):
    W, b, X, Y = breaker(*good())
    before = snapshot(W, b, X, Y)
    with pytest.raises(error, match=message):
        if call == "forward":
            minibatch.forward(W, b, X)
        elif call == "gradients":
            minibatch.gradients(W, b, X, Y)
        elif call == "C":
            minibatch.C(W, b, X, Y)
        else:
            train.sgd(W, b, X, Y, eta=0.1, epochs=1)
    assert_unchanged(before, snapshot(W, b, X, Y))


def test_matrix_rejects_more_than_one_sample():
    W, b, X, Y = good(m=3)
    with pytest.raises(ValueError, match=r"m = 3 samples.*use backprop.minibatch"):
        matrix.gradients(W, b, X, Y)


@pytest.mark.parametrize(("breaker", "error", "message"), CASES[:3] + CASES[6:])
def test_matrix_bad_input(breaker, error, message):
    W, b, X, Y = breaker(*good(m=1))
    before = snapshot(W, b, X, Y)
    with pytest.raises(error, match=message):
        matrix.gradients(W, b, X, Y)
    assert_unchanged(before, snapshot(W, b, X, Y))


def test_unknown_names():
    W, b, X, Y = good()
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'.*'sigmoid'"):
        minibatch.gradients(W, b, X, Y, g="sigmod")
    with pytest.raises(ValueError, match=r"unknown cost 'mse'.*'quadratic'"):
        minibatch.gradients(W, b, X, Y, cost="mse")
    with pytest.raises(ValueError, match=r"3 activations for a network of L = 2"):
        minibatch.gradients(W, b, X, Y, g=["relu"] * 3)
    with pytest.raises(ValueError, match=r"unknown activation 'lin'"):
        single_neuron.gradients(1.0, 0.0, 1.0, 0.0, g="lin")


def test_params_must_be_lists_of_layers():
    W, b, X, Y = good()
    with pytest.raises(TypeError, match=r"sequences .* of per-layer arrays"):
        minibatch.gradients(W[0], b[0], X, Y)
    with pytest.raises(ValueError, match=r"W has 2 layer.*b has 1"):
        minibatch.gradients(W, b[:1], X, Y)


def test_cross_entropy_targets_must_be_probabilities():
    W, b, X, Y = good()
    with pytest.raises(ValueError, match=r"targets y in \[0, 1\]"):
        minibatch.gradients(W, b, X, 2 * Y + 1, cost="cross_entropy")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: single_neuron.gradients(np.nan, 0.0, 1.0, 0.0), "w contains 1 NaN"),
        (
            lambda: single_neuron.gradients(1.0, 0.0, [1.0, 2.0], 0.0),
            "x must be a scalar",
        ),
        (lambda: single_neuron.forward(1.0, np.inf, 1.0), "b contains 1 NaN"),
        (
            lambda: single_neuron.gradients(1.0, 0.0, 1.0, 0.0, g="softmax"),
            "not elementwise",
        ),
        (
            lambda: two_layer.gradients(1.0, 0.0, np.inf, 0.0, 1.0, 0.0),
            r"w\^2 \(w\[1\]\)",
        ),
        (lambda: two_layer.forward(1, 0, 1, 0, 1.0, g=["relu"]), "need 2 activations"),
        (
            lambda: l_layer.gradients([1.0, 2.0], [0.0], 1.0, 0.0),
            "w has 2 entries and b has 1",
        ),
        (
            lambda: l_layer.forward([1.0], [0.0], 1.0, g=["tanh", "relu"]),
            "2 activations for a network of L = 1",
        ),
        (lambda: l_layer.gradients([1.0], [0.0], 1.0, np.nan), "y contains 1 NaN"),
    ],
)
def test_scalar_steps_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


# (keyword arguments of sgd, error, message): each names the argument and
# what it accepts.
TRAINING = [
    (dict(eta=-1), ValueError, r"learning rate eta must be a positive number"),
    (dict(eta="0.1"), TypeError, r"eta must be a positive number \(an int.*'0.1'"),
    (dict(eta=True), TypeError, r"eta must be a positive number.*True of type bool"),
    (dict(eta=np.nan), ValueError, r"eta must be a positive number, got nan"),
    (dict(epochs=1.5), ValueError, r"epochs must be a whole number >= 0 .*got 1.5"),
    (dict(epochs=None), TypeError, r"epochs must be a whole number >= 0 .*got None"),
    (dict(epochs=True), TypeError, r"epochs must be a whole number.*True of type bool"),
    (dict(epochs=-1), ValueError, r"epochs must be a whole number >= 0"),
    (dict(batch_size=5), ValueError, r"batch_size must be a whole number in 1..m = 4"),
    (dict(batch_size=2.0), ValueError, r"batch_size must be a whole number.* 2.0"),
    (dict(batch_size="2"), TypeError, r"batch_size must be a whole number in 1..m = 4"),
    (dict(batch_size=0), ValueError, r"batch_size must be a whole number in 1..m = 4"),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "error", "message"), TRAINING)
def test_bad_training_settings(settings, error, message):
    W, b, X, Y = good()
    before = snapshot(W, b, X, Y)
    with pytest.raises(error, match=message):
        train.sgd(W, b, X, Y, **{"eta": 0.1, "epochs": 1, **settings})
    assert_unchanged(before, snapshot(W, b, X, Y))


def test_good_training_settings_of_numpy_types():
    W, b, X, Y = good()
    kw = dict(eta=np.float32(0.1), epochs=np.int64(2), batch_size=np.int32(2))
    assert train.sgd(W, b, X, Y, **kw).costs.shape == (3,)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (dict(sizes=[2.5, 3]), ValueError, r"sizes\[0\] must be a whole number >= 1"),
        (dict(sizes=[2, 0]), ValueError, r"sizes\[1\] must be a whole number >= 1"),
        (dict(sizes=[2, None]), TypeError, r"sizes\[1\] must be a whole number"),
        (dict(sizes=[3]), ValueError, r"sizes must be \(n_0, ..., n_L\) with L >= 1"),
        (dict(sizes=5), TypeError, r"sizes must be a list of ints"),
        (dict(sizes=[2, 3], dtype=int), TypeError, r"dtype must be float32 .*int64"),
        (dict(sizes=[2, 3], dtype=np.float16), TypeError, r"float64, got float16"),
    ],
)  # fmt: skip
def test_bad_init_params(kwargs, error, message):
    sizes = kwargs["sizes"]
    before = snapshot(sizes)
    with pytest.raises(error, match=message):
        train.init_params(**kwargs)
    assert snapshot(sizes) == before


@pytest.mark.parametrize(
    ("labels", "k", "message"),
    [
        ([], None, r"labels is empty"),
        (np.array([], dtype=int), 3, r"labels is empty"),
        ([0.0, 1.0], None, r"labels must be a 1-D integer array"),
        ([0, 2], 2, r"labels must lie in 0..1"),
        ([0, -1], 2, r"labels must lie in 0..1"),
        ([0, 1], 0, r"k must be a whole number of classes >= 1"),
    ],
)
def test_bad_one_hot(labels, k, message):
    before = snapshot(labels)
    with pytest.raises(ValueError, match=message):
        data.one_hot(labels, k)
    assert_unchanged(before, snapshot(labels))


def test_softmax_needs_two_outputs():
    W, b, X, Y = network((3, 4, 1), m=4)
    with pytest.raises(ValueError, match=r"layer 2: a softmax output needs n_L >= 2"):
        minibatch.gradients(W, b, X, Y, g=["tanh", "softmax"])


@pytest.mark.parametrize("out", ["tanh", "relu"])
@pytest.mark.parametrize("cost", ["cross_entropy", "categorical_cross_entropy"])
def test_cross_entropy_needs_outputs_in_0_1(out, cost):
    W, b, X, Y = network((3, 4, 2), m=4, out="softmax")
    before = snapshot(W, b, X, Y)
    message = rf"layer 2: {cost} needs outputs in \(0, 1\).*'{out}'"
    for call in (minibatch.gradients, minibatch.C):
        with pytest.raises(ValueError, match=message):
            call(W, b, X, Y, g=["tanh", out], cost=cost)
    with pytest.raises(ValueError, match=message):
        train.sgd(W, b, X, Y, eta=0.1, epochs=1, g=["tanh", out], cost=cost)
    with pytest.raises(ValueError, match=message):
        matrix.gradients(W, b, X[:, :1], Y[:, :1], g=["tanh", out], cost=cost)
    assert_unchanged(before, snapshot(W, b, X, Y))
    with pytest.raises(ValueError, match=r"layer 1: cross_entropy needs outputs"):
        single_neuron.gradients(1.0, 0.0, 1.0, 1.0, g=out, cost="cross_entropy")
    with pytest.raises(ValueError, match=r"layer 3: cross_entropy needs outputs"):
        l_layer.C([1.0] * 3, [0.0] * 3, 1.0, 1.0, g=out, cost="cross_entropy")


def test_only_float32_and_float64_parameters():
    W, b, X, Y = network((3, 2), m=2)
    with pytest.raises(TypeError, match=r"layer 1: W\^1 has dtype float16"):
        minibatch.gradients([W[0].astype(np.float16)], b, X, Y)


def test_l_layer_wants_one_number_per_layer():
    with pytest.raises(TypeError, match="w and b must be sequences"):
        l_layer.gradients(1.0, 0.0, 1.0, 0.0)
