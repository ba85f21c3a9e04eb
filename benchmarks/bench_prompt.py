"""The system message's cost: one SmolLM2-135M + LoRA instruct training step (bf16 autocast where the CPU has
fast bf16, as `mixed_precision: auto`), prompts with SmolLM2's default system message against an empty one.

    HF_HUB_OFFLINE=1 python benchmarks/bench_prompt.py [--connector cross_talker] [--batch-size 8] [--repeats 5]

SmolLM2's chat template opens every conversation without a system turn with "You are a helpful AI assistant
named SmolLM, trained by Hugging Face" (`llm.system_prompt: null`, what every model so far was trained with);
`llm.system_prompt: ""` renders an empty system turn instead. Both batches (same motions, questions, answers)
run in this process on the same model and optimizer, alternating, so the machine's load hits both alike; prints
the prompt lengths, the medians and default / empty.
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

SYSTEMS = {"default system message": None, "empty system message": ""}


def main() -> None:
    p = parser(__doc__)
    add_smollm2_args(p, repeats=5)
    p.add_argument("--batch-size", type=int, default=8)
    args = p.parse_args()
    bf16 = has_fast_bf16()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, bf16 autocast: {bf16}")
    model = smollm2_model(args.connector)
    optimizer = instruct_training(model)
    clips = motions(args.frames, args.batch_size)
    steps, lengths = {}, {}
    for name, system in SYSTEMS.items():
        model.processor.system = system
        batch = make_batch(model, clips)
        lengths[name] = int(batch["input_ids"].shape[1])
        steps[name] = training_step(model, optimizer, batch, torch.device("cpu"))
    context = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    medians = alternating_medians({name: lambda step=step: step(context()) for name, step in steps.items()},
                                  args.repeats)
    default, empty = (medians[name] for name in SYSTEMS)
    print(f"train step, batch {args.batch_size} x {args.frames} frames ({args.connector}), prompt + answer tokens "
          f"{lengths['default system message']} / {lengths['empty system message']}: default {default:.2f} s | "
          f"empty {empty:.2f} s | default / empty {default / empty:.2f}x")


if __name__ == "__main__":
    main()
