"""Is a named action's repetition count linear in the SUM of its frames' encoder outputs, where the mean is not?

    python experiments/probe_sum.py --model runs/X/encoder/model --data data/seven --cache runs/X/encoder_cache

Needs the folder's `timelines.json` (written by the generator: every clip's segments, their actions and
repetitions), so each segment's frames are known (an oracle the model does not have: it must find the named
action's frames from the question). For every segment of every train clip, three views of its encoder frames:
the sum / 20 (per second at 20 fps), the mean, and the duration alone; a ridge regression from each view to the
repetitions, fitted in closed form on train, scored on test by exact match of the rounded count and within one.
If the sum counts and the mean does not, a connector that only averages (softmax attention, mean pools) cannot
hand the LM the count, and a question-weighted sum (the Cross Talker's `sum_context`) can (docs/decisions.md).
"""

import argparse
import json
from pathlib import Path

import numpy as np

from llamo.model.llamo import LlamoModel
from llamo.motion.io import load_motion
from llamo.train.encoder_cache import EncoderCache

FPS = 20.0


def segments(model: LlamoModel, cache: EncoderCache, folder: Path, split: str) -> list[tuple[np.ndarray, int]]:
    """(encoder frames of one segment [T_s, D], its repetitions) for every segment of the split's clips."""
    timelines = json.loads((folder / "timelines.json").read_text())
    out = []
    for clip, timeline in timelines.items():
        if not clip.startswith(split):
            continue
        path = folder / "motions" / f"{clip}.npy"
        frames = cache(path, model.motion_inputs(load_motion(path))).float().numpy()
        scale = len(frames) / timeline["frames"]  # clips longer than max_frames were subsampled
        for seg in timeline["segments"]:
            out.append((frames[int(seg["start"] * scale):int(seg["end"] * scale)], seg["params"]["reps"]))
    return out


VIEWS = {
    "sum / 20": lambda x: x.sum(0) / FPS,
    "mean": lambda x: x.mean(0),
    "duration (s)": lambda x: np.array([len(x) / FPS]),
}


def ridge(x: np.ndarray, y: np.ndarray, lam: float) -> np.ndarray:
    a = np.c_[x, np.ones(len(x))]
    return np.linalg.solve(a.T @ a + lam * np.eye(a.shape[1]), a.T @ y)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--cache", default="runs/encoder_cache", help="encoder cache folder (train/encoder_cache.py)")
    p.add_argument("--ridge", type=float, default=1.0)
    args = p.parse_args()
    model = LlamoModel.from_pretrained(args.model)
    cache = EncoderCache(model, args.cache)
    train, test = (segments(model, cache, Path(args.data), split) for split in ("train", "test"))
    print(f"{len(train)} train / {len(test)} test segments")
    y_train, y_test = np.array([r for _, r in train]), np.array([r for _, r in test])
    for name, view in VIEWS.items():
        w = ridge(np.stack([view(x) for x, _ in train]), y_train, args.ridge)
        pred = np.round(np.c_[np.stack([view(x) for x, _ in test]), np.ones(len(test))] @ w)
        exact, near = np.mean(pred == y_test), np.mean(np.abs(pred - y_test) <= 1)
        print(f"{name:>13}: test exact {exact:.3f}, within one {near:.3f}")


if __name__ == "__main__":
    main()
