"""Deterministic splits of a labelled dataset.

Every split is a function of the labels and a seed only, so the same seed gives the same split on
any machine and in every process of a distributed run.
"""

import numpy as np


def stratified_split(labels, sizes, seed):
    """Split indices ``0..len(labels)-1`` into disjoint parts of the given sizes, per class.

    Each part gets (as nearly as possible) the same class proportions as the whole, so a 500-digit
    validation split holds about 50 of each digit instead of whatever a plain shuffle gives.
    ``sizes`` may sum to less than ``len(labels)``: the rest is left out.
    Returns a list of sorted int64 index arrays, one per size.
    """
    labels = np.asarray(labels)
    n = len(labels)
    sizes = [int(s) for s in sizes]
    if any(s < 0 for s in sizes) or sum(sizes) > n:
        raise ValueError(f"cannot split {n} samples into parts of sizes {sizes}")
    rng = np.random.RandomState(seed)
    # Shuffle within each class, then deal the classes out round-robin: taking a prefix of the
    # dealt order gives every class its proportional share.
    classes = np.unique(labels)
    per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
    # rank of each sample within its class, scaled to [0, 1): interleaves classes proportionally
    keys = np.empty(n)
    for idx in per_class:
        keys[idx] = (np.arange(len(idx)) + rng.uniform(size=len(idx))) / len(idx)
    order = np.argsort(keys, kind="stable")
    parts, start = [], 0
    for s in sizes:
        parts.append(np.sort(order[start : start + s]).astype(np.int64))
        start += s
    return parts


def kfold(n, k, seed):
    """``k`` (train, validation) index pairs over ``range(n)``: a permutation by ``seed`` cut into
    k folds whose sizes differ by at most one (the n % k remainder goes one each to the first
    folds); every index is in exactly one validation fold."""
    if not 2 <= k <= n:
        raise ValueError(f"k-fold needs 2 <= k <= n, got k={k}, n={n}")
    perm = np.random.RandomState(seed).permutation(n)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
    folds = np.split(perm, np.cumsum(sizes)[:-1])
    return [
        (np.sort(np.concatenate(folds[:i] + folds[i + 1 :])), np.sort(fold))
        for i, fold in enumerate(folds)
    ]


def bootstrap(n, seed):
    """One bootstrap resample of ``range(n)``: ``n`` indices drawn with replacement (the training
    set, with repeats) and the out-of-bag indices never drawn (about 1/e = 36.8 % of them), on
    which the model trained on the draw is evaluated."""
    drawn = np.random.RandomState(seed).randint(0, n, n)
    return drawn, np.setdiff1d(np.arange(n), drawn)


def per_user_split(user, shares=(0.1, 0.1), seed=0):
    """Warm start: ``(train, val, test)`` row indices where, for every user, a seeded
    ``round(shares[1] * n)`` of their ``n`` ratings are test and ``round(shares[0] * n)`` are
    validation; the rest (at least one rating per user) is training, so every user of the
    validation and test sets has been seen in training."""
    user = np.asarray(user)
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(user))
    order = order[np.argsort(user[order], kind="stable")]  # by user, random within a user
    counts = np.bincount(user, minlength=user.max() + 1)
    starts = np.cumsum(counts) - counts
    rank = np.empty(len(user), dtype=np.int64)
    rank[order] = np.arange(len(user)) - starts[user[order]]  # 0.. n_u - 1 within each user
    n = counts[user]
    n_val, n_test = (np.minimum(np.round(s * n), np.maximum(n - 1, 0) // 2) for s in shares)
    test = rank < n_test
    val = ~test & (rank < n_test + n_val)
    return tuple(np.flatnonzero(m) for m in (~test & ~val, val, test))


def user_split(user, shares=(0.1, 0.1), seed=0):
    """Cold start: ``(train, val, test)`` row indices where a seeded ``shares[0]`` of the users
    are validation users and ``shares[1]`` test users, with all their ratings: no user of the
    validation or test set is in training (what the course's split of ml-1m's ratings, sorted by
    user, does without saying so)."""
    user = np.asarray(user)
    users = np.unique(user)
    rng = np.random.RandomState(seed)
    perm = rng.permutation(users)
    n_val, n_test = (int(round(s * len(users))) for s in shares)
    val_users, test_users = perm[:n_val], perm[n_val : n_val + n_test]
    val, test = np.isin(user, val_users), np.isin(user, test_users)
    return tuple(np.flatnonzero(m) for m in (~val & ~test, val, test))
