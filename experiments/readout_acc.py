"""The answer read-out head's own accuracy per task on held-out questions: what the connector carries before
the LLM reads it (docs/results/own_data_cpu.md, "Counting needs a sum").

    python experiments/readout_acc.py --run RUN --cache ENCODER_CACHE --test data/seven/eval300.json

RUN is an `objective: answer_readout` stage's folder (its model/, config.yaml and last checkpoint, which holds the
head's weights under `objective.`); the head's classes are rebuilt from the stage's own training records, so the
class indices match the ones it was trained with. `--model` scores that head on another model's connector (e.g.
the model after instruction tuning): whether what the head read is still there after the LLM's stage.
"""

import argparse
import collections
from pathlib import Path

import torch
import yaml
from safetensors.torch import load_file

from llamo.data.collate import collate
from llamo.data.dataset import ConversationDataset
from llamo.model.llamo import LlamoModel
from llamo.train.encoder_cache import EncoderCache
from llamo.train.readout import build_readout


def load_head(run: Path, model: LlamoModel):
    """The trained read-out head of `run`, with the classes of the records it trained on."""
    cfg = yaml.safe_load((run / "config.yaml").read_text())
    train = ConversationDataset(cfg["data"], model.processor, model.motion_inputs,
                                task_repeat=cfg.get("task_repeat") or {}, tasks=cfg.get("tasks") or [])
    head = build_readout(model, train, cfg.get("readout_classes", 512))
    weights = load_file(sorted((run / "checkpoints").glob("step_*"))[-1] / "weights.safetensors")
    head.load_state_dict({k[len("objective."):]: v for k, v in weights.items() if k.startswith("objective.")})
    return head.eval()


@torch.no_grad()
def accuracy(model: LlamoModel, head, data: ConversationDataset, batch_size: int = 32) -> dict[str, float]:
    """Share of questions whose answer the head picks, per task (meta.task) and overall."""
    right, total = collections.Counter(), collections.Counter()
    tasks = [r.meta.get("task", "all") for _, r in data.records]
    for start in range(0, len(data), batch_size):
        batch = collate([data[j] for j in range(start, min(start + batch_size, len(data)))],
                        model.tokenizer.pad_token_id)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            words = model.word_embeddings(batch["input_ids"])  # [B, L, D]
            mask = batch["instruction_mask"].unsqueeze(-1).to(words.dtype)
            question = (words * mask).sum(1) / mask.sum(1).clamp(min=1)  # [B, D]
            out = model.get_motion_tokens(batch, words)
            pred = head.logits(out.embeds, out.mask, question).argmax(-1)  # [B]
        for offset, (p, t) in enumerate(zip(pred.tolist(), head.targets(batch["labels"]).tolist())):
            right[tasks[start + offset]] += p == t
            total[tasks[start + offset]] += 1
    scores = {task: round(right[task] / total[task], 3) for task in sorted(total)}
    return scores | {"overall": round(sum(right.values()) / sum(total.values()), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run", type=Path, required=True, help="the read-out stage's folder")
    parser.add_argument("--cache", required=True, help="the frozen encoder's cache folder")
    parser.add_argument("--test", required=True, help="held-out question records")
    parser.add_argument("--model", type=Path, help="score the head on this model's connector (default: RUN/model)")
    args = parser.parse_args()
    model = LlamoModel.from_pretrained(args.model or args.run / "model").eval()
    data = ConversationDataset([args.test], model.processor, model.motion_inputs)
    data.encode = EncoderCache(model, args.cache)
    print(args.run, args.model or "", accuracy(model, load_head(args.run, model), data))


if __name__ == "__main__":
    main()
