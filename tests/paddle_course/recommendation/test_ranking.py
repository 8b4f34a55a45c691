"""Recommendation splits (warm: per user; cold: by user) and metrics, on cases worked by hand."""

import numpy as np
import pytest

from paddle_course.data.splits import per_user_split, user_split
from paddle_course.recommendation.ranking import liked_targets, ranking, rating_errors


def ratings(users=50, seed=0):
    rng = np.random.default_rng(seed)
    counts = rng.integers(3, 60, users)
    return np.repeat(np.arange(users), counts)[rng.permutation(counts.sum())]


def test_warm_split_holds_out_a_tenth_of_each_users_ratings():
    user = ratings()
    train, val, test = per_user_split(user, seed=1)
    assert len(np.intersect1d(train, val)) == len(np.intersect1d(train, test)) == 0
    assert len(np.intersect1d(val, test)) == 0
    assert len(train) + len(val) + len(test) == len(user)
    counts = np.bincount(user)
    for part in (val, test):
        expected = np.minimum(np.round(0.1 * counts), (counts - 1) // 2)
        assert np.array_equal(np.bincount(user[part], minlength=len(counts)), expected)
    assert set(user[train]) == set(user)  # every user trains
    again = per_user_split(user, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(again, (train, val, test)))
    assert not np.array_equal(per_user_split(user, seed=2)[2], test)


def test_cold_split_keeps_test_users_out_of_training():
    user = ratings()
    train, val, test = user_split(user, seed=3)
    assert len(train) + len(val) + len(test) == len(user)
    train_users, val_users, test_users = (set(user[p]) for p in (train, val, test))
    assert not train_users & test_users and not train_users & val_users
    assert len(val_users) == len(test_users) == 5


def test_rating_errors_by_hand():
    r = rating_errors([3.0, 4.5, 2.0, 5.0], [3, 4, 4, 5])
    assert r["mae"] == pytest.approx((0 + 0.5 + 2 + 0) / 4)
    assert r["rmse"] == pytest.approx(np.sqrt((0 + 0.25 + 4 + 0) / 4))
    assert r["acc_within_0.5"] == 0.75 and r["ratings"] == 4


def test_ranking_by_hand():
    scores = np.array(
        [
            [0.9, 0.1, 0.5, 0.3, 0.7],  # user 0: target 2 (0.5), movie 4 rated
            [0.2, 0.2, 0.2, 0.2, 0.2],  # user 1: every score alike
            [0.1, 0.8, 0.3, 0.9, 0.0],
        ]
    )  # user 2: target 3, the best
    target = np.array([2, 0, 3])
    rated = np.zeros((3, 5), bool)
    rated[[0, 0, 1, 2], [2, 4, 0, 3]] = True
    # user 0: candidates 0, 1, 3 -> one above (0.9): rank 1; user 1: four tied others -> rank 2;
    # user 2: rank 0
    r = ranking(scores, target, rated, k=2)
    assert r["hr@2"] == pytest.approx(2 / 3)
    assert r["ndcg@2"] == pytest.approx((1 / np.log2(3) + 0 + 1) / 3)
    assert ranking(scores, target, rated, k=3)["hr@3"] == 1.0


def test_liked_targets_take_each_users_best_held_out_movie():
    users, movies = liked_targets(
        np.array([1, 0, 1, 0, 1]), np.array([10, 20, 30, 40, 50]), np.array([4, 2, 5, 3, 1])
    )
    assert users.tolist() == [0, 1] and movies.tolist() == [40, 30]
