"""How good a recommender is: rating errors over every held-out rating, and ranking quality.

``rating_errors``: RMSE and MAE over all held-out ratings (each once), and the course's "ACC",
the share of predictions within 0.5 of the rating (what the course calls accuracy; it is not a
classification accuracy). ``ranking``: for each user one held-out movie they liked is ranked by
the model's scores among every movie the user has not rated; hit rate@k is the share of users
whose movie lands in the top k, NDCG@k rewards it by 1 / log2(rank + 2).
"""

import numpy as np


def rating_errors(predicted, actual):
    error = np.asarray(predicted, np.float64) - np.asarray(actual, np.float64)
    return {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
        "acc_within_0.5": float(np.mean(np.abs(error) <= 0.5)),
        "ratings": len(error),
    }


def liked_targets(user, movie, rating, seed=0):
    """One held-out movie per user: their highest-rated one in ``(user, movie, rating)`` (the
    held-out ratings), ties broken by a seeded draw. Returns ``(users, movies)``."""
    rng = np.random.RandomState(seed)
    order = np.lexsort((rng.random_sample(len(user)), -np.asarray(rating), user))
    first = np.r_[True, np.diff(np.asarray(user)[order]) != 0]
    return np.asarray(user)[order][first], np.asarray(movie)[order][first]


def target_ranks(scores, target, rated):
    """The rank (0 = first) of each user's ``target`` movie among the movies they have not rated.
    ``scores`` [U, M] (one row per user of ``target``), ``target`` [U] the held-out movie of each,
    ``rated`` [U, M] bool: the movies each user has rated (the target included), which are not
    candidates. Ties share their mean rank, so a model that scores every movie alike ranks the
    target in the middle, not first."""
    scores = np.asarray(scores, np.float64)
    mine = scores[np.arange(len(target)), target][:, None]
    candidates = ~np.asarray(rated)
    above = ((scores > mine) & candidates).sum(1)
    tied = ((scores == mine) & candidates).sum(1)
    return above + tied / 2


def ranking(scores, target, rated, k=10):
    """HR@k and NDCG@k of the targets' ranks (:func:`target_ranks`, same arguments)."""
    return ranking_from_ranks(target_ranks(scores, target, rated), k)


def ranking_from_ranks(rank, k=10):
    hit = rank < k
    return {
        f"hr@{k}": float(hit.mean()),
        f"ndcg@{k}": float(np.where(hit, 1 / np.log2(rank + 2), 0).mean()),
        "users": len(rank),
    }


def recommender_report(model, data, part, k=10, users_per_chunk=1024, batch=8192):
    """What the lessons report of a rating model on ``data``'s ``part`` ("val" or "test"; a
    ``paddle_course.recommendation.ratings.RatingData``): :func:`rating_errors` over every
    held-out rating and :func:`ranking` of each held-out user's best-rated held-out movie among all
    the movies they have not rated, scored by ``model.rating_matrix`` a chunk of users at a time."""
    import paddle

    *inputs, rating = getattr(data, part)
    was_training = model.training
    model.eval()
    with paddle.no_grad():
        predicted = np.concatenate(
            [
                model(*(paddle.to_tensor(x[start : start + batch]) for x in inputs)).numpy()
                for start in range(0, len(rating), batch)
            ]
        )
        r = data.movielens.ratings
        users, targets = liked_targets(
            r.user[data.rows[part]], r.movie[data.rows[part]], r.rating[data.rows[part]]
        )
        movies = [paddle.to_tensor(x) for x in data.movie_inputs()]
        ranks = []
        for start in range(0, len(users), users_per_chunk):
            chunk = users[start : start + users_per_chunk]
            scores = model.rating_matrix(
                [paddle.to_tensor(x) for x in data.user_inputs(chunk)], movies
            ).numpy()
            ranks.append(
                target_ranks(scores, targets[start : start + users_per_chunk], data.rated(chunk))
            )
    model.train(was_training)
    return {**rating_errors(predicted, rating), **ranking_from_ranks(np.concatenate(ranks), k)}
