"""Every lesson and job as a hostile or clumsy user runs it (``hostile.py`` lists the cases):
each numeric flag at 0, negative, NaN, infinite, huge or not a number; each file-reading flag
given a missing path, an empty file, text, random bytes, an empty folder, a FIFO or a symlink
loop; each output dir a file, under a file, a loop or a dangling link. Every case ends in one
error line and exit code 2, with no traceback, before any work starts."""

import contextlib
import importlib
import io
import signal

import hostile
import pytest

from paddle_course.lesson import entry

CASES = hostile.cases()


def test_the_cases_reach_every_lesson_and_every_kind_of_mistake():
    assert len({c.module for c in CASES}) >= 41
    kinds = {c.what.split(": ")[-1] for c in CASES if not c.parse}
    assert kinds >= set(hostile.WRONG_KINDS) | set(hostile.BAD_OUTPUT_DIRS)
    assert sum(c.parse for c in CASES) > 1500


def test_every_numeric_flag_of_every_lesson_has_a_range():
    """A flag typed plain int or float would accept 0, -1, nan: none is left."""
    for module in sorted({c.module for c in CASES}):
        for action in hostile.parser_of(module)._actions:
            assert action.type not in (int, float), f"{module} {action.option_strings}"


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.parse], ids=lambda c: f"{c.module} {c.what}"
)
def test_a_value_out_of_range_is_refused_when_the_command_is_read(case):
    verdict, said = hostile.parse_case(case)
    assert verdict == "refused", said


class _Hang(Exception):
    pass


def _watchdog(signum, frame):
    raise _Hang("no answer in 60 s: a read that waits forever (a FIFO?)")


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.parse], ids=lambda c: f"{c.module} {c.what}"
)
def test_a_path_of_the_wrong_kind_is_refused_before_any_work(case, tmp_path):
    argv = hostile.argv_for(case, tmp_path)
    err = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _watchdog)
    signal.alarm(60)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            with pytest.raises(SystemExit) as stop:
                entry(importlib.import_module(case.module).main, argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    verdict = hostile.judge(stop.value.code, err.getvalue())
    assert verdict == "refused", (verdict, err.getvalue()[-500:])
    out = tmp_path / "out"
    assert not out.exists() or not any(out.iterdir()), "a refused run left files behind"


@pytest.mark.parametrize(
    "module, flag",
    [
        ("chapters.ch02_mnist.regularization", "--train-size"),
        ("chapters.ch03_practice.finetune", "--per-class"),
        ("chapters.ch03_practice.augmentation", "--scarce"),
    ],
)
def test_asking_for_more_than_the_data_holds_is_refused_not_quietly_shrunk(
    module, flag, tmp_path, capsys
):
    with pytest.raises(SystemExit) as stop:
        entry(
            importlib.import_module(module).main,
            ["--quick", flag, "100000", "--output-dir", str(tmp_path / "out")],
        )
    assert stop.value.code == 2
    assert f"error: {flag} 100000: the training split" in capsys.readouterr().err


@pytest.mark.parametrize(
    "module", ["chapters.ch02_mnist.export", "chapters.ch03_practice.visualize"]
)
def test_weights_of_another_model_or_an_optimizer_state_are_refused_in_one_line(
    module, tmp_path, capsys
):
    """A ResNet's weights or a .pdopt given as the course CNN's --checkpoint: one line naming the
    file, no random weights exported or drawn."""
    import paddle

    from paddle_course.vision import resnet

    other = tmp_path / "resnet.pdparams"
    paddle.save(resnet.ResNet(layers=18, num_classes=10, width=0.125).state_dict(), str(other))
    state = tmp_path / "some.pdopt"
    paddle.save({"linear_0.w_0_moment1_0": paddle.zeros([2])}, str(state))
    for weights in (other, state):
        with pytest.raises(SystemExit) as stop:
            entry(
                importlib.import_module(module).main,
                ["--quick", "--checkpoint", str(weights), "--output-dir", str(tmp_path / "o")],
            )
        lines = [line for line in capsys.readouterr().err.splitlines() if line]
        assert stop.value.code == 2 and len(lines) == 1
        assert lines[0].startswith(f"error: {weights} does not fit this model (MNIST)")
        assert not (tmp_path / "o").exists()
