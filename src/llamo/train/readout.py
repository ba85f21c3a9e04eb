"""The answer read-out: alignment without captions, without the LLM in the loop (`objective: answer_readout`).

Without caption records the align stage has only question records, whose answers are a few words. Learning
the connector through the LLM on them costs a full LM forward and backward per question (~3 s per step of 8 on
one CPU thread) and, on a caption-less folder, the Cross Talker then stalls near the question prior
(docs/results/own_data_cpu.md). Here the connector learns to carry each question's answer for the price of a
small head: the question's mean word embedding (the LLM's frozen input embeddings) attends over the K motion
tokens the connector hands the LLM, and a 2-layer MLP classifies the answer among the training set's most
frequent distinct answers (token-id tuples; rarer ones are left out of the loss). The head is discarded after
the stage; the connector (and the enhancer) keep what they learned, and instruction tuning teaches the LLM to
read it. Measured against the LLM-in-the-loop stages in docs/decisions.md.

Legend: B batch, K motion tokens, D the LLM's width, C answer classes, L prompt tokens.
"""

from collections import Counter

import torch
import torch.nn.functional as F
from torch import nn

from ..data.processor import IGNORE_INDEX as IGNORE
from ..errors import ConfigError
from ..model.connectors import uses_motion_encoder


def answer_key(labels: torch.Tensor) -> tuple[int, ...]:
    """One item's answer as the token ids it is trained to produce (labels ≠ −100): [L] → tuple."""
    return tuple(labels[labels != IGNORE].tolist())


def answer_classes(answers: list[tuple[int, ...]], limit: int) -> dict[tuple[int, ...], int]:
    """The `limit` most frequent distinct answers, ties broken by the ids, as class indices."""
    counts = Counter(answers)
    ranked = sorted(counts, key=lambda key: (-counts[key], key))
    return {key: i for i, key in enumerate(ranked[:limit])}


class AnswerReadout(nn.Module):
    """The align stage's loss when it has no captions: classify each question's answer from the motion tokens.

    Args:
        dim: D, the LLM's width (the motion tokens and word embeddings).
        classes: answer (token-id tuple) → class index, from `answer_classes`.
        hidden: the MLP's width.
    """

    def __init__(self, dim: int, classes: dict[tuple[int, ...], int], hidden: int = 256):
        super().__init__()
        if not classes:
            raise ConfigError("objective answer_readout: the records have no answers to learn (no assistant turns)")
        self.classes = classes
        self.query = nn.Linear(dim, dim, bias=False)
        self.mlp = nn.Sequential(nn.Linear(2 * dim, hidden), nn.GELU(), nn.Linear(hidden, len(classes)))

    def logits(self, tokens: torch.Tensor, mask: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        """tokens [B, K, D], mask [B, K] bool, question [B, D] → [B, C]."""
        scores = torch.einsum("bkd,bd->bk", tokens, self.query(question)) / tokens.shape[-1] ** 0.5  # [B, K]
        weights = scores.float().masked_fill(~mask, float("-inf")).softmax(-1).to(tokens.dtype)
        pooled = torch.einsum("bk,bkd->bd", weights, tokens)  # [B, D]
        return self.mlp(torch.cat([pooled, question.to(pooled.dtype)], -1))

    def targets(self, labels: torch.Tensor) -> torch.Tensor:
        """labels [B, L] → class per row [B], −100 for an answer outside the classes."""
        return torch.tensor([self.classes.get(answer_key(row), IGNORE) for row in labels], device=labels.device)

    def forward(self, model: nn.Module, batch: dict) -> torch.Tensor:
        words = model.word_embeddings(batch["input_ids"]).detach()  # [B, L, D]
        mask = batch["instruction_mask"].unsqueeze(-1).to(words.dtype)  # [B, L, 1]
        question = (words * mask).sum(1) / mask.sum(1).clamp(min=1)  # [B, D]
        out = model.get_motion_tokens(batch, words)
        target = self.targets(batch["labels"])
        loss = F.cross_entropy(self.logits(out.embeds, out.mask, question).float(), target,
                               ignore_index=IGNORE, reduction="sum")
        return loss / (target != IGNORE).sum().clamp(min=1)  # 0 (not NaN) for a batch of left-out answers


def build_readout(model: nn.Module, dataset, limit: int) -> AnswerReadout:
    """The read-out for `model` over `dataset`'s answers (a ConversationDataset)."""
    kind = model.config.connector.kind
    if not uses_motion_encoder(model.config):
        raise ConfigError(f"objective answer_readout trains a connector that hands the LLM embeddings from the "
                          f"motion encoder; the {kind!r} connector does not: use objective lm")
    answers = [answer_key(torch.tensor(ids)) for ids in dataset.answer_labels()]
    return AnswerReadout(model.llm.get_input_embeddings().embedding_dim, answer_classes(answers, limit))
