"""paddle_course.runtime.environment: MKL's AVX2 path is asked for only where it is safe and not
chosen already."""

import os
import subprocess
import sys
import warnings

from paddle_course.runtime import environment
from paddle_course.runtime.environment import (
    GLOG_LEVEL,
    MKL_CPU_TYPE,
    configure,
    cpu_info,
    cpu_model,
    mkl_avx2_wanted,
)

CPUINFO = """processor\t: 0
vendor_id\t: {vendor}
model name\t: Some CPU
flags\t\t: fpu sse sse2 {flags}

processor\t: 1
vendor_id\t: {vendor}
flags\t\t: fpu sse sse2 {flags}
"""


def _cpuinfo(tmp_path, vendor, flags):
    path = tmp_path / "cpuinfo"
    path.write_text(CPUINFO.format(vendor=vendor, flags=flags))
    return str(path)


def test_cpu_info_reads_vendor_and_flags(tmp_path):
    vendor, flags = cpu_info(_cpuinfo(tmp_path, "AuthenticAMD", "avx avx2 fma"))
    assert vendor == "AuthenticAMD" and {"sse2", "avx2", "fma"} <= flags
    assert cpu_info(str(tmp_path / "missing")) == (None, set())  # not Linux: nothing known


def test_cpu_model_names_the_first_cpu(tmp_path):
    assert cpu_model(_cpuinfo(tmp_path, "AuthenticAMD", "avx")) == "Some CPU"
    assert cpu_model(str(tmp_path / "missing")) is None


def test_avx2_path_only_on_non_intel_cpus_that_have_avx2_and_fma():
    assert mkl_avx2_wanted("AuthenticAMD", {"avx2", "fma"}, {})
    assert mkl_avx2_wanted("HygonGenuine", {"avx2", "fma"}, {})
    assert not mkl_avx2_wanted("GenuineIntel", {"avx2", "fma"}, {})  # MKL's own choice is right
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx"}, {})  # the AVX2 path would crash
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx2"}, {})
    assert not mkl_avx2_wanted(None, {"avx2", "fma"}, {})
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx2", "fma"}, {MKL_CPU_TYPE: ""})  # the user's


def test_configure_sets_the_variable_once_and_never_overrides_the_user(tmp_path):
    env, verbose = {}, ["--verbose"]  # --verbose: no filter, only MKL's setting
    assert configure(env, _cpuinfo(tmp_path, "AuthenticAMD", "avx2 fma"), verbose) == [MKL_CPU_TYPE]
    assert env == {MKL_CPU_TYPE: "5"}
    env = {MKL_CPU_TYPE: "2"}
    assert configure(env, _cpuinfo(tmp_path, "AuthenticAMD", "avx2 fma"), verbose) == []
    assert env == {MKL_CPU_TYPE: "2"}
    env = {}
    assert (
        configure(env, _cpuinfo(tmp_path, "GenuineIntel", "avx2 fma"), verbose) == [] and env == {}
    )


def test_paddles_known_noise_is_filtered_unless_verbose_or_the_user_chose(tmp_path):
    intel = _cpuinfo(tmp_path, "GenuineIntel", "avx2 fma")
    env = {}
    assert configure(env, intel, ["--quick"]) == [GLOG_LEVEL] and env == {GLOG_LEVEL: "1"}
    env = {GLOG_LEVEL: "0"}  # the user's own level stays
    assert configure(env, intel, []) == [] and env == {GLOG_LEVEL: "0"}


def _import_paddle(*args, env=None):
    code = (
        "import chapters, paddle; paddle.nn.BatchNorm2D(1)(paddle.ones([2, 1, 2, 2])); "
        "print('imported')"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_importing_paddle_through_the_course_is_quiet_and_verbose_shows_it():
    """The real thing: the ccache warning and BatchNorm's training notice are gone, and come
    back with --verbose."""
    env = {k: v for k, v in os.environ.items() if k != GLOG_LEVEL}
    quiet, loud = _import_paddle(env=env), _import_paddle("--verbose", env=env)
    assert quiet.returncode == loud.returncode == 0
    for message in ("ccache", "always track global mean and variance"):
        assert message not in quiet.stderr and message in loud.stderr


def test_the_flags_banner_of_init_parallel_env_is_dropped_and_nothing_else(capsys, monkeypatch):
    from paddle_course.runtime.distributed import without_flags_banner

    monkeypatch.setattr(sys, "argv", ["train.py"])
    with without_flags_banner():
        sys.stderr.write(
            "before\n" + "=" * 23 + " Modified FLAGS detected " + "=" * 23 + "\n"
            "FLAGS(name='FLAGS_x', current_value=True, default_value=False)\n"
            + "=" * 71
            + "\nafter\n"
        )
    assert capsys.readouterr().err == "before\nafter\n"
    monkeypatch.setattr(sys, "argv", ["train.py", "--verbose"])
    with without_flags_banner():
        sys.stderr.write("Modified FLAGS detected\n")
    assert "Modified FLAGS" in capsys.readouterr().err


def test_what_init_parallel_env_wrote_before_an_error_still_shows(capsys, monkeypatch):
    from paddle_course.runtime.distributed import without_flags_banner

    monkeypatch.setattr(sys, "argv", ["train.py"])
    try:
        with without_flags_banner():
            sys.stderr.write("gloo: cannot connect\n")
            raise RuntimeError("init failed")
    except RuntimeError:
        pass
    assert capsys.readouterr().err == "gloo: cannot connect\n"


def test_verbosity_lifts_the_harmless_filters_while_it_lasts():
    message = "When training, we now always track global mean and variance."
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        environment.quiet({}, [])  # the filters, as importing paddle_course installs them

        def warn():
            warnings.warn_explicit(message, UserWarning, "norm.py", 1)  # no once-registry

        warn()
        assert not caught
        with environment.verbosity(True):
            assert environment.verbose()
            warn()
            assert [str(w.message) for w in caught] == [message]
        warn()  # the filters are back
        assert len(caught) == 1
        with environment.verbosity(False):
            assert not environment.verbose()
