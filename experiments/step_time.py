"""Step time of the CPU recipe's real instruct step under one change, on the same batches (seed 0).

    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 python experiments/step_time.py --init runs/X/align/model \
        --data data/seven/train.json --cache runs/X/encoder_cache --change bf16_frozen,no_dropout

Changes (comma-separated, applied after the stage is set up): eager (eager attention in the LM), no_dropout
(LoRA dropout p = 0), bf16_linear (frozen Linear weights stored in bf16: the same arithmetic as autocast),
bf16_frozen (every frozen LM tensor in bf16: norms and embeddings too, which changes the arithmetic). Prints the
timed steps, their mean and median, and the last loss (equal losses = equal arithmetic). benchmarks/NOTES.md
has the figures.
"""

import argparse
import statistics
import time

import torch

from llamo.train.config import load_config
from llamo.train.loop import setup, train_step

CHANGES = ("eager", "no_dropout", "bf16_linear", "bf16_frozen")


def apply(llm: torch.nn.Module, changes: set[str]) -> None:
    if "eager" in changes:
        llm.set_attn_implementation("eager")
    for name, module in llm.named_modules():
        if "no_dropout" in changes and isinstance(module, torch.nn.Dropout):
            module.p = 0.0
        if ("bf16_linear" in changes and isinstance(module, torch.nn.Linear) and "lm_head" not in name
                and not module.weight.requires_grad):
            module.weight.data = module.weight.data.to(torch.bfloat16)
    if "bf16_frozen" in changes:
        for param in llm.parameters():
            if not param.requires_grad:
                param.data = param.data.to(torch.bfloat16)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--init", required=True, help="model folder the instruct stage starts from")
    p.add_argument("--data", required=True)
    p.add_argument("--cache", required=True, help="encoder cache folder")
    p.add_argument("--change", default="", help=f"comma-separated: {', '.join(CHANGES)}")
    p.add_argument("--steps", type=int, default=14)
    args = p.parse_args()
    changes = {c for c in args.change.split(",") if c}
    if changes - set(CHANGES):
        raise SystemExit(f"unknown changes {sorted(changes - set(CHANGES))}; accepted: {', '.join(CHANGES)}")
    cfg = load_config("cpu/instruct", [f"data=[{args.data}]", f"init_from={args.init}",
                                       f"encoder_cache={args.cache}", "out=/tmp/step_time_run"])
    run = setup(cfg)
    apply(run.accelerator.unwrap_model(run.stage).model.llm, changes)
    batches = iter(run.loader)
    for _ in range(2):  # warm-up
        train_step(run, next(batches))
    times = []
    for _ in range(args.steps):
        batch = next(batches)
        start = time.perf_counter()
        loss = train_step(run, batch)
        times.append(time.perf_counter() - start)
    print(f"{args.change or 'as shipped'}: steps {[round(t, 2) for t in times]} mean {statistics.mean(times):.2f} s "
          f"median {statistics.median(times):.2f} s, loss {float(loss):.4f}")


if __name__ == "__main__":
    main()
