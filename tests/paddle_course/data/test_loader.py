import numpy as np
import pytest

from paddle_course.data import ArrayDataset, EpochBatchSampler, stratified_split


def _ds(n):
    return ArrayDataset(np.zeros((n, 1)), np.arange(n))


def test_each_epoch_is_a_seeded_permutation_of_all_samples():
    s = EpochBatchSampler(_ds(100), 16, shuffle=True, seed=7)
    orders = []
    for epoch in range(3):
        s.set_epoch(epoch)
        flat = [i for batch in s for i in batch]
        assert sorted(flat) == list(range(100)) and len(list(s)) == len(s) == 7
        orders.append(flat)
    assert orders[0] != orders[1]
    again = EpochBatchSampler(_ds(100), 16, shuffle=True, seed=7)
    again.set_epoch(1)
    assert [i for b in again for i in b] == orders[1]
    other = EpochBatchSampler(_ds(100), 16, shuffle=True, seed=8)
    other.set_epoch(1)
    assert [i for b in other for i in b] != orders[1]


def test_start_batch_resumes_the_same_order():
    s = EpochBatchSampler(_ds(50), 8, shuffle=True, seed=0)
    s.set_epoch(2)
    full = list(s)
    s.set_epoch(2, start_batch=4)
    assert list(s) == full[4:]


def test_two_ranks_with_batch_b_see_the_batches_of_one_rank_with_2b():
    one = EpochBatchSampler(_ds(100), 20, shuffle=True, seed=3)
    ranks = [
        EpochBatchSampler(_ds(100), 10, shuffle=True, seed=3, num_replicas=2, rank=r)
        for r in range(2)
    ]
    for s in (one, *ranks):
        s.set_epoch(5)
    for global_batch, a, b in zip(one, *ranks):
        assert sorted(global_batch) == sorted(a + b) and len(a) == len(b)
    assert len(one) == len(ranks[0]) == 5


def test_stratified_split_is_disjoint_balanced_and_seeded():
    labels = np.repeat(np.arange(10), 30)  # 300 samples, 30 per class
    a, b, c = stratified_split(labels, [200, 50, 50], seed=0)
    assert len(set(a) | set(b) | set(c)) == 300
    assert np.bincount(labels[b]).tolist() == [5] * 10
    assert all(
        np.array_equal(x, y) for x, y in zip((a, b, c), stratified_split(labels, [200, 50, 50], 0))
    )
    assert not np.array_equal(b, stratified_split(labels, [200, 50, 50], 1)[1])
    with pytest.raises(ValueError):
        stratified_split(labels, [300, 1], 0)
