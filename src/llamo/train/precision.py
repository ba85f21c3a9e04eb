"""Which arithmetic a training stage runs in: `mixed_precision: auto` picks bf16 autocast where the hardware
has fast bf16 (a CUDA GPU that supports it, or a CPU with AVX512-BF16 or AMX), fp32 elsewhere.

Measured on this project's CPU machines: a SmolLM2-135M + LoRA step 1.2× faster at one thread
(benchmarks/bench_precision.py), MoCapQA 0.785 against 0.797 in fp32 at the same steps, one seed each
(docs/results/mocapqa_cpu.md); `no` keeps fp32 as an option.
"""

from pathlib import Path

import torch

CPU_BF16_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The processor's feature flags (Linux); empty where /proc/cpuinfo is missing."""
    try:
        lines = cpuinfo.read_text().splitlines()
    except OSError:
        return set()
    return {flag for line in lines if line.startswith("flags") for flag in line.split(":", 1)[1].split()}


def has_fast_bf16() -> bool:
    """True for a bf16-capable CUDA GPU, or, without a GPU, a CPU with AVX512-BF16 or AMX-BF16."""
    if torch.cuda.is_available():
        return torch.cuda.is_bf16_supported()
    return any(flag in cpu_flags() for flag in CPU_BF16_FLAGS)


def resolve_precision(setting: str) -> str:
    """A TrainConfig.mixed_precision value (auto | no | bf16) → Accelerate's mixed_precision (bf16 | no)."""
    if setting == "auto":
        return "bf16" if has_fast_bf16() else "no"
    return setting
