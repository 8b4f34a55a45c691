"""Every chapter-1 lesson runs end to end with --quick and writes what it promises."""

import json

import numpy as np
import paddle
from readme_contract import check_outputs

from chapters.ch01_housing import numpy_mlp, numpy_network, numpy_optimizers, paddle_regressor


def _json(path):
    return json.loads(path.read_text())


def test_numpy_network_quick_both_modes(tmp_path):
    r = numpy_network.main(["--quick", "--output-dir", str(tmp_path / "gd")])
    saved = _json(tmp_path / "gd/results.json")
    assert len(saved["losses"]) == 100 and saved["losses"][9] == r["losses"][9]
    assert saved["losses"][-1] < saved["losses"][0]
    check_outputs("chapters.ch01_housing.numpy_network", tmp_path / "gd")
    numpy_network.main(["--quick", "--mode", "sgd", "--output-dir", str(tmp_path / "sgd")])
    assert len(_json(tmp_path / "sgd/results.json")["losses"]) == 5 * 5
    check_outputs("chapters.ch01_housing.numpy_network", tmp_path / "sgd")


def test_paddle_regressor_quick_saves_and_reloads(tmp_path):
    r = paddle_regressor.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch01_housing.paddle_regressor", tmp_path)
    params = paddle.load(str(tmp_path / "LR_model.pdparams"))
    assert sorted(params) == ["fc.bias", "fc.weight"] and list(params["fc.weight"].shape) == [13, 1]
    assert r["example"]["true"] == 19.7  # row -10 of the housing table's test part
    assert np.isfinite(r["example"]["predicted"]) and len(r["same_house_by_batch"]) == 2


def test_numpy_mlp_quick(tmp_path):
    r = numpy_mlp.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch01_housing.numpy_mlp", tmp_path)
    assert all(e < 1e-5 for errors in r["gradient_check"].values() for e in errors.values())
    assert _json(tmp_path / "results.json")["val_acc"] == r["val_acc"] > 0.5


def test_numpy_optimizers_quick_all_within_tolerance(tmp_path):
    numpy_optimizers.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch01_housing.numpy_optimizers", tmp_path)
    saved = _json(tmp_path / "results.json")
    assert set(saved) == {"quick", "sgd", "momentum", "adagrad", "rmsprop", "adam"}
    saved.pop("quick")
    assert all(r["max_abs_diff"] <= 1e-5 and r["path_max_abs_diff"] <= 1e-5 for r in saved.values())
    assert "| adam |" in (tmp_path / "results.md").read_text()
