"""The open corpus's card: counts per split and task, answer balance, lengths, sources and licences, what each
test split holds out, and the command that rebuilt it. card.json and card.md; equal seeds give equal cards.
"""

from collections import Counter
from pathlib import Path

import numpy as np

from ..data.card import SOURCE as DEEPMIMIC_SOURCE
from ..data.schema import Record
from ..synth.card import answer_balance, answer_order, save_card
from .phrasing import TEMPLATES, all_phrasings, is_held_out
from .plan import HELD_OUT_COMBOS, SIZES
from .real import HELD_OUT_CLIPS, HELD_OUT_PHASE

SPREAD_TASKS = ("when", "describe")  # answers unique to a motion: their balance is not a flat histogram
SOURCES = [
    {"name": "llamo.synth procedural motion (33 actions on the SMPL 22-joint skeleton, varied bodies)",
     "licence": "Apache-2.0 (this project)"},
    {**DEEPMIMIC_SOURCE, "use": "20 clips retargeted onto each sequence's synthetic body (bone directions kept, "
                                "lengths the body's), repeated, mirrored, sped up or down, cropped by cycle phase"},
    {"name": "holosoma-retargeting climbing recordings (demo_data/climb/mocap_climb_seq_0..4, 53-joint Mixamo-"
             "named positions, z-up, 120 fps)", "licence": "Apache-2.0", "use": "not used",
     "why": "the package is not a dependency (a 100 MB wheel whose declared dependencies pin numpy==2.3.5 and pull "
            "mujoco, cvxpy, smplx and libigl) and is not installed, so its data cannot be read offline on a fresh "
            "machine; and the recordings climb onto boxes that no motion file carries, so the feet leave the floor "
            "with nothing under them"},
]
HELD_OUT = {
    "test_seen": "new motions (own seeds) of trained actions, parameters, clips and phrasings",
    "test_new_phrasing": "as test_seen, asked only with held-out phrasings (each kind's last template and every "
                         "phrasing naming the person 'the individual'); no training question uses one",
    "test_new_combo": "each motion holds one action x parameter pair no training motion shows ("
                      + ", ".join(f"{a} {k}={v}" for a, k, v in HELD_OUT_COMBOS)
                      + "); questions ask only about that action",
    "test_real": "only real recordings: held-out clips (" + ", ".join(HELD_OUT_CLIPS) + f"), crops of cyclic "
                 f"clips starting at phase >= {HELD_OUT_PHASE}, or ordered real-action tuples that training never "
                 "strings together (crc32 rule of data/build.py)",
    "test_long": "motions of 20-40 s (3-6 actions) of trained actions and parameters",
}


def balance(records: list[Record]) -> dict[str, dict[str, int]]:
    tasks = sorted({r.meta["task"] for r in records} - set(SPREAD_TASKS))
    return {task: dict(sorted(Counter(r.meta["answer"] for r in records if r.meta["task"] == task).items(),
                              key=answer_order)) for task in tasks}


def lengths(split: str, timelines: dict) -> dict:
    seconds = np.array([t["frames"] / t["fps"] for mid, t in timelines.items() if mid.rsplit("_", 1)[0] == split])
    sources = Counter("real" if all(e["real"] for e in t["events"]) else "mixed" if any(e["real"] for e in t["events"])
                      else "synthetic" for mid, t in timelines.items() if mid.rsplit("_", 1)[0] == split)
    return {"motions": int(seconds.size), "frames": round(float(seconds.sum()) * 20),
            "seconds_min_median_max": [round(float(np.min(seconds)), 1), round(float(np.median(seconds)), 1),
                                       round(float(np.max(seconds)), 1)],
            "sources": dict(sorted(sources.items()))}


def card_dict(cfg, records: dict[str, list[Record]], timelines: dict) -> dict:
    phrasings = {kind: {"phrasings": len(all_phrasings(kind)),
                        "held_out": sum(is_held_out(kind, p) for p in all_phrasings(kind))} for kind in TEMPLATES}
    return {
        "name": "llamo open motion corpus",
        "build_command": f"llamo data build --corpus open --out DIR --seed {cfg.seed}"
                         + (f" --scale {cfg.scale}" if cfg.scale != 1 else ""),
        "seed": cfg.seed, "scale": cfg.scale, "full_size_motions": SIZES,
        "splits": {split: lengths(split, timelines) for split in records},
        "records": {split: len(recs) for split, recs in records.items()},
        "tasks": {split: dict(sorted(Counter(r.meta["task"] for r in recs).items()))
                  for split, recs in records.items()},
        "answers": {split: balance(recs) for split, recs in records.items()},
        "phrasings": phrasings, "held_out": HELD_OUT, "sources": SOURCES,
    }


def card_markdown(card: dict) -> str:
    splits = list(card["records"])
    tasks = sorted({t for counts in card["tasks"].values() for t in counts})
    lines = [
        f"# {card['name']}", "", "Motion QA over synthetic and real motion composed into 1-6 action sequences.", "",
        f"Built with `{card['build_command']}`.", "",
        "`captions_train.json` holds one caption per training motion (its describe sentence), for the encoder's "
        "motion-caption contrastive loss and alignment.", "",
        "| task | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits),
        *[f"| {t} | " + " | ".join(str(card["tasks"][s].get(t, 0)) for s in splits) + " |" for t in tasks],
        "| **questions** | " + " | ".join(str(card["records"][s]) for s in splits) + " |",
        "| **motions** | " + " | ".join(str(card["splits"][s]["motions"]) for s in splits) + " |",
        "| seconds min/median/max | " + " | ".join("/".join(map(str, card["splits"][s]["seconds_min_median_max"]))
                                                 for s in splits) + " |",
        "| synthetic/mixed/real motions | " + " | ".join(
            "/".join(str(card["splits"][s]["sources"].get(k, 0)) for k in ("synthetic", "mixed", "real"))
            for s in splits) + " |", "",
        "## What each test split holds out", "", *[f"- `{s}`: {text}" for s, text in card["held_out"].items()], "",
        "## Phrasings", "", "Per kind: phrasings (held out of training): " + ", ".join(
            f"{k} {v['phrasings']} ({v['held_out']})" for k, v in card["phrasings"].items()) + ".", "",
        "## Sources and licences", "",
        *[f"- {s['name']}: {s['licence']}" + (f"; {s['use']}" if "use" in s else "")
          + (f" ({s['why']})" if "why" in s else "") for s in card["sources"]], "",
    ]
    return "\n".join(lines + answer_balance(card, splits))


def write_card(folder: Path, cfg, records: dict[str, list[Record]], timelines: dict) -> None:
    save_card(folder, card_dict(cfg, records, timelines), card_markdown)
