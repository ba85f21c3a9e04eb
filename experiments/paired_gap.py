"""The accuracy gap between two evaluations of the same questions (e.g. (a) the true motion and (b) the video
through the estimator, issue 14), paired by question id, with a bootstrap 95 % interval over the questions, and
the walk/turn-style confusions of the action task in the second.

    python experiments/paired_gap.py runs/vid/NAME/eval_motion runs/vid/NAME/eval_video [--draws 1000 --seed 0]

Only questions answered in both (same id) count; a question scored by exact match (`normalize.matches`) as in
`llamo eval`. Prints one Markdown block.
"""

import argparse
import collections
from pathlib import Path

import numpy as np

from llamo.eval.evaluate import read_predictions
from llamo.eval.normalize import matches


def hits(folder: Path) -> dict[str, tuple[str, bool, str, str]]:
    """{question id: (task, correct, reference, prediction)} of an evaluation folder's predictions.jsonl."""
    return {r["id"]: (r["task"], matches(r["prediction"], r["reference"]), r["reference"], r["prediction"])
            for r in read_predictions(folder / "predictions.jsonl")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    a, b = hits(args.first), hits(args.second)
    ids = sorted(set(a) & set(b))
    x = np.array([a[i][1] for i in ids], float)
    y = np.array([b[i][1] for i in ids], float)
    rng = np.random.default_rng(args.seed)
    draws = rng.integers(0, len(ids), size=(args.draws, len(ids)))
    gaps = x[draws].mean(1) - y[draws].mean(1)
    low, high = np.percentile(gaps, [2.5, 97.5])
    print(f"{len(ids)} paired questions: {args.first.name} {x.mean():.3f}, {args.second.name} {y.mean():.3f}, "
          f"gap {x.mean() - y.mean():.3f} (bootstrap 95 % [{low:.3f}, {high:.3f}], {args.draws} draws)")
    print(f"newly wrong in the second: {int(((x == 1) & (y == 0)).sum())}, newly right: "
          f"{int(((x == 0) & (y == 1)).sum())}")
    confusions = collections.Counter((b[i][2], b[i][3]) for i in ids if b[i][0] == "action" and not b[i][1])
    print("action errors in the second (reference → answer): " +
          ", ".join(f"{ref} → {pred} ×{n}" for (ref, pred), n in confusions.most_common(8)))


if __name__ == "__main__":
    main()
