"""Rating predictors for MovieLens, from the simplest baseline to the course's two towers.

Every model takes the same inputs, one row per (user, movie) pair, so that one data pipeline
serves them all (a model uses what it needs):

    user [B] int64    row of the user            movie  [B] int64    row of the movie
    gender, age, occupation [B] int64 codes      genres [B, G] float32 0/1 flags
                                                 title  [B, T] int64 word ids, 0 = padding

and returns the predicted rating ``[B]`` float32, trained with the mean squared error.
``rating_matrix(users, movies)`` predicts every pair of ``users`` = (user, gender, age,
occupation), each ``[U]``, and ``movies`` = (movie, genres, title), ``[M]`` first: ``[U, M]``, the
same numbers as ``forward`` on each pair, computed once per user and per movie (a ranking scores
every movie for every user).
"""

import numpy as np
import paddle
import paddle.nn.functional as F
from paddle import nn

COSINE_EPS = 1e-8  # F.cosine_similarity's default


class GlobalMean(nn.Layer):
    """The training ratings' mean for every pair: no parameters, nothing to train; the RMSE to
    beat (it equals the ratings' standard deviation)."""

    def __init__(self, mean):
        super().__init__()
        self.mean = float(mean)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        return paddle.full(user.shape, self.mean, "float32")

    def rating_matrix(self, users, movies):
        return paddle.full([len(users[0]), len(movies[0])], self.mean, "float32")


class Biases(GlobalMean):
    """``mean + b_user + b_movie``: how much a user rates above the mean, and a movie is rated
    above it (the "baseline" of the recommender literature)."""

    def __init__(self, n_users, n_movies, mean):
        super().__init__(mean)
        zeros = paddle.ParamAttr(initializer=nn.initializer.Constant(0.0))
        self.user_bias = nn.Embedding(n_users, 1, weight_attr=zeros)
        self.movie_bias = nn.Embedding(n_movies, 1, weight_attr=zeros)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        return self.mean + (self.user_bias(user) + self.movie_bias(movie)).squeeze(-1)

    def rating_matrix(self, users, movies):
        return self.mean + self.user_bias(users[0]) + self.movie_bias(movies[0]).T  # [U, M]


class MatrixFactorization(Biases):
    """``mean + b_user + b_movie + <p_user, q_movie>``: Funk's SVD, what the course's model was
    found to be worse than."""

    def __init__(self, n_users, n_movies, mean, factors=32, init_scale=0.1):
        super().__init__(n_users, n_movies, mean)
        normal = paddle.ParamAttr(initializer=nn.initializer.Normal(0.0, init_scale))
        self.user_factors = nn.Embedding(n_users, factors, weight_attr=normal)
        self.movie_factors = nn.Embedding(n_movies, factors, weight_attr=normal)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        dot = (self.user_factors(user) * self.movie_factors(movie)).sum(-1)  # [B]
        return super().forward(user, gender, age, occupation, movie, genres, title) + dot

    def rating_matrix(self, users, movies):
        return (
            super().rating_matrix(users, movies)
            + self.user_factors(users[0]) @ self.movie_factors(movies[0]).T
        )


class TwoTower(nn.Layer):
    """The course's model. User tower: id (32), gender, age and occupation (16 each) embeddings,
    each through its own FC + ReLU, concatenated, FC 200 + tanh. Movie tower: id (32) through FC +
    ReLU, the sum of its genres' embeddings (32) through an FC (no ReLU, as in the course), its
    title words (32) through two small convolutions over the words and a ReLU, concatenated, FC
    200 + tanh. Each tower then ``fc_sizes`` ([128, 64, 32]), each with a ReLU, the last one too
    (``last_relu``), so the vectors are >= 0. The score is ``5 x cosine(user, movie)``
    (``score="cosine"``, the course's: in [0, 5] and blind to how far a user rates from the mean),
    or the dot product plus a user and a movie bias plus the mean (``score="dot"``).

    The course sums the embeddings of a movie's genre *ids* padded with id 0, so the padding's
    embedding joins every sum; here the genres are 0/1 flags and only real genres are summed.
    """

    def __init__(
        self,
        n_users,
        n_movies,
        n_occupations,
        n_words,
        n_genres,
        mean=0.0,
        fc_sizes=(128, 64, 32),
        score="cosine",
        last_relu=True,
        known_users=None,
        id_dropout=0.0,
        n_ages=7,
    ):
        super().__init__()
        if score not in ("cosine", "dot"):
            raise ValueError(f"score is 'cosine' or 'dot', not {score!r}")
        self.score, self.mean = score, float(mean)
        # known_users [n_users] bool: the users with training ratings. The others (cold start)
        # get one shared "unknown user" row instead of their own, never trained, random one;
        # id_dropout trains that row by hiding a share of the known users' ids.
        self.id_dropout, self.unknown = float(id_dropout), n_users
        if known_users is None:
            self.known = None
        else:  # not saved: it comes from the data, like the sizes
            self.register_buffer(
                "known", paddle.to_tensor(np.asarray(known_users, dtype=bool)), persistable=False
            )
        self.usr_emb = nn.Embedding(n_users + (known_users is not None), 32)
        self.usr_fc = nn.Linear(32, 32)
        self.usr_gender_emb, self.usr_gender_fc = nn.Embedding(2, 16), nn.Linear(16, 16)
        self.usr_age_emb, self.usr_age_fc = nn.Embedding(n_ages, 16), nn.Linear(16, 16)
        self.usr_job_emb, self.usr_job_fc = nn.Embedding(n_occupations, 16), nn.Linear(16, 16)
        self.usr_combined = nn.Linear(32 + 16 * 3, 200)
        self.mov_emb, self.mov_fc = nn.Embedding(n_movies, 32), nn.Linear(32, 32)
        self.mov_cat_emb = nn.Linear(n_genres, 32, bias_attr=False)  # flags @ W = sum of rows
        self.mov_cat_fc = nn.Linear(32, 32)
        self.mov_title_emb = nn.Embedding(n_words, 32, padding_idx=0)
        self.mov_title_conv = nn.Conv2D(1, 1, kernel_size=(3, 1), stride=(2, 1))
        self.mov_title_conv2 = nn.Conv2D(1, 1, kernel_size=(3, 1))
        self.mov_concat_embed = nn.Linear(32 * 3, 200)
        self.usr_layers = self._tower(fc_sizes, last_relu)
        self.mov_layers = self._tower(fc_sizes, last_relu)
        if score == "dot":
            zeros = paddle.ParamAttr(initializer=nn.initializer.Constant(0.0))
            self.user_bias = nn.Embedding(n_users, 1, weight_attr=zeros)
            self.movie_bias = nn.Embedding(n_movies, 1, weight_attr=zeros)

    @staticmethod
    def _tower(fc_sizes, last_relu):
        layers, width = [], 200
        for size in fc_sizes:  # the course's init, N(0, 1/width)
            normal = paddle.ParamAttr(initializer=nn.initializer.Normal(0.0, width**-0.5))
            layers += [nn.Linear(width, size, weight_attr=normal), nn.ReLU()]
            width = size
        # the course's towers end in a ReLU, so its vectors are >= 0 and cosine is in [0, 1]
        return nn.Sequential(*(layers if last_relu else layers[:-1]))

    def user_ids(self, user):
        """The embedding row of each user: its own, or the unknown user's (see ``known_users``)."""
        if self.known is None:
            return user
        keep = paddle.gather(self.known, user)
        if self.training and self.id_dropout:
            keep = keep & (paddle.rand(user.shape) >= self.id_dropout)
        return paddle.where(keep, user, paddle.full_like(user, self.unknown))

    def user_vector(self, user, gender, age, occupation):
        parts = [
            F.relu(fc(emb(x)))
            for emb, fc, x in (
                (self.usr_emb, self.usr_fc, self.user_ids(user)),
                (self.usr_gender_emb, self.usr_gender_fc, gender),
                (self.usr_age_emb, self.usr_age_fc, age),
                (self.usr_job_emb, self.usr_job_fc, occupation),
            )
        ]
        features = paddle.tanh(self.usr_combined(paddle.concat(parts, axis=-1)))  # [B, 200]
        return self.usr_layers(features)

    def movie_vector(self, movie, genres, title):
        words = self.mov_title_emb(title).unsqueeze(1)  # [B, 1, T >= 5, 32]
        words = F.relu(self.mov_title_conv2(F.relu(self.mov_title_conv(words))))
        parts = [
            F.relu(self.mov_fc(self.mov_emb(movie))),
            self.mov_cat_fc(self.mov_cat_emb(genres)),  # no ReLU: the course's
            F.relu(words.sum(axis=2).squeeze(1)),
        ]  # [B, 32]
        features = paddle.tanh(self.mov_concat_embed(paddle.concat(parts, axis=-1)))
        return self.mov_layers(features)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        u = self.user_vector(user, gender, age, occupation)  # [B, 32]
        m = self.movie_vector(movie, genres, title)  # [B, 32]
        if self.score == "cosine":
            return 5 * F.cosine_similarity(u, m, axis=-1)
        return (
            self.mean
            + (u * m).sum(-1)
            + (self.user_bias(user) + self.movie_bias(movie)).squeeze(-1)
        )

    def rating_matrix(self, users, movies):
        u, m = self.user_vector(*users), self.movie_vector(*movies)  # [U, 32], [M, 32]
        if self.score == "cosine":
            # F.cosine_similarity's formula, w12 / sqrt(max(w1 * w2, eps^2)), for every pair
            norms = u.square().sum(-1, keepdim=True) * m.square().sum(-1, keepdim=True).T
            return 5 * (u @ m.T) / norms.clip(min=COSINE_EPS**2).sqrt()
        return self.mean + u @ m.T + self.user_bias(users[0]) + self.movie_bias(movies[0]).T
