"""What the benchmark scripts share: their command-line options, device naming, timing, motions, batches, and
seeded models with the instruct stage's training set-up.

Legend: B batch, T motion frames, L text tokens, D LLM width, V vocabulary.
The GPU-scale models are randomly initialised from a LlamaConfig shape (no weights are read); the tokenizer is
SmolLM2's, so V = 49,153 whatever the preset (the real Qwen2-0.5B / Llama-2-7B vocabularies are larger / smaller).
The CPU scripts use the real SmolLM2-135M-Instruct + LoRA (`smollm2_model`).
"""

import argparse
import contextlib
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch

from llamo.data.collate import collate
from llamo.data.schema import Turn
from llamo.model import (
    ConnectorConfig,
    LlamoConfig,
    LlamoModel,
    LLMConfig,
    MotionEncoderConfig,
    build_model,
    set_trainable,
)
from llamo.model.configuration import DEFAULT_LLM
from llamo.motion import Motion, concatenate
from llamo.motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic
from llamo.train.optim import build_optimizer

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
INSTRUCT_GROUPS = ["enhancer", "connector", "lora"]  # what the instruct stage trains
LEARNING_RATE = 1e-4
CLIPS = ("walk", "kick", "jump", "spin")  # pybullet's DeepMimic clips
QUESTIONS = ["What is the person doing?", "Which leg does the person kick with?",
             "How many times does the person jump?", "Which way does the person turn?"]
ANSWER = "The person walks forward, then kicks with the right leg."  # the label of every training example


# ----- command line ------------------------------------------------------------------------------------------
def parser(doc: str) -> argparse.ArgumentParser:
    """A parser described by the first line of the script's docstring."""
    return argparse.ArgumentParser(description=doc.splitlines()[0])


def add_device_args(p: argparse.ArgumentParser, preset: str) -> None:
    p.add_argument("--device", type=torch.device, default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--preset", default=preset, choices=sorted(PRESETS), help="the random LM's shape")


def add_timing_args(p: argparse.ArgumentParser, steps: int, warmup: int) -> None:
    p.add_argument("--steps", type=int, default=steps, help="timed calls")
    p.add_argument("--warmup", type=int, default=warmup, help="untimed calls first")


def add_smollm2_args(p: argparse.ArgumentParser, repeats: int) -> None:
    """Options of the scripts timing the real SmolLM2 on the CPU."""
    p.add_argument("--connector", default="cross_talker")
    p.add_argument("--frames", type=int, default=200, help="motion length")
    p.add_argument("--repeats", type=int, default=repeats, help="timed calls")


# ----- device and timing -------------------------------------------------------------------------------------
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


def seconds_per_call(fn, steps: int, warmup: int, device: torch.device = torch.device("cpu")) -> float:
    """Mean wall seconds of `fn()` over `steps` calls after `warmup` untimed ones (device synchronised)."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    synchronize(device)
    return (time.perf_counter() - start) / steps


def alternating_medians(calls: dict[str, Callable[[], None]], repeats: int) -> dict[str, float]:
    """Median wall seconds of each call, one untimed warm-up each, then `repeats` rounds in turn, so the
    machine's load hits every call alike."""
    for call in calls.values():
        call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


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


# ----- motions and batches -----------------------------------------------------------------------------------
def pybullet_clips(names: tuple[str, ...] = CLIPS) -> list[Motion]:
    """Real motion capture: pybullet's DeepMimic humanoid clips, canonical at 20 fps."""
    return [read_deepmimic(pybullet_motion_dir() / f"humanoid3d_{name}.txt") for name in names]


def looped(parts: list[Motion], frames: int) -> Motion:
    """`parts` joined end to start (blended), repeated until there are `frames` frames, and cut there."""
    repeats = 1
    while (long := concatenate(parts * repeats)).num_frames < frames:  # each join's blend shortens the whole
        repeats += 1
    return long.with_joints(long.joints[:frames])


def motions(frames: int, count: int) -> list[Motion]:
    """`count` clips of exactly `frames` frames: walk, kick, jump, spin (each looped), cycled."""
    clips = [looped([clip], frames) for clip in pybullet_clips()]
    return [clips[i % len(clips)] for i in range(count)]


def make_examples(model: LlamoModel, clips: list[Motion], generation: bool = False) -> list:
    """One processed example per clip, cycling through QUESTIONS: training examples carry ANSWER as labels,
    generation examples end at the assistant's turn."""
    examples = []
    for i, clip in enumerate(clips):
        turns = [Turn("human", f"<motion>\n{QUESTIONS[i % len(QUESTIONS)]}")]
        turns += [] if generation else [Turn("gpt", ANSWER)]
        examples.append(model.prepare(turns, clip, generation=generation))
    return examples


def make_batch(model: LlamoModel, clips: list[Motion], generation: bool = False) -> dict[str, torch.Tensor]:
    """The examples of `clips` collated on the CPU: right-padded with labels for training, left-padded prompts
    for generation. input_ids [B, L], motion [B, T, F]."""
    return collate(make_examples(model, clips, generation), model.tokenizer.pad_token_id, left_pad=generation)


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


# ----- models ------------------------------------------------------------------------------------------------
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


def build_on(config: LlamoConfig, device: torch.device, lm_dtype: torch.dtype = torch.float32) -> LlamoModel:
    """Build the model directly on `device` with `lm_dtype` as the default dtype, so a 7B LM is never 28 GB of
    fp32 host memory nor initialised twice; the small motion side is then set back to fp32 (as in llamo's loop).
    LoRA weights are created in `lm_dtype`: `instruct_training` sets those that train to fp32."""
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


def random_model(kind: str, preset: str, device: torch.device, lm_dtype: torch.dtype = torch.float32,
                 **config) -> LlamoModel:
    """A random model (seed 0) with connector `kind` on a `preset`-shaped LM, built on `device`; `config`: the
    other arguments of `llamo_config` (max_frames, attn)."""
    torch.manual_seed(0)
    return build_on(llamo_config(kind, preset, **config), device, lm_dtype)


def smollm2_model(kind: str) -> LlamoModel:
    """The packaged defaults (SmolLM2-135M-Instruct + LoRA r=16) with connector `kind`, motion side seeded (0)."""
    torch.manual_seed(0)
    return build_model(LlamoConfig(connector=ConnectorConfig(kind=kind)))


def instruct_training(model: LlamoModel) -> torch.optim.Optimizer:
    """Put `model` in training mode with the instruct stage's groups trainable, in fp32 (AdamW state and updates
    stay exact; frozen weights keep their dtype), and return llamo's optimizer over them."""
    model.train()
    set_trainable(model, INSTRUCT_GROUPS)
    for param in model.parameters():
        if param.requires_grad:
            param.data = param.data.float()
    return build_optimizer(model, None, LEARNING_RATE, {}, 0.0)


def training_step(model: torch.nn.Module, optimizer: torch.optim.Optimizer, batch: dict, device: torch.device,
                  backward=None, clip: float | None = None):
    """A closure running one training step: forward with labels under `autocast(device)` (or the context the
    call passes), backward (`backward`, e.g. an Accelerator's, else the tensor's own), an optional grad-norm
    clip, the optimizer step."""
    params = [p for p in model.parameters() if p.requires_grad]

    def step(context=None) -> None:
        with autocast(device) if context is None else context:
            loss = model(**batch).loss
        (backward or torch.Tensor.backward)(loss)
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(params, clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


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
