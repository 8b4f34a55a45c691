"""Skip-gram pairs made on the fly: subsampling, windows and negatives checked by their statistics
and against gensim; batches reproducible by (seed, epoch, batch); the loss against numpy."""

import logging

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from paddle_course.data import make_loader
from paddle_course.runtime.distributed import shard
from paddle_course.text.skipgram import SkipGram
from paddle_course.text.skipgram_batches import (
    VALIDATION,
    SkipGramPairs,
    course_triples,
    draw,
    keep_probability,
    noise_distribution,
)


def zipf_corpus(n=20_000, vocab=50, seed=0):
    """ids with Zipf-like counts, most frequent id 0 (as text8.encode makes them)."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab + 1)
    ids = rng.choice(vocab, size=n, p=p / p.sum()).astype(np.int32)
    counts = np.bincount(ids, minlength=vocab)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(vocab)
    return rank[ids].astype(np.int32), counts[order]


def epoch_pairs(loader, epoch):
    loader.batch_sampler.set_epoch(epoch)
    return [loader.batch(epoch, b) for b in range(len(loader))]


def test_keep_probability_is_gensims():
    gensim = pytest.importorskip("gensim")
    logging.getLogger("gensim").setLevel(logging.WARNING)
    words = [f"w{i}" for i in zipf_corpus(5000, 30)[0]]
    model = gensim.models.Word2Vec(vector_size=4, min_count=1, sample=1e-2, sg=1)
    model.build_vocab([words])
    counts = np.array([model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key])
    theirs = np.array([model.wv.get_vecattr(w, "sample_int") for w in model.wv.index_to_key])
    ours = keep_probability(counts, 1e-2)
    assert (ours < 1).sum() >= 5  # the test exercises the formula
    np.testing.assert_allclose(ours, theirs / (2**32 - 1), rtol=1e-6)
    assert np.all(keep_probability(counts, 0) == 1)


def test_subsampling_keeps_each_word_at_its_rate():
    ids, counts = zipf_corpus(60_000, 40)
    pairs = SkipGramPairs(ids, counts, sample=1e-2)
    loader = pairs.loader(1000)
    positions, kept, _ = loader.epoch_sequence(0)
    assert np.array_equal(kept, ids[positions])
    expected = keep_probability(counts, 1e-2)
    rate = np.bincount(kept, minlength=len(counts)) / counts
    sigma = np.sqrt(expected * (1 - expected) / counts)
    assert np.all(np.abs(rate - expected) <= 4 * sigma + 1e-9)
    assert expected[0] < 0.5 and expected[-1] == 1.0
    other = loader.epoch_sequence(1)[0]
    assert not np.array_equal(other, positions)  # drawn anew each epoch


def test_noise_distributions():
    counts = np.array([1000, 100, 10, 1])
    p = noise_distribution(counts, "unigram")
    np.testing.assert_allclose(p[0] / p[1], 10**0.75)
    np.testing.assert_allclose(noise_distribution(counts, "uniform"), 0.25)
    with pytest.raises(ValueError, match="unigram"):
        noise_distribution(counts, "zipf")
    drawn = draw(np.cumsum(p), 200_000, np.random.default_rng(0))
    freq = np.bincount(drawn, minlength=4) / len(drawn)
    assert np.all(np.abs(freq - p) <= 4 * np.sqrt(p * (1 - p) / len(drawn)))


def test_batches_hold_windows_and_negatives_as_specified():
    # every word distinct, so that an id is a corpus position; no subsampling
    n = 30_000
    pairs = SkipGramPairs(np.arange(n, dtype=np.int32), np.ones(n), window=3, negatives=5, sample=0)
    loader = pairs.loader(1000)
    center, words, labels = loader.batch(0, 7)
    assert words.shape == (len(center), 6) and labels.dtype == np.float32
    assert np.all(labels[:, 0] == 1) and np.all(labels[:, 1:] == 0)
    assert not np.any(words[:, 1:] == words[:, :1])  # a negative is never the context
    assert set(center) == set(range(7000, 8000))  # batch 7: corpus words 7000..7999
    distance = np.abs(words[:, 0] - center)
    assert distance.min() == 1 and distance.max() == 3
    # each center has 2, 4 or 6 contexts (its window reaches 1, 2 or 3 words, equally likely)
    per_center = np.bincount(np.bincount(center - 7000), minlength=7)
    assert per_center[[0, 1, 3, 5]].sum() == 0
    np.testing.assert_allclose(per_center[[2, 4, 6]] / 1000, 1 / 3, atol=0.05)
    # so a word 1 away is always a context, 2 away in 2/3 of windows, 3 away in 1/3
    share = np.bincount(distance, minlength=4)[1:] / 2000
    np.testing.assert_allclose(share, [1, 2 / 3, 1 / 3], atol=0.05)
    # a shuffled epoch makes every corpus word a center in exactly one batch
    shuffled = pairs.loader(1000, shuffle=True, seed=2)
    per_batch = [np.unique(shuffled.batch(0, b)[0]) for b in range(len(shuffled))]
    assert np.array_equal(np.sort(np.concatenate(per_batch)), np.arange(n))


def test_negatives_follow_the_unigram_075_distribution():
    ids, counts = zipf_corpus(40_000, 30)
    loader = SkipGramPairs(ids, counts, negatives=5, sample=0).loader(2000)
    words = np.concatenate([w for _, w, _ in epoch_pairs(loader, 0)])
    context, negatives = words[:, 0], words[:, 1:]
    freq = np.bincount(negatives.ravel(), minlength=len(counts)) / negatives.size
    p = noise_distribution(counts, "unigram")
    # a draw equal to the context is drawn again: given context x, word w has p_w / (1 - p_x)
    given = p[None, :] / (1 - p[context])[:, None]
    given[np.arange(len(context)), context] = 0
    expected = given.mean(axis=0)
    sigma = np.sqrt(expected * (1 - expected) / negatives.size)
    assert np.all(np.abs(freq - expected) <= 5 * sigma)
    raw = counts / counts.sum()
    assert abs(freq[0] - expected[0]) < abs(freq[0] - raw[0]) / 5  # count^0.75, not count


def test_batches_depend_only_on_seed_epoch_and_batch():
    ids, counts = zipf_corpus(20_000, 40)
    pairs = SkipGramPairs(ids, counts, sample=1e-2)
    a = make_loader(pairs, 500, shuffle=True, seed=3)
    b = make_loader(pairs, 500, shuffle=True, seed=3)
    a.batch_sampler.set_epoch(2)
    whole = [[t.numpy() for t in batch] for batch in a]
    b.batch_sampler.set_epoch(2, start_batch=17)  # a resumed epoch
    tail = [[t.numpy() for t in batch] for batch in b]
    assert len(whole) == len(a) == 40 and len(tail) == 23
    for x, y in zip(whole[17:], tail):
        for u, v in zip(x, y):
            assert np.array_equal(u, v)
    other = make_loader(pairs, 500, shuffle=True, seed=4)
    other.batch_sampler.set_epoch(2)
    assert not np.array_equal(next(iter(other))[0].numpy(), whole[0][0])


def test_two_ranks_share_the_pairs_of_one_process_with_twice_the_batch():
    ids, counts = zipf_corpus(20_000, 40)
    pairs = SkipGramPairs(ids, counts, sample=1e-2)
    one = pairs.loader(1000, shuffle=True, seed=1)
    ranks = [pairs.loader(500, shuffle=True, seed=1, num_replicas=2, rank=r) for r in (0, 1)]
    assert len(one) == len(ranks[0]) == len(ranks[1])
    for b in (0, 5, len(one) - 1):
        whole = one.batch(1, b)
        parts = [r.batch(1, b) for r in ranks]
        for i in range(3):
            assert np.array_equal(whole[i], np.concatenate([p[i] for p in parts]))


def test_validation_pairs_are_the_same_every_epoch_and_shard_by_rank():
    ids, counts = zipf_corpus(10_000, 40)
    val = SkipGramPairs(ids, counts, sample=1e-2, stream=VALIDATION, seed=5)
    loader = make_loader(val, 1000)
    first = epoch_pairs(loader, 0)
    again = epoch_pairs(loader, 3)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(first, again))

    # two ranks evaluate alternate batches, drawn as one process draws them
    class Place:
        rank, world_size = 1, 2

    parts = [make_loader(val.shard(0, 2), 1000), make_loader(shard(val, Place()), 1000)]
    assert [len(p) for p in parts] == [5, 5] and len(loader) == 10
    for rank, part in enumerate(parts):
        part.batch_sampler.set_epoch(4)
        for i, batch in enumerate(part):
            assert np.array_equal(batch[1].numpy(), first[2 * i + rank][1])


def test_skipgram_loss_equals_numpy():
    paddle.seed(0)
    model = SkipGram(20, 8)
    center = np.array([1, 4, 7], dtype=np.int64)
    words = np.array([[2, 9, 3], [5, 0, 19], [8, 8, 1]], dtype=np.int64)
    labels = np.array([[1, 0, 0]] * 3, dtype=np.float32)
    logits = model(paddle.to_tensor(center), paddle.to_tensor(words))
    loss = F.binary_cross_entropy_with_logits(logits, paddle.to_tensor(labels))
    w_in, w_out = model.embedding.weight.numpy(), model.embedding_out.weight.numpy()
    z = np.einsum("pd,ptd->pt", w_in[center], w_out[words])
    expected = np.mean(np.logaddexp(0, z) - labels * z)  # -y log s(z) - (1-y) log(1-s(z))
    np.testing.assert_allclose(logits.numpy(), z, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(float(loss), expected, rtol=1e-5)
    assert np.abs(w_in).max() <= 0.5 / 8 and np.abs(w_out).max() <= 0.1


def test_course_triples_are_what_the_course_builds():
    ids = np.array([0, 1, 2, 3, 4, 5], dtype=np.int32)
    triples = course_triples(ids, vocab_size=50, window=1, negatives=2)
    positives = [(c, t) for c, t, label in triples if label == 1]
    assert positives == [
        (0, 1),
        (1, 0),
        (1, 2),
        (2, 1),
        (2, 3),
        (3, 2),
        (3, 4),
        (4, 3),
        (4, 5),
        (5, 4),
    ]
    assert len(triples) == 3 * len(positives)
    # a negative is never a word of the window (the course's exclusion); here id = position
    assert all(t not in {c - 1, c + 1} & set(ids.tolist()) for c, t, label in triples if label == 0)
