"""The course's two-tower recommender against real baselines, on warm and cold start, in one table.

    python -m chapters.ch07_recommendation.two_tower                # ML-100K, every model, both
    python -m chapters.ch07_recommendation.two_tower --data ml-1m   # the course's ml-1m
    python -m chapters.ch07_recommendation.two_tower --models course,mf --splits warm
    python -m chapters.ch07_recommendation.two_tower --resume       # continue a stopped run
    python -m chapters.ch07_recommendation.two_tower --quick        # seconds: a smoke test

Every model is trained by the chapter's job (``chapters.ch07_recommendation.train``, one run
directory per split and model, each resumable), kept at its epoch of lowest validation RMSE and
then scored once on the test ratings: RMSE and MAE over every held-out rating, the course's "ACC"
(the share of predictions within 0.5 of the rating: not a classification accuracy), and HR@10 /
NDCG@10 (each test user's best-rated test movie ranked among all the movies they have not rated).
The course itself evaluates on its first validation batch only, and its validation users are
users never seen in training: the *cold start* rows below, which measure something else than
the warm-start rows (every test user has trained) that the literature's numbers are for.

The models: the global mean (no training), user and movie biases, matrix factorisation, the
course's towers with its cosine x 5, and the changes to it, each measured on its own (see
``chapters.ch07_recommendation.train``). Published ML-100K results for comparison (Surprise's
benchmark, 5-fold cross-validation, RMSE / MAE): baseline 0.944 / 0.748, SVD 0.934 / 0.737,
SVD++ 0.919 / 0.721.
"""

import numpy as np

from paddle_course.data.cache import cache_dir
from paddle_course.engine.checkpoint import Checkpoints
from paddle_course.errors import ConfigError
from paddle_course.lesson import count, entry, job, lesson, lesson_parser
from paddle_course.lesson.results import write_tables
from paddle_course.recommendation.ranking import recommender_report
from paddle_course.recommendation.ratings import SPLIT_NAMES, SPLITS, load_rating_data
from paddle_course.recommendation.recommenders import GlobalMean
from tools.plot import plot_bars

from . import train

MODELS = ("biases", "mf", "course", "dot", "dot_linear", "unknown_user")
DEFAULTS = dict(data=None, seed=0, quick=False, output_dir="outputs/ch07_recommendation/two_tower")
REFERENCES = {
    "baseline (Surprise, 5-fold)": {"rmse": 0.944, "mae": 0.748},
    "SVD (Surprise, 5-fold)": {"rmse": 0.934, "mae": 0.737},
    "SVD++ (Surprise, 5-fold)": {"rmse": 0.919, "mae": 0.721},
}
COLUMNS = (
    "val_rmse",
    "rmse",
    "mae",
    "acc_within_0.5",
    "hr@10",
    "ndcg@10",
    "best_epoch",
    "params",
    "seconds",
)


def parser():
    p = lesson_parser(
        __doc__.split("\n\n")[0],
        DEFAULTS,
        quick=dict(max_users=train.QUICK["max_users"]),
        settings=dict(max_users=0),  # every user (0), or the first ones, as the job's --quick
    )
    p.add_argument(
        "--models",
        default=",".join(MODELS),
        help=f"comma-separated, from {', '.join(MODELS)} (default: all; the global "
        f"mean is always scored)",
    )
    p.add_argument(
        "--splits", default=",".join(SPLITS), help="comma-separated: warm, cold (default: both)"
    )
    p.add_argument(
        "--epochs", type=count(100_000), help="the same for every model (default: train's, 15)"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="continue the runs in --output-dir: finished ones are kept, a stopped "
        "one continues where it stopped",
    )
    return p


def chosen(text, allowed, flag):
    names = [n for n in text.split(",") if n]
    unknown = sorted(set(names) - set(allowed))
    if unknown or not names:
        raise ConfigError(
            f"{flag}: unknown {', '.join(unknown) or '(none given)'}; choose from "
            f"{', '.join(allowed)}"
        )
    return names


def train_model(args, split, model):
    """One run of the chapter's job; ``--resume`` continues it if it has a checkpoint."""
    out = f"{args.output_dir}/{split}/{model}"
    print(f"\n== {split} start: {model} ({train.MODELS[model]}) ==")
    if args.resume and Checkpoints(f"{out}/checkpoints").index() is not None:
        # the run's own config wins (see job_config.parse_args); a larger --epochs trains further
        return job.run(train.TASK, resume=out, epochs=args.epochs)
    return job.run(
        train.TASK,
        model=model,
        split=split,
        seed=args.seed,
        output_dir=out,
        data=args.data,
        epochs=args.epochs,
        quick=args.quick,
        overwrite=args.overwrite,  # else a finished run stops the lesson
    )


@lesson
def main(argv=None):
    args = parser().parse_args(argv)
    models = chosen(args.models, MODELS, "--models")
    splits = chosen(args.splits, SPLITS, "--splits")
    max_users = args.max_users
    tables, results = {}, {}
    for split in splits:
        data = load_rating_data(args.data, cache_dir(), split, args.seed, max_users)
        mean = GlobalMean(data.mean)
        rows = {
            "global mean": dict(
                recommender_report(mean, data, "test"),
                val_rmse=recommender_report(mean, data, "val")["rmse"],
            )
        }
        for model in models:
            m = train_model(args, split, model)
            rows[model] = dict(
                m["recommendation"]["test"],
                best_epoch=m["best"]["epoch"],
                params=m["params"],
                seconds=sum(h["seconds"] for h in m["history"]),
                val_rmse=m["recommendation"]["val"]["rmse"],
            )
        results[split] = rows
        title = f"{SPLIT_NAMES[split]}, test ratings of {data.source}"
        if split == "warm" and data.source.startswith("ML-100K") and not max_users:
            rows = {**rows, **REFERENCES}
        tables[title] = (rows, [c for c in COLUMNS if any(c in r for r in rows.values())])

    for title, (rows, columns) in tables.items():
        print(f"\n{title} (rmse, mae, acc, hr, ndcg: test; val_rmse chooses):")
        print(table(rows, columns))
    chosen_models = {}
    for split, rows in results.items():
        best = min(rows, key=lambda name: rows[name]["val_rmse"])
        chosen_models[split] = best
        print(
            f"{split} start, chosen on validation: {best} (val RMSE "
            f"{rows[best]['val_rmse']:.4f}), test RMSE {rows[best]['rmse']:.4f}"
        )
    course = {s: r["course"]["rmse"] ** 2 for s, r in results.items() if "course" in r}
    for split, mse in course.items():
        print(
            f"the course's claim, rating loss below 1: its test MSE on {split} start is "
            f"{mse:.3f} ({'holds' if mse < 1 else 'does not hold'})"
        )
    written = list(
        write_tables(
            args.output_dir,
            tables,
            {
                "results": results,
                "references": REFERENCES,
                "chosen_on_validation": chosen_models,
                "course_test_mse": course,
            },
            quick=args.quick,
        )
    )
    written.append(
        plot_bars(
            {
                split: {name: (r["rmse"], None) for name, r in rows.items()}
                for split, rows in results.items()
            },
            f"{args.output_dir}/plots/rmse.png",
            "test RMSE in stars (lower is better)",
            "rating models, warm and cold start",
            xlabel="test split (warm: known users; cold: new users)",
        )
    )
    print("wrote:\n" + "\n".join(f"  {p}" for p in written))
    return results


def table(rows, columns):
    width = max(len(n) for n in rows) + 2
    lines = [" " * width + "".join(f"{c:>15}" for c in columns)]
    for name, r in rows.items():
        lines.append(f"{name:<{width}}" + "".join(_cell(r.get(c)) for c in columns))
    return "\n".join(lines)


def _cell(v):
    if v is None:
        return f"{'':>15}"
    if isinstance(v, (int, np.integer)):
        return f"{v:>15,}"
    return f"{v:>15.4f}"


if __name__ == "__main__":
    entry(main)
