"""Chapter 7's training and recommending on a small ml-1m written in the real format."""

import argparse
import json
import os
import signal

import numpy as np
import paddle
import pytest
from claims_check import judge_claims
from conftest import checkpoint_params, checkpoint_state, write_ml1m
from readme_contract import check_outputs

from chapters.ch07_recommendation import recommend, train, two_tower
from paddle_course.errors import ConfigError, FolderError, TrainingInterrupted
from paddle_course.recommendation.ranking import rating_errors, recommender_report
from paddle_course.recommendation.ratings import load_rating_data
from paddle_course.recommendation.recommenders import GlobalMean, TwoTower


@pytest.fixture(scope="module")
def ml1m(tmp_path_factory):
    return write_ml1m(tmp_path_factory.mktemp("data") / "ml-1m")


@pytest.mark.parametrize("split", ["warm", "cold"])
def test_rating_data_parts(ml1m, split):
    data = load_rating_data(ml1m, split=split)
    rows = data.rows
    assert sum(len(r) for r in rows.values()) == 40 * 12
    assert not set(rows["train"]) & set(rows["test"]) and not set(rows["val"]) & set(rows["test"])
    user = data.movielens.ratings.user
    seen = set(user[rows["train"]])
    assert (set(user[rows["test"]]) <= seen) == (split == "warm")
    assert not set(user[rows["test"]]) & seen or split == "warm"
    assert data.mean == pytest.approx(float(data.movielens.ratings.rating[rows["train"]].mean()))
    rated = data.rated([0, 5])
    assert rated.shape == (2, 30) and rated.sum() == 24
    small = load_rating_data(ml1m, split=split, max_users=10)
    assert len(np.unique(user[np.concatenate(list(small.rows.values()))])) == 10
    assert small.n_users == 40  # the tables stay whole


@pytest.mark.parametrize("name", list(train.MODELS))
def test_rating_matrix_equals_forward_on_every_pair(ml1m, name):
    data = load_rating_data(ml1m, split="cold")  # cold: unknown_user meets unseen users
    paddle.seed(0)
    model = train.build(name, data)
    model.eval()
    users = np.array([0, 7, 39])
    pairs = [(u, m) for u in users for m in range(data.n_movies)]
    u, m = np.array(pairs).T
    user_in, movie_in = data.user_inputs(u), data.movie_inputs()
    inputs = [paddle.to_tensor(x) for x in (*user_in, *(a[m] for a in movie_in))]
    matrix = model.rating_matrix(
        [paddle.to_tensor(x) for x in data.user_inputs(users)],
        [paddle.to_tensor(x) for x in movie_in],
    ).numpy()
    np.testing.assert_allclose(matrix.reshape(-1), model(*inputs).numpy(), rtol=1e-5, atol=1e-5)


def test_unknown_users_share_one_row_and_id_dropout_trains_it(ml1m):
    data = load_rating_data(ml1m, split="cold")
    model = train.build("unknown_user", data)
    trained = set(data.train[0].tolist())
    users = paddle.to_tensor(np.arange(data.n_users))
    model.eval()
    ids = model.user_ids(users).numpy()
    assert all((ids[u] == u) == (u in trained) for u in range(data.n_users))
    assert set(ids[[u for u in range(data.n_users) if u not in trained]]) == {data.n_users}
    model.train()
    paddle.seed(0)
    hidden = np.mean(
        [(model.user_ids(users).numpy() == data.n_users)[sorted(trained)].mean() for _ in range(50)]
    )
    assert hidden == pytest.approx(train.ID_DROPOUT, abs=0.03)


def test_report_of_the_global_mean(ml1m):
    data = load_rating_data(ml1m)
    r = recommender_report(GlobalMean(data.mean), data, "test")
    expected = rating_errors(np.full(len(data.test[-1]), data.mean), data.test[-1])
    assert {k: r[k] for k in expected} == pytest.approx(expected)
    # every candidate tied: each target sits at the middle of the user's 18 unrated movies + 1
    assert r["users"] == 40 and r["hr@10"] == 1.0
    assert r["ndcg@10"] == pytest.approx(1 / np.log2(18 / 2 + 2))


def _args(ml1m, out, *extra):
    return [
        "--data",
        str(ml1m),
        "--quick",
        "--max-users",
        "0",
        "--no-visualdl",
        "--output-dir",
        str(out),
        *extra,
    ]


def test_stopped_mid_epoch_then_resumed_is_bit_identical(ml1m, tmp_path, monkeypatch):
    args = ["--model", "unknown_user", "--epochs", "2", "--batch-size", "64"]
    train.main(_args(ml1m, tmp_path / "ref", *args))
    check_outputs("chapters.ch07_recommendation.train", tmp_path / "ref", without={"vdl/"})
    per_epoch = -(-len(load_rating_data(ml1m).train[0]) // 64)
    forward, calls = TwoTower.forward, []

    def stop_at_the_third_training_batch_of_epoch_two(self, *inputs):
        if self.training:
            calls.append(1)
            if len(calls) == per_epoch + 3:
                os.kill(os.getpid(), signal.SIGTERM)
        return forward(self, *inputs)

    monkeypatch.setattr(TwoTower, "forward", stop_at_the_third_training_batch_of_epoch_two)
    run = tmp_path / "run"
    with pytest.raises(TrainingInterrupted):
        train.main(_args(ml1m, run, *args))
    monkeypatch.setattr(TwoTower, "forward", forward)
    progress = checkpoint_state(run)["train_state"]
    assert progress["epoch"] == 1 and progress["step_in_epoch"] == 3
    train.main(["--resume", str(run)])
    a = checkpoint_params(tmp_path / "ref")
    b = checkpoint_params(run)
    assert "usr_emb.weight" in a and all(
        np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a
    )
    ma, mb = (json.loads((d / "metrics.json").read_text()) for d in (tmp_path / "ref", run))
    assert ma["recommendation"] == mb["recommendation"]


def test_two_tower_lesson_table_and_resume(ml1m, tmp_path):
    out = tmp_path / "lesson"
    args = ["--data", str(ml1m), "--quick", "--models", "biases,course", "--output-dir", str(out)]
    results = two_tower.main(args)
    assert list(results) == ["warm", "cold"]
    for rows in results.values():
        assert list(rows) == ["global mean", "biases", "course"]
        assert all(0 < r["rmse"] < 4 and 0 <= r["hr@10"] <= 1 for r in rows.values())
    saved = json.loads((out / "results.json").read_text())
    assert saved["results"]["warm"]["course"]["rmse"] == results["warm"]["course"]["rmse"]
    assert saved["chosen_on_validation"]["warm"] in results["warm"]
    check_outputs("chapters.ch07_recommendation.two_tower", out)
    assert checkpoint_params(out / "cold/course", "best")
    rec = tmp_path / "recommend"  # claim 37 reads both lessons
    recommend.main(["--data", str(ml1m), "--quick", "--output-dir", str(rec)])
    rows = judge_claims(
        {
            "chapters.ch07_recommendation.two_tower": out,
            "chapters.ch07_recommendation.recommend": rec,
        }
    )
    assert 37 in [row["number"] for row in rows]
    again = two_tower.main([*args, "--resume"])  # finished runs are kept, not retrained
    assert again["warm"]["course"]["rmse"] == results["warm"]["course"]["rmse"]
    first = json.loads((out / "warm/course/metrics.json").read_text())["history"]
    two_tower.main([*args, "--resume", "--epochs", "2", "--models", "course", "--splits", "warm"])
    history = json.loads((out / "warm/course/metrics.json").read_text())["history"]
    assert len(first) == 1 and len(history) == 2  # a larger --epochs trains further...
    assert history[0] == first[0]  # ...continuing the run, not restarting it
    with pytest.raises(FolderError, match="--overwrite"):  # finished: kept
        two_tower.main(args)
    with pytest.raises(ConfigError, match="--models: unknown svd"):
        two_tower.main([*args, "--models", "svd", "--overwrite"])
    assert (out / "results.json").is_file()  # a bad flag deletes nothing


def test_recommend_saves_vectors_once_and_lists_unseen_movies(ml1m, tmp_path):
    out = tmp_path / "rec"
    result = recommend.main(
        [
            "--data",
            str(ml1m),
            "--quick",
            "--user",
            "2",
            "--movie",
            "3",
            "--top",
            "5",
            "--output-dir",
            str(out),
        ]
    )
    check_outputs("chapters.ch07_recommendation.recommend", out)
    index = json.loads((out / "vectors/index.json").read_text())
    users, movies = np.load(out / "vectors/users.npy"), np.load(out / "vectors/movies.npy")
    assert users.shape == (40, 32) and movies.shape == (30, 32) and index["score"] == "cosine"
    assert index["user_ids"][1] == 2 and index["movie_ids"][2] == 3
    data = load_rating_data(ml1m)
    r = data.movielens.ratings
    rated = {data.movielens.movies.titles[m] for m in r.movie[r.user == 1]}
    assert len(result["recommended"]) == 5
    assert not {t.rsplit(" (", 1)[0] for t, _ in result["recommended"]} & rated
    scores = [s for _, s in result["recommended"]]
    assert scores == sorted(scores, reverse=True)
    # the saved vectors give the model's own ratings
    model, data, _ = recommend.trained_model(
        out / "model", argparse.Namespace(run=None, seed=0, data=None, quick=True)
    )
    with paddle.no_grad():
        expected = model.rating_matrix(
            [paddle.to_tensor(x) for x in data.user_inputs([1])],
            [paddle.to_tensor(x) for x in data.movie_inputs()],
        )
    np.testing.assert_allclose(
        recommend.Vectors(out / "vectors").ratings(1), expected.numpy()[0], rtol=1e-5, atol=1e-5
    )
    with pytest.raises(ConfigError, match="--user: no user 999"):
        recommend.main(["--data", str(ml1m), "--quick", "--user", "999", "--output-dir", str(out)])
