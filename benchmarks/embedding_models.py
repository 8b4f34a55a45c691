"""Training steps of chapter 6's skip-gram and chapter 7's two-tower recommender (samples/s).

The inputs are random ids in the real datasets' ranges (speed does not depend on which words or
users they are, and no data pack is needed), at the lessons' sizes and batches:

    word2vec     SkipGram(71,290 words: text8 with min_count 5, dim 200), a batch of 4,096
                 (center, context) pairs each with 4 negatives, binary cross-entropy, Adam 1e-3;
                 the lesson's dense tables (baseline) vs ``sparse=True`` (only the batch's rows
                 get a gradient: Paddle's SelectedRows) with SGD, and with lazy Adam
    two-tower    the course's TwoTower on MovieLens-1M's sizes, batch 256 ratings, MSE, Adam
                 (the lesson's), and batch 1,024
"""

import time

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.recommendation.recommenders import TwoTower
from paddle_course.text.skipgram import SkipGram

from .harness import compare

VOCAB, PAIRS, WORDS = 71_290, 4096, 5  # a context and 4 negatives per pair
ML1M = dict(n_users=6040, n_movies=3706, n_occupations=21, n_words=5215, n_genres=18)
TITLE = 15  # words per title, padded


def _loop(model, opt, batches, loss_of):
    def run():
        start = time.perf_counter()
        for batch in batches:
            loss = loss_of(model, batch)
            loss.backward()
            opt.step()
            opt.clear_grad()
        float(loss)
        return sum(len(b[-1]) for b in batches), time.perf_counter() - start

    return run


def skipgram(steps, sparse=False, optimizer="adam"):
    paddle.seed(0)
    rng = np.random.default_rng(0)
    model = SkipGram(VOCAB, 200, sparse=sparse)
    opt = (
        paddle.optimizer.SGD(0.5, parameters=model.parameters())
        if optimizer == "sgd"
        else paddle.optimizer.Adam(1e-3, parameters=model.parameters(), lazy_mode=sparse)
    )
    labels = paddle.to_tensor(np.tile([1.0] + [0.0] * (WORDS - 1), (PAIRS, 1)).astype("float32"))
    batches = [
        (
            paddle.to_tensor(rng.integers(0, VOCAB, PAIRS)),
            paddle.to_tensor(rng.integers(0, VOCAB, (PAIRS, WORDS))),
            labels,
        )
        for _ in range(steps)
    ]
    return _loop(
        model, opt, batches, lambda m, b: F.binary_cross_entropy_with_logits(m(b[0], b[1]), b[2])
    )


def two_tower(steps, batch=256):
    paddle.seed(0)
    rng = np.random.default_rng(0)
    model = TwoTower(**ML1M, mean=3.58)
    opt = paddle.optimizer.Adam(1e-3, parameters=model.parameters())

    def ids(high, *shape):
        return paddle.to_tensor(rng.integers(0, high, shape or (batch,)))

    batches = [
        (
            ids(ML1M["n_users"]),
            ids(2),
            ids(7),
            ids(ML1M["n_occupations"]),
            ids(ML1M["n_movies"]),
            paddle.to_tensor((rng.random((batch, ML1M["n_genres"])) < 0.1).astype("float32")),
            ids(ML1M["n_words"], batch, TITLE),
            paddle.to_tensor(rng.integers(1, 6, batch).astype("float32")),
        )
        for _ in range(steps)
    ]
    return _loop(model, opt, batches, lambda m, b: F.mse_loss(m(*b[:-1]), b[-1]))


def main(quick=False, repeats=5):
    steps = 3 if quick else 15
    return {
        "word2vec training (pairs/s)": compare(
            {
                "dense tables, Adam (the lesson's; baseline)": skipgram(steps),
                "sparse tables, SGD": skipgram(steps, sparse=True, optimizer="sgd"),
                "sparse tables, lazy Adam": skipgram(steps, sparse=True),
            },
            repeats=repeats,
            unit="pairs/s",
        ),
        "two-tower training (ratings/s)": compare(
            {
                "batch 256 (the lesson's; baseline)": two_tower(4 * steps),
                "batch 1,024": two_tower(steps, batch=1024),
            },
            repeats=repeats,
            unit="ratings/s",
        ),
    }
