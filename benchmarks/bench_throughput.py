"""Training-step throughput (samples/s, tokens/s, MFU) of LLaMo (cross_talker, K = 16) and all_frames against
transformers' LLaVA at the same LLM shape, all built with random weights in this process.

    python benchmarks/bench_throughput.py --device cuda --preset 0.5b --batch-size 16          # GPU figure
    OMP_NUM_THREADS=1 python benchmarks/bench_throughput.py --device cpu --preset tiny --batch-size 4 --steps 3

A step is llamo's training path: forward with labels, backward, grad-norm clip, AdamW (fused on CUDA) over the
instruct stage's groups (enhancer, connector, LoRA); bf16 autocast on CUDA, fp32 on the CPU; motions of 200
frames. Reference: LlavaForConditionalGeneration with a CLIP tower as wide as the motion encoder; 112² images in
16² patches give 49 patches + CLS = 50 image tokens ("full" strategy), exactly all_frames' 200 / 4; the same
prompts, labels and LoRA (on the LM's q/k/v/o) with the projector training. MFU = 6 × LM matmul parameters ×
tokens/s ÷ the square-matmul rate measured in this run (bf16 on CUDA, fp32 on the CPU); attention FLOPs left out.
"MFU (4N)" is the same with 4N: with a frozen base LM the backward computes no weight gradients (LoRA's are
negligible), so 4N is the matmul work that actually runs and 6N overstates the hardware's utilisation by 1.5×.
A second LLaMo row passes the frozen encoder's output in as `motion_hidden` (what train/encoder_cache.py gives
the model), to show what caching it saves.
"""

import gc

import torch
from common import (
    MOTION_ENCODERS,
    PRESETS,
    add_device_args,
    add_timing_args,
    autocast,
    device_label,
    instruct_training,
    make_batch,
    markdown_table,
    matmul_flops,
    matmul_params,
    motions,
    parser,
    peak_memory_gib,
    random_model,
    reset_peak_memory,
    seconds_per_call,
    synchronize,
    to_device,
    training_step,
)
from transformers import (
    CLIPVisionConfig,
    LlamaConfig,
    LlavaConfig,
    LlavaForConditionalGeneration,
    PreTrainedModel,
)
from transformers.models.llama.modeling_llama import LlamaDecoderLayer

from llamo.model import MotionEncoderConfig

FRAMES = 200
GRAD_CLIP = 1.0  # max grad norm, as llamo's loop (TrainConfig.max_grad_norm)
IMAGE_SIZE, PATCH_SIZE = 112, 16  # (112 / 16)² = 49 patches + CLS = 50 tokens


def prepare_for_speed(model: torch.nn.Module, args) -> None:
    """Optional gradient checkpointing and per-decoder-layer torch.compile, applied alike to every model."""
    if args.grad_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    if args.compile:
        for module in model.modules():
            if isinstance(module, PreTrainedModel):
                # Else the LM fills a KV cache even in training, and the cache's per-layer index makes dynamo
                # recompile every layer until it hits its limit and falls back to eager.
                module.config.use_cache = False
            if isinstance(module, LlamaDecoderLayer):
                module.compile()


def build_llamo(kind: str, args, device: torch.device):
    """(model, its optimizer, its training batch on `device`): a random `args.preset` LM with LoRA, connector
    `kind`, the instruct stage's groups training."""
    model = random_model(kind, args.preset, device, attn=args.attn)
    optimizer = instruct_training(model)
    prepare_for_speed(model.llm, args)
    return model, optimizer, to_device(make_batch(model, motions(FRAMES, args.batch_size)), device)


def build_llava(all_frames_batch: dict, placeholder_id: int, vocab_size: int, args, device: torch.device):
    """LLaVA at the same LM shape, reading all_frames' prompts with its placeholders as image tokens, LoRA and the
    projector training. Returns (model, optimizer, batch): input_ids/labels [B, L] as all_frames',
    pixel_values [B, 3, 112, 112]."""
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    tower = MOTION_ENCODERS.get(args.preset, MotionEncoderConfig())  # as wide and deep as the motion encoder
    vision = CLIPVisionConfig(hidden_size=tower.dim, intermediate_size=4 * tower.dim, num_hidden_layers=tower.depth,
                              num_attention_heads=tower.heads, image_size=IMAGE_SIZE, patch_size=PATCH_SIZE,
                              attn_implementation=args.attn)
    text = LlamaConfig(**PRESETS[args.preset], vocab_size=vocab_size, max_position_embeddings=4096,
                       attn_implementation=args.attn)
    config = LlavaConfig(vision_config=vision, text_config=text, image_token_index=placeholder_id,
                         vision_feature_select_strategy="full", image_seq_length=(IMAGE_SIZE // PATCH_SIZE) ** 2 + 1)
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05,
                      target_modules=r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj)")
    with device:
        model = get_peft_model(LlavaForConditionalGeneration(config), lora).train()
    for name, param in model.named_parameters():
        param.requires_grad_(param.requires_grad or "multi_modal_projector" in name)
    prepare_for_speed(model, args)
    keys = ("input_ids", "attention_mask", "labels")
    batch = {k: all_frames_batch[k] for k in keys}
    batch["pixel_values"] = torch.randn(len(batch["input_ids"]), 3, IMAGE_SIZE, IMAGE_SIZE, device=device)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4,
                                  fused=device.type == "cuda")
    return model, optimizer, batch


@torch.no_grad()
def encoder_features(model, batch: dict) -> torch.Tensor:
    """The frozen motion encoder's output [B, T, D_m], as train/encoder_cache.py would read it from disk."""
    features = (batch["motion"] - model.feature_mean) / model.feature_std  # [B, T, F]
    with autocast(batch["motion"].device):
        return model.motion_encoder(features, batch["motion_mask"]).float()


def llava_lm_params(llava) -> int:
    """LLaVA's LM matmul parameters (decoder layers + head), as `matmul_params` counts llamo's."""
    base = llava.get_base_model()
    body = sum(p.numel() for p in base.model.language_model.parameters())
    return body - base.get_input_embeddings().weight.numel() + base.lm_head.weight.numel()


def measure(name: str, step, batch: dict, lm_params: int, args, device: torch.device, peak_flops: float) -> dict:
    """One table row for the training `step` on `batch`: samples/s, tokens/s (B × L, padding included), step ms,
    MFU, peak memory."""
    reset_peak_memory(device)
    seconds = seconds_per_call(step, args.steps, args.warmup, device)
    b, length = batch["input_ids"].shape
    tokens_per_s = b * length / seconds
    mfu = 6 * lm_params * tokens_per_s / peak_flops  # 4/6 of it is what runs: the frozen base needs no weight grads
    peak = peak_memory_gib(device)
    return {"name": name, "L": length, "samples/s": b / seconds, "tokens/s": tokens_per_s, "ms": 1e3 * seconds,
            "mfu": mfu, "peak": "n/a (CPU)" if peak is None else f"{peak:.1f}"}


def profile_step(step, device: torch.device, rows: int) -> str:
    """torch.profiler's table of the top `rows` ops (self time, CPU or CUDA) of one training `step`."""
    from torch.profiler import ProfilerActivity, profile

    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    step()  # warm-up outside the profile
    with profile(activities=activities) as prof:
        step()
        synchronize(device)
    sort = "self_cuda_time_total" if device.type == "cuda" else "self_cpu_time_total"
    return prof.key_averages().table(sort_by=sort, row_limit=rows)


def release(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def run_all(args, device: torch.device, peak_flops: float) -> list[dict]:
    rows = []
    model, optimizer, batch = build_llamo("cross_talker", args, device)
    step = training_step(model, optimizer, batch, device, clip=GRAD_CLIP)
    rows.append(measure("LLaMo (cross_talker, K=16)", step, batch, matmul_params(model.llm), args, device, peak_flops))
    if args.profile:
        print(f"one LLaMo training step, top {args.profile} ops:\n{profile_step(step, device, args.profile)}")
    batch["motion_hidden"] = encoder_features(model, batch)  # the same step now skips the encoder
    rows.append(measure("LLaMo, cached encoder features", step, batch, matmul_params(model.llm), args, device,
                        peak_flops))
    del model, optimizer, batch, step
    release(device)
    model, optimizer, batch = build_llamo("all_frames", args, device)
    step = training_step(model, optimizer, batch, device, clip=GRAD_CLIP)
    rows.append(measure("all_frames (T/4 = 50 tokens)", step, batch, matmul_params(model.llm), args, device,
                        peak_flops))
    placeholder, vocab = model.placeholder_id, len(model.tokenizer)
    del model, optimizer, step
    release(device)
    llava, optimizer, llava_batch = build_llava(batch, placeholder, vocab, args, device)
    step = training_step(llava, optimizer, llava_batch, device, clip=GRAD_CLIP)
    rows.append(measure("LLaVA reference (50 image tokens)", step, llava_batch, llava_lm_params(llava), args, device,
                        peak_flops))
    return rows


def main() -> None:
    p = parser(__doc__)
    add_device_args(p, preset="0.5b")
    add_timing_args(p, steps=10, warmup=3)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--compile", action="store_true", help="torch.compile every LM decoder layer")
    p.add_argument("--grad-checkpointing", action="store_true")
    p.add_argument("--attn", default="sdpa", choices=["sdpa", "eager"], help="the LMs' attention kernel")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="also print the top N ops of one LLaMo step by self time (torch.profiler)")
    args = p.parse_args()
    device = args.device
    peak_flops = matmul_flops(device)
    print(f"device: {device_label(device)}; LM preset {args.preset}, batch {args.batch_size}, {FRAMES} frames, "
          f"{'bf16 autocast' if device.type == 'cuda' else 'fp32'}, attention {args.attn}, compile={args.compile}, "
          f"grad_checkpointing={args.grad_checkpointing}")
    print(f"square-matmul rate (MFU denominator): {peak_flops / 1e12:.3f} TFLOP/s\n")
    rows = run_all(args, device, peak_flops)
    print(markdown_table(["model", "tokens/sample", "samples/s", "tokens/s", "step ms", "MFU (6N)", "MFU (4N)",
                          "peak GiB"],
                         [[r["name"], r["L"], f"{r['samples/s']:.2f}", f"{r['tokens/s']:.0f}", f"{r['ms']:.1f}",
                           f"{100 * r['mfu']:.1f}%", f"{400 / 6 * r['mfu']:.1f}%", r["peak"]] for r in rows]))
    llamo, cached, all_frames, llava = (r["samples/s"] for r in rows)
    print(f"\nLLaMo / LLaVA samples/s: {llamo / llava:.2f}x (target >= 2x on GPU); "
          f"all_frames / LLaVA: {all_frames / llava:.2f}x; LLaMo / all_frames: {llamo / all_frames:.2f}x; "
          f"cached / live encoder: {cached / llamo:.2f}x")


if __name__ == "__main__":
    main()
