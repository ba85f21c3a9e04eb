"""Can the frozen motion encoder's output count a named action's repetitions? A small probe, trained on the
folder's count questions only, reads the encoder output (or the raw features) and answers the count.

    python experiments/probe_count.py --model runs/X/encoder/model --data data/seven --cache runs/X/encoder_cache \
        --view frames
    (views: frames — every 2nd encoder frame; uniform16 — the frames mean-pooled into 16 equal parts, as the
    uniform connector hands the LM; raw — every 2nd frame of the normalised input features, no encoder)

The probe: the view projected to 128, learned positions, a query token for the named action in front, two
transformer layers, a 6-way count head; AdamW 5e-4, batch 32, seed 0. It prints train/test exact and
off-by-one accuracy every 5 epochs. If a probe this small counts and the LM does not, the count is in the
features and the connector + LM fail to learn it within the recipe's steps (docs/results/own_data_cpu.md).
"""

import argparse
import json
import random
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion
from llamo.train.encoder_cache import EncoderCache

DIM, MAX_COUNT = 128, 12


def view(model: LlamoModel, cache: EncoderCache, path: Path, kind: str) -> torch.Tensor:
    """One motion as the probe reads it: [T', D]."""
    feats = model.motion_inputs(load_motion(path))
    if kind == "raw":
        return ((feats - model.feature_mean) / model.feature_std)[::2].float()
    hidden = cache(path, feats)
    if kind == "uniform16":
        return torch.stack([part.mean(0) for part in torch.tensor_split(hidden, 16)])
    return hidden[::2]


def items(model: LlamoModel, cache: EncoderCache, folder: Path, split: str, kind: str, actions: dict) -> list:
    out = []
    for r in json.loads((folder / f"{split}.json").read_text()):
        if r["meta"]["task"] == "count":
            subject = actions.setdefault(r["meta"]["subject"], len(actions))
            out.append((view(model, cache, folder / r["motion"], kind), subject, int(r["meta"]["answer"]) - 1))
    return out


class Probe(nn.Module):
    def __init__(self, in_dim: int, actions: int = 16, max_len: int = 512):
        super().__init__()
        self.inp, self.query = nn.Linear(in_dim, DIM), nn.Embedding(actions, DIM)
        self.pos = nn.Parameter(torch.randn(max_len, DIM) * 0.02)
        layer = nn.TransformerEncoderLayer(DIM, 4, 2 * DIM, 0.1, batch_first=True)
        self.body, self.head = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False), nn.Linear(DIM, MAX_COUNT)

    def forward(self, batch: list) -> torch.Tensor:
        """batch: [(x [T, D], action, count − 1)] → logits [B, MAX_COUNT]."""
        T = max(len(x) for x, _, _ in batch)
        x = torch.stack([F.pad(x, (0, 0, 0, T - len(x))) for x, _, _ in batch])
        pad = torch.tensor([[False] * (len(x) + 1) + [True] * (T - len(x)) for x, _, _ in batch])
        z = torch.cat([self.query(torch.tensor([a for _, a, _ in batch]))[:, None], self.inp(x) + self.pos[:T]], 1)
        return self.head(self.body(z, src_key_padding_mask=pad)[:, 0])


def accuracy(probe: Probe, data: list) -> tuple[float, float]:
    probe.eval()
    with torch.no_grad():
        pred = torch.cat([probe(data[i:i + 64]).argmax(-1) for i in range(0, len(data), 64)])
    probe.train()
    gap = (pred - torch.tensor([y for _, _, y in data])).abs()
    return round((gap == 0).float().mean().item(), 3), round((gap <= 1).float().mean().item(), 3)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--cache", default="runs/encoder_cache", help="encoder cache folder (train/encoder_cache.py)")
    p.add_argument("--view", choices=("frames", "uniform16", "raw"), default="frames")
    p.add_argument("--epochs", type=int, default=30)
    args = p.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    model, actions = LlamoModel.from_pretrained(args.model), {}
    cache = EncoderCache(model, args.cache)  # one fingerprint, every motion encoded once
    train = items(model, cache, Path(args.data), "train", args.view, actions)
    test = items(model, cache, Path(args.data), "test", args.view, actions)
    probe = Probe(train[0][0].shape[1])
    optimizer = torch.optim.AdamW(probe.parameters(), 5e-4, weight_decay=0.01)
    print(f"{args.view}: {len(train)} train / {len(test)} test count questions, input {tuple(train[0][0].shape)}")
    for epoch in range(1, args.epochs + 1):
        random.shuffle(train)
        for i in range(0, len(train), 32):
            loss = F.cross_entropy(probe(train[i:i + 32]), torch.tensor([y for _, _, y in train[i:i + 32]]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch}: train {accuracy(probe, train[:300])} test {accuracy(probe, test)} "
                  "(exact, off-by-one)", flush=True)


if __name__ == "__main__":
    main()
