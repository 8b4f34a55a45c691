"""Functions run by spawned processes in the distributed tests (they must be importable)."""

import paddle
import paddle.distributed as dist


def fail_on_rank_one():
    dist.init_parallel_env()
    if dist.get_rank() == 1:
        raise ValueError("boom on rank 1")
    dist.all_reduce(paddle.ones([1]))  # rank 0 waits here for a peer that is gone


def reduced_metric_sums(path):
    """Each rank adds its strided half of a fixed set of scores; rank 0 saves the summed Meter."""
    import json

    import numpy as np

    from paddle_course.engine import Meter, metric_set

    dist.init_parallel_env()
    rank, n = dist.get_rank(), dist.get_world_size()
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(101, 1)).astype(np.float32)
    labels = (rng.random((101, 1)) < 0.4).astype(np.float32)
    meter = Meter(metric_set(["binary_acc", "auc", "mae", "rmse"]))
    meter.update(0.25 + rank, logits[rank::n], labels[rank::n])
    total = meter.reduced()
    if rank == 0:
        with open(path, "w") as f:
            json.dump({"values": total.values(), "count": total.count}, f)


def replicas_compared(path):
    """Each rank compares the same bytes, then bytes that differ in one bit on rank 1 only;
    every rank writes what it found."""
    import json

    from paddle_course.runtime.distributed import same_on_every_rank

    dist.init_parallel_env()
    rank = dist.get_rank()
    data = bytes(range(256)) * 4
    flipped = data[:100] + bytes([data[100] ^ (rank == 1)]) + data[101:]
    found = {"same": same_on_every_rank(data), "one_bit_apart": same_on_every_rank(flipped)}
    with open(f"{path}.{rank}", "w") as f:
        json.dump(found, f)
