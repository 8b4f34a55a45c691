"""Kill the main job at every write it makes, then resume it as the command line advises: every
time, the run finishes with parameters bit-identical to an uninterrupted run and a consistent
metrics.json, with no manual step (``fault_injection`` kills it; nothing here reaches inside)."""

import json
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from conftest import checkpoint_params, checkpoint_state
from fault_injection import Runner, resume_as_advised

from paddle_course.lesson.folder_contents import inspect
from paddle_course.runtime.atomic import is_temporary

MODULE = "chapters.ch02_mnist.train"
ARGS = ["--quick", "--epochs", "4"]


def outcome(run):
    """What a finished run must agree on with the uninterrupted one: its final and best
    parameters, its metrics (but the seconds and the folder's name), its VisualDL scalars."""
    metrics = json.loads((run / "metrics.json").read_text())
    history = [{k: v for k, v in r.items() if k != "seconds"} for r in metrics["history"]]
    config = {k: v for k, v in metrics["config"].items() if k != "output_dir"}
    return {
        "last": checkpoint_params(run),
        "best": checkpoint_params(run, "best"),
        "history": history,
        "config": config,
        **{k: metrics[k] for k in ("best", "val", "test", "stopped_early", "data")},
        "vdl": scalars(run / "vdl"),
    }


def scalars(logdir):
    from visualdl import LogReader

    files = sorted(Path(logdir).glob("vdlrecords.*.log"))
    assert len(files) == 1, files  # VisualDL shows only the newest file
    reader = LogReader(file_path=str(files[0]))
    return {
        (tag, r.id): r.value
        for tag in reader.get_tags()["scalar"]
        for r in reader.get_data("scalar", tag)
    }


def same(a, b):
    assert a.keys() == b.keys()
    for key in ("last", "best"):
        assert a[key].keys() == b[key].keys()
        for name in a[key]:
            assert np.array_equal(a[key][name], b[key][name]), (key, name)  # bit for bit
    for key in a:
        if key not in ("last", "best"):
            assert a[key] == b[key], key


def consistent(run):
    """One run's own records agree: run.json says finished, the best checkpoint is the epoch
    metrics.json names, nothing half-written or foreign is left."""
    found = inspect(run)
    assert found.state == "finished" and not found.foreign, (found.state, found.foreign)
    metrics = json.loads((run / "metrics.json").read_text())
    best = checkpoint_state(run, "best")["train_state"]
    assert best["epoch"] == metrics["best"]["epoch"] == metrics["val"]["epoch"]
    assert best["monitor"]["best"] == metrics["best"]["value"]
    assert not [p for p in run.rglob("*") if is_temporary(p.name)]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run, and the write events it made (the kill points)."""
    work = tmp_path_factory.mktemp("faults")
    runner = Runner(MODULE, work)
    run = work / "reference"
    status, output, writes = runner.run([*ARGS, "--output-dir", run], run)
    runner.close()
    assert status == 0, output
    consistent(run)
    return outcome(run), writes, work


@pytest.mark.slow
def test_a_kill_at_every_write_then_resume_ends_bit_identical(reference):
    expected, writes, work = reference
    # every write, killed before it happens; every file write, also torn (half of it written)
    scenarios = [(k, "before") for k in range(1, len(writes) + 1)]
    scenarios += [(k, "torn") for k, w in enumerate(writes, 1) if w.startswith("open ")]
    assert len(writes) > 60  # four epochs of checkpoints, metrics, logs, figures
    runners, started = threading.local(), []

    def one(scenario):
        k, mode = scenario
        if not hasattr(runners, "it"):
            runners.it = Runner(MODULE, work / f"worker-{threading.get_ident()}")
            started.append(runners.it)
        run = work / f"{mode}-{k:03d}"
        argv = [*ARGS, "--output-dir", run]
        status, output, seen = runners.it.run(argv, run, kill_at=k, mode=mode)
        assert status == -9 or (status == 0 and mode == "torn"), (scenario, status, output)
        advised = resume_as_advised(runners.it, argv, run)
        last_status, last_output = advised[-1]
        finished_already = last_status == 2 and "holds a finished run" in last_output
        assert last_status == 0 or finished_already, (scenario, seen[-1:], advised)
        consistent(run)
        same(outcome(run), expected)
        return scenario, [s for s, _ in advised]

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            done = list(pool.map(one, scenarios))
    finally:
        for runner in started:
            runner.close()
    assert len(done) == len(scenarios)
    # the kills came everywhere: before the first checkpoint (a fresh start) and after it
    resumed = [s for s, statuses in done if len(statuses) == 2]
    assert resumed and len(resumed) < len(done)


@pytest.fixture
def small_disk(tmp_path):
    """A 1.5 MB file system of its own (tmpfs), where the machine lets us mount one."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'not root'})")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.slow
def test_a_full_disk_at_any_point_then_resume_ends_bit_identical(reference, small_disk):
    """The disk fills up at one moment or another of the run (a filler leaves 8 KB to 900 KB
    free): the run stops with one error line naming the file and how to go on; once the space is
    freed, the command as advised finishes the run, bit-identical to an uninterrupted one."""
    expected, _, work = reference
    runner = Runner(MODULE, work / "full-disk")
    stopped_at = set()
    for free_kb in (8, 100, 250, 400, 600, 900):
        for old in small_disk.iterdir():
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        filler = small_disk / "filler"
        filler.write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - free_kb * 1024))
        run = small_disk / "run"
        argv = [*ARGS, "--output-dir", run]
        status, output, _ = runner.run(argv, run)
        if status != 0:
            errors = [line for line in output.splitlines() if line.startswith("error: ")]
            assert status == 1 and len(errors) == 1, output
            assert "No space left on device" in errors[0] and f"--resume {run}" in errors[0]
            assert "Traceback" not in output
            stopped_at.add(errors[0].split(": No space")[0])
        filler.unlink()  # the user frees the space
        if status != 0:
            advised = resume_as_advised(runner, argv, run)
            assert advised[-1][0] == 0, advised
        consistent(run)
        same(outcome(run), expected)
    runner.close()
    print("ran out of space writing:", *sorted(stopped_at), sep="\n  ")
    assert len(stopped_at) >= 3, stopped_at  # it ran out at different writes
