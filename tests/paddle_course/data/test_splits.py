import numpy as np
import pytest

from paddle_course.data import bootstrap, kfold


@pytest.mark.parametrize("n, k", [(10, 3), (103, 5), (7, 7)])
def test_kfold_covers_every_sample_once_with_balanced_folds(n, k):
    folds = kfold(n, k, seed=1)
    vals = np.concatenate([v for _, v in folds])
    assert sorted(vals.tolist()) == list(range(n))  # each index once
    sizes = [len(v) for _, v in folds]
    assert max(sizes) - min(sizes) <= 1 and len(folds) == k
    for train, val in folds:
        assert not set(train) & set(val) and len(train) + len(val) == n
    assert [v.tolist() for _, v in kfold(n, k, 1)] == [v.tolist() for _, v in folds]
    with pytest.raises(ValueError):
        kfold(n, 1, 0)


def test_bootstrap_oob_excludes_every_drawn_sample():
    drawn, oob = bootstrap(10_000, seed=3)
    assert len(drawn) == 10_000 and not set(drawn) & set(oob)
    assert set(drawn) | set(oob) == set(range(10_000))
    assert abs(len(oob) / 10_000 - np.exp(-1)) < 0.02  # (1 - 1/n)^n -> 1/e
