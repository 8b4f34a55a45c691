"""Data parallelism on CPU (gloo): spawn and launch, equivalence, exact evaluation, stop, resume."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from claims_check import judge_claims
from conftest import checkpoint_params, checkpoint_state, digits, write_course_json
from readme_contract import check_outputs

from paddle_course.errors import RankFailed
from paddle_course.lesson.folder_contents import inspect
from paddle_course.runtime.distributed import spawn

ROOT = Path(__file__).resolve().parents[3]
TRAIN = [sys.executable, "-m", "chapters.ch02_mnist.train"]


def run(args, **kw):
    return subprocess.run(
        [*TRAIN, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300, **kw
    )


def params(out):
    return checkpoint_params(out)


def metrics(out):
    return json.loads((out / "metrics.json").read_text())


def test_two_processes_equal_one_with_the_double_batch(tmp_path):
    # odd validation/test sizes: a padded sampler would count some samples twice
    data = write_course_json(tmp_path / "m.json.gz", [digits(64, 1), digits(21, 2), digits(15, 3)])
    common = ["--data", data, "--epochs", "2", "--optimizer", "sgd", "--lr", "0.05"]
    one = run([*common, "--batch-size", 16, "--output-dir", tmp_path / "one", "--no-visualdl"])
    two = run([*common, "--batch-size", 8, "--nprocs", 2, "--output-dir", tmp_path / "two"])
    assert one.returncode == 0, one.stderr
    assert two.returncode == 0, two.stderr
    a, b = params(tmp_path / "one"), params(tmp_path / "two")
    assert max(float(np.abs(a[k] - b[k]).max()) for k in a) < 1e-5
    m1, m2 = metrics(tmp_path / "one"), metrics(tmp_path / "two")
    assert m2["config"]["world_size"] == 2 and m2["config"]["global_batch_size"] == 16
    assert m1["test"]["samples"] == m2["test"]["samples"] == 15  # each sample once
    assert m2["test"]["acc"] == pytest.approx(m1["test"]["acc"], abs=1e-9)
    assert m2["test"]["loss"] == pytest.approx(m1["test"]["loss"], rel=1e-5)
    assert [r["val_loss"] for r in m2["history"]] == pytest.approx(
        [r["val_loss"] for r in m1["history"]], rel=1e-5
    )
    # only rank 0 prints and writes
    assert two.stdout.count("test (best checkpoint") == 1
    assert len(list((tmp_path / "two/vdl").glob("vdlrecords.*"))) == 1


def test_a_failing_rank_stops_the_run_with_its_error():
    started = time.time()
    with pytest.raises(RankFailed, match="boom on rank 1"):
        spawn(_import_fail(), (), 2)
    assert time.time() - started < 60


def _import_fail():
    from dist_helpers import fail_on_rank_one

    return fail_on_rank_one


def test_metric_sums_over_two_ranks_equal_one_process(tmp_path):
    from dist_helpers import reduced_metric_sums

    from paddle_course.engine import Meter, metric_set

    spawn(reduced_metric_sums, (str(tmp_path / "sums.json"),), 2)
    got = json.loads((tmp_path / "sums.json").read_text())
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(101, 1)).astype(np.float32)
    labels = (rng.random((101, 1)) < 0.4).astype(np.float32)
    one = Meter(metric_set(["binary_acc", "auc", "mae", "rmse"]))
    one.update(0.25, logits[0::2], labels[0::2])  # rank 0's loss 0.25 on 51 samples,
    one.update(1.25, logits[1::2], labels[1::2])  # rank 1's 1.25 on 50
    assert got["count"] == 101
    assert got["values"] == pytest.approx(one.values(), rel=1e-12)


def test_replicas_are_compared_to_the_last_bit(tmp_path):
    from dist_helpers import replicas_compared

    spawn(replicas_compared, (str(tmp_path / "found"),), 2)
    for rank in range(2):  # every rank gets the same answer
        found = json.loads((tmp_path / f"found.{rank}").read_text())
        assert found == {"same": True, "one_bit_apart": False}


@pytest.mark.slow
def test_sigterm_then_resume_on_two_and_on_one_process(tmp_path):
    common = ["--quick", "--epochs", 5, "--batch-size", 32, "--no-visualdl"]
    ref = run([*common, "--nprocs", 2, "--output-dir", tmp_path / "ref"])
    assert ref.returncode == 0, ref.stderr

    out = tmp_path / "run"
    proc = subprocess.Popen(
        [*TRAIN, *map(str, common), "--nprocs", "2", "--output-dir", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while not (out / "checkpoints/index.json").exists():
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert f"--resume {out} --nprocs 2" in err

    resumed = run(["--resume", out, "--nprocs", 2])
    assert resumed.returncode == 0, resumed.stderr
    a, b = params(tmp_path / "ref"), params(out)
    assert max(float(np.abs(a[k] - b[k]).max()) for k in a) < 1e-6
    # a checkpoint of a 2-process run continues on one process
    more = run(["--resume", out, "--nprocs", 1, "--epochs", 6])
    assert more.returncode == 0, more.stderr
    assert len(metrics(out)["history"]) == 6 and metrics(out)["config"]["world_size"] == 1


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_two_nodes_on_localhost(tmp_path):
    master = f"127.0.0.1:{_free_port()}"
    launch = [
        sys.executable,
        "-m",
        "paddle.distributed.launch",
        "--nnodes",
        "2",
        "--master",
        master,
        "--nproc_per_node",
        "1",
    ]
    job = [
        "chapters/ch02_mnist/train.py",
        "--quick",
        "--no-visualdl",
        "--output-dir",
        str(tmp_path / "run"),
    ]
    nodes = [
        subprocess.Popen(
            [*launch, "--log_dir", str(tmp_path / f"log{i}"), *job],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ),
        )
        for i in range(2)
    ]
    outs = [n.communicate(timeout=300)[0] for n in nodes]
    assert all(n.returncode == 0 for n in nodes), outs
    assert metrics(tmp_path / "run")["config"]["world_size"] == 2
    assert metrics(tmp_path / "run")["test"]["samples"] == 128


def test_parameter_server_lesson_equals_allreduce(tmp_path):
    from chapters.ch02_mnist import parameter_server

    r = parameter_server.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.parameter_server", tmp_path)
    assert r["max_param_diff"] <= 1e-5
    assert r["N=16"]["ps_server_link"] > 10 * r["N=16"]["allreduce_busiest_link"]


@pytest.mark.slow
def test_distributed_lesson_quick(tmp_path):
    from chapters.ch02_mnist import distributed

    r = distributed.main(["--quick", "--output-dir", str(tmp_path)])
    check_outputs("chapters.ch02_mnist.distributed", tmp_path)
    from chapters.ch02_mnist import parameter_server  # claim 11 reads both lessons

    parameter_server.main(["--quick", "--output-dir", str(tmp_path / "ps")])
    rows = judge_claims(
        {
            "chapters.ch02_mnist.distributed": tmp_path,
            "chapters.ch02_mnist.parameter_server": tmp_path / "ps",
        }
    )
    assert 11 in [row["number"] for row in rows]
    assert all(r[k]["max_param_diff"] < 1e-5 for k in ("spawn_2", "launch_2"))
    assert all(r[k]["replicas_identical"] is True for k in ("spawn_2", "launch_2"))
    assert next(row for row in rows if row["number"] == 11)["verdict"] == "held"
    saved = json.loads((tmp_path / "results.json").read_text())
    assert saved["shards"]["disjoint"] and saved["shards"]["covering"]
    assert saved["allreduce"]["mean_vs_whole_batch"] < 1e-5
    assert (tmp_path / "launch_log/workerlog.1").is_file()


@pytest.mark.slow
def test_sigterm_to_the_launcher_stops_every_rank_and_leaves_a_checkpoint(tmp_path):
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "paddle.distributed.launch",
        "--nproc_per_node",
        "2",
        "--log_dir",
        str(tmp_path / "log"),
        "chapters/ch02_mnist/train.py",
        "--quick",
        "--epochs",
        "8",
        "--batch-size",
        "32",
        "--no-visualdl",
        "--output-dir",
        str(out),
    ]
    launcher = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while not (out / "checkpoints/index.json").exists():
        assert launcher.poll() is None and time.time() < deadline
        time.sleep(0.02)
    launcher.send_signal(signal.SIGTERM)
    launcher.communicate(timeout=60)
    assert launcher.returncode != 0
    assert "stopped by SIGTERM" in (tmp_path / "log/workerlog.0").read_text()
    left = subprocess.run(["pgrep", "-g", str(launcher.pid)], capture_output=True, text=True)
    assert left.stdout.strip() == ""  # no rank left behind
    resumed = run(["--resume", out, "--nprocs", 2])
    assert resumed.returncode == 0, resumed.stderr
    assert len(metrics(out)["history"]) == 8


def test_palm_with_auxiliary_heads_on_two_processes(tmp_path):
    """GoogLeNet's three training outputs through DataParallel; the validation numbers summed over
    the ranks equal those of the saved best checkpoint evaluated in one process."""
    import paddle.nn.functional as F
    from conftest import write_palm

    from chapters.ch04_vision import palm
    from paddle_course.data import make_loader
    from paddle_course.engine import evaluate
    from paddle_course.vision.palm import find_palm, load_palm

    root = write_palm(tmp_path / "data", n_train=(4, 2, 2), n_val=7)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chapters.ch04_vision.palm",
            "--data",
            str(root),
            "--quick",
            "--model",
            "googlenet",
            "--batch-size",
            "2",
            "--nprocs",
            "2",
            "--no-visualdl",
            "--output-dir",
            str(tmp_path / "two"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    two = metrics(tmp_path / "two")
    assert two["config"]["world_size"] == 2 and two["val"]["samples"] == 7
    model = palm.build_model(two["config"])
    model.set_state_dict(checkpoint_params(tmp_path / "two", "best"))
    data = load_palm(*find_palm(root), image_size=two["config"]["image_size"])
    one = evaluate(
        model, make_loader(data.val, 50), F.binary_cross_entropy_with_logits, ["binary_acc", "auc"]
    )
    for k in ("loss", "acc", "auc"):
        assert two["val"][k] == pytest.approx(one[k], rel=1e-5), k


def _alive(pid):
    """Running (a zombie waiting to be reaped by whoever inherited it has stopped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def _ranks_of(parent):
    """The spawned ranks among ``parent``'s children (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        for pid in (task / "children").read_text().split():
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_ranks_die_with_their_killed_parent_and_the_run_resumes(tmp_path):
    out = tmp_path / "run"
    parent = subprocess.Popen(
        [
            *TRAIN,
            "--quick",
            "--epochs",
            "200",
            "--nprocs",
            "2",
            "--no-visualdl",
            "--output-dir",
            str(out),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 120
    while not (out / "checkpoints/index.json").exists():  # both ranks are training
        assert parent.poll() is None and time.time() < deadline, parent.stderr.read()
        time.sleep(0.02)
    ranks = _ranks_of(parent.pid)
    assert len(ranks) == 2
    parent.kill()  # kill -9: no handler, no forwarding
    parent.wait(timeout=30)
    deadline = time.time() + 20  # 200 epochs take a minute or more: they must stop
    while any(_alive(pid) for pid in ranks):
        assert time.time() < deadline, "ranks train on without their parent"
        time.sleep(0.1)
    assert inspect(out).state == "unfinished"
    done = checkpoint_state(out)["train_state"]["epoch"]
    assert done < 200
    resumed = run(["--resume", out, "--nprocs", 2, "--epochs", done + 1])
    assert resumed.returncode == 0, resumed.stderr
    assert len(metrics(out)["history"]) == done + 1
