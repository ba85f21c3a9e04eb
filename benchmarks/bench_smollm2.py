"""Real SmolLM2-135M + LoRA on the CPU: one training step (batch 4, motions of 200 frames) and one 32-token answer.

    python benchmarks/bench_smollm2.py [--connector cross_talker] [--repeats 3]

Reference runs in the same process: the same step with the text_only connector (what the motion side adds),
and the same answer decoded without the KV cache (what the cache saves). Prints seconds and ratios.
"""

import argparse
import statistics
import time

import torch

from llamo.data.collate import collate
from llamo.data.schema import Turn
from llamo.model import ConnectorConfig, LlamoConfig, build_model, set_trainable
from llamo.motion import concatenate, resample
from llamo.motion.formats.deepmimic import pybullet_motion_dir, read_deepmimic

QUESTIONS = ["What is the person doing?", "Which leg does the person kick with?",
             "How many times does the person jump?", "Which way does the person turn?"]


def motions_of(frames: int) -> list:
    clips = [read_deepmimic(pybullet_motion_dir() / f"humanoid3d_{n}.txt") for n in ("walk", "kick", "jump", "spin")]
    out = []
    for clip in clips:
        long = concatenate([clip] * (frames // clip.num_frames + 2))
        out.append(long.with_joints(long.joints[:frames]))
    return out


def batch_for(model, motions, generation: bool = False) -> dict:
    examples = []
    for motion, question in zip(motions, QUESTIONS, strict=False):
        turns = [Turn("human", f"<motion>\n{question}")] + ([] if generation else [Turn("gpt", "An answer.")])
        examples.append(model.prepare(turns, motion, generation=generation))
    return collate(examples, model.tokenizer.pad_token_id, left_pad=generation)


def timed(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def train_step_seconds(kind: str, motions, repeats: int) -> float:
    torch.manual_seed(0)
    model = build_model(LlamoConfig(connector=ConnectorConfig(kind=kind))).train()
    set_trainable(model, ["enhancer", "connector", "lora"])
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    batch = batch_for(model, motions)

    def step():
        loss = model(**batch).loss
        loss.backward()
        optim.step()
        optim.zero_grad(set_to_none=True)

    return timed(step, repeats)


def answer_seconds(kind: str, motion, repeats: int) -> tuple[float, float]:
    """Seconds for one 32-token greedy answer with the KV cache, and re-reading the sequence at every step."""
    torch.manual_seed(0)
    model = build_model(LlamoConfig(connector=ConnectorConfig(kind=kind))).eval()
    batch = batch_for(model, [motion], generation=True)
    cached = timed(lambda: model.generate(batch, max_new_tokens=32, min_new_tokens=32), repeats)
    uncached = timed(lambda: model.generate_without_cache(batch, max_new_tokens=32, min_new_tokens=32), repeats)
    return cached, uncached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connector", default="cross_talker")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--frames", type=int, default=200)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, SmolLM2-135M-Instruct + LoRA r=16")
    motions = [resample(m) for m in motions_of(args.frames)]
    step = train_step_seconds(args.connector, motions, args.repeats)
    text_step = train_step_seconds("text_only", motions, args.repeats)
    cached, uncached = answer_seconds(args.connector, motions[0], args.repeats)
    print(f"train step, batch 4 x {args.frames} frames ({args.connector}): {step:.2f} s "
          f"| text_only reference {text_step:.2f} s | ratio {step / text_step:.2f}")
    print(f"one 32-token answer ({args.connector}): {cached:.2f} s with KV cache "
          f"| without cache {uncached:.2f} s | speed-up {uncached / cached:.2f}x")


if __name__ == "__main__":
    main()
