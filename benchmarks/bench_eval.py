"""Evaluation throughput: batched greedy generation (left-padded batches, as `llamo eval` runs it) against
answering one question at a time, in questions/s, on the same model and questions in this process.

    python benchmarks/bench_eval.py --device cuda --model runs/cross_talker/instruct/model --limit 256
    OMP_NUM_THREADS=1 python benchmarks/bench_eval.py --device cpu --preset tiny --limit 16 --batch-size 8

Questions: the first --limit records of data/mocapqa/qa_test.json (their first human turn and motion) when it
exists, else pybullet's walk / kick / jump / spin clips (200 frames) with four fixed questions. The model: the
trained folder --model, else a random cross_talker model on the --preset LM. Every answer is forced to exactly
--max-new-tokens tokens (min = max), so both modes decode the same number of tokens and a random model's early
EOS cannot flatter either; bf16 autocast on CUDA. Motion loading and feature computation are outside the timing.
"""

import time
from pathlib import Path

import torch
from common import (
    add_device_args,
    autocast,
    device_label,
    make_examples,
    markdown_table,
    motions,
    parser,
    random_model,
    synchronize,
    to_device,
)

from llamo.data.collate import Example, collate
from llamo.data.dataset import load_all
from llamo.data.schema import resolve_media
from llamo.model import LlamoModel
from llamo.motion.io import load_motion

MOCAPQA_TEST = Path("data/mocapqa/qa_test.json")


def mocapqa_examples(model: LlamoModel, path: Path, limit: int) -> list[Example]:
    """Generation prompts (first human turn + motion) of the first `limit` records of `path`."""
    examples = []
    for root, record in load_all([str(path)])[:limit]:
        motion = load_motion(resolve_media(root, record.motion, str(root))) if record.motion else None
        examples.append(model.prepare(list(record.conversations[:1]), motion, generation=True))
    return examples


def clip_examples(model: LlamoModel, limit: int) -> list[Example]:
    """`limit` prompts from pybullet clips of 200 frames and fixed questions (no dataset needed)."""
    return make_examples(model, motions(200, limit), generation=True)


def answer_all(model: LlamoModel, examples: list[Example], batch_size: int, args, device: torch.device) -> tuple:
    """Greedy answers of every example, `batch_size` at a time: (seconds, answers as lists of token ids)."""
    answers = []
    synchronize(device)
    start = time.perf_counter()
    for i in range(0, len(examples), batch_size):
        batch = to_device(collate(examples[i:i + batch_size], model.tokenizer.pad_token_id, left_pad=True), device)
        with autocast(device):
            ids, _ = model.generate(batch, args.max_new_tokens, min_new_tokens=args.max_new_tokens)  # [B, ≤ max]
        answers += ids.tolist()
    synchronize(device)
    return time.perf_counter() - start, answers


def load(args, device: torch.device) -> LlamoModel:
    if args.model:
        return LlamoModel.from_pretrained(args.model).to(device).eval()
    return random_model("cross_talker", args.preset, device).eval()


def main() -> None:
    p = parser(__doc__)
    add_device_args(p, preset="tiny")
    p.add_argument("--model", help="a trained model folder (default: a random model on --preset)")
    p.add_argument("--data", type=Path, default=MOCAPQA_TEST, help="records to read questions from")
    p.add_argument("--limit", type=int, default=64, help="questions")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--max-new-tokens", type=int, default=16)
    args = p.parse_args()
    device = args.device
    model = load(args, device)
    source = str(args.data) if args.data.is_file() else "pybullet clips (no dataset file)"
    examples = mocapqa_examples(model, args.data, args.limit) if args.data.is_file() else \
        clip_examples(model, args.limit)
    print(f"device: {device_label(device)}; model {args.model or f'random cross_talker, preset {args.preset}'}; "
          f"{len(examples)} questions from {source}; {args.max_new_tokens} new tokens each\n")
    answer_all(model, examples[:2], 2, args, device)  # warm-up: kernels, allocator, lazy imports
    one_s, one = answer_all(model, examples, 1, args, device)
    batched_s, batched = answer_all(model, examples, args.batch_size, args, device)
    n = len(examples)
    print(markdown_table(["mode", "batch", "questions", "seconds", "questions/s"],
                         [["one at a time", 1, n, f"{one_s:.2f}", f"{n / one_s:.2f}"],
                          ["batched, left-padded", args.batch_size, n, f"{batched_s:.2f}", f"{n / batched_s:.2f}"]]))
    same = sum(a == b for a, b in zip(one, batched, strict=True))
    print(f"\nbatched / one-at-a-time questions/s: {one_s / batched_s:.2f}x; "
          f"identical answers in both modes: {same}/{n}")


if __name__ == "__main__":
    main()
