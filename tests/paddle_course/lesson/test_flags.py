import json
import subprocess
import sys
from pathlib import Path

import pytest

from paddle_course.errors import ConfigError, FolderError
from paddle_course.lesson import entry, lesson, lesson_parser
from paddle_course.lesson.entry import QUICK_NOTE, announce_quick
from paddle_course.lesson.job_config import resolve_config, training_parser
from paddle_course.lesson.results import write_results
from paddle_course.runtime import environment

ROOT = Path(__file__).resolve().parents[3]

DEFAULTS = dict(
    data=None,
    epochs=30,
    batch_size=64,
    lr=0.002,
    optimizer="adam",
    seed=0,
    output_dir="out",
    device="auto",
    num_workers=0,
    quick=False,
    no_visualdl=False,
)


def parse(*argv):
    return vars(training_parser("t", DEFAULTS).parse_args(argv))


def test_only_given_flags_are_explicit_and_defaults_fill_the_rest():
    explicit = parse("--lr", "0.1", "--quick")
    assert explicit == {"lr": 0.1, "quick": True}
    config = resolve_config(explicit, DEFAULTS, quick_defaults={"epochs": 1})
    assert config["lr"] == 0.1 and config["epochs"] == 1 and config["batch_size"] == 64
    assert resolve_config(parse("--quick", "--epochs", "3"), DEFAULTS, {"epochs": 1})["epochs"] == 3


def test_resume_takes_the_saved_config_and_refuses_contradictions():
    saved = dict(DEFAULTS, lr=0.05, epochs=5)
    assert resolve_config(parse("--resume"), DEFAULTS, saved=saved)["lr"] == 0.05
    assert resolve_config(parse("--resume", "--epochs", "9"), DEFAULTS, saved=saved)["epochs"] == 9
    with pytest.raises(ConfigError, match=r"--lr: 0.1 now, 0.05 in the checkpoint"):
        resolve_config(parse("--resume", "--lr", "0.1"), DEFAULTS, saved=saved)


@pytest.mark.parametrize(
    "argv",
    [
        ["--epochs", "0"],
        ["--lr", "-1"],
        ["--optimizer", "lbfgs"],
        ["--num-workers", "-2"],
        ["--device", "tpu"],
    ],
)
def test_bad_flag_values_are_refused(argv, capsys):
    with pytest.raises(SystemExit):
        parse(*argv)
    assert "error" in capsys.readouterr().err


def _lesson(out, quick=None):
    """A lesson (under @lesson, as every lesson is) that writes a table."""

    @lesson
    def main(argv=None):
        args = lesson_parser(
            "a lesson", {"output_dir": str(out), "epochs": 10, "quick": False}, quick=quick
        ).parse_args(argv)
        write_results(out, {"a": {"epochs": args.epochs}}, ["epochs"], quick=args.quick)
        return args

    return main


def test_a_lessons_finished_results_are_kept_unless_overwrite(tmp_path):
    """Every lesson's parser claims its output dir: a finished run is refused with the two ways
    out named; with --overwrite it goes on and deletes nothing (the lesson writes over its
    files)."""
    out = tmp_path / "lesson"
    main = _lesson(out)
    assert main([]).epochs == 10 and (out / "results.json").is_file()
    first = (out / "results.json").read_bytes()
    with pytest.raises(FolderError, match="--overwrite .*--output-dir"):
        main(["--epochs", "3"])
    assert (out / "results.json").read_bytes() == first
    assert main(["--overwrite", "--epochs", "3"]).epochs == 3
    assert json.loads((out / "results.json").read_text())["a"]["epochs"] == 3
    assert json.loads((out / "run.json").read_text())["state"] == "finished"


def test_quick_sets_only_the_flags_not_given(tmp_path):
    """--quick changes a flag's default, never a value given on the command line."""
    main = _lesson(tmp_path / "q", quick={"epochs": 2})
    assert main(["--overwrite"]).epochs == 10 and main(["--quick", "--overwrite"]).epochs == 2
    assert main(["--quick", "--epochs", "7", "--overwrite"]).epochs == 7
    text = " ".join(
        lesson_parser("q", {"epochs": 10, "quick": False}, quick={"epochs": 2})
        .format_help()
        .split()
    )
    assert "(default 10; 2 with --quick)" in text


def test_a_lesson_parser_outside_a_lesson_run_is_a_programming_error(tmp_path):
    with pytest.raises(RuntimeError, match="paddle_course.lesson.lesson"):
        lesson_parser("x", {"output_dir": str(tmp_path / "o")}).parse_args([])


def test_usage_names_the_command_as_it_is_typed():
    from paddle_course.lesson.flags import command_name

    assert (
        command_name("/x/repo/chapters/ch02_mnist/loss.py") == "python -m chapters.ch02_mnist.loss"
    )
    assert command_name("chapters/ch02_mnist/train.py") == "python -m chapters.ch02_mnist.train"
    assert command_name("/tmp/my_script.py") == "my_script.py"


def test_a_quick_run_says_so_first_and_last_once_even_when_a_lesson_runs_a_job(capsys):
    """``entry`` repeats the quick note as the last line; a job run inside the lesson (as
    ``two_tower`` runs ``train``) does not say it again."""

    def lesson(argv):
        args = lesson_parser("d", {"quick": False}, guard=False).parse_args(argv)
        print("the lesson's table")
        if args.quick:
            announce_quick()  # what a job the lesson starts with --quick does
        return "done"

    assert entry(lesson, ["--quick"]) == "done"
    assert capsys.readouterr().out.splitlines() == [QUICK_NOTE, "the lesson's table", QUICK_NOTE]
    assert entry(lesson, []) == "done"
    assert capsys.readouterr().out.splitlines() == ["the lesson's table"]


def test_a_lesson_run_as_a_command_says_quick_first_and_last(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "chapters.ch01_housing.numpy_optimizers",
            "--quick",
            "--output-dir",
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == lines[-1] == QUICK_NOTE and done.stdout.count(QUICK_NOTE) == 2
    assert json.loads((tmp_path / "out/results.json").read_text())["quick"] is True


def test_verbose_is_read_from_the_parsed_arguments(tmp_path):
    """``main(["--verbose"])`` is verbose: the flag is read from what the lesson parsed, not
    from the process's command line, and only while the lesson runs."""
    seen = []

    @lesson
    def main(argv=None):
        lesson_parser("a lesson", dict(output_dir=str(tmp_path / "out"))).parse_args(argv)
        seen.append(environment.verbose())

    main(["--verbose", "--overwrite"])
    main(["--overwrite"])
    assert seen == [True, False]
    assert environment.verbose() == ("--verbose" in sys.argv)  # outside a lesson: the process's
