"""MovieLens ratings as a rating model trains on them: one split scheme, the inputs of each part.

The split schemes (``paddle_course.data.splits``): ``warm`` holds out a seeded 10 % of every
user's ratings for validation and 10 % for test, so every evaluated user has trained; ``cold``
holds out 10 % and 10 % of the *users*, with all their ratings (what the course's ml-1m split
does without naming it). ``max_users`` keeps the ratings of a seeded sample of users only (a quick
run, or a smaller ml-1m); the user and movie tables stay whole, so the models' sizes do not change.
"""

import numpy as np

from paddle_course.data.fingerprint import fingerprint
from paddle_course.data.splits import per_user_split, user_split
from paddle_course.recommendation.movielens import load_movielens

SPLITS = {"warm": per_user_split, "cold": user_split}
SPLIT_NAMES = {
    "warm": "warm start (10 % of each user's ratings held out)",
    "cold": "cold start (10 % of the users held out, all their ratings)",
}


class RatingData:
    """``train``, ``val``, ``test``: ``(user, gender, age, occupation, movie, genres, title,
    rating)`` arrays (``rating_inputs``), the batches the engine and the rating models take.
    ``rows[part]``: the rating rows of each part; ``mean``: the training ratings' mean."""

    def __init__(self, movielens, split="warm", seed=0, max_users=0):
        if split not in SPLITS:
            raise ValueError(f"split is one of {', '.join(SPLITS)}, not {split!r}")
        self.movielens, self.split, self.source = movielens, split, movielens.source
        user = movielens.ratings.user
        kept = np.arange(len(user))
        if max_users and max_users < len(np.unique(user)):
            chosen = np.random.RandomState(seed).permutation(np.unique(user))[:max_users]
            kept = np.flatnonzero(np.isin(user, chosen))
        self.titles, self.words = title_ids(movielens.movies)
        self.rows = {
            part: kept[rows]
            for part, rows in zip(("train", "val", "test"), SPLITS[split](user[kept], seed=seed))
        }
        self.train, self.val, self.test = (
            rating_inputs(movielens, self.rows[p], self.titles) for p in ("train", "val", "test")
        )
        self.mean = float(self.train[-1].mean())

    @property
    def n_users(self):
        return len(self.movielens.users.ids)

    @property
    def n_movies(self):
        return len(self.movielens.movies.ids)

    def user_inputs(self, users):
        """``(user, gender, age, occupation)`` of user rows ``users`` [U]: a user tower's input."""
        u = self.movielens.users
        users = np.asarray(users, dtype=np.int64)
        return users, u.gender[users], u.age[users], u.occupation[users]

    def movie_inputs(self):
        """``(movie, genres, title)`` of every movie, in row order: a movie tower's input."""
        m = self.movielens.movies
        return np.arange(len(m.ids), dtype=np.int64), m.genres.astype(np.float32), self.titles

    def rated(self, users):
        """``[U, M]`` bool: which movies each of ``users`` has rated, in any part."""
        r = self.movielens.ratings
        seen = np.zeros((len(users), self.n_movies), dtype=bool)
        position = np.full(self.n_users, -1)
        position[np.asarray(users)] = np.arange(len(users))
        mine = position[r.user] >= 0
        seen[position[r.user[mine]], r.movie[mine]] = True
        return seen

    def sizes(self):
        return {part: len(rows) for part, rows in self.rows.items()}

    def fingerprint(self):
        return fingerprint(*self.train, *self.val, *self.test)

    def info(self):
        return {
            "source": self.source,
            "split": self.split,
            "sizes": self.sizes(),
            "users": self.n_users,
            "movies": self.n_movies,
            "title_words": len(self.words),
            "train_mean": self.mean,
        }

    def describe(self):
        users = {p: len(np.unique(self.movielens.ratings.user[r])) for p, r in self.rows.items()}
        return f"{self.source}, {SPLIT_NAMES[self.split]}: " + ", ".join(
            f"{p} {n:,} ratings of {users[p]:,} users" for p, n in self.sizes().items()
        )


def load_rating_data(path=None, cache=None, split="warm", seed=0, max_users=0):
    """:class:`RatingData` of ``path`` (see ``load_movielens``; None: recbole's ML-100K)."""
    return RatingData(load_movielens(path, cache), split, seed, max_users)


TITLE_LEN = 15  # the course's title length (words), padded with id 0


def title_ids(movies, length=TITLE_LEN):
    """``(ids [M, length] int64, words)``: each title's first ``length`` words as ids (1 = the
    most frequent word; 0 pads), and ``words[id]`` (``words[0]`` is the padding)."""
    counts = {}
    for title in movies.words:
        for w in title:
            counts[w] = counts.get(w, 0) + 1
    words = ["[pad]", *sorted(counts, key=lambda w: (-counts[w], w))]
    index = {w: i for i, w in enumerate(words)}
    ids = np.zeros((len(movies.words), length), dtype=np.int64)
    for m, title in enumerate(movies.words):
        row = [index[w] for w in title[:length]]
        ids[m, : len(row)] = row
    return ids, words


def rating_inputs(data, rows, titles):
    """The model inputs and target of ratings ``rows``: ``(user, gender, age, occupation, movie,
    genres [B, G] float32, title [B, T], rating float32)``, as ``paddle_course.models.
    recommender`` takes them (``titles``: from :func:`title_ids`)."""
    r, u = data.ratings, data.users
    user, movie = r.user[rows], r.movie[rows]
    return (
        user,
        u.gender[user],
        u.age[user],
        u.occupation[user],
        movie,
        data.movies.genres[movie].astype(np.float32),
        titles[movie],
        r.rating[rows],
    )
