"""Word vectors and how they are judged: similarity pairs, analogies, nearest neighbours.

The evaluation sets are the ones gensim ships with its tests (``gensim/test/test_data``):
WordSim-353 and SimLex-999 (``word<TAB>word<TAB>human score``, ``#`` comments) and Mikolov's
analogy questions (``: section`` lines, then ``a b c d``: a is to b as c is to d). The rules are
gensim's (``KeyedVectors.evaluate_word_pairs`` / ``evaluate_word_analogies``), so that our vectors
and gensim's are scored alike: words are matched case-insensitively, a pair or question with a
word outside the vocabulary is skipped (and counted as not covered), similarity is the cosine,
an analogy is answered by 3CosAdd (the word nearest ``b - a + c``, the three excluded).
"""

from dataclasses import dataclass

import numpy as np

from paddle_course.data.files import regular_file
from paddle_course.errors import DataError
from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.manifest import written
from paddle_course.text.corpus import gensim_test_data


def read_pairs(path):
    """``[(word, word, score)]`` of a word-similarity file (lower-cased)."""
    pairs = []
    for n, line in enumerate(_lines(path), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        try:
            pairs.append((fields[0].lower(), fields[1].lower(), float(fields[2])))
        except (IndexError, ValueError):
            raise DataError(
                path, f"line {n}: expected 'word<TAB>word<TAB>score', got {line.strip()[:60]!r}"
            ) from None
    if not pairs:
        raise DataError(path, "no word pairs")
    return pairs


def read_analogies(path):
    """``{section: [(a, b, c, d)]}`` of an analogy file (lower-cased), in file order."""
    sections, current = {}, None
    for n, line in enumerate(_lines(path), 1):
        if line.startswith(":"):
            current = sections.setdefault(line[1:].strip(), [])
            continue
        words = line.lower().split()
        if not words:
            continue
        if len(words) != 4 or current is None:
            raise DataError(
                path,
                f"line {n}: expected four words after a ': section' line, got "
                f"{line.strip()[:60]!r}",
            )
        current.append(tuple(words))
    if not any(sections.values()):
        raise DataError(path, "no analogy questions")
    return sections


def _lines(path):
    """The lines of a text file, checked first (not when the first line is asked for)."""
    path = regular_file(path, "a text file")

    def read():
        with open(path, encoding="utf-8") as f:
            yield from f

    return read()


def spearman(x, y):
    """Spearman's rank correlation: Pearson's correlation of the ranks (ties get their mean
    rank), as ``scipy.stats.spearmanr``."""
    rx, ry = _ranks(np.asarray(x, float)), _ranks(np.asarray(y, float))
    rx, ry = rx - rx.mean(), ry - ry.mean()
    return float((rx * ry).sum() / np.sqrt((rx**2).sum() * (ry**2).sum()))


def _ranks(a):
    order = np.argsort(a, kind="stable")
    ranks = np.empty(len(a))
    ranks[order] = np.arange(1, len(a) + 1)
    values, inverse = np.unique(a, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks)
    return (sums / np.bincount(inverse))[inverse]  # tied values share their mean rank


@dataclass
class WordVectors:
    """``vectors[i]`` is the vector of ``words[i]`` (most frequent first)."""

    words: list
    vectors: np.ndarray

    def __post_init__(self):
        self.index = {w.lower(): i for i, w in reversed(list(enumerate(self.words)))}
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        self.unit = (self.vectors / np.maximum(norms, 1e-12)).astype(np.float32)

    def save_text(self, path, digits=5):
        """word2vec's text format (``gensim.models.KeyedVectors.load_word2vec_format`` reads it):
        a line ``count dimension``, then a line ``word v1 v2 ...`` per word."""
        lines = [f"{len(self.words)} {self.vectors.shape[1]}\n"]
        lines += [
            word + " " + " ".join(f"{x:.{digits}g}" for x in row) + "\n"
            for word, row in zip(self.words, self.vectors)
        ]
        return write_bytes(written(path), "".join(lines).encode("utf-8"))

    @classmethod
    def load_text(cls, path):
        """Vectors in word2vec's text format (as :meth:`save_text` writes them)."""
        lines = _lines(path)
        try:
            count, dim = (int(x) for x in next(lines).split())
        except (StopIteration, ValueError):
            raise DataError(
                path, "not word2vec text format: the first line is not '<words> <dimension>'"
            ) from None
        words, rows = [], []
        for n, line in enumerate(lines, 2):
            fields = line.rstrip("\n").split(" ")
            if len(fields) != dim + 1:
                raise DataError(path, f"line {n}: {len(fields) - 1} numbers, expected {dim}")
            words.append(fields[0])
            rows.append(np.array(fields[1:], dtype=np.float32))
        if len(words) != count:
            raise DataError(path, f"{len(words)} vectors, the header says {count}")
        return cls(words, np.stack(rows) if rows else np.zeros((0, dim), np.float32))

    def similarity(self, a, b):
        return float(self.unit[self.index[a]] @ self.unit[self.index[b]])

    def nearest(self, word, k=5):
        """The ``k`` words of highest cosine similarity to ``word`` (itself excluded)."""
        scores = self.unit @ self.unit[self.index[word]]
        scores[self.index[word]] = -np.inf
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.words[i], float(scores[i])) for i in best]

    def evaluate_pairs(self, pairs):
        """``{"spearman", "pairs", "covered"}``: Spearman between the human scores and the
        cosines of the pairs whose two words are in the vocabulary."""
        known = [(a, b, s) for a, b, s in pairs if a in self.index and b in self.index]
        if len(known) < 2:
            return {"spearman": float("nan"), "pairs": len(pairs), "covered": len(known)}
        return {
            "spearman": spearman(
                [s for _, _, s in known], [self.similarity(a, b) for a, b, _ in known]
            ),
            "pairs": len(pairs),
            "covered": len(known),
        }

    def evaluate_analogies(self, sections, batch=512):
        """``{"accuracy", "questions", "covered", "sections": {name: [correct, covered]}}``:
        3CosAdd over the questions whose four words are in the vocabulary."""
        per_section, correct_total, covered_total, asked = {}, 0, 0, 0
        for name, questions in sections.items():
            asked += len(questions)
            ids = np.array(
                [[self.index[w] for w in q] for q in questions if all(w in self.index for w in q)],
                dtype=np.int64,
            ).reshape(-1, 4)
            correct = 0
            for start in range(0, len(ids), batch):
                a, b, c, d = ids[start : start + batch].T
                target = self.unit[b] - self.unit[a] + self.unit[c]  # [Q, D]
                scores = target @ self.unit.T  # [Q, V]
                rows = np.arange(len(a))
                for excluded in (a, b, c):
                    scores[rows, excluded] = -np.inf
                correct += int((scores.argmax(axis=1) == d).sum())
            per_section[name] = [correct, len(ids)]
            correct_total += correct
            covered_total += len(ids)
        return {
            "accuracy": correct_total / covered_total if covered_total else float("nan"),
            "questions": asked,
            "covered": covered_total,
            "sections": per_section,
        }


EVALUATION = {"WordSim-353": "wordsim353.tsv", "SimLex-999": "simlex999.txt"}


ANALOGIES = "questions-words.txt"


def evaluate_vectors(vectors):
    """Spearman on each similarity set (gensim's test data: WordSim-353, SimLex-999) and 3CosAdd
    accuracy on the analogies (``questions-words.txt``)."""
    scores = {}
    for name, file in EVALUATION.items():
        r = vectors.evaluate_pairs(read_pairs(gensim_test_data(file)))
        scores[name] = {"spearman": r["spearman"], "covered": f"{r['covered']}/{r['pairs']}"}
    r = vectors.evaluate_analogies(read_analogies(gensim_test_data(ANALOGIES)))
    scores["analogies"] = {"accuracy": r["accuracy"], "covered": f"{r['covered']}/{r['questions']}"}
    return scores
