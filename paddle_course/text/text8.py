"""text8, and other text cleaned the way text8 was made.

text8 is the first 10^8 bytes of an English Wikipedia dump run through Matt Mahoney's
``wikifil.pl``: the visible text of the articles, lower-case letters a-z only, digits spelled out
("1984" -> "one nine eight four"), everything else a space, one line of words separated by
single spaces. :func:`clean_wiki` is that script, rule by rule, for MediaWiki XML;
:func:`clean_text` is its last step, for plain text. :func:`read_words` streams a text8-style file
word by word (memory does not grow with the file) and :func:`encode` turns the words into integer
ids, the most frequent word first.
"""

import re
from array import array

import numpy as np

from paddle_course.data.files import regular_file
from paddle_course.errors import DataError

DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# wikifil.pl's substitutions inside <text>...</text>, in its order
_WIKI_RULES = [
    (r"<.*>", ""),  # xml tags (greedy, within the record)
    (r"&amp;", "&"),
    (r"&lt;", "<"),
    (r"&gt;", ">"),
    (r"<ref[^<]*</ref>", ""),  # references
    (r"<[^>]*>", ""),  # xhtml tags
    (r"\[http:[^] ]*", "["),  # urls, keeping their visible text
    (r"(?i)\|thumb", ""),
    (r"(?i)\|left", ""),
    (r"(?i)\|right", ""),
    (r"(?i)\|\d+px", ""),
    (r"(?i)\[\[image:[^\[\]]*\|", ""),  # image links, keeping the caption
    (r"(?i)\[\[category:([^|\]]*)[^]]*\]\]", r"[[\1]]"),
    (r"\[\[[a-z\-]*:[^\]]*\]\]", ""),  # links to other languages
    (r"\[\[[^\|\]]*\|", "[["),  # link targets, keeping the visible text
    (r"{{[^}]*}}", ""),
    (r"{[^}]*}", ""),  # templates and tables
    (r"\[", ""),
    (r"\]", ""),
    (r"&[^;]*;", " "),  # remaining entities
]
_WIKI_RULES = [(re.compile(p), r) for p, r in _WIKI_RULES]


_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def clean_text(text):
    """Lower case (A-Z only, as perl's tr), digits spelled out, every other character a space,
    spaces squeezed."""
    text = text.translate(_LOWER)
    for d, word in enumerate(DIGITS):
        text = text.replace(str(d), f" {word} ")
    return re.sub(r"[^a-z]+", " ", text)


def clean_wiki(xml):
    """The visible text of a MediaWiki XML dump as ``wikifil.pl`` makes it (redirect pages are
    skipped): one string of lower-case words."""
    out, inside = [], False
    for record in re.split(r"(?<=>)", xml):  # perl's $/ = ">": records end with ">"
        if "<text " in record or "<text>" in record:
            inside = True
        if re.search(r"#redirect", record, re.I):
            inside = False
        if not inside:
            continue
        if "</text>" in record:
            inside = False
        for pattern, replacement in _WIKI_RULES:
            record = pattern.sub(replacement, record, count=1 if pattern.pattern == "<.*>" else 0)
        out.append(clean_text(f" {record} "))
    return re.sub(r" +", " ", "".join(out)).strip()


def read_words(path, chunk_size=1 << 20):
    """The words of a text8-style file (lower-case a-z words separated by spaces, one line), read
    ``chunk_size`` bytes at a time. A file with other characters is refused, naming the first."""
    path = regular_file(path, "text8 (one line of lower-case words)")
    carry, seen = b"", 0
    with open(path, "rb") as f:
        while block := f.read(chunk_size):
            bad = re.search(rb"[^a-z \n]", block)
            if bad:
                raise DataError(
                    path,
                    f"byte {seen + bad.start()} is {bad.group()!r}: text8 holds "
                    f"only the letters a-z and spaces (clean other text first)",
                )
            seen += len(block)
            words = (carry + block).split()
            carry = words.pop() if words and not block[-1:].isspace() else b""
            yield from (w.decode() for w in words)
    if carry:
        yield carry.decode()


def encode(words):
    """``(ids, vocabulary, counts)``: every word as an int32 id, ids ordered by frequency (0 is the
    most frequent; ties in order of first appearance), ``vocabulary[id]`` the word and
    ``counts[id]`` how often it occurs. Memory: 4 bytes a word, plus the vocabulary."""
    first_seen, stream = {}, array("i")
    for w in words:
        stream.append(first_seen.setdefault(w, len(first_seen)))
    if not first_seen:
        raise DataError("text", "no words")
    provisional = np.frombuffer(stream, dtype=np.int32)
    counts = np.bincount(provisional, minlength=len(first_seen))
    order = np.argsort(-counts, kind="stable")  # stable: ties keep first-seen order
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    words_by_id = list(first_seen)
    return (
        rank[provisional].astype(np.int32),
        [words_by_id[i] for i in order],
        counts[order].astype(np.int64),
    )
