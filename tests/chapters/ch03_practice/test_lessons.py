"""Chapter 3 lessons run with --quick; their robust claims are asserted."""

import json
import math

from readme_contract import check_outputs


def _json(path):
    return json.loads(path.read_text())


def test_recipe_quick(tmp_path):
    from chapters.ch03_practice import recipe

    r = recipe.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.recipe", tmp_path)
    assert r["identical_runs"] is True
    assert r["overfit_batch_loss"] < 0.05
    assert abs(r["initial_loss_small_last_layer"] - math.log(10)) < 0.05
    assert _json(tmp_path / "results.json")["initial_loss"] == r["initial_loss"]


def test_visualize_quick(tmp_path):
    from chapters.ch03_practice import visualize

    r = visualize.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.visualize", tmp_path)
    assert r["kernels"] == [20, 5, 5]
    assert r["feature_maps"] == {"conv1": [20, 28, 28], "conv2": [20, 14, 14]}
    for name in ("conv1_kernels", "conv1_feature_maps", "conv2_feature_maps"):
        assert (tmp_path / f"plots/{name}.png").is_file()
    from visualdl import LogReader

    (f,) = list((tmp_path / "vdl").glob("vdlrecords.*"))
    assert set(LogReader(file_path=str(f)).get_tags()["image"]) == {
        "conv1/kernels",
        "input/digit",
        "conv1/feature_maps",
        "conv2/feature_maps",
    }


def test_validation_quick(tmp_path):
    from chapters.ch03_practice import validation

    r = validation.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.validation", tmp_path)
    assert (
        r["kfold"]["models"] == 2 and r["bootstrap"]["models"] == 2 and r["holdout"]["models"] == 1
    )
    assert all({"val_acc", "val_loss", "test_acc"} <= set(v) for v in r.values())
    assert (tmp_path / "plots/estimates.png").is_file()


def test_bn_fusion_quick(tmp_path):
    from chapters.ch03_practice import bn_fusion

    bn_fusion.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.bn_fusion", tmp_path)
    saved = _json(tmp_path / "results.json")
    assert saved["max_abs_diff"] <= 1e-4 and saved["speedup"] > 0
    for name in ("folded", "folded_bias_after_pool", "unfolded_jit_load", "paddle_inference"):
        assert saved[name]["max_abs_diff"] <= 1e-4 and saved[name]["same_predictions"], name
    assert saved["batch_effect"]["eval"] < 1e-4 < saved["batch_effect"]["train"]


def test_finetune_quick(tmp_path):
    from chapters.ch03_practice import finetune

    r = finetune.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.finetune", tmp_path)
    assert set(r) == {"scratch", "frozen_backbone", "full_finetune", "per_layer_lr"}
    assert r["frozen_backbone"]["backbone_changed_by"] == 0.0
    keys = _json(tmp_path / "results.json")["checkpoint_keys"]
    assert keys["skipped"] == [
        "fc.weight (shape [980, 10] here [980, 5])",
        "fc.bias (shape [10] here [5])",
    ]


def test_initialization_quick_and_its_claims(tmp_path):
    from chapters.ch03_practice import initialization

    r = initialization.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.initialization", tmp_path)
    assert len(r) == 6 and all({"val_acc", "val_loss"} <= set(v) for v in r.values())
    # Kaiming keeps a ReLU net's signal through the depth better than Xavier
    assert (
        r["relu_KaimingNormal"]["last_activation_std"]
        > 2 * r["relu_XavierNormal"]["last_activation_std"]
    )
    # deep sigmoid nets starve their first layers of gradient
    assert (
        r["sigmoid_XavierNormal"]["first_over_last_gradient"]
        < 0.01
        < r["relu_KaimingNormal"]["first_over_last_gradient"]
    )
    assert abs(_json(tmp_path / "results.json")["sigmoid_derivative_max"] - 0.25) < 1e-6


def test_batch_size_quick_noise_falls_with_batch(tmp_path):
    from chapters.ch03_practice import batch_size

    batch_size.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.batch_size", tmp_path)
    saved = _json(tmp_path / "results.json")
    noise = saved["gradient_noise"]
    assert noise["16"] > noise["64"] > noise["256"]  # about 1/B
    assert len(saved["epoch_seconds_by_batch"]) == 5
    assert all({"val_acc", "val_loss"} <= set(v) for k, v in saved.items() if k.startswith("B="))


def test_augmentation_quick_flips_break_labels(tmp_path):
    from chapters.ch03_practice import augmentation

    r = augmentation.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.augmentation", tmp_path)
    assert {
        "none",
        "flip_left_right",
        "rotate_15",
        "noise",
        "scarce_plain",
        "scarce_augmented",
    } <= set(r)
    # a flip hurts more than a small rotation, for the plain and the augmented model alike
    for key in ("val_acc", "val_acc_augmented_model"):
        assert r["flip_up_down"][key] < r["rotate_15"][key]
    assert (tmp_path / "plots/transforms.png").is_file()


def test_schedules_quick(tmp_path):
    from chapters.ch03_practice import schedules

    r = schedules.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch03_practice.schedules", tmp_path)
    assert {
        "constant",
        "step",
        "multistep",
        "exponential",
        "warmup_cosine",
        "plateau",
        "lambda",
        "adam_3e-4",
        "sgd_momentum_found",
        "adam_then_sgd",
    } <= set(r)
    assert r["step"]["lr_by_epoch"][1] == r["step"]["lr_by_epoch"][0] / 2
    finder = _json(tmp_path / "results.json")["lr_range_test"]
    assert finder["rates"][0] < finder["suggestion"] < finder["rates"][-1]
    assert (tmp_path / "plots/lr_curves.png").is_file()


def test_finetune_measures_the_group_multiplier():
    from chapters.ch03_practice.finetune import measured_rates

    rates = measured_rates(base=1e-3, multiplier=0.1)
    assert abs(rates["backbone"] - 1e-4) < 1e-7 and abs(rates["head"] - 1e-3) < 1e-6
