"""Skip-gram training pairs with negative sampling, made batch by batch from an array of word ids.

The course builds every ``(center, context, label)`` triple of the corpus into one Python list
before training (about 2 KB a corpus word: gigabytes on text8, see :func:`course_triples`), draws
its negatives uniformly over the vocabulary, and shuffles the list each epoch. Here the corpus
stays an int32 array (4 bytes a word) and each batch is made when the engine asks for it:

1. *subsampling* (once an epoch): word ``w`` of count ``c`` is kept with probability
   ``(sqrt(c / t) + 1) * t / c``, ``t = sample * total`` (word2vec.c's and gensim's formula; the
   course uses the paper's ``sqrt(t / f)``). The kept words are the epoch's sequence.
2. *a random window* for each center: ``b`` drawn from 1..``window``, every kept word at most
   ``b`` positions away is a context (windows run over the removed words, as in word2vec.c).
3. *negatives*: ``negatives`` words per (center, context) pair, drawn from the unigram
   distribution raised to 0.75 (word2vec's), or uniformly (the course's); a draw equal to the
   pair's context word is drawn again.

Every draw of batch ``b`` of epoch ``e`` comes from a generator seeded by ``(seed, e, b)``, so a
batch is the same whether the epoch runs whole or resumes at ``b`` (exact ``--resume``), and ``R``
processes with batch ``B`` train on exactly the pairs one process makes with batch ``B * R``.
"""

import random
from dataclasses import dataclass, replace

import numpy as np
import paddle

TRAIN, VALIDATION = 0, 1  # random streams: a validation set is drawn the same every epoch


def keep_probability(counts, sample):
    """Probability that subsampling keeps each word (``counts[id]`` its corpus count)."""
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()
    return np.minimum((np.sqrt(counts / threshold) + 1) * threshold / counts, 1.0)


def noise_distribution(counts, kind="unigram"):
    """Probabilities of drawing each word as a negative: ``"unigram"`` (count^0.75, normalised)
    or ``"uniform"`` (the course's ``random.randint(0, vocab_size - 1)``)."""
    counts = np.asarray(counts, dtype=np.float64)
    if kind == "uniform":
        weights = np.ones_like(counts)
    elif kind == "unigram":
        weights = counts**0.75
    else:
        raise ValueError(f"negatives are drawn from 'unigram' or 'uniform', not {kind!r}")
    return weights / weights.sum()


def draw(cumulative, size, rng):
    """``size`` ids drawn with the probabilities whose cumulative sums are ``cumulative``."""
    ids = np.searchsorted(cumulative, rng.random(size) * cumulative[-1], side="right")
    return np.minimum(ids, len(cumulative) - 1)  # guards against rounding at the top end


@dataclass(frozen=True)
class SkipGramPairs:
    """A corpus, as the engine's data split: ``make_loader`` asks it for its batches.

    ids        int32 word ids of the running text (``counts[id]`` its count)
    stream     ``TRAIN`` (new draws every epoch) or ``VALIDATION`` (the same draws every epoch)
    part       ``(rank, world_size)``: an evaluation split shared out by ``shard``, rank ``r``
               making batches r, r + world_size, ... of the whole split's
    """

    ids: np.ndarray
    counts: np.ndarray
    window: int = 3
    negatives: int = 4
    sample: float = 1e-3
    noise: str = "unigram"
    stream: int = TRAIN
    seed: int = 0
    part: tuple = (0, 1)

    def shard(self, rank, world_size):
        return replace(self, part=(rank, world_size))

    def loader(self, batch_size, shuffle=False, seed=None, num_workers=0, num_replicas=1, rank=0):
        """Batches of ``batch_size`` corpus words (before subsampling) each: ``[center [P],
        words [P, 1 + negatives], labels [P, 1 + negatives]]`` for the P pairs of their kept
        words, the context first (label 1), then the negatives (label 0). ``num_workers`` is
        ignored: a batch takes a few milliseconds to make."""
        return PairLoader(
            self,
            batch_size,
            shuffle=shuffle,
            seed=self.seed if seed is None or self.stream == VALIDATION else seed,
            num_replicas=num_replicas,
            rank=rank,
        )


class _EpochOrder:
    """The loader's batch sampler, as the engine drives it: ``set_epoch(epoch, start_batch)``."""

    def __init__(self, loader):
        self.loader, self.epoch, self.start_batch = loader, 0, 0

    def set_epoch(self, epoch, start_batch=0):
        self.epoch, self.start_batch = epoch, start_batch

    def __len__(self):
        return len(self.loader)


class PairLoader:
    def __init__(self, pairs, batch_size, shuffle, seed, num_replicas, rank):
        self.pairs, self.batch_size, self.shuffle, self.seed = pairs, batch_size, shuffle, seed
        self.num_replicas, self.rank = num_replicas, rank
        self.batch_sampler = _EpochOrder(self)
        self.cumulative = np.cumsum(noise_distribution(pairs.counts, pairs.noise))
        self._keep = keep_probability(pairs.counts, pairs.sample)
        self._epoch = None  # (epoch, kept positions, kept ids, block order)

    def blocks(self):
        """How many blocks of ``batch_size * num_replicas`` corpus words the corpus holds."""
        return -(-len(self.pairs.ids) // (self.batch_size * self.num_replicas))

    def __len__(self):
        rank, world_size = self.pairs.part
        return len(range(rank, self.blocks(), world_size))

    def _rng(self, epoch, *keys):
        if self.pairs.stream == VALIDATION:
            epoch = 0  # the same draws every epoch
        return np.random.default_rng([self.seed, self.pairs.stream, epoch, *keys])

    def epoch_sequence(self, epoch):
        """``(positions, ids, order)``: the corpus positions and ids (int32) of the words
        subsampling keeps in ``epoch``, and the order of its batches."""
        if self._epoch is None or self._epoch[0] != epoch:
            ids = self.pairs.ids
            u = self._rng(epoch, 0).random(len(ids), dtype=np.float32)
            positions = np.flatnonzero(u < self._keep[ids]).astype(np.int32)
            rank, world_size = self.pairs.part
            order = (
                self._rng(epoch, 1).permutation(self.blocks())
                if self.shuffle and self.pairs.stream == TRAIN
                else np.arange(rank, self.blocks(), world_size)
            )
            self._epoch = (epoch, positions, ids[positions], order)  # one epoch at a time
        return self._epoch[1:]

    def batch(self, epoch, b):
        """Global batch ``b`` of ``epoch``, this rank's part: numpy ``(center, words, labels)``."""
        positions, kept, order = self.epoch_sequence(epoch)
        per_step = self.batch_size * self.num_replicas
        block = order[b]
        # the kept words whose corpus position is in this block of batch_size * R words
        first, last = np.searchsorted(positions, [block * per_step, (block + 1) * per_step])
        rng = self._rng(epoch, 2, block)
        window, n = self.pairs.window, len(kept)
        centers = np.arange(first, last)  # [C] in kept order
        reach = rng.integers(1, window + 1, size=len(centers))  # [C] random window
        offsets = np.r_[-np.arange(window, 0, -1), np.arange(1, window + 1)]  # [2 window]
        context = centers[:, None] + offsets[None, :]  # [C, 2 window]
        valid = (np.abs(offsets)[None, :] <= reach[:, None]) & (context >= 0) & (context < n)
        owner = np.broadcast_to(np.arange(len(centers))[:, None], context.shape)[valid]
        center_ids, context_ids = kept[centers][owner], kept[context[valid]]  # [P], [P]
        negatives = draw(self.cumulative, (len(owner), self.pairs.negatives), rng)
        clash = negatives == context_ids[:, None]
        while clash.any():  # a negative may not be the context
            negatives[clash] = draw(self.cumulative, int(clash.sum()), rng)
            clash = negatives == context_ids[:, None]
        # this rank's share: the pairs of its contiguous slice of the block's centers
        lo, hi = (len(centers) * r // self.num_replicas for r in (self.rank, self.rank + 1))
        mine = (owner >= lo) & (owner < hi)
        words = np.concatenate([context_ids[:, None], negatives], axis=1)[mine]
        labels = np.zeros(words.shape, dtype=np.float32)
        labels[:, 0] = 1.0
        return center_ids[mine].astype(np.int64), words.astype(np.int64), labels

    def __iter__(self):
        sampler = self.batch_sampler
        for b in range(sampler.start_batch, len(self)):
            yield [paddle.to_tensor(a) for a in self.batch(sampler.epoch, b)]


def course_triples(ids, vocab_size, window=3, negatives=4, rng=None):
    """The course's ``build_data``: every ``(center, target, label)`` triple in one Python list
    (each context once with label 1, then ``negatives`` uniform draws not in the window with
    label 0). Kept to measure what it costs in memory; not used for training."""
    rng = rng or random.Random(0)
    corpus, dataset = [int(i) for i in ids], []
    for center_idx in range(len(corpus)):
        size = rng.randint(1, window)
        lo, hi = max(0, center_idx - size), min(len(corpus) - 1, center_idx + size)
        candidates = [corpus[i] for i in range(lo, hi + 1) if i != center_idx]
        for positive in candidates:
            dataset.append((corpus[center_idx], positive, 1))
            drawn = 0
            while drawn < negatives:
                candidate = rng.randint(0, vocab_size - 1)
                if candidate not in candidates:
                    dataset.append((corpus[center_idx], candidate, 0))
                    drawn += 1
    return dataset


class Word2VecData:
    """The corpus as the job wants it: ``train`` and ``val`` make skip-gram batches."""

    def __init__(self, corpus, config):
        self.corpus, self.source = corpus, corpus.source
        settings = dict(
            counts=corpus.counts,
            window=config["window"],
            negatives=config["negatives"],
            sample=config["sample"],
            noise=config["negatives_from"],
            seed=config["seed"],
        )
        self.train = SkipGramPairs(corpus.train, **settings)
        self.val = SkipGramPairs(corpus.val, stream=VALIDATION, **settings)
        self.test = None

    def sizes(self):
        return {"train": len(self.corpus.train), "val": len(self.corpus.val)}

    def fingerprint(self):
        return self.corpus.fingerprint()

    def info(self):
        return {
            "source": self.source,
            "words": self.corpus.total_words,
            "vocabulary": len(self.corpus.vocabulary),
            "sizes": self.sizes(),
        }

    def describe(self):
        return self.corpus.describe()
