"""Chapter 2 lessons: each runs with --quick and writes its outputs; each key claim is asserted
where it is robust."""

import json

import numpy as np
import paddle

from chapters.ch02_mnist import MNIST_network, data_process
from paddle_course.models import MLP


def _json(path):
    return json.loads(path.read_text())


def test_data_process_quick(tmp_path):
    r = data_process.main(["--quick", "--output-dir", str(tmp_path)])
    assert set(r) == {"sync", "thread", "processes", "memory"}
    assert r["memory"]["generator_mb"] < r["memory"]["all_batches_mb"]
    assert _json(tmp_path / "results.json")["processes"]["num_workers"] == 2


def test_mnist_network_quick(tmp_path):
    MNIST_network.main(["--quick", "--output-dir", str(tmp_path)])
    saved = _json(tmp_path / "results.json")
    assert {"linear", "mlp_sigmoid", "mlp_relu", "mlp_no_activation", "cnn"} <= set(saved)
    assert all({"val_acc", "val_loss", "params"} <= set(saved[k]) for k in
               ("linear", "mlp_sigmoid", "mlp_relu", "mlp_no_activation", "cnn"))
    assert saved["cnn"]["params"] == 20350 and saved["linear"]["params"] == 7850
    assert saved["fc_vs_conv"]["equivalent_fc_params"] > 20000 * saved["fc_vs_conv"]["conv1_params"]
    assert (tmp_path / "plots/comparison.png").is_file()


def test_mlp_without_activations_is_one_linear_map():
    """FAQ Q7: stacked Linear layers without activations compute x @ (W1 W2 W3) + b, a linear
    model; so they can do no better than one."""
    paddle.seed(0)
    mlp = MLP((10, 10), activation=None)
    W, b = np.eye(784), np.zeros(784)
    for layer in mlp.layers:
        w, c = layer.weight.numpy().astype(np.float64), layer.bias.numpy().astype(np.float64)
        W, b = W @ w, b @ w + c
    x = paddle.randn([5, 1, 28, 28])
    np.testing.assert_allclose(mlp(x).numpy(), x.numpy().reshape(5, 784) @ W + b, rtol=1e-4, atol=1e-5)
