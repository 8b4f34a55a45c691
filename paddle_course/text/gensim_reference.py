"""word2vec beside its references: gensim's ``Word2Vec`` trained on the same text with the same
settings (the oracle), and the memory the course's list of triples takes against our batches."""

import logging
import time
import tracemalloc

from paddle_course.text.skipgram_batches import course_triples
from paddle_course.text.word_vectors import WordVectors


def gensim_word2vec(corpus, config, seed):
    """``(WordVectors, seconds)`` of gensim's skip-gram with negative sampling on ``corpus``'s
    training text: dimension, window, negatives, subsampling and epochs from ``config``, one
    worker thread (as our training uses one), its own SGD (linear decay from 0.025)."""
    from gensim.models import Word2Vec

    # gensim logs every epoch and every skipped evaluation pair at INFO; Paddle's import sets up
    # the root logger, which would print them all
    logging.getLogger("gensim").setLevel(logging.WARNING)
    started = time.perf_counter()
    model = Word2Vec(
        corpus.sentences(),
        sg=1,
        hs=0,
        vector_size=config["embedding_size"],
        window=config["window"],
        negative=config["negatives"],
        sample=config["sample"],
        ns_exponent=0.75,
        min_count=1,  # the corpus's rare words are already gone
        epochs=config["epochs"],
        seed=seed,
        workers=1,
    )
    seconds = time.perf_counter() - started
    return WordVectors(list(model.wv.index_to_key), model.wv.vectors), seconds


def peak_bytes(make):
    """``(result, peak bytes allocated while make() ran)`` (tracemalloc: Python and NumPy)."""
    tracemalloc.start()
    try:
        result = make()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def memory_comparison(loader, epoch=0, course_words=20_000):
    """Bytes of memory per corpus word: our loader making one epoch's batches (one batch held at
    a time, as in training; a fresh ``loader``, so that its subsampling is counted too) against
    the course's ``build_data`` list of triples on the first ``course_words`` words the epoch's
    subsampling kept (its list grows in proportion to the corpus)."""

    def one_epoch():
        pairs = 0
        for b in range(len(loader)):
            pairs += len(loader.batch(epoch, b)[0])
        return pairs

    pairs, ours = peak_bytes(one_epoch)  # a fresh loader: its subsampling counts too
    kept = loader.epoch_sequence(epoch)[1]
    sample = kept[:course_words]
    triples, theirs = peak_bytes(
        lambda: len(
            course_triples(
                sample, len(loader.pairs.counts), loader.pairs.window, loader.pairs.negatives
            )
        )
    )
    words = len(loader.pairs.ids)
    return {
        "corpus_words": words,
        "kept_words": len(kept),
        "pairs": pairs,
        "ours_peak_bytes": ours,
        "ours_bytes_per_word": ours / words,
        "course_measured_words": len(sample),
        "course_triples": triples,
        "course_peak_bytes": theirs,
        "course_bytes_per_word": theirs / len(sample) * len(kept) / words,
        "course_projected_bytes": theirs / len(sample) * len(kept),
    }
