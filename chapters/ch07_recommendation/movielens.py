"""MovieLens, looked at before any model: who rates, what, how often, and the two ways to split it.

    python -m chapters.ch07_recommendation.movielens               # ML-100K (recbole's copy)
    python -m chapters.ch07_recommendation.movielens --data ml-1m  # the course's ml-1m
    python -m chapters.ch07_recommendation.movielens --quick

Counts and density, the rating distribution (what the global mean predicts), ratings per user and
per movie (a long tail: most movies have few ratings), the users' demographic codes as the course
feeds them to its user tower (gender, ml-1m's age buckets, occupation), the genres, and the two
splits the next lessons use: *warm start* (a seeded 10 % of every user's ratings for validation
and 10 % for test: every test user has trained) and *cold start* (10 % of the users for validation
and 10 % for test, with all their ratings: what the course's split of ml-1m does, unnamed).

Without ``--data``: the full ML-100K (100,000 ratings, 943 users, 1,682 movies) from recbole's
wheel, fetched once as a data pack (recbole itself is never installed).
"""

import numpy as np

from paddle_course.data.cache import cache_dir
from paddle_course.data.splits import per_user_split, user_split
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.results import write_tables
from paddle_course.recommendation.movielens import AGE_BUCKETS, GENRES, load_movielens
from tools.plot import plot_distributions

DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch07_recommendation/movielens")
AGE_NAMES = ("<18", "18-24", "25-34", "35-44", "45-49", "50-55", "56+")


def summary(data):
    r, users, movies = data.ratings, data.users, data.movies
    n_users, n_movies, n = len(users.ids), len(movies.ids), len(r.rating)
    per_user = np.bincount(r.user, minlength=n_users)
    per_movie = np.bincount(r.movie, minlength=n_movies)
    stars = np.bincount(r.rating.astype(int), minlength=6)[1:]
    return {
        "counts": {
            "users": n_users,
            "movies": n_movies,
            "ratings": n,
            "density": n / (n_users * n_movies),
            "mean rating": float(r.rating.mean()),
            "rating std": float(r.rating.std()),
        },
        "ratings": {str(s): int(c) for s, c in zip(range(1, 6), stars)},
        "per_user": _spread(per_user),
        "per_movie": _spread(per_movie),
        "gender": {"M": int((users.gender == 0).sum()), "F": int((users.gender == 1).sum())},
        "age": {AGE_NAMES[i]: int(c) for i, c in enumerate(np.bincount(users.age, minlength=7))},
        "occupation": {
            data.occupations[i]: int(c)
            for i, c in enumerate(np.bincount(users.occupation, minlength=len(data.occupations)))
        },
        "genres": {g: int(c) for g, c in zip(GENRES, movies.genres.sum(0))},
        "years": [int(movies.year[movies.year > 0].min()), int(movies.year.max())],
    }


def _spread(counts):
    return {
        "min": int(counts.min()),
        "median": float(np.median(counts)),
        "mean": float(counts.mean()),
        "max": int(counts.max()),
    }


def splits(data, seed):
    user = data.ratings.user
    out = {}
    for name, split in (("warm start", per_user_split), ("cold start", user_split)):
        parts = dict(zip(("train", "val", "test"), split(user, seed=seed)))
        out[name] = {f"{k} ratings": len(v) for k, v in parts.items()}
        out[name].update({f"{k} users": len(np.unique(user[v])) for k, v in parts.items()})
        out[name]["test users seen in training"] = len(
            np.intersect1d(user[parts["test"]], user[parts["train"]])
        )
    return out


def figures(data, path):
    r = data.ratings
    per_user = np.bincount(r.user)
    per_movie = np.bincount(r.movie, minlength=len(data.movies.ids))
    edges = lambda counts: np.unique(np.geomspace(1, counts.max() + 1, 16).astype(int))
    hist = lambda counts: np.histogram(counts, bins=edges(counts))[0]
    return plot_distributions(
        {
            "ratings (stars)": (
                list(range(1, 6)),
                np.bincount(r.rating.astype(int))[1:],
                "stars",
                False,
            ),
            "ratings per user": (edges(per_user)[:-1], hist(per_user), "ratings (from)", True),
            "ratings per movie": (edges(per_movie)[:-1], hist(per_movie), "ratings (from)", True),
            "users by age bucket": (
                AGE_NAMES,
                np.bincount(data.users.age, minlength=7),
                "age",
                False,
            ),
            "users by occupation": (
                data.occupations,
                np.bincount(data.users.occupation, minlength=len(data.occupations)),
                "occupation",
                False,
            ),
            "movies by genre": (GENRES, data.movies.genres.sum(0), "genre", False),
        },
        path,
        title=data.source,
    )


@lesson
def main(argv=None):
    args = lesson_parser(__doc__.split("\n\n")[0], DEFAULTS).parse_args(argv)
    data = load_movielens(args.data, cache_dir())
    print(f"data {data.describe()}")
    facts = summary(data)
    split_sizes = splits(data, args.seed)
    c = facts["counts"]
    print(
        f"density {c['density']:.2%} of all user-movie pairs rated; mean rating "
        f"{c['mean rating']:.3f} (std {c['rating std']:.3f}: the RMSE of always predicting it)"
    )
    print(
        "ratings   "
        + "  ".join(f"{s}: {n / c['ratings']:.1%}" for s, n in facts["ratings"].items())
    )
    for name in ("per_user", "per_movie"):
        s = facts[name]
        print(
            f"{name.replace('_', ' '):<10}min {s['min']}, median {s['median']:.0f}, mean "
            f"{s['mean']:.1f}, max {s['max']}"
        )
    print(
        f"users     {facts['gender']['M']} M, {facts['gender']['F']} F; ages "
        + ", ".join(f"{k} {v}" for k, v in facts["age"].items())
        + f" (ml-1m's buckets {AGE_BUCKETS})"
    )
    for name, sizes in split_sizes.items():
        print(f"{name + ':':<12}" + ", ".join(f"{k} {v:,}" for k, v in sizes.items()))
    path = figures(data, f"{args.output_dir}/plots/movielens.png")
    tables = {
        "counts": ({"": facts["counts"]}, list(facts["counts"])),
        "splits": (split_sizes, list(next(iter(split_sizes.values())))),
    }
    written = [
        *write_tables(
            args.output_dir,
            tables,
            dict(facts, splits=split_sizes, source=data.source),
            quick=args.quick,
        ),
        path,
    ]
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return dict(facts, splits=split_sizes)


if __name__ == "__main__":
    entry(main)
