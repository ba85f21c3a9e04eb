"""What the GPU-scale benchmarks share: LLM shape presets, device naming, timing, motions, batches, models.

Legend: B batch, T motion frames, L text tokens, D LLM width, V vocabulary.
Every model here is randomly initialised from a LlamaConfig shape (no weights are read); the tokenizer is
SmolLM2's, so V = 49,153 whatever the preset (the real Qwen2-0.5B / Llama-2-7B vocabularies are larger / smaller).
"""

import contextlib
import os
import platform
import time
from pathlib import Path

import torch
from bench_smollm2 import QUESTIONS, motions_of

from llamo.data.collate import collate
from llamo.data.schema import Turn
from llamo.model import (
    ConnectorConfig,
    LlamoConfig,
    LLMConfig,
    MotionEncoderConfig,
    build_model,
)
from llamo.model.configuration import DEFAULT_LLM

# LlamaConfig fields of each LM shape. "0.5b" is Qwen2-0.5B's shape as a Llama (no q/k/v bias, untied head).
PRESETS = {
    "tiny": {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
             "num_key_value_heads": 2},
    "360m": {"hidden_size": 960, "intermediate_size": 2560, "num_hidden_layers": 32, "num_attention_heads": 15,
             "num_key_value_heads": 5},
    "0.5b": {"hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
             "num_key_value_heads": 2},
    "7b": {"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32,
           "num_key_value_heads": 32},
}
# Motion-side widths per preset: tiny for CI, the packaged defaults (D_m = 256, 4 layers) otherwise.
MOTION_ENCODERS = {"tiny": MotionEncoderConfig(dim=32, depth=1, heads=2)}
MAX_POSITIONS = 4096


def cpu_model() -> str:
    """The processor's name from /proc/cpuinfo (Linux), else the machine type."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.machine()
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                platform.machine())


def device_label(device: torch.device) -> str:
    """The device in words, for the table's caption."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)}, torch {torch.__version__}"
    return f"CPU {cpu_model()} ({os.cpu_count()} cores), {torch.get_num_threads()} threads, torch {torch.__version__}"


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def seconds_per_call(fn, steps: int, warmup: int, device: torch.device) -> float:
    """Mean wall seconds of `fn()` over `steps` calls after `warmup` untimed ones (device synchronised)."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    synchronize(device)
    return (time.perf_counter() - start) / steps


def matmul_flops(device: torch.device) -> float:
    """Measured FLOP/s of a square matmul: bf16 8192² on CUDA, fp32 1024² on CPU (the MFU denominator)."""
    n, dtype = (8192, torch.bfloat16) if device.type == "cuda" else (1024, torch.float32)
    a, b = torch.randn(n, n, device=device, dtype=dtype), torch.randn(n, n, device=device, dtype=dtype)
    return 2 * n**3 / seconds_per_call(lambda: a @ b, steps=10, warmup=3, device=device)


def autocast(device: torch.device):
    """bf16 autocast on CUDA (as the training loop's mixed_precision=auto), fp32 elsewhere."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def peak_memory_gib(device: torch.device) -> float | None:
    """Peak allocated GiB since the last reset, or None off CUDA (no allocator statistics on the CPU)."""
    return torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None


def reset_peak_memory(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)


def llamo_config(kind: str, preset: str, max_frames: int = 400, attn: str = "sdpa") -> LlamoConfig:
    """A LlamoConfig with a random LM of `preset` shape (attention kernel `attn`: sdpa | eager) and connector
    `kind` (K = 16, stride 4)."""
    shape = {**PRESETS[preset], "max_position_embeddings": MAX_POSITIONS, "attn_implementation": attn}
    return LlamoConfig(
        motion_encoder=MOTION_ENCODERS.get(preset, MotionEncoderConfig()),
        connector=ConnectorConfig(kind=kind),
        llm=LLMConfig(name_or_path=None, tokenizer=DEFAULT_LLM, tiny=shape),
        max_frames=max_frames,
    )


def build_on(config: LlamoConfig, device: torch.device, lm_dtype: torch.dtype = torch.float32):
    """Build the model directly on `device` with `lm_dtype` as the default dtype, so a 7B LM is never 28 GB of
    fp32 host memory nor initialised twice; the small motion side is then set back to fp32 (as in llamo's loop).
    LoRA weights are created in `lm_dtype`: `trainable_to_fp32` after `set_trainable` fixes those that train."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(lm_dtype)
    try:
        with device:
            model = build_model(config)
    finally:
        torch.set_default_dtype(previous)
    for name, child in model.named_children():
        if name != "llm":
            child.float()
    for buffer in model.buffers(recurse=False):
        buffer.data = buffer.data.float()
    return model


def trainable_to_fp32(model: torch.nn.Module) -> None:
    """Trainable weights in fp32 (AdamW state and updates stay exact); frozen ones keep their dtype."""
    for param in model.parameters():
        if param.requires_grad:
            param.data = param.data.float()


def motions(frames: int, count: int) -> list:
    """`count` real motion-capture clips (pybullet's walk, kick, jump, spin, cycled) of exactly `frames` frames."""
    clips = [m.with_joints(m.joints[:frames]) for m in motions_of(frames + 64)]
    return [clips[i % len(clips)] for i in range(count)]


def make_examples(model, clips: list, generation: bool = False) -> list:
    """One processed example per clip, cycling through bench_smollm2's questions: training examples carry a
    fixed answer as labels, generation examples end at the assistant's turn."""
    examples = []
    for i, clip in enumerate(clips):
        turns = [Turn("human", f"<motion>\n{QUESTIONS[i % len(QUESTIONS)]}")]
        turns += [] if generation else [Turn("gpt", "The person walks forward, then kicks with the right leg.")]
        examples.append(model.prepare(turns, clip, generation=generation))
    return examples


def make_batch(model, clips: list, generation: bool = False) -> dict[str, torch.Tensor]:
    """The examples of `clips` collated on the CPU: right-padded with labels for training, left-padded prompts
    for generation. input_ids [B, L], motion [B, T, F]."""
    return collate(make_examples(model, clips, generation), model.tokenizer.pad_token_id, left_pad=generation)


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def matmul_params(lm: torch.nn.Module) -> int:
    """Parameters of a causal LM that take part in matmuls: all but the input embedding table (a lookup),
    which still counts once when the output head shares it."""
    embedding = lm.get_input_embeddings().weight
    tied = lm.get_output_embeddings().weight is embedding
    return sum(p.numel() for p in lm.parameters() if p is not embedding) + (embedding.numel() if tied else 0)


def markdown_table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
