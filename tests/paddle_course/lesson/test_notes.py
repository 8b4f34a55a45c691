"""Where a lesson's number contradicts or qualifies the course, it prints the reason beside it and
results.md/results.json carry it; where the number agrees, no note is made up."""

import json

from chapters.ch01_housing import numpy_network
from chapters.ch02_mnist import optimizers, regularization
from chapters.ch03_practice import batch_size, bn_fusion
from chapters.ch04_vision import input_size
from paddle_course.lesson.compare import ranking_note
from paddle_course.lesson.results import explain, write_results, write_tables


def run(val_acc, train_loss, curve=(0.5, 0.6)):
    return {
        "val_acc": val_acc,
        "train_loss": train_loss,
        "epochs": len(curve),
        "history": [{"val_acc": v} for v in curve],
    }


def test_explain_prints_each_note_and_drops_the_empty_ones(capsys):
    assert explain(["first reason.", None, "", "second reason."]) == [
        "first reason.",
        "second reason.",
    ]
    assert capsys.readouterr().out == "note: first reason.\nnote: second reason.\n"


def test_notes_are_written_under_the_tables(tmp_path):
    write_results(
        tmp_path / "a", {"x": {"val_acc": 0.5}}, ["val_acc"], quick=False, notes=["why x is low."]
    )
    assert (tmp_path / "a/results.md").read_text().endswith("## Notes\n\n- why x is low.\n\n")
    assert json.loads((tmp_path / "a/results.json").read_text())["notes"] == ["why x is low."]
    write_tables(tmp_path / "b", {"t": ({"x": {"v": 1}}, ["v"])}, {"v": 1}, quick=True)
    saved = json.loads((tmp_path / "b/results.json").read_text())
    assert "notes" not in saved and saved["quick"] is True
    assert "## Notes" not in (tmp_path / "b/results.md").read_text()


def test_ranking_note_says_which_measured_reason_applies():
    ahead_wins = {"deep": run(0.9, 0.1), "shallow": run(0.8, 0.2)}
    assert ranking_note(ahead_wins, "deep", "shallow", "the course ranks it first") is None
    learning = ranking_note(
        {"deep": run(0.8, 0.3, (0.7, 0.8)), "shallow": run(0.9, 0.1)},
        "deep",
        "shallow",
        "the course ranks it first",
        "Depth needs time.",
    )
    assert "0.800 vs 0.900" in learning and "still learning" in learning
    assert "rose in the last epoch" in learning and learning.endswith("Depth needs time.")
    overfits = ranking_note(
        {"deep": run(0.8, 0.05, (0.85, 0.8)), "shallow": run(0.9, 0.1)},
        "deep",
        "shallow",
        "the course ranks it first",
    )
    assert "generalises worse" in overfits and "rose" not in overfits
    same_fit = ranking_note(
        {"deep": run(0.8, 0.304), "shallow": run(0.9, 0.3041)},
        "deep",
        "shallow",
        "the course ranks it first",
    )
    assert "fits the training data no better (training loss 0.304 vs 0.304)" in same_fit


def test_lesson_notes_appear_only_when_the_numbers_call_for_them():
    assert bn_fusion.folding_note(1.02, 2.0) is None
    said = bn_fusion.folding_note(0.56, 2.17)
    assert "0.56x" in said and "2.17x" in said

    sizes = {
        f"B={b} {rule} lr": {"batch": b, "lr": lr, "val_acc": acc}
        for b, rule, lr, acc in (
            (128, "fixed", 0.05, 0.9),
            (128, "linear", 0.1, 0.91),
            (256, "fixed", 0.05, 0.86),
            (256, "linear", 0.2, 0.1),
        )
    }
    said = batch_size.scaling_note(sizes)
    assert "diverged to chance at B=256" in said and "warm-up" in said
    sizes["B=256 linear lr"]["val_acc"] = 0.87
    assert batch_size.scaling_note(sizes) is None

    none = {"gap": 0.118, "train_acc": 1.0, "val_loss": 0.58}
    assert "0.580 to 0.493" in regularization.l2_note(
        {"none": none, "l2": dict(none, val_loss=0.493)}, 1e-3
    )
    assert regularization.l2_note({"none": none, "l2": dict(none, gap=0.05)}, 1e-3) is None

    pixels = {
        f"{s} px": {"size": s, "val_acc": acc, "mflops": s * s / 100}
        for s, acc in ((14, 0.9), (28, 0.95), (56, 0.94))
    }
    assert "56 px is no better than 28 px" in input_size.pixels_note(pixels, 28)
    pixels["56 px"]["val_acc"] = 0.96
    assert input_size.pixels_note(pixels, 28) is None

    sweep = {str(lr): {"train_loss": loss} for lr, loss in ((0.001, 1.4), (0.01, 0.3), (0.1, 0.2))}
    said = optimizers.notes(sweep, {"sgd": {"val_acc": 0.9}, "adam": {"val_acc": 0.1}}, 0.01)
    assert len(said) == 2 and "largest rate, 0.1" in said[0] and said[1].startswith("adam stayed")
    sweep["0.1"]["train_loss"] = 2.3
    assert optimizers.notes(sweep, {"sgd": {"val_acc": 0.9}}, 0.01) == []


def test_numpy_network_explains_why_1000_iterations_test_worse_than_100(tmp_path, capsys):
    """The course's run: the test loss rises after iteration ~170 while GD is far from the
    least-squares fit, whose test loss is far lower; the lesson says so, and measures it."""
    r = numpy_network.main(["--quick", "--iterations", "1000", "--output-dir", str(tmp_path)])
    assert r["test_loss"] > 2 * min(r["test_losses"]) and r["least_squares"]["test_loss"] < 0.05
    printed = capsys.readouterr().out
    assert "note: The test loss was lowest at iteration" in printed and "Not overfitting" in printed
    assert "Not overfitting" in (tmp_path / "results.md").read_text()
