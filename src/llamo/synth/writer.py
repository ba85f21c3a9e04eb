"""`llamo data synth`: a user-style QA folder from the procedural synthesiser, deterministic by seed.

    llamo data synth --out data/seven --preset seven --train 1200 --test 300 --seed 0

Writes OUT/motions/<split>_<nnnnn>.npy ((T, 22, 3) float32, 20 fps), OUT/train.json and OUT/test.json (QA
records, docs/data_format.md; no captions), OUT/timelines.json (what happens when, per motion) and OUT/card.md
+ card.json. Built beside OUT and renamed into place, so an interrupted build never leaves half a dataset.
"""

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..data.schema import MOTION_TOKEN, Record, Turn, save_records
from ..errors import DataError
from ..motion.io import save_motion
from ..motion.motion import Motion
from .body import sample_body
from .card import write_card
from .compose import Sequence, Step, compose
from .plan import SPLITS, MotionPlan, plan_split
from .presets import Preset, get_preset
from .qa import Balancer, Question, questions


@dataclass(frozen=True)
class SynthConfig:
    """What `llamo data synth` makes."""

    out: Path
    preset: str = "seven"  # the world: presets.PRESETS
    train: int | None = None  # training motions (None: the preset's default)
    test: int | None = None  # test motions (None: the preset's default)
    seed: int = 0
    force: bool = False  # replace an existing OUT

    def counts(self, preset: Preset) -> dict[str, int]:
        return {"train": preset.train if self.train is None else self.train,
                "test": preset.test if self.test is None else self.test}


def realise(plan: MotionPlan) -> tuple[Sequence, float]:
    """The motion of a plan (its own generator: body, timing, noise) and the body's height."""
    rng = np.random.default_rng(plan.seed)
    body = sample_body(rng)
    steps = [Step(action, params, pause=pause) for (action, params), pause in zip(plan.steps, plan.pauses, strict=True)]
    return compose(body, steps, rng, heading=plan.heading), body.height


def to_records(preset: Preset, plan: MotionPlan, qs: list[Question]) -> list[Record]:
    actions = [action for action, _ in plan.steps]

    def record(k: int, q: Question) -> Record:
        turns = (Turn("human", f"{MOTION_TOKEN}\n{q.text}"), Turn("gpt", q.answer))
        meta = {"task": q.task, "answer": q.answer, "motion_id": plan.id, "preset": preset.name,
                "subject": actions[q.subject], "actions": actions}
        return Record(id=f"{plan.id}_q{k}", conversations=turns, motion=f"motions/{plan.id}.npy", meta=meta)

    return [record(k, q) for k, q in enumerate(qs)]


def timeline_entry(plan: MotionPlan, seq: Sequence, height: float) -> dict:
    return {"frames": int(seq.joints.shape[0]), "fps": 20, "body_height": round(height, 4), "heading": plan.heading,
            "segments": [segment.to_dict() for segment in seq.timeline]}


def build_split(preset: Preset, split: str, count: int, seed: int, folder: Path) -> tuple[list[Record], dict]:
    """Plan, synthesise and question one split; motions are written to folder/motions."""
    records, timelines, balancer = [], {}, Balancer()
    for plan in plan_split(preset, split, count, seed):
        seq, height = realise(plan)
        save_motion(Motion(seq.joints), folder / "motions" / f"{plan.id}.npy")
        qs = questions(preset, plan, np.random.default_rng([seed, SPLITS[split], plan.seed]), balancer)
        records.extend(to_records(preset, plan, qs))
        timelines[plan.id] = timeline_entry(plan, seq, height)
    return records, timelines


def build_synth(cfg: SynthConfig) -> Path:
    """Build the folder described in the module docstring; returns it."""
    preset = get_preset(cfg.preset)
    out = Path(cfg.out)
    if out.exists() and any(out.iterdir()) and not cfg.force:
        raise DataError(f"{out} exists and is not empty; choose another --out or pass --force to replace it")
    counts = cfg.counts(preset)
    if min(counts.values()) < 0 or counts["train"] + counts["test"] == 0:
        raise DataError(f"--train {counts['train']} --test {counts['test']}: need non-negative counts, not both 0")
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "motions").mkdir(parents=True)
    records, timelines = {}, {}
    for split, count in counts.items():
        records[split], split_timelines = build_split(preset, split, count, cfg.seed, staging)
        timelines.update(split_timelines)
        save_records(records[split], staging / f"{split}.json")
    text = json.dumps(timelines, indent=None, separators=(",", ":")) + "\n"
    atomic_write(staging / "timelines.json", lambda f: f.write(text.encode("utf-8")))
    write_card(staging, cfg, preset, records, timelines)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return out
