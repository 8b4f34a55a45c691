"""A vocabulary as the course builds it: ``[oov]`` = 0, ``[pad]`` = 1, then words by frequency."""

from collections import Counter

import numpy as np

OOV, PAD = "[oov]", "[pad]"


class Vocabulary:
    oov_id, pad_id = 0, 1

    def __init__(self, words):
        if words[:2] != [OOV, PAD]:
            raise ValueError(f"a vocabulary starts with {OOV} and {PAD}")
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def build(cls, token_lists, min_count=1):
        """The words seen at least ``min_count`` times, most frequent first (ties in order of
        first appearance), after ``[oov]`` and ``[pad]``."""
        counts = Counter(t for tokens in token_lists for t in tokens)
        kept = [w for w, c in sorted(counts.items(), key=lambda wc: -wc[1]) if c >= min_count]
        return cls([OOV, PAD, *(w for w in kept if w not in (OOV, PAD))])

    def __len__(self):
        return len(self.words)

    def encode(self, token_lists, max_len, keep="first"):
        """``(ids [N, max_len] int64, lengths [N] int64)``: each text's first (``keep="last"``:
        last) ``max_len`` tokens (unknown ones as ``[oov]``), then ``[pad]`` to ``max_len``, as
        the course pads. An empty text is one ``[oov]`` (length 1: an LSTM needs at least one
        step)."""
        if keep not in ("first", "last"):
            raise ValueError(f"keep must be 'first' or 'last', not {keep!r}")
        ids = np.full((len(token_lists), max_len), self.pad_id, dtype=np.int64)
        lengths = np.empty(len(token_lists), dtype=np.int64)
        for i, tokens in enumerate(token_lists):
            kept = tokens[:max_len] if keep == "first" else tokens[-max_len:]
            row = [self.index.get(t, self.oov_id) for t in kept] or [self.oov_id]
            ids[i, : len(row)] = row
            lengths[i] = len(row)
        return ids, lengths

    def coverage(self, token_lists):
        """Share of tokens that are in the vocabulary."""
        total = sum(len(t) for t in token_lists)
        known = sum(t in self.index for tokens in token_lists for t in tokens)
        return known / total if total else float("nan")
