"""Rating predictors for MovieLens, from the simplest baseline to the course's two towers.

Every model takes the same inputs, one row per (user, movie) pair, so that one data pipeline
serves them all (a model uses what it needs):

    user [B] int64    row of the user            movie  [B] int64    row of the movie
    gender, age, occupation [B] int64 codes      genres [B, G] float32 0/1 flags
                                                 title  [B, T] int64 word ids, 0 = padding

and returns the predicted rating ``[B]`` float32, trained with the mean squared error.
"""

import paddle
import paddle.nn.functional as F
from paddle import nn


class Biases(nn.Layer):
    """``mean + b_user + b_movie``: how much a user rates above the mean, and a movie is rated
    above it (the "baseline" of the recommender literature)."""

    def __init__(self, n_users, n_movies, mean):
        super().__init__()
        zeros = paddle.ParamAttr(initializer=nn.initializer.Constant(0.0))
        self.user_bias = nn.Embedding(n_users, 1, weight_attr=zeros)
        self.movie_bias = nn.Embedding(n_movies, 1, weight_attr=zeros)
        self.mean = float(mean)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        return self.mean + (self.user_bias(user) + self.movie_bias(movie)).squeeze(-1)


class MatrixFactorization(Biases):
    """``mean + b_user + b_movie + <p_user, q_movie>``: Funk's SVD, what the course's model was
    found to be worse than."""

    def __init__(self, n_users, n_movies, mean, factors=32, init_scale=0.1):
        super().__init__(n_users, n_movies, mean)
        normal = paddle.ParamAttr(initializer=nn.initializer.Normal(0.0, init_scale))
        self.user_factors = nn.Embedding(n_users, factors, weight_attr=normal)
        self.movie_factors = nn.Embedding(n_movies, factors, weight_attr=normal)

    def forward(self, user, gender, age, occupation, movie, genres, title):
        dot = (self.user_factors(user) * self.movie_factors(movie)).sum(-1)    # [B]
        return super().forward(user, gender, age, occupation, movie, genres, title) + dot


class TwoTower(nn.Layer):
    """The course's model. User tower: id (32), gender, age and occupation (16 each) embeddings,
    each through its own FC + ReLU, concatenated, FC 200 + tanh. Movie tower: id (32), the sum of
    its genres' embeddings (32) and its title words (32) through two small convolutions over the
    words, each through FC + ReLU, concatenated, FC 200 + tanh. Each tower then ``fc_sizes``
    ([128, 64, 32]) with ReLU. The score is ``5 x cosine(user, movie)`` (``score="cosine"``, the
    course's: bounded to [-5, 5] and blind to how far a user rates from the mean), or the dot
    product plus a user and a movie bias plus the mean (``score="dot"``).

    The course sums the embeddings of a movie's genre *ids* padded with id 0, so the padding's
    embedding joins every sum; here the genres are 0/1 flags and only real genres are summed.
    """

    def __init__(self, n_users, n_movies, n_occupations, n_words, n_genres, mean=0.0,
                 fc_sizes=(128, 64, 32), score="cosine", n_ages=7):
        super().__init__()
        if score not in ("cosine", "dot"):
            raise ValueError(f"score is 'cosine' or 'dot', not {score!r}")
        self.score, self.mean = score, float(mean)
        self.usr_emb, self.usr_fc = nn.Embedding(n_users, 32), nn.Linear(32, 32)
        self.usr_gender_emb, self.usr_gender_fc = nn.Embedding(2, 16), nn.Linear(16, 16)
        self.usr_age_emb, self.usr_age_fc = nn.Embedding(n_ages, 16), nn.Linear(16, 16)
        self.usr_job_emb, self.usr_job_fc = nn.Embedding(n_occupations, 16), nn.Linear(16, 16)
        self.usr_combined = nn.Linear(32 + 16 * 3, 200)
        self.mov_emb, self.mov_fc = nn.Embedding(n_movies, 32), nn.Linear(32, 32)
        self.mov_cat_emb = nn.Linear(n_genres, 32, bias_attr=False)   # flags @ W = sum of rows
        self.mov_cat_fc = nn.Linear(32, 32)
        self.mov_title_emb = nn.Embedding(n_words, 32, padding_idx=0)
        self.mov_title_conv = nn.Conv2D(1, 1, kernel_size=(3, 1), stride=(2, 1))
        self.mov_title_conv2 = nn.Conv2D(1, 1, kernel_size=(3, 1))
        self.mov_concat_embed = nn.Linear(32 * 3, 200)
        self.usr_layers = self._tower(fc_sizes)
        self.mov_layers = self._tower(fc_sizes)
        if score == "dot":
            zeros = paddle.ParamAttr(initializer=nn.initializer.Constant(0.0))
            self.user_bias = nn.Embedding(n_users, 1, weight_attr=zeros)
            self.movie_bias = nn.Embedding(n_movies, 1, weight_attr=zeros)

    @staticmethod
    def _tower(fc_sizes):
        layers, width = [], 200
        for size in fc_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        return nn.Sequential(*layers)

    def user_vector(self, user, gender, age, occupation):
        parts = [F.relu(fc(emb(x))) for emb, fc, x in (
            (self.usr_emb, self.usr_fc, user), (self.usr_gender_emb, self.usr_gender_fc, gender),
            (self.usr_age_emb, self.usr_age_fc, age), (self.usr_job_emb, self.usr_job_fc,
                                                       occupation))]
        return self.usr_layers(paddle.tanh(self.usr_combined(paddle.concat(parts, axis=-1))))

    def movie_vector(self, movie, genres, title):
        words = self.mov_title_emb(title).unsqueeze(1)                 # [B, 1, T >= 5, 32]
        words = F.relu(self.mov_title_conv2(F.relu(self.mov_title_conv(words))))
        parts = [F.relu(self.mov_fc(self.mov_emb(movie))),
                 F.relu(self.mov_cat_fc(self.mov_cat_emb(genres))),
                 F.relu(words.sum(axis=2).squeeze(1))]                 # [B, 32]
        return self.mov_layers(paddle.tanh(self.mov_concat_embed(paddle.concat(parts, axis=-1))))

    def forward(self, user, gender, age, occupation, movie, genres, title):
        u = self.user_vector(user, gender, age, occupation)            # [B, 32]
        m = self.movie_vector(movie, genres, title)                    # [B, 32]
        if self.score == "cosine":
            return 5 * F.cosine_similarity(u, m, axis=-1)
        return (self.mean + (u * m).sum(-1)
                + (self.user_bias(user) + self.movie_bias(movie)).squeeze(-1))
