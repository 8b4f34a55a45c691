"""The sentiment lesson end to end (--quick) on a tiny aclImdb tar, with word2vec vectors."""

import json

import numpy as np
import pytest
from claims_check import judge_claims
from conftest import checkpoint_params, write_reviews_tar
from readme_contract import check_outputs

from chapters.ch06_nlp import sentiment
from paddle_course.errors import ConfigError, DataError
from paddle_course.text.reviews import read_aclimdb, tokenize
from paddle_course.text.word_vectors import WordVectors


def test_quick_run_scores_every_variant_once_on_the_test_reviews(tmp_path, capsys):
    data = write_reviews_tar(tmp_path / "aclImdb_v1.tar.gz", n_train=60, n_test=30)
    words = ["film", "dull", "great", "the", "end"]
    vectors = WordVectors(words, np.random.default_rng(0).normal(size=(5, 6)).astype(np.float32))
    vectors.save_text(tmp_path / "vectors.txt")
    out = tmp_path / "run"
    result = sentiment.main(
        [
            "--data",
            str(data),
            "--quick",
            "--output-dir",
            str(out),
            "--vectors",
            str(tmp_path / "vectors.txt"),
        ]
    )
    printed = capsys.readouterr().out
    results = result["results"]
    assert list(results) == ["majority class", *sentiment.VARIANTS]
    for name in sentiment.VARIANTS:
        r = results[name]
        assert r["test_reviews"] == 30 and 0 <= r["test_acc"] <= 1 and r["best_epoch"] == 1
        assert checkpoint_params(out / "checkpoints" / name, "best")
    assert results["majority class"]["test_acc"] == 0.5
    assert results["word2vec"]["vocabulary_from_word2vec"] == "5/" + str(
        json.loads((out / "results.json").read_text())["data"]["vocabulary"]
    )
    assert "word2vec vectors for 5 of the" in printed
    # the course's LSTM's result beside its reason: the padding its state went through
    notes = json.loads((out / "results.json").read_text())["notes"]
    assert len(notes) == 1 and f"{results['course']['test_acc']:.1%} on the test" in notes[0]
    # counted again from the archive: every tiny test review is shorter than --quick's 48 tokens
    lengths = [len(tokenize(t)) for t in read_aclimdb(data)["test"][0]]
    steps = sum(48 - n for n in lengths) / len(lengths)
    assert "100% of the test reviews are shorter than 48 tokens" in notes[0]
    assert f"{steps:.0f} [pad] steps on average" in notes[0] and f"note: {notes[0]}" in printed
    check_outputs("chapters.ch06_nlp.sentiment", out)
    from chapters.ch04_vision import vit  # claim 38 reads both lessons

    vit.main(["--quick", "--output-dir", str(tmp_path / "vit")])
    rows = judge_claims(
        {"chapters.ch04_vision.vit": tmp_path / "vit", "chapters.ch06_nlp.sentiment": out}
    )
    assert 38 in [row["number"] for row in rows]


def test_missing_vectors_skip_that_variant_and_bad_variants_are_refused(
    tmp_path, capsys, monkeypatch
):
    data = write_reviews_tar(tmp_path / "aclImdb_v1.tar.gz", n_train=20, n_test=10)
    monkeypatch.chdir(tmp_path)  # no word2vec lesson ran here: its vectors are absent
    result = sentiment.main(
        [
            "--data",
            str(data),
            "--quick",
            "--variants",
            "bag,word2vec",
            "--output-dir",
            str(tmp_path / "run"),
        ]
    )
    assert list(result["results"]) == ["majority class", "bag"]
    assert "variant 'word2vec' skipped: no vectors at" in capsys.readouterr().out
    with pytest.raises(DataError, match="none.txt: no such file"):  # named, so wanted
        sentiment.main(
            [
                "--data",
                str(data),
                "--quick",
                "--variants",
                "bag,word2vec",
                "--vectors",
                str(tmp_path / "none.txt"),
                "--output-dir",
                str(tmp_path / "named"),
            ]
        )
    with pytest.raises(ConfigError, match="unknown gru"):
        sentiment.main(
            [
                "--data",
                str(data),
                "--quick",
                "--variants",
                "bag,gru",
                "--output-dir",
                str(tmp_path / "other"),
            ]
        )
