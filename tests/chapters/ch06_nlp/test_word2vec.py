"""The word2vec lesson end to end (--quick): its outputs, a real-format text8 file, and a stop in
the middle of an epoch resumed to bit-identical parameters."""

import json
import os
import signal

import numpy as np
import pytest
from conftest import checkpoint_params, checkpoint_state, write_text8
from readme_contract import check_outputs

from chapters.ch06_nlp import word2vec
from paddle_course.errors import TrainingInterrupted
from paddle_course.text.skipgram_batches import PairLoader


def test_quick_run_on_the_embedded_corpus(tmp_path, capsys):
    out = tmp_path / "run"
    metrics = word2vec.main(["--quick", "--output-dir", str(out)])
    printed = capsys.readouterr().out
    check_outputs("chapters.ch06_nlp.word2vec", out)
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["data"]["source"].startswith("gensim's test corpus")
    assert saved["best"]["metric"] == "val_loss" and saved["val"]["samples"] > 0
    rows = metrics["word_vectors"]
    assert set(rows) == {word2vec.OURS, word2vec.GENSIM, word2vec.RANGE}
    assert rows[word2vec.RANGE]["WordSim-353"] == 0  # one gensim seed
    assert all(
        set(r) == {"WordSim-353", "SimLex-999", "analogies", "seconds"} for r in rows.values()
    )
    assert (
        metrics["memory"]["course_bytes_per_word"] > 10 * metrics["memory"]["ours_bytes_per_word"]
    )
    for name in (
        "results.json",
        "results.md",
        "vectors.txt",
        "plots/similarity.png",
        "plots/analogies.png",
        "plots/history.png",
    ):
        assert (out / name).is_file(), name
    assert "against gensim" in printed and "the course's triple list" in printed
    assert "'one'" in printed and "too rare" in printed  # "movie" is not in 5 % of it


def test_text8_file_and_uniform_negatives(tmp_path):
    data = write_text8(tmp_path / "text8", words=30_000)
    out = tmp_path / "run"
    metrics = word2vec.main(
        [
            "--data",
            str(data),
            "--quick",
            "--negatives-from",
            "uniform",
            "--corpus-rate",
            "0.5",
            "--gensim-seeds",
            "0",
            "--no-visualdl",
            "--output-dir",
            str(out),
        ]
    )
    assert metrics["data"]["words"] == 15_000 and metrics["data"]["source"] == str(data)
    assert metrics["config"]["negatives_from"] == "uniform"
    assert list(metrics["word_vectors"]) == [word2vec.OURS]


def test_stopped_mid_epoch_then_resumed_is_bit_identical(tmp_path, monkeypatch):
    data = write_text8(tmp_path / "text8", words=40_000)
    args = [
        "--data",
        str(data),
        "--quick",
        "--corpus-rate",
        "1",
        "--epochs",
        "2",
        "--batch-size",
        "512",
        "--gensim-seeds",
        "0",
        "--no-visualdl",
    ]
    word2vec.main([*args, "--output-dir", str(tmp_path / "ref")])

    make = PairLoader.batch
    calls = []

    def stop_at_the_fifth_batch_of_epoch_two(self, epoch, b):
        calls.append((epoch, b))
        if (epoch, b) == (1, 4):
            os.kill(os.getpid(), signal.SIGTERM)  # the engine saves `last` and stops
        return make(self, epoch, b)

    monkeypatch.setattr(PairLoader, "batch", stop_at_the_fifth_batch_of_epoch_two)
    run = tmp_path / "run"
    with pytest.raises(TrainingInterrupted):
        word2vec.main([*args, "--output-dir", str(run)])
    monkeypatch.setattr(PairLoader, "batch", make)
    progress = checkpoint_state(run)["train_state"]
    assert progress["epoch"] == 1 and progress["step_in_epoch"] == 5
    word2vec.main(["--resume", str(run)])
    a = checkpoint_params(tmp_path / "ref")
    b = checkpoint_params(run)
    assert sorted(a) == ["embedding.weight", "embedding_out.weight"]
    assert all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)
