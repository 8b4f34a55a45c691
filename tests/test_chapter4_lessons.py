"""Chapter 4 lessons in --quick mode: each runs, writes its outputs and shows its claim."""

import json

import pytest


def test_conv_basics_quick(tmp_path):
    from chapters.ch04_vision import conv_basics

    r = conv_basics.main(["--quick", "--output-dir", str(tmp_path)])
    for row in r["filters"].values():          # by hand = Conv2D, up to float32 rounding
        assert row["max_abs_diff"] <= 1e-5 * row["output_scale"]
    for shift in ("shift_1px", "shift_2px", "shift_3px"):   # pooling damps what a shift changes
        assert (r["pooling"]["conv + maxpool 2x2"][shift]["relative_change"]
                < r["pooling"]["conv"][shift]["relative_change"])
    for bn in r["batchnorm"].values():
        assert max(bn["train_max_abs_diff"], bn["eval_max_abs_diff"]) < 1e-5
        assert bn["same_sample_other_batch_eval"] == 0 < bn["same_sample_other_batch_train"]
    saved = json.loads((tmp_path / "results.json").read_text())
    assert set(saved) == {"filters", "pooling", "batchnorm"}
    assert (tmp_path / "results.md").is_file()
    for name in ("filters", "pooling_shift", "bn_running_mean"):
        assert (tmp_path / "plots" / f"{name}.png").is_file()
