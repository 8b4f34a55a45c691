"""Chapter 2 lessons: each runs with --quick and writes its outputs; each key claim is asserted
where it is robust."""

import json
import statistics

import numpy as np
import paddle
import pytest
from conftest import checkpoint_params, write_idx_dir
from readme_contract import check_outputs

from chapters.ch02_mnist import MNIST_network, data_process
from paddle_course.data import load_mnist
from paddle_course.models import MLP, MNIST


def _json(path):
    return json.loads(path.read_text())


def test_data_process_quick(tmp_path):
    r = data_process.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.data_process", tmp_path)
    assert set(r) == {"sync", "thread", "processes", "memory"}
    assert r["memory"]["generator_mb"] < r["memory"]["all_batches_mb"]
    assert _json(tmp_path / "results.json")["processes"]["num_workers"] == 2


def test_mnist_network_quick(tmp_path):
    MNIST_network.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.MNIST_network", tmp_path)
    saved = _json(tmp_path / "results.json")
    assert {"linear", "mlp_sigmoid", "mlp_relu", "mlp_no_activation", "cnn"} <= set(saved)
    assert all(
        {"val_acc", "val_loss", "params"} <= set(saved[k])
        for k in ("linear", "mlp_sigmoid", "mlp_relu", "mlp_no_activation", "cnn")
    )
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
    np.testing.assert_allclose(
        mlp(x).numpy(), x.numpy().reshape(5, 784) @ W + b, rtol=1e-4, atol=1e-5
    )


def test_loss_quick_and_its_claims(tmp_path):
    from chapters.ch02_mnist import loss

    r = loss.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.loss", tmp_path)
    saved = _json(tmp_path / "results.json")
    assert {"regression_mse", "classification_ce"} <= set(saved)
    # cross-entropy beats the MSE regression by a wide margin, even in a quick run
    assert r["classification_ce"]["val_acc"] > r["regression_mse"]["val_acc"] + 0.1
    by_hand = saved["cross_entropy_by_hand"]
    assert (
        round(by_hand["p=0.6"]["by_hand"], 2) == 0.51
        and round(by_hand["p=0.1"]["by_hand"], 2) == 2.30
    )
    assert all(abs(v["by_hand"] - v["paddle"]) < 1e-6 for v in by_hand.values())
    floor = saved["double_softmax_floor"]
    assert abs(floor["theory"] - 1.4612) < 1e-4 and floor["lowest_train_loss"] >= floor["theory"]


def test_optimizers_quick(tmp_path):
    from chapters.ch02_mnist import optimizers

    optimizers.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.optimizers", tmp_path)
    saved = _json(tmp_path / "results.json")
    assert set(saved["lr_sweep"]) == {"0.0001", "0.001", "0.01", "0.1"}
    assert all(
        {"val_acc", "val_loss"} <= set(saved[k])
        for k in ("sgd", "momentum", "adagrad", "rmsprop", "adam")
    )
    assert (tmp_path / "plots/loss_curves.png").is_file()


def test_initializers_quick_and_its_claims(tmp_path, capsys):
    from chapters.ch02_mnist import initializers

    initializers.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.initializers", tmp_path)
    # the std table is printed whole: its rows follow the header, no training line among them
    printed = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(printed) if line.startswith("initializer "))
    rows = printed[header + 1 : header + 1 + len(initializers.INITIALIZERS)]
    assert [r.split()[0] for r in rows] == list(initializers.INITIALIZERS)
    saved = _json(tmp_path / "results.json")
    for name in (
        "Normal",
        "Uniform",
        "XavierNormal",
        "XavierUniform",
        "KaimingNormal",
        "KaimingUniform",
    ):
        assert abs(saved[name]["measured_std"] / saved[name]["expected_std"] - 1) < 0.02, name
    assert (
        saved["Constant"]["distinct_conv1_filters"]
        == 1
        < saved["XavierNormal"]["distinct_conv1_filters"]
    )
    assert saved["traps"]["global_initializer_weight"] == 0.5
    assert (
        saved["traps"]["std_after_constructor_call"]
        == 0
        < saved["traps"]["std_after_initializer_call"]
    )
    assert sorted(saved["checkpoint_keys"]["skipped"]) == [
        "fc.bias (shape [10] here [2])",
        "fc.weight (shape [980, 10] here [980, 2])",
    ]
    # the global initializer did not leak out of the lesson
    assert abs(float(paddle.nn.Linear(3, 3).weight.numpy().mean()) - 0.5) > 1e-3


def test_regularization_quick_and_its_claims(tmp_path):
    from chapters.ch02_mnist import regularization

    r = regularization.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.regularization", tmp_path)
    assert r["l1"]["near_zero_weights"] > 2 * r["none"]["near_zero_weights"]  # L1 sparsifies
    drop = _json(tmp_path / "results.json")["dropout_behaviour"]
    assert drop["upscale_in_train"]["train_values"] == [0.0, 2.0] and drop["upscale_in_train"][
        "eval_values"
    ] == [1.0]
    assert drop["downscale_in_infer"]["train_values"] == [0.0, 1.0] and drop["downscale_in_infer"][
        "eval_values"
    ] == [0.5]
    paddle.seed(12345)  # whatever ran before, the same seed draws the same masks
    assert regularization.dropout_behaviour(0) == drop


def test_debugging_quick_and_vanishing_gradients(tmp_path):
    from chapters.ch02_mnist import debugging

    r = debugging.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.debugging", tmp_path)
    sig, relu = r["gradient_norms_at_init"]["sigmoid"], r["gradient_norms_at_init"]["relu"]
    assert sig[0] / sig[-1] < 1e-2 < relu[0] / relu[-1]  # sigmoid's first layers starve
    assert (tmp_path / "plots/misclassified.png").is_file() and list(
        (tmp_path / "vdl").glob("vdlrecords*")
    )


def test_resume_quick_losses_equal(tmp_path):
    from chapters.ch02_mnist import resume

    r = resume.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.resume", tmp_path)
    assert r["resumed_losses_equal"] is True
    assert r["resumed_without_pdopt"]["max_loss_diff_vs_uninterrupted"] > 0
    assert (tmp_path / "checkpoint/mnist_epoch0.pdparams").is_file()
    assert (tmp_path / "checkpoint/mnist_epoch1.pdopt").is_file()


def test_export_quick_same_predictions(tmp_path):
    from chapters.ch02_mnist import export

    r = export.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.export", tmp_path)
    assert r["same_predictions"]  # all three: the same class for every digit
    assert r["jit.load"]["max_abs_diff"] < 1e-5 and r["predictor"]["max_abs_diff"] < 1e-4
    saved = _json(tmp_path / "results.json")
    assert saved["jit.load"]["same_predictions"] and saved["predictor"]["same_predictions"]
    assert saved["predictor"]["seconds"] > 0
    assert (
        saved["predictor"]["val_acc"] == saved["jit.load"]["val_acc"] == saved["dygraph"]["val_acc"]
    )
    assert (tmp_path / "inference/model.pdiparams").is_file()


def test_seeds_gives_the_main_job_spread_and_reuses_finished_runs(tmp_path, capsys):
    """The spread is computed from the seeds' own runs (their metrics.json), the extra test
    accuracy equals a plain argmax count, and a second call trains nothing."""
    from chapters.ch02_mnist import seeds, train

    idx = tmp_path / "idx"
    idx.mkdir()
    write_idx_dir(idx, n_train=60, n_test=20)
    out = tmp_path / "seeds"
    argv = ["--quick", "--seeds", "0", "1", "--output-dir", str(out), "--test-data", str(idx)]
    r = seeds.main(argv)
    printed = capsys.readouterr().out
    check_outputs("chapters.ch02_mnist.seeds", out, without={"seed_2/"})  # two seeds here
    runs = [_json(out / f"seed_{s}" / "metrics.json") for s in (0, 1)]
    assert [row["test_acc"] for row in r["runs"].values()] == [m["test"]["acc"] for m in runs]
    assert r["spread"]["test_acc"]["mean"] == pytest.approx(
        statistics.fmean(m["test"]["acc"] for m in runs)
    )
    assert r["spread"]["test_acc"]["std"] == pytest.approx(
        statistics.stdev(m["test"]["acc"] for m in runs)
    )
    test = load_mnist(str(idx)).test
    for s, row in zip((0, 1), r["runs"].values()):
        model = MNIST()
        model.set_state_dict(checkpoint_params(out / f"seed_{s}", "best"))
        model.eval()
        predicted = model(paddle.to_tensor(test.images)).numpy().argmax(1)
        assert row["extra_test_acc"] == pytest.approx((predicted == test.labels).mean())
        assert row["extra_test_samples"] == 20
    saved = _json(out / "results.json")
    assert saved["quick"] is True and saved["seeds"] == [0, 1]
    # the course's own setting, once, with the first seed: its run's own figures
    course = _json(out / "course_setting" / "metrics.json")
    assert saved["course_setting"]["test_acc"] == course["test"]["acc"]
    assert {k: course["config"][k] for k in train.COURSE_SETTING} == train.COURSE_SETTING
    assert course["config"]["seed"] == 0 and "the course's own setting (Adam 0.01" in printed
    assert (out / "results.md").is_file() and (out / "plots" / "spread.png").is_file()

    best = out / "seed_1" / "checkpoints" / "index.json"
    stamp = best.stat().st_mtime_ns
    capsys.readouterr()
    again = seeds.main(argv)
    assert "reusing the finished run" in capsys.readouterr().out
    assert again["runs"] == r["runs"] and best.stat().st_mtime_ns == stamp
    with pytest.raises(SystemExit):
        seeds.main(["--quick", "--seeds", "3", "3", "--output-dir", str(out)])
