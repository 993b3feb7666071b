"""The checkers of chapter 8's exercises: right answers pass, the template is
"not answered", and plausible wrong answers raise ExerciseError."""

import numpy as np
import pytest

from backprop.exercises import ExerciseError
from backprop.exercises.ch8 import (
    check_difference_order,
    check_float32_eps,
    check_gradient_checker,
    check_hidden_bug,
)


def template(*args):
    raise NotImplementedError


def test_float32_eps():
    assert check_float32_eps(lambda dtype: np.finfo(dtype).eps ** (1 / 3))
    assert not check_float32_eps(template)
    with pytest.raises(ExerciseError, match=r"eps = 1\.0e-06 the float32 check"):
        check_float32_eps(lambda dtype: 1e-6)  # float64's step, in float32
    with pytest.raises(ExerciseError, match=r"eps = 5\.0e-03 the float64 check"):
        check_float32_eps(lambda dtype: 5e-3)  # float32's step for both
    with pytest.raises(ExerciseError, match=r"float32 check .* below 2e-04"):
        check_float32_eps(lambda dtype: 0.1)  # truncation dominates
    with pytest.raises(ExerciseError, match="should be in"):
        check_float32_eps(lambda dtype: -(np.finfo(dtype).eps ** (1 / 3)))
    with pytest.raises(ExerciseError, match="should be a number"):
        check_float32_eps(lambda dtype: "5e-3")


def relative_error(a, n):
    a, n = np.ravel(a), np.ravel(n)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    return 0.0 if denom == 0 else np.linalg.norm(a - n) / denom


def numeric(f, theta, eps=1e-6, central=True):
    grad = np.zeros_like(theta)
    for i in np.ndindex(theta.shape):
        up, down = theta.copy(), theta.copy()
        up[i] += eps
        down[i] -= eps if central else 0
        grad[i] = (f(up) - f(down)) / (2 * eps if central else eps)
    return grad


def test_gradient_checker():
    def right(f, theta, grad):
        return relative_error(grad, numeric(f, theta)) < 1e-7

    assert check_gradient_checker(right)
    assert not check_gradient_checker(template)
    with pytest.raises(ExerciseError, match=r"accepted a wrong gradient \(off by 1e-4"):
        check_gradient_checker(lambda f, theta, grad: True)
    with pytest.raises(ExerciseError, match=r"accepted a wrong gradient .* 1e-08"):
        check_gradient_checker(  # absolute error: blind to tiny gradients
            lambda f, theta, grad: (
                np.abs(grad - numeric(f, theta)).max() < 1e-7
                if np.abs(grad).max() < 1e3
                else relative_error(grad, numeric(f, theta)) < 1e-7
            )
        )
    with pytest.raises(ExerciseError, match=r"rejected a right gradient .* 1e\+06"):
        check_gradient_checker(  # absolute error where the gradient is large
            lambda f, theta, grad: (
                np.abs(grad - numeric(f, theta)).max() < 1e-7
                if np.abs(grad).max() > 1e3
                else relative_error(grad, numeric(f, theta)) < 1e-7
            )
        )
    with pytest.raises(ExerciseError, match="rejected a right gradient"):
        check_gradient_checker(  # one-sided differences: error ~ eps, too large
            lambda f, theta, grad: (
                relative_error(grad, numeric(f, theta, central=False)) < 1e-7
            )
        )
    with pytest.raises(ExerciseError, match="accepted a wrong gradient"):
        check_gradient_checker(  # a threshold fit for float32, not float64
            lambda f, theta, grad: relative_error(grad, numeric(f, theta)) < 1e-3
        )
    with pytest.raises(ExerciseError, match="should return a bool"):
        check_gradient_checker(lambda f, theta, grad: relative_error(grad, grad))


def measured_order(stencil, eps=(1e-1, 5e-2, 2e-2, 1e-2)):
    eps = np.array(eps)
    errors = [abs(stencil(np.exp, 0.5, h) - np.exp(0.5)) for h in eps]
    return float(np.polyfit(np.log(eps), np.log(errors), 1)[0])


def test_difference_order():
    assert check_difference_order(measured_order)
    assert not check_difference_order(template)
    with pytest.raises(ExerciseError, match="for the central difference"):
        # fitted down to eps = 1e-8, where round-off takes over
        check_difference_order(lambda s: measured_order(s, np.logspace(-1, -8, 8)))
    with pytest.raises(ExerciseError, match=r"order of 2\.00 for the one-sided"):
        check_difference_order(lambda stencil: 2)
    with pytest.raises(ExerciseError, match="should be a number"):
        check_difference_order(lambda stencil: "two")


def spoil_smallest(dW, db):
    params = dW + db
    k = int(np.argmin([np.linalg.norm(p) for p in params]))
    params[k] = -params[k]  # wrong sign, in the parameter that matters least
    return params[: len(dW)], params[len(dW) :]


def test_hidden_bug():
    assert check_hidden_bug(spoil_smallest)
    assert not check_hidden_bug(template)

    def zero_last_layer(dW, db):
        dW[-1] = np.zeros_like(dW[-1])
        return dW, db

    with pytest.raises(ExerciseError, match="global criterion already catches"):
        check_hidden_bug(zero_last_layer)
    with pytest.raises(ExerciseError, match=r"passes your gradients .*: no bug"):
        check_hidden_bug(lambda dW, db: (dW, db))
    with pytest.raises(ExerciseError, match="passes your gradients"):
        check_hidden_bug(  # a change of 1e-9 relative is no bug anyone can see
            lambda dW, db: ([(1 + 1e-9) * dW[0], *dW[1:]], db)
        )
    with pytest.raises(ExerciseError, match="refused your gradients: the gradient"):
        check_hidden_bug(lambda dW, db: ([*dW[:-1], dW[-1].T], db))
    with pytest.raises(ExerciseError, match="the pair"):
        check_hidden_bug(lambda dW, db: dW + db)
