"""How fast does the Cross Talker's SumContext learn a named action's count from count answers alone?

    python experiments/probe_sum_learned.py --model runs/X/encoder/model --data data/seven \
        --cache runs/X/encoder_cache \
        --relevance learned|oracle [--value frame|change] [--bias -2] [--lr 1e-3] [--epochs 25]

On the frozen encoder's frames, the named action as a query (an embedding per action, in place of the question's
words), `SumContext` (model/cross_talker.py) and a 2-layer head over the counts; AdamW, batch 32, seed 0,
trained on the folder's count questions only; test exact match every 5 passes. `--relevance oracle` replaces the
learned relevance by the named action's frames from `timelines.json`, so the two runs split what is slow to learn:
finding the frames, or reading the count from them. Reported in docs/results/own_data_cpu.md.
"""

import argparse
import json
import random
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from llamo.model.configuration import SUM_VALUES
from llamo.model.cross_talker import SumContext
from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion
from llamo.train.encoder_cache import EncoderCache


def action_frames(timeline: dict, action: str, length: int) -> torch.Tensor:
    """[T] 1.0 on the frames of the named action's segments (clips over max_frames were subsampled)."""
    scale, mask = length / timeline["frames"], torch.zeros(length)
    for seg in timeline["segments"]:
        if seg["action"] == action:
            mask[int(seg["start"] * scale):int(seg["end"] * scale)] = 1.0
    return mask


def items(model: LlamoModel, cache: EncoderCache, folder: Path, split: str, actions: dict) -> list:
    """[(frames [T, D_m], oracle [T], action, count − 1)] for the split's count questions."""
    timelines, out = json.loads((folder / "timelines.json").read_text()), []
    for r in json.loads((folder / f"{split}.json").read_text()):
        if r["meta"]["task"] == "count":
            frames = cache(folder / r["motion"], model.motion_inputs(load_motion(folder / r["motion"]))).float()
            oracle = action_frames(timelines[r["meta"]["motion_id"]], r["meta"]["subject"], len(frames))
            action = actions.setdefault(r["meta"]["subject"], len(actions))
            out.append((frames, oracle, action, int(r["meta"]["answer"]) - 1))
    return out


class Probe(nn.Module):
    def __init__(self, dim: int, oracle: bool, bias: float, actions: int = 16, counts: int = 6,
                 value: str = "frame"):
        super().__init__()
        self.query, self.pool, self.oracle = nn.Embedding(actions, 64), SumContext(dim, 64, value=value), oracle
        self.pool.bias.data.fill_(bias)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, counts))

    def forward(self, batch: list) -> torch.Tensor:
        """batch: [(frames [T, D], oracle [T], action, count − 1)] → logits [B, counts]."""
        T = max(len(x) for x, *_ in batch)
        frames = torch.stack([F.pad(x, (0, 0, 0, T - len(x))) for x, *_ in batch])  # [B, T, D]
        mask = torch.arange(T)[None] < torch.tensor([len(x) for x, *_ in batch])[:, None]  # [B, T]
        if self.oracle:
            weights = torch.stack([F.pad(o, (0, T - len(o))) for _, o, _, _ in batch])  # [B, T]
            values = self.pool.value(self.pool.norm(frames))  # [B, T, D]
            return self.head(self.pool.out(torch.einsum("bt,btd->bd", weights, values) * self.pool.scale))
        text = self.query(torch.tensor([a for _, _, a, _ in batch]))[:, None]  # [B, 1, 64]
        return self.head(self.pool(frames, mask, text, torch.ones(len(batch), 1, dtype=torch.bool)))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--cache", default="runs/encoder_cache", help="encoder cache folder (train/encoder_cache.py)")
    p.add_argument("--relevance", choices=("learned", "oracle"), default="learned")
    p.add_argument("--bias", type=float, default=-2.0, help="the relevance bias's starting value")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--epochs", type=int, default=25)
    p.add_argument("--value", choices=SUM_VALUES, default="frame",
                   help="the sum's per-frame value: linear in the frame, or an MLP of the frame and its change")
    args = p.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    model, actions = LlamoModel.from_pretrained(args.model), {}
    cache = EncoderCache(model, args.cache)
    train, test = (items(model, cache, Path(args.data), split, actions) for split in ("train", "test"))
    counts = max(y for *_, y in train + test) + 1
    probe = Probe(train[0][0].shape[1], args.relevance == "oracle", args.bias, counts=counts, value=args.value)
    optimizer = torch.optim.AdamW(probe.parameters(), args.lr, weight_decay=0.01)
    step = 0
    for epoch in range(1, args.epochs + 1):
        random.shuffle(train)
        for i in range(0, len(train), 32):
            loss = F.cross_entropy(probe(train[i:i + 32]), torch.tensor([y for *_, y in train[i:i + 32]]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
        if epoch % 5 == 0:
            with torch.no_grad():
                exact = (probe(test).argmax(-1) == torch.tensor([y for *_, y in test])).float().mean().item()
            print(f"pass {epoch} (step {step}): test exact {exact:.3f}", flush=True)


if __name__ == "__main__":
    main()
