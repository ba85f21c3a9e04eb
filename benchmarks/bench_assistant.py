"""Answer latency of the shipped assistant on the CPU for a 10-second clip: first token and full answer.

    python benchmarks/bench_assistant.py [--model DIR] [--seconds 10] [--repeats 5]

The clip is real motion capture (pybullet's walk, kick, jump, spin, cartwheel joined with blending) cut to
--seconds at 20 fps. Reference in the same process: the same questions to the same LLM with no motion (the
model's text-only prompt), which shows what reading the motion adds. Prints medians and ratios.
"""

import statistics
import time

from common import looped, parser, pybullet_clips

from llamo.assistant import Assistant
from llamo.data.collate import collate
from llamo.data.schema import Turn

QUESTIONS = ("What is the person doing?", "Describe the motion.", "What does the person do after they kick?")
CLIPS = ("walk", "kick", "jump", "spin", "cartwheel")


def time_reply(pieces_of) -> tuple[float, float, str]:
    """Seconds to the first piece, seconds to the end, and the text of one streamed answer."""
    start = time.perf_counter()
    first, text = None, ""
    for piece in pieces_of():
        first = first if first is not None else time.perf_counter() - start
        text += piece
    return first or 0.0, time.perf_counter() - start, text.strip()


def text_only(assistant: Assistant, question: str):
    """The same LLM and prompt format, no motion: the reference."""
    model = assistant.model
    sample = model.prepare([Turn("human", question)], None, generation=True)
    return model.stream(collate([sample], model.tokenizer.pad_token_id, left_pad=True), assistant.max_new_tokens)


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--model", default=None, help="model folder (default: the shipped LLaMo model)")
    p.add_argument("--seconds", type=float, default=10.0, help="clip length")
    p.add_argument("--repeats", type=int, default=5, help="timed answers per question (medians reported)")
    args = p.parse_args()

    start = time.perf_counter()
    assistant = Assistant.from_pretrained(args.model)
    print(f"load: {time.perf_counter() - start:.2f} s")
    motion = looped(pybullet_clips(CLIPS), int(args.seconds * 20))  # 20 fps
    print(f"clip: {motion.num_frames} frames ({motion.num_frames / motion.fps:.1f} s of footage at {motion.fps:g} fps)")
    print("| question | answer | first token (s) | full answer (s) | no-motion first / full (s) | ratio first / full |")
    print("|---|---|---|---|---|---|")
    for question in QUESTIONS:
        time_reply(lambda q=question: assistant.stream(motion, q))  # warm-up
        runs = [time_reply(lambda q=question: assistant.stream(motion, q)) for _ in range(args.repeats)]
        refs = [time_reply(lambda q=question: text_only(assistant, q)) for _ in range(args.repeats)]
        first, full = (statistics.median(r[i] for r in runs) for i in (0, 1))
        ref_first, ref_full = (statistics.median(r[i] for r in refs) for i in (0, 1))
        print(f"| {question} | {runs[0][2]} | {first:.3f} | {full:.3f} | {ref_first:.3f} / {ref_full:.3f} | "
              f"{first / ref_first:.2f} / {full / ref_full:.2f} |")


if __name__ == "__main__":
    main()
