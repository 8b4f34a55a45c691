"""Chapter 3 lessons run with --quick; their robust claims are asserted."""

import json
import math


def _json(path):
    return json.loads(path.read_text())


def test_recipe_quick(tmp_path):
    from chapters.ch03_practice import recipe
    r = recipe.main(["--quick", "--output-dir", str(tmp_path)])
    assert r["identical_runs"] is True
    assert r["overfit_batch_loss"] < 0.05
    assert abs(r["initial_loss_small_last_layer"] - math.log(10)) < 0.05
    assert _json(tmp_path / "results.json")["initial_loss"] == r["initial_loss"]
