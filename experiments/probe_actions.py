"""Does the frozen motion encoder tell the open corpus's actions apart? A linear probe on each action event's
frames (from the corpus's timelines.json), pooled, against the same probe on the raw features.

    python experiments/probe_actions.py --model runs/open+mocapqa/instruct/model --data data/open \
        --cache runs/open+mocapqa3/encoder_cache --max-frames 800 [--motions 4000]

Events of the training motions only (the cache holds them), split 80/20 by motion (seed 0). Views: the encoder
output and the normalised input features, each mean-pooled over the event's frames, or mean and standard
deviation side by side. The probe: logistic regression (full batch, AdamW 1e-2, 300 steps, weight decay 1e-3).
If the probe on the encoder reads the action far below the raw features, the encoder (trained on MoCapQA's 20
clips and frozen since) loses what the open corpus's actions need, and no amount of instruction tuning on top
brings it back.
"""

import argparse
import json
from pathlib import Path

import torch
import torch.nn.functional as F

from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion
from llamo.train.encoder_cache import EncoderCache


def event_views(model: LlamoModel, cache: EncoderCache, path: Path, events: list) -> list[dict]:
    """Per event, {"encoder": [T_e, D_m], "raw": [T_e, F]} frames of the motion, in the frames the model reads."""
    motion = load_motion(path)
    kept = model.kept_frames(motion.num_frames)  # [T'] motion frame of each read frame
    features = model.motion_inputs(motion)  # [T', F]
    hidden = cache(path, features)  # [T', D_m]
    raw = (features - model.feature_mean) / model.feature_std
    out = []
    for event in events:
        inside = torch.from_numpy((kept >= event["start"]) & (kept < event["end"]))
        if inside.sum() >= 2:
            out.append({"encoder": hidden[inside], "raw": raw[inside], "action": event["action"]})
    return out


def pooled(frames: torch.Tensor, how: str) -> torch.Tensor:
    return frames.mean(0) if how == "mean" else torch.cat([frames.mean(0), frames.std(0)])


def probe(x: torch.Tensor, y: torch.Tensor, train: torch.Tensor, classes: int) -> float:
    """Test accuracy of a logistic regression fitted on the `train` rows (standardised on them)."""
    mean, std = x[train].mean(0), x[train].std(0) + 1e-6
    x = (x - mean) / std
    torch.manual_seed(0)
    head = torch.nn.Linear(x.shape[1], classes)
    opt = torch.optim.AdamW(head.parameters(), lr=1e-2, weight_decay=1e-3)
    for _ in range(300):
        opt.zero_grad()
        F.cross_entropy(head(x[train]), y[train]).backward()
        opt.step()
    with torch.no_grad():
        return float((head(x[~train]).argmax(1) == y[~train]).float().mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--max-frames", type=int, default=None)
    ap.add_argument("--motions", type=int, default=4000)
    args = ap.parse_args()
    torch.set_grad_enabled(False)
    model = LlamoModel.from_pretrained(args.model).eval()
    if args.max_frames:
        model.config.max_frames = args.max_frames
    cache, folder = EncoderCache(model, args.cache), Path(args.data)
    timelines = json.loads((folder / "timelines.json").read_text())
    names = sorted(n for n in timelines if n.startswith("train_"))[: args.motions]
    rows, motion_of = [], []
    for i, name in enumerate(names):
        for row in event_views(model, cache, folder / "motions" / f"{name}.npy", timelines[name]["events"]):
            rows.append(row)
            motion_of.append(i)
    actions = sorted({r["action"] for r in rows})
    y = torch.tensor([actions.index(r["action"]) for r in rows])
    train = torch.tensor([hash((m, 0)) % 5 != 0 for m in motion_of])  # 80/20 by motion
    print(f"{len(rows)} events of {len(names)} motions, {len(actions)} actions; test {int((~train).sum())}; "
          f"majority class {float((y[~train] == y[train].mode().values).float().mean()):.3f}")
    with torch.enable_grad():
        for view in ("encoder", "raw"):
            for how in ("mean", "mean+std"):
                x = torch.stack([pooled(r[view].float(), how) for r in rows])
                print(f"{view:8s} {how:9s} test accuracy {probe(x, y, train, len(actions)):.3f}")


if __name__ == "__main__":
    main()
