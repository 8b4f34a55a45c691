"""paddle_course.runtime: MKL's AVX2 path is asked for only where it is safe and not chosen already."""

from paddle_course.runtime import MKL_CPU_TYPE, configure, cpu_info, cpu_model, mkl_avx2_wanted

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
    assert cpu_info(str(tmp_path / "missing")) == (None, set())     # not Linux: nothing known


def test_cpu_model_names_the_first_cpu(tmp_path):
    assert cpu_model(_cpuinfo(tmp_path, "AuthenticAMD", "avx")) == "Some CPU"
    assert cpu_model(str(tmp_path / "missing")) is None


def test_avx2_path_only_on_non_intel_cpus_that_have_avx2_and_fma():
    assert mkl_avx2_wanted("AuthenticAMD", {"avx2", "fma"}, {})
    assert mkl_avx2_wanted("HygonGenuine", {"avx2", "fma"}, {})
    assert not mkl_avx2_wanted("GenuineIntel", {"avx2", "fma"}, {})  # MKL's own choice is right
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx"}, {})          # the AVX2 path would crash
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx2"}, {})
    assert not mkl_avx2_wanted(None, {"avx2", "fma"}, {})
    assert not mkl_avx2_wanted("AuthenticAMD", {"avx2", "fma"}, {MKL_CPU_TYPE: ""})  # the user's


def test_configure_sets_the_variable_once_and_never_overrides_the_user(tmp_path):
    env = {}
    assert configure(env, _cpuinfo(tmp_path, "AuthenticAMD", "avx2 fma")) == [MKL_CPU_TYPE]
    assert env == {MKL_CPU_TYPE: "5"}
    env = {MKL_CPU_TYPE: "2"}
    assert configure(env, _cpuinfo(tmp_path, "AuthenticAMD", "avx2 fma")) == []
    assert env == {MKL_CPU_TYPE: "2"}
    env = {}
    assert configure(env, _cpuinfo(tmp_path, "GenuineIntel", "avx2 fma")) == [] and env == {}
