"""Linear probes: does a model's motion representation carry a question's answer, before the LLM reads it?

For one MoCapQA task (e.g. count), fits a multinomial logistic regression on the training questions and scores
it on the test questions, from two representations of each question's motion:
- `encoder`: the motion encoder's output, mean-pooled over valid frames [D_m];
- `tokens`: the connector's motion tokens as the LLM receives them (after the projector), mean-pooled [D].

    python docs/results/probe_features.py --model runs/cpu/instruct/model --data data/mocapqa --task count
    python docs/results/probe_features.py --model runs/seven/instruct/model --data data/seven --task action \
        --target first_action      # a synthetic folder: which action comes first, whatever the question asks

A model folder from the encoder stage has an untrained connector: read only its `encoder` line.
"""

import argparse
import json

import torch

from llamo.data.collate import collate
from llamo.data.dataset import load_all
from llamo.data.schema import resolve_media
from llamo.data.splits import split_files
from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion


@torch.no_grad()
def representations(model: LlamoModel, file: str, task: str, target: str = "answer", batch_size: int = 32):
    """(encoder [N, D_m], tokens [N, D], labels [N]) for the records of `task` in `file`; the label is the
    answer, or (target="first_action", synthetic folders) the motion's first action, meta.actions[0]."""
    pairs = [(root, r) for root, r in load_all([file]) if r.meta.get("task") == task]
    encoder, tokens, answers = [], [], []
    for i in range(0, len(pairs), batch_size):
        chunk = pairs[i:i + batch_size]
        samples = [model.prepare(list(r.conversations[:1]), load_motion(resolve_media(root, r.motion, str(root))),
                                 generation=True) for root, r in chunk]
        batch = model.on_device(collate(samples, model.tokenizer.pad_token_id, left_pad=True))
        features = (batch["motion"] - model.feature_mean) / model.feature_std  # [B, T, F]
        mask = batch["motion_mask"][..., None].float()  # [B, T, 1]
        hidden = model.motion_encoder(features, batch["motion_mask"])  # [B, T, D_m]
        encoder.append((hidden * mask).sum(1) / mask.sum(1))
        _, out = model.embed(batch)
        valid = out.mask[..., None].float()  # [B, K', 1]
        tokens.append((out.embeds * valid).sum(1) / valid.sum(1))
        answers += [r.meta["actions"][0] if target == "first_action" else r.meta["answer"] for _, r in chunk]
    return torch.cat(encoder), torch.cat(tokens), answers


def question_file(folder: str, split: str):
    """The split's question file of a dataset folder (caption files left out)."""
    return next(f for f in split_files(folder, split) if "caption" not in f.name)


def probe(train_x: torch.Tensor, train_y: list[str], test_x: torch.Tensor, test_y: list[str],
          weight_decay: float = 1e-3) -> tuple[float, float]:
    """Standardise on the training set, fit softmax regression by L-BFGS; (train accuracy, test accuracy)."""
    classes = sorted(set(train_y))
    mean, std = train_x.mean(0), train_x.std(0).clamp(min=1e-6)
    xs = [(x - mean) / std for x in (train_x, test_x)]
    ys = [torch.tensor([classes.index(a) if a in classes else -1 for a in y]) for y in (train_y, test_y)]
    linear = torch.nn.Linear(train_x.shape[1], len(classes))
    optimizer = torch.optim.LBFGS(linear.parameters(), max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(linear(xs[0]), ys[0]) + weight_decay * linear.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        return tuple(float((linear(x).argmax(1) == y).float().mean()) for x, y in zip(xs, ys))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="a llamo model folder")
    parser.add_argument("--data", default="data/mocapqa", help="a folder with *train*.json and *test*.json")
    parser.add_argument("--task", default="count", help="meta.task of the questions to probe")
    parser.add_argument("--target", default="answer", choices=["answer", "first_action"])
    args = parser.parse_args()
    torch.manual_seed(0)
    model = LlamoModel.from_pretrained(args.model).eval()
    train, test = (representations(model, str(question_file(args.data, split)), args.task, args.target)
                   for split in ("train", "test"))
    for i, name in enumerate(("encoder", "tokens")):
        fit, score = probe(train[i], train[2], test[i], test[2])
        print(json.dumps({"model": args.model, "task": args.task, "representation": name, "train": round(fit, 3),
                          "test": round(score, 3), "n_train": len(train[2]), "n_test": len(test[2])}))


if __name__ == "__main__":
    main()
