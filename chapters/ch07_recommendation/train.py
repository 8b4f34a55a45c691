"""Train one rating model on MovieLens through the job: resumable, data-parallel, measured.

    python -m chapters.ch07_recommendation.train                      # the course's two towers
    python -m chapters.ch07_recommendation.train --model mf --split cold
    python -m chapters.ch07_recommendation.train --data ml-1m         # the course's ml-1m
    python -m chapters.ch07_recommendation.train --resume             # continue a stopped run

The models (``MODELS``, from ``paddle_course.recommendation.recommenders``): ``biases``, ``mf``
(matrix factorisation), ``course`` (the course's two towers, 5 x cosine, Adam 1e-3, batch 256), then
one change to it at a time: ``dot`` scores by a dot product plus the mean and a user and a movie
bias (as the recommender literature scores: a cosine is bounded and cannot say that a user rates
everything low); ``dot_linear`` drops the ReLU that ends each tower; ``unknown_user`` gives users
without training ratings a shared "unknown user" row, trained by hiding 10 % of the ids, instead of
their own never-trained random one (cold start). Training minimises the squared error; the epoch
with the lowest validation RMSE is kept. At the end the kept model is scored on the validation and
test ratings: RMSE, MAE, the course's "ACC" (|error| <= 0.5) and HR@10 / NDCG@10 of each held-out
user's best-rated held-out movie among all the movies they have not rated. ``--split cold``
evaluates on users never seen in training.

The two_tower lesson runs this for every model and split and puts the results in one table.
"""

import numpy as np
import paddle
import paddle.nn.functional as F

from paddle_course.data.cache import cache_dir
from paddle_course.errors import ConfigError
from paddle_course.lesson import count, job
from paddle_course.lesson.job import cli
from paddle_course.lesson.task import Task, default_optimizer
from paddle_course.recommendation.ranking import recommender_report
from paddle_course.recommendation.ratings import SPLITS, load_rating_data
from paddle_course.recommendation.recommenders import Biases, MatrixFactorization, TwoTower

# model -> what it is; ``build`` below makes it
MODELS = {
    "biases": "mean + user bias + movie bias",
    "mf": "matrix factorisation: biases + <user factors, movie factors>",
    "course": "the course's two towers, 5 x cosine",
    "dot": "the course's towers, dot product + mean + user and movie biases",
    "dot_linear": "dot, without the ReLU that ends each tower (vectors may be negative)",
    "unknown_user": "dot_linear, with an 'unknown user' id row (10 % id dropout) for unseen users",
}
LR = {"biases": 1e-2, "mf": 3e-3}  # the others: the course's Adam 1e-3 (--lr sets any)
# Matrix factorisation overfits within 3 epochs without the L2 penalty SVD has (measured: val
# RMSE 0.950 at epoch 3, then up to 1.03); AdamW's decoupled decay of 0.5 per unit of learning
# rate is that penalty here (0.930 at epoch 15; 0.2 overfits, 1.0 underfits).
MF_WEIGHT_DECAY = 0.5
ID_DROPOUT = 0.1
DEFAULTS = dict(
    data=None,
    model="course",
    split="warm",
    max_users=0,
    factors=32,
    epochs=15,
    batch_size=256,
    lr=None,
    optimizer="adam",
    seed=0,
    patience=None,
    output_dir="outputs/ch07_recommendation/train",
    device="auto",
    num_workers=0,
    nprocs=1,
    quick=False,
    no_visualdl=False,
)
QUICK = dict(max_users=60, epochs=1)


def add_arguments(p):
    p.add_argument(
        "--model",
        choices=tuple(MODELS),
        help="; ".join(f"{k}: {v}" for k, v in MODELS.items()).replace("%", "%%")
        + " (default course)",
    )
    p.add_argument(
        "--split",
        choices=tuple(SPLITS),
        help="warm: 10 %% of each user's ratings held out; cold: 10 %% of the users (default warm)",
    )
    p.add_argument(
        "--max-users",
        type=count(low=0),
        metavar="N",
        help="only the ratings of a seeded N users; 0: all (default 0)",
    )
    p.add_argument(
        "--factors", type=count(4096), help="mf's factors per user and movie (default 32)"
    )
    p.add_argument(
        "--patience",
        type=count(10_000),
        help="stop after this many epochs without a better validation RMSE",
    )


def load_data(config):
    if config["max_users"] < 0:
        raise ConfigError(f"--max-users: must be 0 (all) or more, not {config['max_users']}")
    return load_rating_data(
        config["data"], cache_dir(), config["split"], config["seed"], config["max_users"]
    )


def build(name, data, factors=32):
    """The rating model ``name`` (a key of ``MODELS``) sized for ``data`` (a ``RatingData``)."""
    if name == "biases":
        return Biases(data.n_users, data.n_movies, data.mean)
    if name == "mf":
        return MatrixFactorization(data.n_users, data.n_movies, data.mean, factors)
    towers = dict(
        n_users=data.n_users,
        n_movies=data.n_movies,
        n_occupations=len(data.movielens.occupations),
        n_words=len(data.words),
        n_genres=data.movielens.movies.genres.shape[1],
        mean=data.mean,
    )
    if name == "course":
        return TwoTower(**towers)
    if name == "dot":
        return TwoTower(**towers, score="dot")
    if name == "dot_linear":
        return TwoTower(**towers, score="dot", last_relu=False)
    if name == "unknown_user":
        trained = np.zeros(data.n_users, dtype=bool)
        trained[data.train[0]] = True
        return TwoTower(
            **towers, score="dot", last_relu=False, known_users=trained, id_dropout=ID_DROPOUT
        )
    raise ValueError(f"model is one of {', '.join(MODELS)}, not {name!r}")


def learning_rate(config):
    return config["lr"] or LR.get(config["model"], 1e-3)


def build_optimizer(config, model, steps_per_epoch):
    if config["model"] == "mf" and config["optimizer"] == "adam":
        return paddle.optimizer.AdamW(
            learning_rate(config), parameters=model.parameters(), weight_decay=MF_WEIGHT_DECAY
        ), None
    return default_optimizer(dict(config, lr=learning_rate(config)), model, steps_per_epoch)


def finish(ctx):
    """The kept model's ratings errors and ranking quality on the validation and test splits."""
    if not ctx.place.is_main:
        return {}
    report = {part: recommender_report(ctx.model, ctx.data, part) for part in ("val", "test")}
    for part, r in report.items():
        print(
            f"{part}: RMSE {r['rmse']:.4f}  MAE {r['mae']:.4f}  ACC (|error| <= 0.5) "
            f"{r['acc_within_0.5']:.1%} over {r['ratings']:,} ratings  |  HR@10 "
            f"{r['hr@10']:.3f}  NDCG@10 {r['ndcg@10']:.3f} over {r['users']:,} users"
        )
    return {"recommendation": report, "params": sum(int(p.size) for p in ctx.model.parameters())}


TASK = Task(
    module="chapters.ch07_recommendation.train",
    description=__doc__.split("\n\n")[0],
    defaults=DEFAULTS,
    quick=QUICK,
    add_arguments=add_arguments,
    load_data=load_data,
    build_model=lambda config, data: build(config["model"], data, config["factors"]),
    loss_fn=F.mse_loss,
    metrics=("rmse", "mae"),
    monitor=("val_rmse", "min"),
    build_optimizer=build_optimizer,
    describe=lambda c, model: (
        f"{c['model']}: {MODELS[c['model']]}  |  "
        + (
            "adamw (decay 0.5)"
            if c["model"] == "mf" and c["optimizer"] == "adam"
            else c["optimizer"]
        )
        + f" lr {learning_rate(c)}"
    ),
    finish=finish,
    eval_batch=4096,
)


def main(argv=None):
    return job.main(TASK, argv)


if __name__ == "__main__":
    cli(TASK)
