"""mixed_precision: auto picks bf16 from the processor's flags; `no` and `bf16` are taken as given."""

from llamo.train.config import load_config
from llamo.train.precision import CPU_BF16_FLAGS, cpu_flags, resolve_precision


def test_cpu_flags_are_read_from_cpuinfo(tmp_path):
    info = tmp_path / "cpuinfo"
    info.write_text("processor\t: 0\nflags\t\t: fpu sse avx512_bf16 amx_tile\n\nprocessor\t: 1\nflags\t\t: fpu\n")
    assert {"fpu", "sse", "avx512_bf16", "amx_tile"} == cpu_flags(info)
    assert cpu_flags(tmp_path / "missing") == set()
    assert set(CPU_BF16_FLAGS) & cpu_flags(info)


def test_explicit_settings_are_kept():
    assert resolve_precision("no") == "no"
    assert resolve_precision("bf16") == "bf16"
    assert resolve_precision("auto") in ("no", "bf16")


def test_a_bare_yaml_no_means_fp32():
    assert load_config("cpu/instruct", ["mixed_precision=no"]).mixed_precision == "no"
