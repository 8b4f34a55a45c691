"""Recommend with a trained two-tower model: every vector computed once, then top-N and neighbours.

    python -m chapters.ch07_recommendation.recommend                     # user 1, movie 1
    python -m chapters.ch07_recommendation.recommend --user 42 --movie 50 --top 10
    python -m chapters.ch07_recommendation.recommend \
        --run outputs/ch07_recommendation/two_tower/warm/dot
    python -m chapters.ch07_recommendation.recommend --quick

The course's last step. The model's towers run once over every user and every movie; the vectors
are saved as ``vectors/users.npy`` [users, 32] and ``vectors/movies.npy`` [movies, 32] with
``vectors/index.json`` (the MovieLens ids and titles of the rows, and how a pair is scored), not
as pickles or CSVs of a dict. Recommending then needs no model: a user's score for every movie is
the same rule the model applies (5 x cosine for the course's towers; mean + biases + dot product
for ``dot``), the movies they have rated are removed, and the top N are shown with their titles
and predicted ratings beside the user's own best-rated movies. The movies most similar to a movie
are those whose vectors have the highest cosine with its vector. How sensible the lists are is
measured, not only shown: the share of recommended movies that share a genre with one of the
user's five best-rated ones, and of neighbours that share one with the movie, beside the same
share for movies drawn at random.

``--run``: a finished run of ``chapters.ch07_recommendation.train`` with a two-tower model
(default: that script's default output, the course's model on the warm-start split); when it does
not exist yet, it is trained first (about 1 minute on 2 CPU cores for ML-100K).
"""

import io
import json
from pathlib import Path

import numpy as np
import paddle

from paddle_course.engine.checkpoint import load_weights
from paddle_course.errors import ConfigError
from paddle_course.lesson import at_most, count, entry, job, lesson, lesson_parser
from paddle_course.lesson.results import write_json, write_tables
from paddle_course.recommendation.recommenders import TwoTower
from paddle_course.runtime.atomic import write_bytes
from paddle_course.runtime.manifest import written

from . import train

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch07_recommendation/recommend")
SHOWN_RATED = 5


def parser():
    # a query of a kept model (trained once, its vectors computed once): asking for another
    # user replaces only the last answer, so the folder is not guarded
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        guard=False,
        quick=dict(model_dir="{output_dir}/model"),
        # where the model is, without --run: the train job's own output, or (--quick) a folder of
        # this lesson's, so that a smoke test never trains into a real run
        settings=dict(model_dir=train.DEFAULTS["output_dir"]),
    )
    p.add_argument(
        "--run",
        help="a finished train run of a two-tower model (default: "
        f"{train.DEFAULTS['output_dir']}; with --quick, "
        "OUTPUT_DIR/model); trained first if absent",
    )
    p.add_argument("--user", type=count(), default=1, help="MovieLens user id (default 1)")
    p.add_argument("--movie", type=count(), default=1, help="MovieLens movie id (default 1)")
    p.add_argument("--top", type=count(10_000), default=10, help="how many to show (default 10)")
    return p


def trained_model(run, args):
    """``(model, data, config)`` of the finished train run in ``run``; trains it first when the
    directory holds no run."""
    metrics = job.finished_run(
        train.TASK,
        run,
        train=args.run is None,
        seed=args.seed,
        data=args.data,
        quick=args.quick,
    )
    config = metrics["config"]
    if args.data and (
        not config["data"] or Path(args.data).resolve() != Path(config["data"]).resolve()
    ):
        raise ConfigError(
            f"--data: the run in {run} was trained on "
            f"{config['data'] or 'the embedded ML-100K'}; give --run for a model "
            f"trained on {args.data}"
        )
    data = train.load_data(config)
    model = train.build(config["model"], data, config["factors"])
    if not isinstance(model, TwoTower):
        raise ConfigError(
            f"--run: {run} holds a {config['model']} model; recommending needs "
            f"vectors from two towers (course, dot, dot_linear, unknown_user)"
        )
    if data.fingerprint() != config["data_fingerprint"]:
        raise ConfigError(f"{run}: its data ({data.source}) has changed since it was trained")
    load_weights(model, run)
    model.eval()
    return model, data, config


def save_vectors(model, data, directory):
    """Every user's and movie's vector, once: ``users.npy``, ``movies.npy`` and ``index.json``
    (and the biases of a ``dot`` model)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with paddle.no_grad():
        users = model.user_vector(
            *(paddle.to_tensor(x) for x in data.user_inputs(np.arange(data.n_users)))
        ).numpy()
        movies = model.movie_vector(*(paddle.to_tensor(x) for x in data.movie_inputs())).numpy()
    arrays = {"users": users, "movies": movies}
    if model.score == "dot":
        arrays.update(
            user_bias=model.user_bias.weight.numpy()[:, 0],
            movie_bias=model.movie_bias.weight.numpy()[:, 0],
        )
    saved = []
    for name, array in arrays.items():
        npy = io.BytesIO()
        np.save(npy, array)
        saved.append(write_bytes(written(directory / f"{name}.npy"), npy.getvalue()))
    ml = data.movielens
    saved.append(
        write_json(
            directory / "index.json",
            {
                "score": model.score,
                "mean": model.mean,
                "arrays": sorted(arrays),
                "user_ids": ml.users.ids.tolist(),
                "movie_ids": ml.movies.ids.tolist(),
                "titles": list(ml.movies.titles),
            },
        )
    )
    return saved


class Vectors:
    """The saved vectors, and the model's scoring rule over them."""

    def __init__(self, directory):
        directory = Path(directory)
        self.index = json.loads((directory / "index.json").read_text())
        self.arrays = {n: np.load(directory / f"{n}.npy") for n in self.index["arrays"]}
        self.user_row = {u: i for i, u in enumerate(self.index["user_ids"])}
        self.movie_row = {m: i for i, m in enumerate(self.index["movie_ids"])}

    def ratings(self, user_row):
        """The predicted rating of every movie by the user in row ``user_row``: [movies]."""
        u, m = self.arrays["users"][user_row], self.arrays["movies"]
        if self.index["score"] == "cosine":
            return 5 * cosine(m, u)
        return (
            self.index["mean"]
            + m @ u
            + self.arrays["user_bias"][user_row]
            + self.arrays["movie_bias"]
        )

    def similar(self, movie_row):
        """Cosine of every movie's vector with the vector of ``movie_row``: [movies]."""
        m = self.arrays["movies"]
        return cosine(m, m[movie_row])


def cosine(matrix, vector):
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
    return matrix @ vector / np.maximum(norms, 1e-8)


def genre_overlap(genres, rows, reference_rows):
    """Share of ``rows`` whose genres meet those of any of ``reference_rows``."""
    wanted = genres[reference_rows].any(0)
    return float((genres[rows] & wanted).any(1).mean()) if len(rows) else float("nan")


def lookup(ids, value, what):
    if value not in ids:
        raise ConfigError(f"--{what}: no {what} {value} in the data (ids {min(ids)}-{max(ids)})")
    return ids[value]


@lesson
def main(argv=None):
    args = parser().parse_args(argv)
    run = args.run or args.model_dir.format(output_dir=args.output_dir)
    model, data, config = trained_model(run, args)
    out = Path(args.output_dir)
    written = save_vectors(model, data, out / "vectors")
    vectors = Vectors(out / "vectors")
    ml = data.movielens
    titles = [f"{t} ({y})" if y else t for t, y in zip(ml.movies.titles, ml.movies.year)]
    genres = ml.movies.genres.astype(bool)
    user = lookup(vectors.user_row, args.user, "user")
    movie = lookup(vectors.movie_row, args.movie, "movie")
    print(f"model: {config['model']} ({train.MODELS[config['model']]}) from {run}, {data.source}")

    r = ml.ratings
    mine = np.flatnonzero(r.user == user)
    best_rated = mine[np.lexsort((r.movie[mine], -r.rating[mine]))][:SHOWN_RATED]
    predicted = vectors.ratings(user)
    candidates = np.setdiff1d(np.arange(data.n_movies), r.movie[mine])
    at_most("--top", args.top, len(candidates), f"the movies user {args.user} has not rated")
    top = candidates[np.argsort(-predicted[candidates], kind="stable")][: args.top]
    similarity = vectors.similar(movie)
    others = np.delete(np.arange(data.n_movies), movie)
    neighbours = others[np.argsort(-similarity[others], kind="stable")][: args.top]

    print(f"\nuser {args.user} rated {len(mine)} movies; the best-rated:")
    for row in best_rated:
        print(f"  {r.rating[row]:.0f}  {titles[r.movie[row]]}")
    print(
        f"top {args.top} of the {len(candidates):,} movies they have not rated (predicted rating):"
    )
    for m in top:
        print(f"  {predicted[m]:.2f}  {titles[m]}")
    print(f"\nthe {args.top} movies most like {titles[movie]} (cosine of the movie vectors):")
    for m in neighbours:
        print(f"  {similarity[m]:.3f}  {titles[m]}")

    rng = np.random.RandomState(args.seed)
    random_movies = rng.choice(candidates, min(1000, len(candidates)), replace=False)
    sense = {
        "recommended, sharing a genre with the user's best-rated": {
            "share": genre_overlap(genres, top, r.movie[best_rated]),
            "random movies": genre_overlap(genres, random_movies, r.movie[best_rated]),
        },
        f"neighbours, sharing a genre with movie {args.movie}": {
            "share": genre_overlap(genres, neighbours, [movie]),
            "random movies": genre_overlap(
                genres, rng.choice(others, min(1000, len(others)), replace=False), [movie]
            ),
        },
    }
    for name, s in sense.items():
        print(f"{name}: {s['share']:.0%} (movies drawn at random: {s['random movies']:.0%})")
    result = {
        "model": config["model"],
        "run": str(run),
        "user": args.user,
        "movie": args.movie,
        "best_rated": [[titles[r.movie[i]], float(r.rating[i])] for i in best_rated],
        "recommended": [[titles[m], float(predicted[m])] for m in top],
        "similar": [[titles[m], float(similarity[m])] for m in neighbours],
        "genre_overlap": sense,
    }
    written += write_tables(
        out,
        {"how sensible (share sharing a genre)": (sense, ["share", "random movies"])},
        result,
        quick=args.quick,
    )
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return result


if __name__ == "__main__":
    entry(main)
