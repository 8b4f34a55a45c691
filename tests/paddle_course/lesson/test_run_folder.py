"""A run's folder: what it holds decides what a run may do there, and nothing else is touched.

Foreign files are refused by name, a folder being written by another process is refused with
its pid, a fresh run never unpickles what is there, an interrupted write leaves nothing that
blocks the next run, and a folder a refused run created is gone again.
"""

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import checkpoint_state

from chapters.ch02_mnist import train
from paddle_course.errors import CheckpointError, ConfigError, DataError, FolderError
from paddle_course.lesson.folder_contents import inspect
from paddle_course.lesson.run_folder import RunFolder
from paddle_course.runtime.atomic import is_temporary, write_bytes
from paddle_course.runtime.manifest import written

ROOT = Path(__file__).resolve().parents[3]
QUICK = ["--quick", "--no-visualdl"]


def tree(folder):
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in Path(folder).rglob("*") if p.is_file()}


def test_a_folder_with_files_of_others_is_refused_naming_them_and_left_as_it_was(tmp_path):
    out = tmp_path / "D"
    (out / "plots").mkdir(parents=True)
    (out / "plots/figure1.png").write_bytes(b"the user's figure")
    (out / "vdl").mkdir()
    before = tree(out)
    with pytest.raises(
        FolderError,
        match=r"holds files paddle-course did not write "
        r"\(plots/figure1.png\); nothing was changed",
    ):
        train.main([*QUICK, "--output-dir", str(out)])
    with pytest.raises(FolderError, match="did not write"):
        train.main([*QUICK, "--output-dir", str(out), "--overwrite"])
    assert tree(out) == before and sorted(p.name for p in out.iterdir()) == ["plots", "vdl"]


def test_overwrite_deletes_what_the_run_wrote_and_nothing_of_others(tmp_path):
    out = tmp_path / "run"
    train.main([*QUICK, "--output-dir", str(out)])
    (out / "notes.txt").write_text("mine")  # added by the user afterwards
    with pytest.raises(FolderError, match=r"\(notes.txt\)"):
        train.main([*QUICK, "--output-dir", str(out), "--overwrite"])
    assert (out / "notes.txt").read_text() == "mine" and (out / "metrics.json").is_file()
    (out / "notes.txt").unlink()
    first = checkpoint_state(out)["train_state"]["global_step"]
    train.main([*QUICK, "--output-dir", str(out), "--overwrite", "--epochs", "2"])
    assert checkpoint_state(out)["train_state"]["global_step"] == 2 * first
    assert len(list((out / "checkpoints").iterdir())) == 2  # index + the one checkpoint


def test_clear_removes_recorded_files_only(tmp_path):
    folder = RunFolder(tmp_path / "r", "m")
    with folder.claim("fresh"):
        write_bytes(written(folder.root / "a.txt"), b"a")
        write_bytes(written(folder.root / "sub/b.txt"), b"b")
        written(f"{folder.root / 'whole'}/")
        (folder.root / "whole/deep").mkdir(parents=True)
        (folder.root / "whole/deep/c").write_text("c")
        run = json.loads((folder.root / "run.json").read_text())
        assert run["files"] == ["a.txt", "sub/b.txt", "whole/"] and run["state"] == "running"
    (folder.root / "sub/user.txt").write_text("u")  # after the run: not the run's
    assert inspect(folder.root).foreign == ["sub/user.txt"]
    folder.clear()
    assert sorted(p.relative_to(folder.root).as_posix() for p in folder.root.rglob("*")) == [
        ".lock",
        "run.json",
        "sub",
        "sub/user.txt",
    ]


def test_a_run_being_written_is_refused_with_its_pid(tmp_path):
    out = tmp_path / "run"
    holder = RunFolder(out, "chapters.ch02_mnist.train", command="python -m it").claim("fresh")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "chapters.ch02_mnist.train", *QUICK, "--output-dir", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2
        assert done.stderr.strip().splitlines()[-1] == (
            f"error: {out}: in use by another run (pid {os.getpid()}: python -m it); wait for "
            f"it to end, or choose another --output-dir"
        )
        with pytest.raises(FolderError, match="in use"):
            train.main(["--resume", str(out)])
    finally:
        holder.close(error="interrupted")
    assert inspect(out).holder is None  # released


def test_two_runs_started_at_once_in_one_folder_one_is_refused(tmp_path):
    out = tmp_path / "run"
    cmd = [
        sys.executable,
        "-m",
        "chapters.ch02_mnist.train",
        *QUICK,
        "--epochs",
        "3",
        "--output-dir",
        str(out),
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "in use by another run (pid" in refused or "holds a finished run" in refused
    run = json.loads((out / "run.json").read_text())
    assert (
        run["state"] == "finished"
        and len(json.loads((out / "metrics.json").read_text())["history"]) == 3
    )


def test_a_killed_run_releases_its_folder_and_leaves_no_temporary_in_the_way(tmp_path):
    out = tmp_path / "run"
    code = (
        "import os, sys; from paddle_course.lesson.run_folder import RunFolder; from "
        "paddle_course.runtime.manifest import written; "
        "from paddle_course.runtime.atomic import temporary_name; "
        f"f = RunFolder({str(out)!r}, 'm').claim('fresh'); "
        f"open(temporary_name(written({str(out / 'metrics.json')!r})), 'wb').write(b'half'); "
        "os.kill(os.getpid(), 9)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == -signal.SIGKILL
    found = inspect(out)
    assert found.state == "unfinished" and found.holder is None and not found.foreign
    assert [n for n in os.listdir(out) if is_temporary(n)]  # the half-written file
    with RunFolder(out, "m").claim("fresh"):  # nothing to resume: it starts again
        assert not [n for n in os.listdir(out) if is_temporary(n)]


def test_a_refused_run_leaves_no_folder_behind(tmp_path):
    bad = tmp_path / "mnist.json.gz"
    bad.write_text("not gzip")
    out = tmp_path / "new/run"
    with pytest.raises(DataError):
        train.main([*QUICK, "--data", str(bad), "--output-dir", str(out)])
    assert not out.exists()


def test_a_fresh_run_unpickles_nothing_that_is_there(tmp_path):
    """A planted pickle that would leave a mark if loaded: neither a fresh run, nor
    --overwrite, nor --resume (which reads only JSON to decide, then refuses the file) runs it."""
    mark = tmp_path / "was-unpickled"

    class Plant:
        def __reduce__(self):
            return (open, (str(mark), "w"))

    out = tmp_path / "run"
    train.main([*QUICK, "--output-dir", str(out)])
    last = out / "checkpoints" / json.loads((out / "checkpoints/index.json").read_text())["last"]
    for name in ("model.pdparams", "model.pdopt"):
        (last / name).write_bytes(pickle.dumps({"conv1.weight": Plant()}))
    with pytest.raises(FolderError, match="--overwrite"):
        train.main([*QUICK, "--output-dir", str(out)])
    with pytest.raises(CheckpointError, match="damaged"):  # its SHA-256, before unpickling
        train.main(["--resume", str(out), "--epochs", "2"])
    train.main([*QUICK, "--output-dir", str(out), "--overwrite"])
    assert not mark.exists()


def _file_there(p):
    p.write_text("a file")
    return p


def _under_a_file(p):
    (p.parent / "file").write_text("x")
    return p.parent / "file" / "run"


def _symlink(to):
    def make(p):
        os.symlink(to(p), p)
        return p

    return make


@pytest.mark.parametrize(
    "make, expected",
    [
        (_file_there, "not a folder"),
        (_under_a_file, "is a file, not a folder"),
        (_symlink(lambda p: p), "symbolic link|cannot be used"),  # a loop
        (_symlink(lambda p: p.parent / "nowhere"), "a symbolic link to nothing"),
    ],
)
def test_an_output_dir_that_cannot_be_one_is_refused_in_one_line(tmp_path, make, expected):
    target = make(tmp_path / "run")
    with pytest.raises(FolderError, match=expected) as err:
        train.main([*QUICK, "--output-dir", str(target)])
    assert "\n" not in str(err.value)


def test_a_read_only_folder_is_refused_before_any_work(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)], capture_output=True
    )
    if mounted.returncode != 0:  # not root: a plain permission does it
        ro.chmod(0o555)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("cannot make a folder this process may not write to")
        started = time.time()
        with pytest.raises(FolderError, match="cannot write there|not writable"):
            train.main([*QUICK, "--output-dir", str(ro / "run")])
        assert time.time() - started < 5  # refused before loading or training
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(ro)])
        else:
            ro.chmod(0o755)


def test_a_run_of_an_older_paddle_course_is_named_as_such(tmp_path):
    out = tmp_path / "old"
    (out / "checkpoints").mkdir(parents=True)
    (out / "checkpoints/last.pdstate").write_bytes(b"old pickle")
    with pytest.raises(FolderError, match="older paddle-course"):
        train.main(["--resume", str(out)])


def test_resume_refuses_another_folder_and_fewer_epochs_than_done(tmp_path):
    out = tmp_path / "run"
    train.main([*QUICK, "--output-dir", str(out), "--epochs", "2"])
    with pytest.raises(ConfigError, match="name two folders"):
        train.main(["--resume", str(out), "--output-dir", str(tmp_path / "other")])
    with pytest.raises(ConfigError, match="already trained 2 epoch"):
        train.main(["--resume", str(out), "--epochs", "1"])
    other = tmp_path / "lesson"
    from chapters.ch02_mnist import loss

    loss.main(["--quick", "--output-dir", str(other)])
    with pytest.raises(FolderError, match="holds a run of chapters.ch02_mnist.loss"):
        train.main(["--resume", str(other)])


def test_write_bytes_never_exposes_a_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    write_bytes(target, b"old")

    def power_cut(src, dst):
        raise OSError("power cut before the rename")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        write_bytes(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]  # no temporary left behind
