"""The course's network table (chapters.ch02_mnist.FFN): the double softmax's loss floor and
gradient damping against numpy, the batch-mean accuracy, and the lesson's --quick run."""

import json
import math

import numpy as np
import paddle
import paddle.nn.functional as F
from readme_contract import check_outputs

from chapters.ch02_mnist import FFN
from paddle_course.data import Split


def test_the_double_softmax_floor_is_ln_e_plus_9_minus_1():
    # a perfect classifier's probabilities (one-hot) through a second softmax: the lowest loss
    probs = paddle.to_tensor(np.eye(10, dtype="float32"))
    loss = F.cross_entropy(probs, paddle.arange(10).reshape([-1, 1]))
    assert abs(float(loss) - FFN.FLOOR) < 1e-6 and abs(FFN.FLOOR - 1.4612) < 1e-4
    assert abs(FFN.FLOOR - (-math.log(math.e / (math.e + 9)))) < 1e-12


def test_the_course_net_ends_in_softmax_and_its_gradient_is_damped():
    paddle.seed(0)
    course = FFN.ffn((8,), "relu", double_softmax=True)
    plain = FFN.ffn((8,), "relu", double_softmax=False)
    plain.set_state_dict(course[0].state_dict())  # the same weights, without the final Softmax
    x, y = paddle.randn([16, 1, 28, 28]), paddle.randint(0, 10, [16])
    out = course(x)
    np.testing.assert_allclose(out.sum(-1).numpy(), np.ones(16), rtol=1e-5)  # probabilities
    logits = plain(x).numpy().astype(np.float64)
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(out.numpy(), p, rtol=1e-4, atol=1e-6)  # float64 reference
    grads = []
    for net in (course, plain):
        net.clear_gradients()
        F.cross_entropy(net(x), y).backward()
        grads.append(float(paddle.linalg.norm(net.parameters()[-1].grad)))
    assert grads[0] < grads[1] / 2  # the second softmax damps the output layer's gradient


def test_batch_mean_accuracy_weighs_each_batch_equally():
    class Fixed(paddle.nn.Layer):  # predicts class 0 for every image
        def forward(self, x):
            return paddle.concat([paddle.ones([x.shape[0], 1]), paddle.zeros([x.shape[0], 9])], 1)

    labels = np.array([0] * 4 + [1] * 4 + [0] * 2, dtype="int64")  # batches of 4: 1, 0, 1
    split = Split(np.zeros((10, 1, 28, 28), "float32"), labels)
    assert FFN.batch_mean_accuracy(Fixed(), split, 4) == (1 + 0 + 1) / 3  # per sample: 0.6


def test_ffn_quick_writes_the_table_and_the_probe(tmp_path, capsys):
    r = FFN.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.FFN", tmp_path)
    saved = json.loads((tmp_path / "results.json").read_text())
    assert list(saved["table"]) == list(FFN.ROWS) == list(r["table"])
    assert [row["course"] for row in saved["table"].values()] == [
        0.8503,
        0.9587,
        0.9618,
        0.9710,
        0.9718,
    ]
    assert len(r["probe"]) == 8 and saved["loss_floor"] == FFN.FLOOR
    # nothing can go below the floor with the double softmax
    assert all(row["loss_double"] >= FFN.FLOOR - 1e-4 for row in saved["table"].values())
    printed = capsys.readouterr().out
    assert all(f"note: {row}: the course reports" in printed for row in FFN.PROBED)
    assert "cannot fall below 1.4612" in printed


def test_results_md_is_a_table_of_five_columns(tmp_path):
    FFN.main(["--quick", "--no-probe", "--output-dir", str(tmp_path)])
    lines = [line for line in (tmp_path / "results.md").read_text().splitlines() if line]
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 2 + 2 * len(FFN.ROWS)  # header, rule, the table twice
    assert {line.count("|") for line in rows} == {6}  # no name breaks a row into more cells
