"""Prefill latency and peak memory against motion length T: LLaMo (cross_talker, K = 16) vs all_frames (T/4).

    python benchmarks/bench_prefill.py --device cuda --preset 0.5b                              # GPU figure
    OMP_NUM_THREADS=1 python benchmarks/bench_prefill.py --device cpu --preset tiny --frames 50 200 600

Prefill is what generation does before its first new token: motion encoder → connector → splice → one LM
forward over the whole prompt with the KV cache on and logits for the last position only, without grad
(bf16 autocast on CUDA, fp32 on the CPU). max_frames is raised to the longest T so no motion is subsampled.
Peak memory is torch.cuda.max_memory_allocated (weights included, with the prefill's own share in brackets);
the CPU has no allocator statistics, so it reads n/a there. Prints all_frames ÷ cross_talker latency per T.
"""

import torch
from common import (
    add_device_args,
    add_timing_args,
    autocast,
    device_label,
    make_batch,
    markdown_table,
    motions,
    parser,
    peak_memory_gib,
    random_model,
    reset_peak_memory,
    seconds_per_call,
    to_device,
)

KINDS = ("cross_talker", "all_frames")


def prefill(model, batch: dict, device: torch.device):
    """A closure running one prefill of `batch` (input_ids [B, L], motion [B, T, F]) → logits [B, 1, V]."""

    @torch.no_grad()
    def run() -> torch.Tensor:
        with autocast(device):
            embeds, _ = model.embed(batch)  # [B, L, D]
            return model.llm(inputs_embeds=embeds, attention_mask=batch["attention_mask"], use_cache=True,
                             logits_to_keep=1).logits

    return run


def measure(model, frames: int, args, device: torch.device) -> dict:
    """Latency (ms), prompt length L and memory of one prefill of `args.batch_size` motions of `frames` frames."""
    batch = to_device(make_batch(model, motions(frames, args.batch_size), generation=True), device)
    base = torch.cuda.memory_allocated(device) / 2**30 if device.type == "cuda" else 0.0
    reset_peak_memory(device)
    seconds = seconds_per_call(prefill(model, batch, device), args.steps, args.warmup, device)
    peak = peak_memory_gib(device)
    memory = "n/a (CPU)" if peak is None else f"{peak:.2f} (+{1024 * (peak - base):.0f} MiB)"
    return {"ms": 1e3 * seconds, "L": batch["input_ids"].shape[1], "memory": memory}


def main() -> None:
    p = parser(__doc__)
    add_device_args(p, preset="0.5b")
    add_timing_args(p, steps=10, warmup=3)
    p.add_argument("--frames", type=int, nargs="+", default=[50, 100, 200, 400, 600, 1000])
    p.add_argument("--batch-size", type=int, default=1)
    args = p.parse_args()
    device = args.device
    print(f"device: {device_label(device)}; LM preset {args.preset}, batch {args.batch_size}, "
          f"{'bf16 autocast' if device.type == 'cuda' else 'fp32'}\n")
    results = {}
    for kind in KINDS:
        model = random_model(kind, args.preset, device, max_frames=max(args.frames)).eval()
        results[kind] = [measure(model, t, args, device) for t in args.frames]
        del model
    rows = []
    for t, talker, frames in zip(args.frames, results["cross_talker"], results["all_frames"], strict=True):
        rows.append([t, talker["L"], frames["L"], f"{talker['ms']:.1f}", f"{frames['ms']:.1f}",
                     f"{frames['ms'] / talker['ms']:.2f}x", talker["memory"], frames["memory"]])
    print(markdown_table(["T", "L cross_talker", "L all_frames", "cross_talker ms", "all_frames ms",
                          "all_frames / cross_talker", "cross_talker peak GiB", "all_frames peak GiB"], rows))
    print("\ntarget: all_frames / cross_talker >= 3x at T = 600 on GPU")


if __name__ == "__main__":
    main()
