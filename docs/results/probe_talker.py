"""What the Cross Talker hands the LLM: do its chosen frames move with the question, and how loud are its tokens?

For each motion of a record file with several questions, the frames chosen for each question are compared pairwise
(Jaccard overlap of the frame sets: 1.0 means the selection ignores the question); the motion tokens' L2 norms
are set against the LLM's word embeddings (what the LM's first RMSNorm and attention are used to).

    python docs/results/probe_talker.py --model runs/seven/ct/instruct/model --data data/seven/test.json --motions 40
"""

import argparse
import itertools
import statistics
from collections import defaultdict

import torch

from llamo.data.collate import collate
from llamo.data.dataset import load_all
from llamo.data.schema import resolve_media
from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion


@torch.no_grad()
def chosen_and_norms(model: LlamoModel, records: list, batch_size: int = 16) -> tuple[list[set], list[float]]:
    """The frame set chosen for each record's first question, and the L2 norm of every valid motion token."""
    chosen, norms = [], []
    for i in range(0, len(records), batch_size):
        chunk = records[i:i + batch_size]
        samples = [model.prepare(list(r.conversations[:1]), load_motion(resolve_media(root, r.motion, str(root))),
                                 generation=True) for root, r in chunk]
        batch = model.on_device(collate(samples, model.tokenizer.pad_token_id, left_pad=True))
        _, out = model.embed(batch)
        for row in range(len(chunk)):
            chosen.append({int(f) for f in out.frame_indices[row][out.mask[row]]})
        norms += out.embeds[out.mask].norm(dim=-1).tolist()
    return chosen, norms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--motions", type=int, default=40, help="motions (each with all its questions) to probe")
    args = parser.parse_args()
    model = LlamoModel.from_pretrained(args.model).eval()
    by_motion = defaultdict(list)
    for root, record in load_all([args.data]):
        by_motion[record.motion].append((root, record))
    records = [item for key in sorted(by_motion)[:args.motions] for item in by_motion[key]]
    chosen, norms = chosen_and_norms(model, records)
    overlaps, start = [], 0
    for key in sorted(by_motion)[:args.motions]:
        sets = chosen[start:start + len(by_motion[key])]
        start += len(sets)
        overlaps += [len(a & b) / len(a | b) for a, b in itertools.combinations(sets, 2)]
    words = model.llm.get_input_embeddings().weight.norm(dim=-1)
    print(f"{args.model} on {args.data}: {len(records)} questions about {args.motions} motions")
    print(f"chosen frames, pairwise Jaccard between questions on one motion: mean {statistics.mean(overlaps):.3f}, "
          f"share identical {sum(o == 1.0 for o in overlaps) / len(overlaps):.3f} ({len(overlaps)} pairs)")
    print(f"motion token norm: median {statistics.median(norms):.1f} (p10 {sorted(norms)[len(norms) // 10]:.1f}, "
          f"p90 {sorted(norms)[9 * len(norms) // 10]:.1f}); word embedding norm: median {words.median():.2f}")


if __name__ == "__main__":
    main()
