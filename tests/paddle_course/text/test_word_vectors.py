"""Word-vector evaluation against gensim's own (same pairs, same analogies, same vectors), the
corpus loader on tiny text8 files, and the word2vec text format both ways."""

import logging

import numpy as np
import pytest
from conftest import write_text8

from paddle_course.errors import DataError
from paddle_course.text.corpus import load_corpus
from paddle_course.text.word_vectors import WordVectors, read_analogies, read_pairs, spearman

gensim = pytest.importorskip("gensim")
logging.getLogger("gensim").setLevel(logging.WARNING)

WORDS = [
    "king",
    "queen",
    "man",
    "woman",
    "paris",
    "france",
    "rome",
    "italy",
    "big",
    "bigger",
    "small",
    "smaller",
    "cat",
    "dog",
]


@pytest.fixture
def vectors():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(len(WORDS), 6)).astype(np.float32)
    v[1] = v[0] - v[2] + v[3] + 0.1 * rng.normal(size=6)  # queen ~ king - man + woman
    v[5] = v[4] - v[6] + v[7] + 0.1 * rng.normal(size=6)  # france ~ paris - rome + italy
    return WordVectors(WORDS, v)


def test_spearman_is_scipys_with_ties():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(1)
    x, y = rng.integers(0, 5, 40), rng.normal(size=40)  # many ties in x
    assert spearman(x, y) == pytest.approx(spearmanr(x, y).statistic, abs=1e-12)


def test_pairs_and_analogies_score_as_gensim_scores_them(vectors, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "# a comment\n# Word 1\tWord 2\tHuman (mean)\nking\tqueen\t8.5\n"
        "Cat\tdog\t7.0\nbig\tsmall\t2.0\nparis\tfrance\t6.0\nman\tunicorn\t5.0\n"
        "rome\titaly\t6.5\nwoman\tman\t7.0\n"
    )
    questions = tmp_path / "questions.txt"
    questions.write_text(
        ": family\nman woman king queen\nwoman man queen king\n"
        "man king woman queen\nman woman boy girl\n"
        ": capitals\nrome italy paris france\nitaly rome france paris\n"
        ": grammar\nbig bigger small smaller\nsmall smaller big bigger\n"
    )
    kv = gensim.models.KeyedVectors(vector_size=6)
    kv.add_vectors(WORDS, vectors.vectors)
    _, (rho, _), oov = kv.evaluate_word_pairs(str(pairs))
    ours = vectors.evaluate_pairs(read_pairs(pairs))
    assert ours["spearman"] == pytest.approx(rho, abs=1e-6)
    assert ours["covered"] == 6 and ours["pairs"] == 7 and oov == pytest.approx(100 / 7)
    score, sections = kv.evaluate_word_analogies(str(questions))
    result = vectors.evaluate_analogies(read_analogies(questions))
    assert result["accuracy"] == pytest.approx(score)
    assert result["covered"] == 7 and result["questions"] == 8
    theirs = {
        s["section"]: [len(s["correct"]), len(s["correct"]) + len(s["incorrect"])]
        for s in sections
        if s["section"] != "Total accuracy"
    }
    assert result["sections"] == theirs
    assert 0 < score < 1  # the test tells right from wrong answers


def test_nearest_and_text_format_round_trip(vectors, tmp_path):
    nearest = vectors.nearest("king", 3)
    assert "king" not in [w for w, _ in nearest] and nearest[0][1] >= nearest[1][1]
    path = vectors.save_text(tmp_path / "vectors.txt")
    again = WordVectors.load_text(path)
    assert again.words == WORDS
    np.testing.assert_allclose(again.vectors, vectors.vectors, rtol=1e-4, atol=1e-5)
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(path))
    np.testing.assert_allclose(kv["queen"], vectors.vectors[1], rtol=1e-4, atol=1e-5)
    (tmp_path / "bad.txt").write_text("2 3\nking 1 2 3\nqueen 1 2\n")
    with pytest.raises(DataError, match="line 3: 2 numbers, expected 3"):
        WordVectors.load_text(tmp_path / "bad.txt")


def test_bad_evaluation_files_name_the_line(tmp_path):
    (tmp_path / "p.tsv").write_text("king\tqueen\tvery\n")
    with pytest.raises(DataError, match="line 1: expected 'word<TAB>word<TAB>score'"):
        read_pairs(tmp_path / "p.tsv")
    (tmp_path / "q.txt").write_text(": s\nman woman king\n")
    with pytest.raises(DataError, match="line 2: expected four words"):
        read_analogies(tmp_path / "q.txt")
    with pytest.raises(DataError, match="no such file"):
        read_pairs(tmp_path / "missing.tsv")


def test_corpus_holds_out_text_and_drops_rare_words(tmp_path):
    path = write_text8(tmp_path / "text8", words=20_000)
    corpus = load_corpus(path, min_count=5)
    words = path.read_text().split()
    assert corpus.total_words == 20_000
    assert len(corpus.val) / 20_000 == pytest.approx(0.05, abs=0.01)
    assert np.all(corpus.counts >= 5) and np.all(np.diff(corpus.counts) <= 0)
    kept = set(corpus.vocabulary)
    # the training text is the corpus minus every 20th block of 200 words, rare words dropped
    block = np.arange(20_000) // 200
    expected = [w for w, b in zip(words, block) if b % 20 != 19 and w in kept]
    assert corpus.words(corpus.train) == expected
    assert np.array_equal(np.bincount(corpus.train, minlength=len(kept)), corpus.counts)
    assert sum(len(s) for s in corpus.sentences()) == len(corpus.train)
    first = load_corpus(path, corpus_rate=0.5)
    assert first.total_words == 10_000  # the course's corpus_rate


def test_corpus_refuses_bad_text(tmp_path):
    (tmp_path / "empty").write_text("")
    with pytest.raises(DataError, match="empty"):
        load_corpus(tmp_path / "empty")
    (tmp_path / "upper").write_text(" Hello world")
    with pytest.raises(DataError, match="byte 1 is b'H'"):
        load_corpus(tmp_path / "upper")
    (tmp_path / "short").write_text(" a b c")
    with pytest.raises(DataError, match="too few"):
        load_corpus(tmp_path / "short")
    write_text8(tmp_path / "t8", words=3000, vocab=3000)
    with pytest.raises(DataError, match="min-count"):
        load_corpus(tmp_path / "t8", min_count=500)
    with pytest.raises(DataError, match="a corpus rate of 0.0001 keeps none"):
        load_corpus(tmp_path / "t8", corpus_rate=0.0001)
    with pytest.raises(DataError, match="corpus_rate"):
        load_corpus(tmp_path / "t8", corpus_rate=1.5)
