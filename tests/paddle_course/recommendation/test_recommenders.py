"""The rating models' forward passes against numpy, on a tiny MovieLens."""

import numpy as np
import paddle
import pytest
from conftest import ML1M, write_files

from paddle_course.recommendation.movielens import GENRES, load_movielens
from paddle_course.recommendation.ratings import rating_inputs, title_ids
from paddle_course.recommendation.recommenders import Biases, MatrixFactorization, TwoTower


@pytest.fixture
def batch(tmp_path):
    data = load_movielens(write_files(tmp_path / "ml-1m", ML1M))
    titles, words = title_ids(data.movies)
    *inputs, rating = rating_inputs(data, np.arange(4), titles)
    return data, words, [paddle.to_tensor(x) for x in inputs], rating


def test_titles_become_padded_word_ids(batch):
    data, words, inputs, _ = batch
    titles, _ = title_ids(data.movies)
    assert titles.shape == (3, 15) and words[0] == "[pad]"
    assert [words[i] for i in titles[0] if i] == ["toy", "story"]
    assert inputs[5].shape == [4, len(GENRES)] and inputs[6].shape == [4, 15]


def test_biases_and_factorisation_equal_numpy(batch):
    data, _, inputs, rating = batch
    paddle.seed(0)
    mf = MatrixFactorization(3, 3, mean=3.25, factors=4)
    mf.user_bias.weight.set_value(np.array([[0.5], [-0.25], [0.0]], np.float32))
    user, movie = inputs[0].numpy(), inputs[4].numpy()
    p, q = mf.user_factors.weight.numpy(), mf.movie_factors.weight.numpy()
    expected = 3.25 + np.array([0.5, -0.25, 0.0])[user] + (p[user] * q[movie]).sum(1)
    np.testing.assert_allclose(mf(*inputs).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(Biases(3, 3, mean=3.25)(*inputs).numpy(), [3.25] * 4)


def test_two_tower_scores(batch):
    data, words, inputs, _ = batch
    paddle.seed(0)
    course = TwoTower(3, 3, 21, len(words), len(GENRES))
    course.eval()
    scores = course(*inputs).numpy()
    assert scores.shape == (4,) and np.all(np.abs(scores) <= 5)
    u = course.user_vector(*inputs[:4]).numpy()
    m = course.movie_vector(*inputs[4:]).numpy()
    cosine = (u * m).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(m, axis=1)
    np.testing.assert_allclose(scores, 5 * cosine, rtol=1e-5, atol=1e-6)
    dot = TwoTower(3, 3, 21, len(words), len(GENRES), mean=3.5, score="dot")
    u, m = dot.user_vector(*inputs[:4]).numpy(), dot.movie_vector(*inputs[4:]).numpy()
    np.testing.assert_allclose(dot(*inputs).numpy(), 3.5 + (u * m).sum(1), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="cosine"):
        TwoTower(3, 3, 21, 10, len(GENRES), score="euclid")
