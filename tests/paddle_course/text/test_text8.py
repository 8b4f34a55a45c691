"""text8's cleaning rules on a page written like a real dump, streaming reads, frequency ids."""

import re

import numpy as np
import pytest

from paddle_course.errors import DataError
from paddle_course.text.text8 import clean_text, clean_wiki, encode, read_words

# as in a real dump: markup inside <text> is entity-escaped, XML tags are not
PAGE = """<mediawiki><page><title>Anarchism</title><revision><text xml:space="preserve">\
'''Anarchism''' \
is a [[political philosophy|philosophy]] founded in 1840.&lt;ref name="a"&gt;Some ref&lt;/ref&gt; \
{{Infobox|x=1}} See [http://example.org the site] &amp;amp; more.
[[Category:Politics|Anarchism]] [[de:Anarchismus]]</text></revision></page>
<page><title>Foo</title><revision><text xml:space="preserve">#REDIRECT [[Bar]]</text></revision>\
</page></mediawiki>"""


def test_clean_wiki_keeps_what_a_reader_sees_as_text8_does():
    assert clean_wiki(PAGE) == (
        "anarchism is a philosophy founded in one eight four zero see the site more politics"
    )  # no ref, template, url, other language,
    # and the redirect page left out


def test_clean_text_spells_digits_and_keeps_only_a_to_z():
    assert clean_text("In 1984, Élise paid $20!") == "in one nine eight four lise paid two zero "


def test_read_words_streams_across_chunk_boundaries(tmp_path):
    path = tmp_path / "text8"
    text = " anarchism originated as a term of abuse first used against early working class"
    path.write_text(text)
    for chunk in (1, 5, 7, 1 << 20):
        assert list(read_words(path, chunk_size=chunk)) == text.split()


@pytest.mark.parametrize(
    "content, message",
    [
        ("some Words here", "byte 5 is b'W': text8 holds only the letters a-z"),
        ("tab\there", re.escape("byte 3 is b'\\t'")),
    ],
)
def test_read_words_refuses_what_is_not_text8(tmp_path, content, message):
    path = tmp_path / "text8"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        list(read_words(path))
    with pytest.raises(DataError, match="no such file"):
        list(read_words(tmp_path / "missing"))


def test_encode_orders_ids_by_frequency_then_first_appearance(tmp_path):
    ids, vocab, counts = encode("b a c a b a d".split())
    assert vocab == ["a", "b", "c", "d"] and counts.tolist() == [3, 2, 1, 1]
    assert ids.dtype == np.int32 and [vocab[i] for i in ids] == "b a c a b a d".split()
    empty = tmp_path / "text8"
    empty.write_text("")
    with pytest.raises(DataError, match="the file is empty"):
        encode(read_words(empty))
    empty.write_text("  \n")
    with pytest.raises(DataError, match="no words"):
        encode(read_words(empty))
