"""The MovieLens overview lesson on a tiny ml-1m directory."""

import json

from conftest import ML1M, write_files
from readme_contract import check_outputs

from chapters.ch07_recommendation import movielens


def test_overview_counts_and_both_splits(tmp_path):
    root = write_files(tmp_path / "ml-1m", ML1M)
    out = tmp_path / "run"
    facts = movielens.main(["--data", str(root), "--quick", "--output-dir", str(out)])
    assert facts["counts"]["ratings"] == 4 and facts["counts"]["users"] == 3
    assert facts["ratings"] == {"1": 1, "2": 0, "3": 1, "4": 1, "5": 1}
    assert facts["gender"] == {"M": 2, "F": 1} and facts["age"]["56+"] == 1
    assert facts["splits"]["cold start"]["test users seen in training"] == 0
    saved = json.loads((out / "results.json").read_text())
    assert saved["splits"] == facts["splits"]
    check_outputs("chapters.ch07_recommendation.movielens", out)
