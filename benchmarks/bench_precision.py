"""bf16 autocast against fp32 on the CPU: one SmolLM2-135M + LoRA training step of the instruct stage.

    HF_HUB_OFFLINE=1 python benchmarks/bench_precision.py [--connector cross_talker] [--batch-size 8] [--repeats 5]

Both run in this process on the same model, batch and optimizer, alternating, so the machine's load hits both
alike; prints the medians and fp32 / bf16. `mixed_precision: auto` in training picks bf16 where
`llamo.train.precision.has_fast_bf16()` is true (AVX512-BF16 or AMX on the CPU). Accuracy at equal steps is
a training run, not a benchmark: benchmarks/RESULTS.md gives both.
"""

import contextlib

import torch
from common import (
    add_smollm2_args,
    alternating_medians,
    instruct_training,
    make_batch,
    motions,
    parser,
    smollm2_model,
    training_step,
)

from llamo.train.precision import has_fast_bf16


def main() -> None:
    p = parser(__doc__)
    add_smollm2_args(p, repeats=5)
    p.add_argument("--batch-size", type=int, default=8)
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, fast bf16: {has_fast_bf16()}")
    model = smollm2_model(args.connector)
    optimizer = instruct_training(model)
    batch = make_batch(model, motions(args.frames, args.batch_size))
    step = training_step(model, optimizer, batch, torch.device("cpu"))
    medians = alternating_medians({"fp32": lambda: step(contextlib.nullcontext()),
                                   "bf16": lambda: step(torch.autocast("cpu", dtype=torch.bfloat16))}, args.repeats)
    fp32, bf16 = medians["fp32"], medians["bf16"]
    print(f"train step, batch {args.batch_size} x {args.frames} frames ({args.connector}): fp32 {fp32:.2f} s "
          f"| bf16 autocast {bf16:.2f} s | fp32 / bf16 {fp32 / bf16:.2f}x")


if __name__ == "__main__":
    main()
