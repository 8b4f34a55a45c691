"""The claims table: each claim judged by its rule from its lessons' results, or said why not."""

import json

from chapters.claims import CLAIMS
from paddle_course.report import catalog
from paddle_course.report.claims import (
    HELD,
    NO_RULE,
    NOT_HELD,
    NOT_RUN,
    PARTLY,
    Claim,
    judge,
    load_results,
    read_results,
    table,
    verdict,
    write_claims,
)


def _bigger(a, b):
    return verdict(a["x"] > b["x"], partly=a["x"] == b["x"]), {"a": a["x"], "b": b["x"]}


CLAIM = Claim(7, "a beats b", "001 Q1", ("ch01_a.first", "ch01_a.second"), _bigger, "a's x > b's x")


def test_a_rule_judges_from_the_lessons_results_in_the_claims_order():
    results = {"chapters.ch01_a.first": {"x": 2}, "chapters.ch01_a.second": {"x": 1}}
    row = judge(CLAIM, results)
    assert (row["verdict"], row["measured"], row["quick"]) == (HELD, {"a": 2, "b": 1}, False)
    results["chapters.ch01_a.first"]["x"] = 0
    assert judge(CLAIM, results)["verdict"] == NOT_HELD
    results["chapters.ch01_a.first"]["x"] = 1
    assert judge(CLAIM, results)["verdict"] == PARTLY


def test_what_cannot_be_judged_says_why():
    row = judge(CLAIM, {"chapters.ch01_a.first": {"x": 2}})
    assert (
        row["verdict"] == NOT_RUN and row["why"] == "not run yet: python -m chapters.ch01_a.second"
    )
    old = judge(CLAIM, {"chapters.ch01_a.first": {"y": 2}, "chapters.ch01_a.second": {"x": 1}})
    assert old["verdict"] == NOT_RUN and "run it again" in old["why"]  # results of another version
    assert judge(Claim(8, "t", "002", ("ch01_a.first",)), {})["verdict"] == NO_RULE


def test_quick_runs_are_flagged_and_the_tables_written(tmp_path):
    results = {"chapters.ch01_a.first": {"x": 2}, "chapters.ch01_a.second": {"x": 1}}
    runs = {"chapters.ch01_a.first": {"args": ["--quick"]}}
    rows = [judge(CLAIM, results, runs), judge(Claim(8, "t", "002", ("ch01_a.first",)), results)]
    md, js = write_claims(tmp_path, rows)
    text = md.read_text()
    assert "1 held, 1 no rule yet" in text and "held (quick run: not evidence)" in text
    assert (
        "| 7 | a beats b (001 Q1) | ch01_a.first, ch01_a.second | a's x > b's x | a 2, b 1 |"
        in text
    )
    saved = json.loads(js.read_text())
    assert saved["counts"]["held"] == 1 and saved["claims"][0]["quick"] is True


def test_a_lesson_that_ran_without_results_and_a_pipe_in_a_number_are_told_apart():
    runs = {"chapters.ch01_a.second": {"args": [], "returncode": 0}}
    row = judge(CLAIM, {"chapters.ch01_a.first": {"x": 2}}, runs)
    assert row["why"] == "chapters.ch01_a.second ran but wrote no results.json"
    piped = Claim(9, "a|b", "002", ("ch01_a.first",), lambda r: (HELD, {"|x|": r["x"]}), "r")
    assert "| a\\|b (002) |" in table([judge(piped, {"chapters.ch01_a.first": {"x": 1}})])


def test_results_are_read_from_each_lessons_output_folder(tmp_path):
    (tmp_path / "first" / "part").mkdir(parents=True)
    (tmp_path / "first" / "results.json").write_text('{"x": 3}')
    (tmp_path / "first" / "part" / "results.json").write_text('{"y": 4}')  # a second experiment
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "metrics.json").write_text('{"x": 1}')  # a job's metrics
    found = load_results([CLAIM], lambda m: tmp_path / m.rsplit(".", 1)[1])
    assert found == {
        "chapters.ch01_a.first": {"x": 3, "part": {"y": 4}},
        "chapters.ch01_a.second": {"x": 1},
    }
    assert read_results(tmp_path / "nothing") is None


def test_every_claim_of_the_course_names_real_lessons_and_a_number_once():
    modules = {lesson.module for lesson in catalog.lessons()}
    assert [c.number for c in CLAIMS] == list(range(1, len(CLAIMS) + 1)) and len(CLAIMS) >= 38
    for c in CLAIMS:
        assert set(c.modules) <= modules, c.number
        assert (c.rule is None) == (not c.rule_text), c.number  # a rule always says what it checks


def test_the_written_rules_read_what_their_lessons_write(tmp_path):
    """Each rule on results shaped as its lesson writes them (tiny numbers, the real keys)."""
    loss = {
        "classification_ce": {"val_acc": 0.9},
        "regression_mse": {"val_acc": 0.3},
        "cross_entropy_by_hand": {"p=0.6": {"paddle": 0.5108}, "p=0.1": {"paddle": 2.3026}},
    }
    nets = {
        "linear": {"val_acc": 0.90},
        "mlp_no_activation": {"val_acc": 0.905},
        "mlp_relu": {"val_acc": 0.95},
        "fc_vs_conv": {"conv1_params": 520, "equivalent_fc_params": 12_300_000},
    }
    reg = {
        k: {"gap": g, "near_zero_weights": z}
        for k, g, z in (
            ("none", 0.10, 0.01),
            ("l2", 0.05, 0.02),
            ("l1", 0.12, 0.08),
            ("dropout_upscale", 0.02, 0.01),
        )
    }
    res = {
        "resumed": {"max_loss_diff_vs_uninterrupted": 0.0},
        "resumed_without_pdopt": {"max_loss_diff_vs_uninterrupted": 0.2},
    }
    housing = {"test_rmse": {"train_stats": 4.1, "own_stats": 4.6}}
    fusion = {
        "batch_effect": {"eval": 1e-6, "train": 0.9},
        "folded": {"speedup": 1.06, "same_predictions": True},
        "paddle_inference": {"speedup": 2.0},
    }
    basics = {
        "batchnorm": {
            "BatchNorm2D": {
                "same_sample_other_batch_eval": 0.0,
                "same_sample_other_batch_train": 3.0,
            }
        },
        "pooling": {
            "conv": {"shift_1px": {"relative_change": 0.5}},
            "conv + maxpool 2x2": {"shift_1px": {"relative_change": 0.4}},
        },
    }
    dist = {
        "spawn_2": {"max_param_diff": 1e-7},
        "launch_2": {"max_param_diff": 1e-7},
        "allreduce": {"rank_gradients_differ_by": 0.5},
    }
    recipe = {"initial_loss_small_last_layer": 2.31, "ln_10": 2.3026, "overfit_batch_loss": 0.01}
    by_lesson = {
        "ch02_mnist.loss": loss,
        "ch02_mnist.MNIST_network": nets,
        "ch02_mnist.regularization": reg,
        "ch02_mnist.resume": res,
        "ch01_housing.paddle_regressor": housing,
        "ch03_practice.bn_fusion": fusion,
        "ch04_vision.conv_basics": basics,
        "ch02_mnist.distributed": dist,
        "ch02_mnist.parameter_server": {"max_param_diff": 0.0},
        "ch03_practice.recipe": recipe,
    }
    optim = {
        "sgd": {"val_acc": 0.90},
        "momentum": {"val_acc": 0.95},
        "adam": {"val_acc": 0.96},
        "lr_sweep": {
            r: {"train_loss": loss} for r, loss in (("0.0001", 2.0), ("0.01", 0.3), ("0.1", 1.5))
        },
    }
    batches = {
        "gradient_noise": {"16": 180.0, "256": 5.0},
        **{
            f"B={b} {kind} lr": {"batch": b, "val_acc": acc}
            for b, kind, acc in (
                (16, "fixed", 0.95),
                (128, "fixed", 0.90),
                (128, "linear", 0.93),
                (256, "fixed", 0.85),
                (256, "linear", 0.92),
            )
        },
    }
    loading = {
        "memory": {"generator_mb": 0.6, "all_batches_mb": 1.5},
        "sync": {"train_epoch_seconds": 0.6},
        "processes": {"train_epoch_seconds": 0.4},
    }
    bn = {
        "summary": {
            "with BatchNorm": {"trains": 3, "diverged": 0},
            "without BatchNorm": {"trains": 1, "diverged": 2},
        }
    }
    augmentation = {"scarce_plain": {"val_acc": 0.80}, "scarce_augmented": {"val_acc": 0.85}}
    by_lesson.update(
        {
            "ch02_mnist.optimizers": optim,
            "ch03_practice.batch_size": batches,
            "ch02_mnist.data_process": loading,
            "ch04_vision.batchnorm": bn,
            "ch03_practice.augmentation": augmentation,
        }
    )
    init = {
        "sigmoid_derivative_max": 0.25,
        "sigmoid_XavierNormal": {"first_over_last_gradient": 0.001},
        "relu_KaimingNormal": {
            "first_over_last_gradient": 1.0,
            "first_activation_std": 0.8,
            "last_activation_std": 0.6,
        },
        "relu_XavierNormal": {"first_activation_std": 0.7, "last_activation_std": 0.1},
    }
    schedules = {
        "adam_3e-4": {"val_acc": 0.90},
        "sgd_momentum_found": {"val_acc": 0.93},
        "plateau_reduced": True,
        **{
            n: {"lr_by_epoch": [0.02, 0.01]}
            for n in ("step", "multistep", "exponential", "warmup_cosine", "lambda")
        },
    }
    tune = {
        "scratch": {"val_acc": 0.8},
        "full_finetune": {"val_acc": 0.9},
        "frozen_backbone": {"backbone_changed_by": 0.0},
        "group_rates_measured": {"backbone": 1e-4, "head": 1e-3},
    }
    by_lesson.update(
        {
            "ch02_mnist.debugging": {"gradient_norms_at_init": {"sigmoid": [1e-5, 1e-3, 0.5]}},
            "ch03_practice.initialization": init,
            "ch03_practice.schedules": schedules,
            "ch03_practice.finetune": tune,
            "ch04_vision.classic_nets": {
                k: {"val_acc": a}
                for k, a in (
                    ("lenet", 0.5),
                    ("alexnet", 0.9),
                    ("vgg", 0.93),
                    ("googlenet", 0.94),
                    ("resnet", 0.95),
                )
            },
            "ch03_practice.validation": {
                k: {"estimate_minus_test": e}
                for k, e in (("holdout", 0.02), ("kfold", -0.01), ("bootstrap", 0.005))
            },
            "ch03_practice.visualize": {
                "kernels": [20, 5, 5],
                "feature_maps": {"conv1": [], "conv2": []},
            },
            "ch07_recommendation.two_tower": {"course_test_mse": {"warm": 0.85}},
            "ch07_recommendation.recommend": {
                "genre_overlap": {
                    "neighbours, sharing a genre with movie 1": {"share": 0.9, "random movies": 0.3}
                }
            },
        }
    )
    by_lesson["ch03_practice.recipe"]["identical_runs"] = True
    reg["early_stopping"] = {"epochs": 6, "val_acc": 0.9}
    reg["none"].update(epochs=10, val_acc=0.89)
    schedules["adam_then_sgd"] = {"val_acc": 0.92, "switch_epoch": 3}
    by_lesson["ch04_vision.classic_nets"]["lenet_large"] = {
        "sigmoid LeNet, 28 px": {"val_acc": 0.6},
        "sigmoid LeNet, 224 px": {"val_acc": 0.1},
        "ReLU LeNet, 224 px": {"val_acc": 0.8},
    }
    by_lesson.update(
        {
            "ch04_vision.input_size": {
                "detail": {
                    f"{d} px of detail": {"detail": d, "val_acc": a}
                    for d, a in ((7, 0.8), (28, 0.95))
                },
                "pixels": {
                    f"{p} px": {"size": p, "val_acc": a}
                    for p, a in ((14, 0.9), (28, 0.95), (56, 0.96))
                },
            },
            "ch04_vision.palm": {"val": {"acc": 0.93}},
            "ch06_nlp.word2vec": {
                "comparison": {
                    "ours (Paddle, Adam)": {"WordSim-353": 0.62},
                    "gensim Word2Vec (SGD), mean": {"WordSim-353": 0.65},
                }
            },
            "ch04_vision.vit": {"attention_max_abs_diff": 5e-7},
            "ch06_nlp.sentiment": {
                "transformer": {"val_acc": 0.7},
                "majority class": {"val_acc": 0.55},
            },
        }
    )
    # what every results.json (and a sub-folder's) also holds beside the measurements: the rules
    # read past it
    for results in [*by_lesson.values(), by_lesson["ch04_vision.classic_nets"]["lenet_large"]]:
        results.update(quick=False, notes=["why a number differs."])
    judged = [c for c in CLAIMS if c.rule]
    assert judged == CLAIMS  # every claim has its rule
    for c in judged:
        row = judge(c, {f"chapters.{name}": by_lesson[name] for name in c.lessons})
        assert row["verdict"] == HELD, (c.number, row)
    reg["l2"]["gap"] = 0.2  # L2 made the gap larger
    (c12,) = [c for c in CLAIMS if c.number == 12]
    assert judge(c12, {"chapters.ch02_mnist.regularization": reg})["verdict"] == PARTLY
    fusion["folded"]["speedup"] = 0.7  # what Paddle's dygraph does here
    (c25,) = [c for c in CLAIMS if c.number == 25]
    assert judge(c25, {"chapters.ch03_practice.bn_fusion": fusion})["verdict"] == NOT_HELD
    batches["B=256 linear lr"]["val_acc"] = 0.5  # the scaled rate diverged there
    (c29,) = [c for c in CLAIMS if c.number == 29]
    assert judge(c29, {"chapters.ch03_practice.batch_size": batches})["verdict"] == PARTLY
