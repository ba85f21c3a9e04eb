"""Accuracy on the open corpus's real motions, apart by whether a motion contains one of the clips test_real holds
out of the open training split (corpus.real.HELD_OUT_CLIPS). A model also trained on MoCapQA has seen those clips
there (MoCapQA varies all 20 DeepMimic clips), so only the motions without them stay unseen compositions of
trained clips for such a model, and only the ones with them are unseen recordings for a model trained on the open
corpus alone.

    python experiments/heldout_clips.py runs/open+mocapqa/eval/real300 [--timelines data/open/timelines.json]

Exact-match tasks only (`metrics.accuracy_by_task`, as `llamo eval` scores them). Prints one Markdown table.
"""

import argparse
import json
from pathlib import Path

from llamo.corpus.real import HELD_OUT_CLIPS
from llamo.eval.evaluate import read_predictions
from llamo.eval.metrics import accuracy_by_task


def has_held_out_clip(timeline: dict) -> bool:
    return any(piece["real"] and piece["real"]["clip"] in HELD_OUT_CLIPS for piece in timeline["pieces"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_dir", type=Path)
    parser.add_argument("--timelines", type=Path, default=Path("data/open/timelines.json"))
    args = parser.parse_args()
    timelines = json.loads(args.timelines.read_text())
    rows = read_predictions(args.eval_dir / "predictions.jsonl")
    groups = {"with a held-out clip": [], "without": []}
    for row in rows:
        motion_id = row["id"].rsplit("_q", 1)[0]
        groups["with a held-out clip" if has_held_out_clip(timelines[motion_id]) else "without"].append(row)
    scored = {name: accuracy_by_task(group) for name, group in groups.items()}
    tasks = sorted({task for s in scored.values() for task in s["per_task"]})
    print("| motions | n | overall | " + " | ".join(tasks) + " |")
    print("|---" * (len(tasks) + 3) + "|")
    for name, s in scored.items():
        cells = [f"{s['per_task'][t]['accuracy']:.3f} ({s['per_task'][t]['n']})" if t in s["per_task"] else "–"
                 for t in tasks]
        overall = "–" if s["overall"] is None else f"{s['overall']:.3f}"
        print(f"| {name} | {s['n']} | {overall} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
