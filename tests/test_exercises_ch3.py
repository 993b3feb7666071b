"""The checkers of chapter 3's exercises: right answers pass, the template is
"not answered yet", and plausible wrong answers are rejected by name."""

import numpy as np
import pytest

from backprop import l_layer
from backprop.exercises import ExerciseError
from backprop.exercises.ch3 import (
    check_l2_gradients,
    check_l_layer_gradients,
    check_sigmoid_window,
)


def template(*args):
    raise NotImplementedError


# -- find the bug: g' of the wrong layer --------------------------------------


def chain_gradients(w, b, x, y, g, bug=None):
    """The book's chain equations by hand; ``bug`` plants a plausible slip."""
    L = len(w)
    z, a = [], [x]
    for l in range(1, L + 1):
        z.append(w[l - 1] * a[l - 1] + b[l - 1])
        a.append(g[l - 1](z[l - 1]))
    delta = [None] * L
    delta[L - 1] = (a[L] - y) * g[L - 1].prime(z[L - 1], a[L])
    for l in range(L - 1, 0, -1):
        if bug == "next layer's g'":  # g^{l+1}'(z^{l+1}) instead of g^l'(z^l)
            gate = g[l].prime(z[l], a[l + 1])
        elif bug == "no g'":
            gate = 1.0
        else:
            gate = g[l - 1].prime(z[l - 1], a[l])
        delta[l - 1] = delta[l] * w[l] * gate
    dw = [delta[l - 1] * a[l - 1] for l in range(1, L + 1)]
    if bug == "a^l for a^{l-1}":
        dw = [delta[l - 1] * a[l] for l in range(1, L + 1)]
    return dw, list(delta)


def test_l_layer_right_answer_passes(capsys):
    assert check_l_layer_gradients(chain_gradients)
    assert "correct on 5 random cases" in capsys.readouterr().out


def test_l_layer_package_passes_too():
    # an independent implementation (the package) agrees with the reference
    def package(w, b, x, y, g):
        return l_layer.gradients(w, b, x, y, g=g)

    assert check_l_layer_gradients(package)


def test_l_layer_template_is_not_answered():
    assert not check_l_layer_gradients(template)


@pytest.mark.parametrize(
    ("bug", "message"),
    [
        ("next layer's g'", r"dw \(dw\[l-1\] is dC/dw\^l\) is off by .* L = 2"),
        ("no g'", r"dw .* is off by"),
        ("a^l for a^{l-1}", r"dw .* is off by"),
    ],
)
def test_l_layer_wrong_answers_are_rejected(bug, message):
    with pytest.raises(ExerciseError, match=message):
        check_l_layer_gradients(lambda *args: chain_gradients(*args, bug=bug))


def test_l_layer_rejects_a_missing_layer():
    def short(w, b, x, y, g):
        dw, db = chain_gradients(w, b, x, y, g)
        return dw[1:], db

    with pytest.raises(ExerciseError, match=r"dw .* has shape \(1,\) .* \(2,\)"):
        check_l_layer_gradients(short)


# -- an L2 penalty on the weights ---------------------------------------------


def l2_gradients(w, b, x, y, g, lam, wrong=None):
    dw, db = l_layer.gradients(w, b, x, y, g=g)
    factor = 2 * lam if wrong == "no 1/2" else lam
    dw = [dwl + factor * wl for dwl, wl in zip(dw, w, strict=True)]
    if wrong == "biases too":
        db = [dbl + lam * bl for dbl, bl in zip(db, b, strict=True)]
    return dw, db


def test_l2_right_answer_passes():
    assert check_l2_gradients(l2_gradients)


def test_l2_template_is_not_answered():
    assert not check_l2_gradients(template)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        ("no 1/2", r"dw \(dw\[l-1\] is dC/dw\^l\) is off by .* lam = "),
        ("biases too", r"db \(db\[l-1\] is dC/db\^l\) is off by"),
    ],
)
def test_l2_wrong_answers_are_rejected(wrong, message):
    with pytest.raises(ExerciseError, match=message):
        check_l2_gradients(lambda *args: l2_gradients(*args, wrong=wrong))


def test_l2_without_the_penalty_is_rejected():
    def unpenalized(w, b, x, y, g, lam):
        return l_layer.gradients(w, b, x, y, g=g)

    with pytest.raises(ExerciseError, match=r"dw .* is off by"):
        check_l2_gradients(unpenalized)


# -- the window of z where a sigmoid layer does not shrink |delta| ------------


def z_max(w):
    return 2 * np.arctanh(np.sqrt(1 - 4 / abs(w)))


def test_window_right_answer_passes():
    assert check_sigmoid_window(z_max)


def test_window_template_is_not_answered():
    assert not check_sigmoid_window(template)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda w: np.arctanh(np.sqrt(1 - 4 / abs(w))),  # half the window
        lambda w: np.log(abs(w)),  # the large-|w| approximation
        lambda w: 2 * np.arctanh(np.sqrt(1 - 4 / w)),  # forgot |w|: NaN for w < 0
    ],
    ids=["half", "log", "sign"],
)
def test_window_wrong_answers_are_rejected(wrong):
    with (
        np.errstate(invalid="ignore"),
        pytest.raises(ExerciseError, match=r"z_max (is off by|contains NaN)"),
    ):
        check_sigmoid_window(wrong)
