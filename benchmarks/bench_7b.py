"""LLaMo on a Llama-2-7B-shaped LM (random bf16 weights) with LoRA + gradient checkpointing: the largest batch
that fits one GPU, its samples/s and peak memory; or a fixed batch under FSDP.

    python benchmarks/bench_7b.py --device cuda                                                 # one GPU
    accelerate launch --config_file src/llamo/configs/accelerate/fsdp.yaml benchmarks/bench_7b.py --fsdp
    OMP_NUM_THREADS=1 python benchmarks/bench_7b.py --device cpu --preset tiny --max-batch 4    # code path only

(fsdp.yaml launches 8 processes; add `--num_processes N` after `launch` for another GPU count.)

The model is built directly on the device with bf16 as the default dtype (`common.build_on`): a 7B LM never
exists as 28 GB of fp32 host memory and is not initialised twice (meta + materialise); weights that train
(enhancer, connector, LoRA) are then set to fp32. On the CPU everything is fp32. The batch search doubles
B = 1, 2, 4, … until torch.cuda.OutOfMemoryError (then empties the cache) or --max-batch; each B runs --warmup
+ --steps training steps (forward with labels, backward, AdamW, fused on CUDA) on motions of 200 frames.
--fsdp runs one --batch-size per process under the Accelerator the launcher configures (no search: one rank's
OOM would leave the others waiting in a collective).
"""

import gc

import torch
from common import (
    add_device_args,
    add_timing_args,
    device_label,
    instruct_training,
    make_batch,
    markdown_table,
    motions,
    parser,
    peak_memory_gib,
    random_model,
    reset_peak_memory,
    seconds_per_call,
    to_device,
    training_step,
)

FRAMES = 200


def build(args, device: torch.device, log=print):
    """(model, optimizer): cross_talker on the `args.preset` LM, LoRA, gradient checkpointing, instruct groups."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    model = random_model("cross_talker", args.preset, device, dtype)
    optimizer = instruct_training(model)
    model.llm.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log(f"parameters: {total / 1e9:.2f} B, trainable {trainable / 1e6:.1f} M")
    return model, optimizer


def try_batch(model, optimizer, size: int, args, device: torch.device) -> dict:
    """samples/s and peak GiB at batch `size`, or {"oom": True} when it does not fit (cache emptied)."""
    batch = to_device(make_batch(model, motions(FRAMES, size)), device)
    reset_peak_memory(device)
    try:
        seconds = seconds_per_call(training_step(model, optimizer, batch, device), args.steps, args.warmup, device)
    except torch.cuda.OutOfMemoryError:
        seconds = None
    if seconds is None:  # outside the except block, so the traceback no longer pins the failed step's tensors
        optimizer.zero_grad(set_to_none=True)
        del batch
        gc.collect()
        torch.cuda.empty_cache()
        return {"oom": True}
    return {"oom": False, "samples/s": size / seconds, "peak": peak_memory_gib(device)}


def search(model, optimizer, args, device: torch.device) -> list[list]:
    """Table rows for B = 1, 2, 4, … up to the first OOM or --max-batch."""
    rows, size = [], 1
    while size <= args.max_batch:
        result = try_batch(model, optimizer, size, args, device)
        if result["oom"]:
            rows.append([size, "OOM", "-"])
            break
        peak = "n/a (CPU)" if result["peak"] is None else f"{result['peak']:.1f}"
        rows.append([size, f"{result['samples/s']:.2f}", peak])
        print(f"  batch {size}: {result['samples/s']:.2f} samples/s, peak GiB {peak}", flush=True)
        size *= 2
    return rows


def run_fsdp(args) -> None:
    """One fixed batch per process under the launcher's Accelerator (FSDP from its config file)."""
    from accelerate import Accelerator

    # As llamo's loop: without a GPU, cpu=True turns a multi-process launch into gloo data parallelism
    # (Accelerate's FSDP needs GPUs), which still runs this code path.
    accelerator = Accelerator(cpu=not torch.cuda.is_available())
    device = accelerator.device
    model, optimizer = build(args, device, log=accelerator.print)
    model, optimizer = accelerator.prepare(model, optimizer)
    llamo = accelerator.unwrap_model(model)
    batch = to_device(make_batch(llamo, motions(FRAMES, args.batch_size)), device)
    reset_peak_memory(device)
    step = training_step(model, optimizer, batch, device, backward=accelerator.backward)
    seconds = seconds_per_call(step, args.steps, args.warmup, device)
    peak = peak_memory_gib(device)
    samples = args.batch_size * accelerator.num_processes / seconds
    accelerator.print(markdown_table(
        ["mode", "processes", "batch / process", "samples/s (all)", "peak GiB (rank 0)"],
        [[accelerator.distributed_type.value, accelerator.num_processes, args.batch_size, f"{samples:.2f}",
          "n/a (CPU)" if peak is None else f"{peak:.1f}"]]))


def main() -> None:
    p = parser(__doc__)
    add_device_args(p, preset="7b")
    add_timing_args(p, steps=3, warmup=1)
    p.add_argument("--max-batch", type=int, default=1024, help="stop the doubling here (the CPU never OOMs)")
    p.add_argument("--batch-size", type=int, default=8, help="per process, --fsdp only")
    p.add_argument("--fsdp", action="store_true", help="run under `accelerate launch` (see the docstring)")
    args = p.parse_args()
    if args.fsdp:
        run_fsdp(args)
        return
    device = args.device
    print(f"device: {device_label(device)}; LM preset {args.preset}, LoRA r=16, gradient checkpointing, "
          f"{FRAMES} frames, {'bf16 weights + autocast' if device.type == 'cuda' else 'fp32'}")
    model, optimizer = build(args, device)
    rows = search(model, optimizer, args, device)
    print("\n" + markdown_table(["batch", "samples/s", "peak GiB"], rows))
    fits = [r for r in rows if r[1] != "OOM"]
    if fits:
        best = max(fits, key=lambda r: float(r[1]))
        print(f"\nlargest batch that fits: {fits[-1][0]}; best {best[1]} samples/s at batch {best[0]}, "
              f"{float(best[1]) / float(fits[0][1]):.2f}x batch 1's {fits[0][1]}")
    else:
        print("\nnot even batch 1 fits")


if __name__ == "__main__":
    main()
