"""From arrays to batches: a map-style dataset and a resumable, seeded batch sampler.

The sampler decides the data order, so it is what makes a run reproducible and a resume exact:
the order of epoch ``e`` is a function of ``(seed, e)`` only, and an epoch can start at any batch.
"""

import numpy as np
import paddle
from paddle.io import DataLoader, Dataset, DistributedBatchSampler


class ArrayDataset(Dataset):
    """Samples ``(a[i], b[i], ...)`` from aligned numpy arrays (no copy): ``(image, label)``, or
    ``(*inputs, target)`` for a model with several inputs (the target is always last)."""

    def __init__(self, *arrays):
        if len(arrays) < 2 or len({len(a) for a in arrays}) != 1:
            raise ValueError(
                f"need at least two aligned arrays (inputs..., target), got lengths "
                f"{[len(a) for a in arrays]}"
            )
        self.arrays = arrays

    def __getitem__(self, i):
        return tuple(a[i] for a in self.arrays)

    def __len__(self):
        return len(self.arrays[0])


class EpochBatchSampler(DistributedBatchSampler):
    """Batches of indices in an order fixed by ``(seed, epoch)``, resumable at any batch.

    Unlike Paddle's ``DistributedBatchSampler``, which shuffles with ``RandomState(epoch)`` and
    counts epochs itself, the permutation here also depends on the run's seed, and
    :meth:`set_epoch` can skip the batches an interrupted run already trained on.

    The order is built for data parallelism (``num_replicas`` processes): global batch ``i`` is
    the contiguous block ``perm[i*B*R : (i+1)*B*R]`` of the permutation and rank ``r`` takes its
    ``r``-th slice of ``B`` samples, so R processes with batch B see exactly the batches one
    process sees with batch B*R. As in Paddle, the permutation is padded by repeating samples until
    its length divides by R; with R = 1 there is no padding and every sample is seen once.
    """

    def __init__(self, dataset, batch_size, shuffle=False, seed=0, num_replicas=1, rank=0):
        super().__init__(
            dataset,
            batch_size,
            num_replicas=num_replicas,
            rank=rank,
            shuffle=shuffle,
            drop_last=False,
        )
        self.seed = seed
        self.start_batch = 0

    def set_epoch(self, epoch, start_batch=0):
        """Select the order of ``epoch`` and start it at local batch ``start_batch``."""
        self.epoch = epoch
        self.start_batch = start_batch

    def global_order(self):
        """The epoch's sample order over all ranks (padded), before it is cut into batches."""
        n = len(self.dataset)
        order = (
            np.random.default_rng([self.seed, self.epoch]).permutation(n)
            if self.shuffle
            else np.arange(n)
        )
        pad = -n % self.nranks
        return np.concatenate([order, order[:pad]]) if pad else order

    def __iter__(self):
        order = self.global_order()
        per_step = self.batch_size * self.nranks
        for b in range(self.start_batch, len(self)):
            block = order[b * per_step : (b + 1) * per_step]
            local = len(block) // self.nranks  # the last global batch may be smaller
            yield block[self.local_rank * local : (self.local_rank + 1) * local].tolist()

    def __len__(self):
        per_step = self.batch_size * self.nranks
        return -(-(len(self.dataset) + -len(self.dataset) % self.nranks) // per_step)


class SynchronousLoader:
    """Batches read and collated in the training loop itself, one after the other: what the
    course's generators do, and what Paddle's ``DataLoader`` never does (even with
    ``num_workers=0`` it reads in a background thread). Drives the engine like a DataLoader."""

    def __init__(self, dataset, batch_sampler):
        self.dataset, self.batch_sampler = dataset, batch_sampler

    def __iter__(self):
        for indices in self.batch_sampler:
            images, labels = zip(*(self.dataset[i] for i in indices))
            yield paddle.to_tensor(np.stack(images)), paddle.to_tensor(np.asarray(labels))

    def __len__(self):
        return len(self.batch_sampler)


def make_loader(split, batch_size, shuffle=False, seed=0, num_workers=0, num_replicas=1, rank=0):
    """A ``paddle.io.DataLoader`` over a :class:`~paddle_course.data.mnist.Split` (anything with
    ``images`` and ``labels``), a tuple of aligned arrays ``(*inputs, targets)``, or a map-style
    ``paddle.io.Dataset`` whose samples are ``(*inputs, target)``. Batches are
    ``[*inputs, target]``.

    ``num_workers=0`` reads synchronously in the training process; ``> 0`` reads asynchronously
    in worker processes while the model trains (the course's 异步数据读取).

    A split that makes its own batches (word2vec's pairs, drawn batch by batch) has a method
    ``loader(batch_size, shuffle, seed, num_workers, num_replicas, rank)`` returning an iterable
    whose ``batch_sampler`` has ``set_epoch(epoch, start_batch)``; it is called instead.
    """
    if hasattr(split, "loader"):
        return split.loader(
            batch_size,
            shuffle=shuffle,
            seed=seed,
            num_workers=num_workers,
            num_replicas=num_replicas,
            rank=rank,
        )
    if isinstance(split, Dataset):
        dataset = split
    elif isinstance(split, tuple):
        dataset = ArrayDataset(*split)
    else:
        dataset = ArrayDataset(split.images, split.labels)
    sampler = EpochBatchSampler(
        dataset, batch_size, shuffle=shuffle, seed=seed, num_replicas=num_replicas, rank=rank
    )
    return DataLoader(
        dataset, batch_sampler=sampler, num_workers=num_workers, use_shared_memory=num_workers > 0
    )
