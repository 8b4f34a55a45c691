"""Functions run by spawned processes in the distributed tests (they must be importable)."""

import paddle
import paddle.distributed as dist


def fail_on_rank_one():
    dist.init_parallel_env()
    if dist.get_rank() == 1:
        raise ValueError("boom on rank 1")
    dist.all_reduce(paddle.ones([1]))   # rank 0 waits here for a peer that is gone
