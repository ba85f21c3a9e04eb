"""Warm up the connector on the folder's answers before instruction tuning, without the LM in the loop.

    OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1 python experiments/connector_warmup.py --init runs/X/init \
        --data data/seven/train.json --cache runs/X/encoder_cache --out runs/X/warm --epochs 10

Why: a small probe counts a named action's repetitions from 16 pooled encoder parts at 0.60 (0.94 off by one)
after 30 passes over the count questions (experiments/probe_count.py), while the LM fed the same kind of tokens
stays at chance after the recipe's 300–1,450 instruct steps: the information is there, the LM-in-the-loop
steps are too few and too dear (~3 s each) to learn to extract it. Here the connector (and the enhancer) learn
to put each question's answer into their tokens for the price of a probe step: the question's mean word
embedding attends over the K motion tokens, and a 2-layer head classifies the answer (each distinct answer
text is a class). The LM is only used for its frozen input embeddings. The warmed connector is saved in a model
folder (LoRA untouched) that `llamo train --config cpu/instruct init_from=OUT` continues from.
"""

import argparse
import random
import time

import torch
import torch.nn.functional as F
from torch import nn

from llamo.train.config import load_config
from llamo.train.loop import setup

MAX_CLASSES = 512


class Readout(nn.Module):
    """(tokens [B, K, D], mask [B, K], question [B, D]) → answer logits [B, MAX_CLASSES]."""

    def __init__(self, dim: int, hidden: int = 256):
        super().__init__()
        self.query = nn.Linear(dim, dim, bias=False)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, MAX_CLASSES))

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        scores = torch.einsum("bkd,bd->bk", tokens, self.query(question)) / tokens.shape[-1] ** 0.5
        weights = scores.masked_fill(~mask, float("-inf")).softmax(-1)  # [B, K]
        pooled = torch.einsum("bk,bkd->bd", weights, tokens)
        return self.mlp(torch.cat([pooled, question], -1))


def answer_classes(labels: torch.Tensor, classes: dict) -> torch.Tensor:
    """Each row's answer tokens (labels ≠ −100) as a class id, new answers added as they appear."""
    keys = [tuple(row[row != -100].tolist()) for row in labels]
    return torch.tensor([classes.setdefault(k, len(classes)) for k in keys])


def question_embedding(model, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """Word embeddings [B, L, D] of the prompt (placeholders as id 0) and the question's mean [B, D]."""
    ids = batch["input_ids"]
    text = model.llm.get_input_embeddings()(ids.masked_fill(ids == model.placeholder_id, 0)).detach()
    mask = batch["instruction_mask"].unsqueeze(-1).float()
    return text, (text * mask).sum(1) / mask.sum(1).clamp(min=1)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--init", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--cache", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=5e-4)
    args = p.parse_args()
    torch.manual_seed(0)
    random.seed(0)
    cfg = load_config("cpu/instruct", [f"data=[{args.data}]", f"init_from={args.init}", f"encoder_cache={args.cache}",
                                       "out=/tmp/warmup_run", "batch_size=32", "mixed_precision=no"])
    run = setup(cfg)
    model = run.accelerator.unwrap_model(run.stage).model
    readout, classes = Readout(model.llm.get_input_embeddings().embedding_dim), {}
    params = [*model.connector.parameters(), *model.enhancer.parameters(), *readout.parameters()]
    optimizer = torch.optim.AdamW(params, args.lr, weight_decay=0.01)
    for epoch in range(1, args.epochs + 1):
        start, losses, hits, seen = time.perf_counter(), [], 0, 0
        for batch in run.loader:
            text, question = question_embedding(model, batch)
            out = model.get_motion_tokens(batch, text)
            target = answer_classes(batch["labels"], classes)
            logits = readout(out.embeds, out.mask, question)
            loss = F.cross_entropy(logits, target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            hits += (logits.argmax(-1) == target).sum().item()
            seen += len(target)
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.3f}, train accuracy {hits / seen:.3f}, "
              f"{len(classes)} answers, {time.perf_counter() - start:.0f} s", flush=True)
        model.save_pretrained(args.out)  # after every pass, so a stopped warm-up still leaves a model


if __name__ == "__main__":
    main()
