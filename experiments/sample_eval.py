"""A fixed stratified sample of a test file: N questions per task (meta.task), tasks in sorted order, drawn by one
random.Random(seed). With the defaults on data/seven/test.json it writes the `eval300.json` that the results pages
score on (50 per task, ±0.03 overall, ±0.07 per task).

    python experiments/sample_eval.py data/seven/test.json data/seven/eval300.json

Name the output without "train" or "test" in its stem, or `llamo train --data` takes it for a split.
"""

import argparse
import collections
import json
import random


def sample(records: list[dict], per_task: int, seed: int) -> list[dict]:
    by_task = collections.defaultdict(list)
    for record in records:
        by_task[record["meta"]["task"]].append(record)
    rng = random.Random(seed)
    return [r for task in sorted(by_task) for r in rng.sample(by_task[task], min(per_task, len(by_task[task])))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("test")
    parser.add_argument("out")
    parser.add_argument("--per-task", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with open(args.test) as f:
        chosen = sample(json.load(f), args.per_task, args.seed)
    with open(args.out, "x") as f:  # never overwrite a sample that results were scored on
        json.dump(chosen, f, indent=1)
    print(f"{args.out}: {len(chosen)} questions")


if __name__ == "__main__":
    main()
