"""The card of a synthetic QA folder: counts per task and split, answer balance, the world, the split rule, and the
command that rebuilt it. Written as card.json and card.md; equal seeds give byte-identical cards.
"""

import json
from collections import Counter
from pathlib import Path

from ..data.schema import Record
from .presets import Preset

SPLIT_RULE = (
    "Held-out random seeds only: train and test are drawn from the same distribution (same actions, parameter "
    "ranges, phrasings and bodies) by generators seeded (seed, 0) and (seed, 1); every motion has its own body, "
    "timing and noise, so no test motion occurs in training. It measures fitting the world, not generalising to a "
    "new one."
)
LIMITS = (
    "Procedural motion on the SMPL 22-joint skeleton: every joint is placed by forward kinematics with fixed bone "
    "lengths and simple two-link IK; feet bearing weight do not slide. There is no physics (no balance or momentum "
    "model), no hands or fingers, no real motion capture and no video. Answers are the generator's parameters."
)


def answer_order(item: tuple[str, int]) -> tuple:
    """Numbers in numeric order (2 before 10), then words alphabetically."""
    answer = item[0]
    return (0, int(answer), "") if answer.isdigit() else (1, 0, answer)


def build_command(cfg, preset: Preset) -> str:
    words = ["llamo data synth --out DIR", f"--preset {preset.name}"]
    counts = cfg.counts(preset)
    words += [f"--{split} {n}" for split, n in counts.items() if n != getattr(preset, split)]
    return " ".join(words + [f"--seed {cfg.seed}"])


def card_dict(cfg, preset: Preset, records: dict[str, list[Record]], timelines: dict) -> dict:
    frames = {split: sum(t["frames"] for mid, t in timelines.items() if mid.startswith(f"{split}_"))
              for split in records}
    return {
        "name": f"synth-{preset.name}",
        "description": preset.description,
        "build_command": build_command(cfg, preset),
        "seed": cfg.seed,
        "motions": {split: len({r.meta["motion_id"] for r in recs}) for split, recs in records.items()},
        "frames": frames,
        "records": {split: len(recs) for split, recs in records.items()},
        "tasks": {split: dict(sorted(Counter(r.meta["task"] for r in recs).items()))
                  for split, recs in records.items()},
        "answers": {split: {task: dict(sorted(Counter(r.answer for r in recs if r.meta["task"] == task).items(),
                                              key=answer_order))
                            for task in sorted({r.meta["task"] for r in recs})} for split, recs in records.items()},
        "actions": [m.action for m in preset.moves],
        "phrasings": {key: len(values) for key, values in preset.phrasings.items()},
        "split_rule": SPLIT_RULE,
        "limits": LIMITS,
    }


def card_markdown(card: dict) -> str:
    splits = list(card["records"])
    tasks = sorted({t for counts in card["tasks"].values() for t in counts})
    lines = [
        f"# {card['name']}", "", f"Synthetic motion QA: {card['description']}.", "",
        f"Built with `{card['build_command']}`.", "",
        "| task | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits),
        *[f"| {t} | " + " | ".join(str(card["tasks"][s].get(t, 0)) for s in splits) + " |" for t in tasks],
        "| **records** | " + " | ".join(str(card["records"][s]) for s in splits) + " |",
        "| **motions** | " + " | ".join(str(card["motions"][s]) for s in splits) + " |",
        "| **frames (20 fps)** | " + " | ".join(str(card["frames"][s]) for s in splits) + " |", "",
        "Actions: " + ", ".join(card["actions"]) + ".", "",
        "## Split rule", "", card["split_rule"], "",
        "## What is synthetic", "", card["limits"], "",
    ]
    return "\n".join(lines + answer_balance(card, splits))


def answer_balance(card: dict, splits: list[str]) -> list[str]:
    """The card's "Answer balance" sections, one per split: each task's answers and how often they occur."""
    lines = []
    for split in splits:
        lines += [f"## Answer balance ({split})", ""]
        lines += [f"- {task}: " + ", ".join(f"{a} {n}" for a, n in counts.items())
                  for task, counts in card["answers"][split].items()]
        lines.append("")
    return lines


def write_card(folder: Path, cfg, preset: Preset, records: dict[str, list[Record]], timelines: dict) -> None:
    save_card(folder, card_dict(cfg, preset, records, timelines), card_markdown)


def save_card(folder: Path, card: dict, markdown) -> None:
    """card.json (the card, sorted keys) and card.md (`markdown(card)`) in the dataset folder."""
    (folder / "card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    (folder / "card.md").write_text(markdown(card))
