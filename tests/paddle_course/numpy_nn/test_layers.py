"""Oracle tests: the numpy network against Paddle's autograd and optimizers, and the course's
regression against a closed-form computation and the course notebook's published numbers."""

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from paddle_course.data import load_housing
from paddle_course.numpy_nn import (
    MLP,
    Linear,
    Network,
    ReLU,
    Sigmoid,
    SoftmaxCrossEntropy,
    check_layer,
    course_split,
)
from paddle_course.numpy_nn.compare import on_function, on_gradients

RTOL = 1e-5


def t(a):
    return paddle.to_tensor(a, dtype="float64", stop_gradient=False)


@pytest.mark.parametrize(
    "make, paddle_fn",
    [
        (lambda rng: Sigmoid(), F.sigmoid),
        (lambda rng: ReLU(), F.relu),
    ],
)
def test_activation_backward_matches_paddle(make, paddle_fn):
    rng = np.random.RandomState(0)
    x, upstream = rng.randn(8, 6) * 3, rng.randn(8, 6)
    layer = make(rng)
    ours_out = layer.forward(x)
    ours_grad = layer.backward(upstream)
    xt = t(x)
    out = paddle_fn(xt)
    (out * t(upstream)).sum().backward()
    np.testing.assert_allclose(ours_out, out.numpy(), rtol=RTOL)
    np.testing.assert_allclose(ours_grad, xt.grad.numpy(), rtol=RTOL, atol=1e-12)


def test_linear_backward_matches_paddle():
    rng = np.random.RandomState(1)
    layer = Linear(7, 4, rng)
    x, upstream = rng.randn(5, 7), rng.randn(5, 4)
    ours = layer.forward(x)
    dx = layer.backward(upstream)
    xt, W, b = t(x), t(layer.params["W"]), t(layer.params["b"])
    out = F.linear(xt, W, b)  # Paddle's weight layout is [in, out], as ours
    (out * t(upstream)).sum().backward()
    np.testing.assert_allclose(ours, out.numpy(), rtol=RTOL)
    for mine, theirs in ((dx, xt), (layer.grads["W"], W), (layer.grads["b"], b)):
        np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=RTOL)


def test_softmax_cross_entropy_matches_paddle():
    rng = np.random.RandomState(2)
    logits, labels = rng.randn(9, 10) * 4, rng.randint(0, 10, 9)
    ce = SoftmaxCrossEntropy()
    loss = ce(logits, labels)
    lt = t(logits)
    theirs = F.cross_entropy(lt, paddle.to_tensor(labels))
    theirs.backward()
    np.testing.assert_allclose(loss, float(theirs), rtol=RTOL)
    np.testing.assert_allclose(ce.backward(), lt.grad.numpy(), rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_whole_mlp_gradients_match_paddle(activation):
    rng = np.random.RandomState(3)
    mlp = MLP([12, 9, 7, 10], activation, seed=4)
    x, labels = rng.randn(6, 12), rng.randint(0, 10, 6)
    ce = SoftmaxCrossEntropy()
    loss = ce(mlp(x), labels)
    mlp.backward(ce.backward())
    act = {"relu": F.relu, "sigmoid": F.sigmoid}[activation]
    linears = [layer for layer in mlp.layers if isinstance(layer, Linear)]
    tensors = [(t(layer.params["W"]), t(layer.params["b"])) for layer in linears]
    h = t(x)
    for i, (W, b) in enumerate(tensors):
        h = F.linear(h, W, b)
        if i < len(tensors) - 1:
            h = act(h)
    theirs = F.cross_entropy(h, paddle.to_tensor(labels))
    theirs.backward()
    np.testing.assert_allclose(loss, float(theirs), rtol=RTOL)
    for layer, (W, b) in zip(linears, tensors):
        np.testing.assert_allclose(layer.grads["W"], W.grad.numpy(), rtol=RTOL, atol=1e-12)
        np.testing.assert_allclose(layer.grads["b"], b.grad.numpy(), rtol=RTOL, atol=1e-12)


def test_gradient_check_catches_a_wrong_backward():
    class ForgotOneMinusY(Sigmoid):
        def backward(self, grad):
            return grad * self.y  # should be y * (1 - y)

    x = np.random.RandomState(5).randn(4, 3)
    assert check_layer(Sigmoid(), x)["input"] < 1e-6
    assert check_layer(ForgotOneMinusY(), x)["input"] > 0.1


# non-default hyper-parameters, chosen so that float32 storage of them matters (0.8, 0.9, 1e-3)
OPTIMIZER_CASES = [
    ("sgd", dict(lr=0.03)),
    ("momentum", dict(lr=0.05, momentum=0.8)),
    ("momentum", dict(lr=0.05, momentum=0.7, use_nesterov=True)),
    ("adagrad", dict(lr=0.2, epsilon=1e-3, initial_accumulator_value=0.1)),
    ("rmsprop", dict(lr=0.01, rho=0.9, epsilon=1e-3, momentum=0.3)),
    ("rmsprop", dict(lr=0.01, rho=0.8, epsilon=1e-4, momentum=0.1, centered=True)),
    ("adam", dict(lr=0.02, beta1=0.8, beta2=0.99, epsilon=1e-3)),
]


@pytest.mark.parametrize(
    "name, hp", OPTIMIZER_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZER_CASES)]
)
def test_numpy_optimizers_match_paddle_over_many_steps(name, hp):
    rng = np.random.RandomState(6)
    start = rng.randn(5, 4)
    grads = [rng.randn(5, 4) * 10.0 ** rng.uniform(-3, 1) for _ in range(300)]
    ours, theirs = on_gradients(name, start, grads, **hp)
    assert np.abs(ours - start).max() > 1e-3  # the parameters really moved
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    # and on a function, where each side takes the gradient at its own point
    path, paddle_path = on_function(
        name, lambda p: (p[0] - 1) ** 2 + 3 * p[1] ** 2, np.array([3.0, -2.0]), 50, **hp
    )
    np.testing.assert_allclose(path, paddle_path, rtol=0, atol=1e-12)


def closed_form_gd_losses(x, y, w0, b0, eta, iterations):
    """Losses of full-batch GD on L = 1/(2N) |X theta - y|^2 without iterating: the update
    theta <- theta - eta/N X^T (X theta - y) is affine, theta_k = A^k theta_0 + sum_{i<k} A^i c,
    computed in A's eigenbasis (A = I - eta/N X^T X is symmetric)."""
    X = np.hstack([x, np.ones((len(x), 1))])
    n = len(x)
    lam, Q = np.linalg.eigh(np.eye(X.shape[1]) - eta / n * X.T @ X)
    c = Q.T @ (eta / n * X.T @ y)
    theta0 = Q.T @ np.vstack([w0, [[b0]]])
    out = {}
    for k in iterations:
        theta = Q @ (lam[:, None] ** k * theta0 + ((1 - lam**k) / (1 - lam))[:, None] * c)
        out[k] = float(np.mean((X @ theta - y) ** 2))
    return out


def test_course_regression_against_closed_form_and_the_course_notebook():
    train, _, _ = course_split(load_housing())
    x, y = train[:, :-1], train[:, -1:]
    net = Network(13, seed=0)
    w0 = net.w.copy()
    losses = net.train(x, y, iterations=1000, eta=0.01, log=None)
    expected = closed_form_gd_losses(x, y, w0, 0.0, 0.01, (9, 999))
    assert losses[9] == pytest.approx(expected[9], rel=1e-9)
    assert losses[999] == pytest.approx(expected[999], rel=1e-9)
    # printed by the course's own notebook ("iter 9, loss ...", "iter 999, loss ...")
    assert losses[9] == pytest.approx(5.143394325795511, rel=1e-12)
    assert losses[999] == pytest.approx(0.17513006784373505, rel=1e-12)


def test_sgd_mode_is_seeded_and_shuffles_each_epoch():
    train, _, _ = course_split(load_housing())
    a = Network(13, seed=0).train_sgd(train, num_epochs=3, batch_size=100, eta=0.1, log=None)
    b = Network(13, seed=0).train_sgd(train, num_epochs=3, batch_size=100, eta=0.1, log=None)
    assert len(a) == 3 * 5 and a == b  # 404 rows: 4 batches of 100 and one of 4
    c = Network(13, seed=1).train_sgd(train, num_epochs=3, batch_size=100, eta=0.1, log=None)
    assert a != c
