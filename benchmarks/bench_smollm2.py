"""Real SmolLM2-135M + LoRA on the CPU: one training step (batch 4, motions of 200 frames) and one 32-token answer.

    python benchmarks/bench_smollm2.py [--connector cross_talker] [--repeats 3]

Reference runs in the same process: the same step with the text_only connector (what the motion side adds),
and the same answer decoded without the KV cache (what the cache saves). Prints seconds and ratios.
"""

import torch
from common import (
    add_smollm2_args,
    instruct_training,
    make_batch,
    motions,
    parser,
    seconds_per_call,
    smollm2_model,
    training_step,
)

BATCH = 4


def train_step_seconds(kind: str, frames: int, repeats: int) -> float:
    """Mean seconds of one instruct-stage training step on BATCH motions of `frames` frames."""
    model = smollm2_model(kind)
    optimizer = instruct_training(model)
    step = training_step(model, optimizer, make_batch(model, motions(frames, BATCH)), torch.device("cpu"))
    return seconds_per_call(step, repeats, warmup=1)


def answer_seconds(kind: str, frames: int, repeats: int) -> tuple[float, float]:
    """Seconds for one 32-token greedy answer with the KV cache, and re-reading the sequence at every step."""
    model = smollm2_model(kind).eval()
    batch = make_batch(model, motions(frames, 1), generation=True)
    cached = seconds_per_call(lambda: model.generate(batch, max_new_tokens=32, min_new_tokens=32), repeats, warmup=1)
    uncached = seconds_per_call(lambda: model.generate_without_cache(batch, max_new_tokens=32, min_new_tokens=32),
                                repeats, warmup=1)
    return cached, uncached


def main() -> None:
    p = parser(__doc__)
    add_smollm2_args(p, repeats=3)
    args = p.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, SmolLM2-135M-Instruct + LoRA r=16")
    step = train_step_seconds(args.connector, args.frames, args.repeats)
    text_step = train_step_seconds("text_only", args.frames, args.repeats)
    cached, uncached = answer_seconds(args.connector, args.frames, args.repeats)
    print(f"train step, batch {BATCH} x {args.frames} frames ({args.connector}): {step:.2f} s "
          f"| text_only reference {text_step:.2f} s | ratio {step / text_step:.2f}")
    print(f"one 32-token answer ({args.connector}): {cached:.2f} s with KV cache "
          f"| without cache {uncached:.2f} s | speed-up {uncached / cached:.2f}x")


if __name__ == "__main__":
    main()
