"""The MoCapQA dataset card: counts per task and split, sources and licences, held-out rules, the build command.

Written as card.json (machine-readable) and card.md; both depend only on the build's inputs, so equal seeds
give byte-identical cards.
"""

import json
from collections import Counter
from dataclasses import fields
from pathlib import Path

from .augment import MotionSpec
from .clips import CLIPS
from .schema import Record

SOURCE = {
    "name": "DeepMimic humanoid motion capture clips shipped in the pybullet package (pybullet_data/data/motions)",
    "licence": "zlib (pybullet package licence); clips originate from the DeepMimic project (Peng et al., 2018)",
    "skeleton": "pybullet_data/humanoid/humanoid.urdf, forward kinematics at globalScaling 0.25",
}
HELD_OUT = (
    "No test motion occurs in training. Two-/three-clip test motions use ordered action combinations that never "
    "occur in training (crc32 of the ordered action names mod 100 < 15 → test). Single-clip test motions use "
    "speed factors from the middle fifth of each speed class range and heading angles from the 30°-sectors "
    "starting at 30°, 150° and 270°, neither of which training uses; every motion has its own noise seed. "
    "Source clips are shared: there are 20, and every split shows every action."
)


def build_command(cfg) -> str:
    skip = {"out", "workers", "force"}
    extra = [f"--{f.name.replace('_', '-')} {getattr(cfg, f.name)}" for f in fields(cfg)
             if f.name not in skip and getattr(cfg, f.name) != f.default]
    return " ".join(["llamo data build --out DIR", *extra])


def card_dict(cfg, specs: list[MotionSpec], frames: list[int], records: dict[str, list[Record]]) -> dict:
    splits = ("train", "test")
    by_split = {s: [n for spec, n in zip(specs, frames, strict=True) if spec.split == s] for s in splits}
    return {
        "name": "MoCapQA",
        "build_command": build_command(cfg),
        "seed": cfg.seed,
        "files": {name: len(recs) for name, recs in records.items()},
        "tasks": {name: dict(sorted(Counter(r.meta["task"] for r in recs).items())) for name, recs in records.items()},
        "answers": {f"qa_{s}": {task: dict(sorted(Counter(r.meta["answer"] for r in records[f"qa_{s}"]
                                                           if r.meta["task"] == task).items()))
                                for task in sorted({r.meta["task"] for r in records[f"qa_{s}"]})} for s in splits},
        "motions": {s: {"count": len(by_split[s]), "frames": sum(by_split[s]), "fps": 20,
                        "videos": sum(spec.video for spec in specs if spec.split == s)} for s in splits},
        "clips": [{"name": c.name, "file": c.file, "action": c.action} for c in CLIPS],
        "source": SOURCE,
        "held_out": HELD_OUT,
    }


def card_markdown(card: dict) -> str:
    tasks = sorted({t for counts in card["tasks"].values() for t in counts})
    files = list(card["files"])
    lines = [
        "# MoCapQA", "", "Motion question answering built from real motion capture, offline and deterministic.", "",
        f"Built with `{card['build_command']}` (seed {card['seed']}).", "",
        "| task | " + " | ".join(files) + " |", "|---|" + "---|" * len(files),
        *[f"| {t} | " + " | ".join(str(card["tasks"][f].get(t, 0)) for f in files) + " |" for t in tasks],
        "| **records** | " + " | ".join(str(card["files"][f]) for f in files) + " |", "",
        "| split | motions | frames (20 fps) | videos |", "|---|---|---|---|",
        *[f"| {s} | {m['count']} | {m['frames']} | {m['videos']} |" for s, m in card["motions"].items()], "",
        "## Held out", "", card["held_out"], "",
        "## Source and licence", "", *[f"- {k}: {v}" for k, v in card["source"].items()], "",
        "## Answer balance (test)", "",
        *[f"- {task}: " + ", ".join(f"{a} {n}" for a, n in counts.items())
          for task, counts in card["answers"]["qa_test"].items()], "",
    ]
    return "\n".join(lines)


def write_card(folder: Path, cfg, specs: list[MotionSpec], frames: list[int], records: dict[str, list[Record]]) -> None:
    card = card_dict(cfg, specs, frames, records)
    (folder / "card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    (folder / "card.md").write_text(card_markdown(card))
