"""Chapter 2's claim rules on hand-made results: each verdict can go either way."""

from chapters.ch02_mnist.claims import YARDSTICKS, rule_11


def distributed(diff, yardstick, identical=True, rank_gap=0.5, mean_vs_whole=6e-7):
    run = {"max_param_diff": diff, "replicas_identical": identical}
    return {
        "spawn_2": dict(run),
        "launch_2": dict(run),
        "one_process_halves_vs_whole": yardstick,
        "allreduce": {"rank_gradients_differ_by": rank_gap, "mean_vs_whole_batch": mean_vs_whole},
    }


PS = {"max_param_diff": 0.0}


def test_claim_11_holds_when_two_processes_differ_from_one_by_rounding_alone():
    # a long run: 1e-2 from one process, but one process drifts from itself as far
    assert rule_11(distributed(1.46e-2, 1.46e-2), PS)[0] == "held"
    # a short run: both tiny
    assert rule_11(distributed(6e-8, 0.0), PS)[0] == "held"


def test_claim_11_fails_on_each_fault_it_guards_against():
    cases = [
        distributed(YARDSTICKS * 1e-3 * 1.5, 1e-3),  # further than rounding explains
        distributed(1e-3, 1e-3, identical=False),  # replicas apart: no sync
        distributed(1e-3, 1e-3, rank_gap=0.0),  # the ranks saw the same batch
        distributed(1e-3, 1e-3, mean_vs_whole=1e-2),  # the all-reduce is not the mean
    ]
    for dist in cases:
        assert rule_11(dist, PS)[0] == "did not hold", dist
    assert rule_11(distributed(1e-3, 1e-3), {"max_param_diff": 1e-3})[0] == "did not hold"
    # a run that did not record the replicas' check cannot pass it
    dist = distributed(0.0, 0.0)
    del dist["spawn_2"]["replicas_identical"]
    assert rule_11(dist, PS)[0] == "did not hold"
