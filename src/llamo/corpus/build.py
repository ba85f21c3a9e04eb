"""`llamo data build --corpus open`: the open-world motion corpus, offline and deterministic by seed.

    llamo data build --corpus open --out data/open --seed 0 [--scale 0.05] [--workers 2]

Plans every motion of the six splits in this process, realises them in worker processes (motions/<id>.npy, (T,
22, 3) float32 at 20 fps), asks each motion's questions with a per-split balancer, and writes train.json,
test_seen.json, test_new_phrasing.json, test_new_combo.json, test_real.json, test_long.json, timelines.json and
the card, and captions_train.json: one caption record per training motion (meta.task "caption", the describe
sentence), which the encoder stage's motion–caption contrastive loss and the align stage learn from. Built
beside OUT and renamed into place, so an interrupted build never leaves half a corpus.
"""

import json
import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..data.clips import load_clips
from ..data.questions import ask as phrase
from ..data.schema import MOTION_TOKEN, Record, Turn, save_records
from ..errors import DataError
from ..motion.io import save_motion
from ..motion.motion import Motion
from .assemble import Event, realise
from .card import write_card
from .estimate import Estimator
from .plan import MAX_S, SIZES, SPLITS, CorpusPlan, plan_split, shortened
from .questions import FPS, Balancer, Question, candidates, describe, select

QUESTIONS_PER_MOTION = 6


@dataclass(frozen=True)
class CorpusConfig:
    """What `llamo data build --corpus open` makes."""

    out: Path
    seed: int = 0
    scale: float = 1.0  # every split's motion count times this (at least 1 each); 1 = plan.SIZES
    workers: int = 1
    force: bool = False  # replace an existing OUT

    def sizes(self) -> dict[str, int]:
        if not 0 < self.scale <= 10:
            raise DataError(f"--scale {self.scale}: accepted 0 < scale <= 10 (1 = the full corpus)")
        return {split: max(1, round(n * self.scale)) for split, n in SIZES.items()}


def make_motion(plan: CorpusPlan, clips: dict[str, Motion], out: Path) -> tuple[CorpusPlan, tuple[Event, ...], int,
                                                                               float]:
    """Realise one plan (shortened while it runs over MAX_S) and write motions/<id>.npy; return the plan realised,
    its events, frame count and body height."""
    motion = realise(plan, clips)
    while len(motion.joints) > MAX_S * FPS and shortened(plan):
        plan = shortened(plan)
        motion = realise(plan, clips)
    save_motion(Motion(motion.joints), out / "motions" / f"{plan.id}.npy")
    return plan, motion.events, len(motion.joints), motion.height


def realise_all(plans: list[CorpusPlan], clips: dict[str, Motion], out: Path, workers: int) -> list:
    needed = [{p.real.clip: clips[p.real.clip] for p in plan.pieces if p.real} for plan in plans]
    if workers == 1:
        return [make_motion(plan, clip, out) for plan, clip in zip(plans, needed, strict=True)]
    # spawn, not fork: a forked child of a process whose torch/tokenizer thread pools hold locks can deadlock
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(make_motion, plans, needed, [out] * len(plans), chunksize=16))


def to_records(plan: CorpusPlan, events: tuple[Event, ...], qs: list[Question]) -> list[Record]:
    base = [e.action for e in events if not e.upper]
    source = "real" if all(e.real for e in events) else "mixed" if any(e.real for e in events) else "synthetic"

    def record(k: int, q: Question) -> Record:
        meta = {"task": q.task, "answer": q.answer, "motion_id": plan.id, "kind": q.kind, "phrasing": q.phrasing,
                "actions": base, "source": source}
        if q.subject is not None:
            meta["subject"] = events[q.subject].action
        if q.task == "when":
            meta["span"] = [round(events[q.subject].start / FPS, 2), round(events[q.subject].end / FPS, 2)]
        turns = (Turn("human", f"{MOTION_TOKEN}\n{q.text}"), Turn("gpt", q.answer))
        return Record(id=f"{plan.id}_q{k}", conversations=turns, motion=f"motions/{plan.id}.npy", meta=meta)

    return [record(k, q) for k, q in enumerate(qs)]


def ask(split: str, results: list, seed: int) -> list[Record]:
    """The questions of one split's realised (plan, events, frames, height), balanced across the split."""
    balancer, records = Balancer(), []
    for plan, events, _, _ in results:
        rng = np.random.default_rng([seed, SPLITS.index(split), plan.seed])
        pool = candidates(events)
        if plan.combo:  # only what the held-out pair shows
            pool = [c for c in pool if c.subject is not None and events[c.subject].piece in plan.combo
                    and not events[c.subject].upper]
        qs = select(pool, QUESTIONS_PER_MOTION, split == "test_new_phrasing", balancer, rng)
        records += to_records(plan, events, qs)
    return records


def caption_records(results: list, seed: int) -> list[Record]:
    """One caption record per realised motion: its describe sentence, asked with one of the caption phrasings."""
    def record(plan: CorpusPlan, events: tuple[Event, ...]) -> Record:
        rng = np.random.default_rng([seed, SPLITS.index(plan.split), plan.seed, 1])
        text = describe(events)
        turns = (Turn("human", f"{MOTION_TOKEN}\n{phrase(rng, 'caption')}"), Turn("gpt", text))
        return Record(id=f"{plan.id}_caption", conversations=turns, motion=f"motions/{plan.id}.npy",
                      meta={"task": "caption", "answer": text, "motion_id": plan.id})

    return [record(plan, events) for plan, events, _, _ in results]


def timeline(plan: CorpusPlan, events: tuple[Event, ...], frames: int, height: float) -> dict:
    return {"frames": frames, "fps": FPS, "body_height": round(height, 4), "heading": plan.heading,
            "pieces": [{"action": p.action, "join": p.join, "amount": p.amount,
                        "params": p.params.to_dict() if p.params else None,
                        "real": asdict(p.real) if p.real else None} for p in plan.pieces],
            "events": [{**asdict(e), "spans": [list(s) for s in e.spans]} for e in events]}


def build_corpus(cfg: CorpusConfig) -> Path:
    """Build the corpus described in the module docstring into cfg.out; returns the folder."""
    out, sizes = Path(cfg.out), cfg.sizes()
    if out.exists() and any(out.iterdir()) and not cfg.force:
        raise DataError(f"{out} exists and is not empty; choose another --out or pass --force to replace it")
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "motions").mkdir(parents=True)
    clips = load_clips()
    estimator = Estimator({name: clip.num_frames for name, clip in clips.items()})
    plans = {split: plan_split(split, n, cfg.seed, estimator) for split, n in sizes.items()}
    every = [p for split in SPLITS for p in plans[split]]
    results = realise_all(every, clips, staging, cfg.workers)
    records, timelines = {}, {}
    for split in SPLITS:
        done = [r for r in results if r[0].split == split]
        records[split] = ask(split, done, cfg.seed)
        save_records(records[split], staging / f"{split}.json")
        if split == "train":
            save_records(caption_records(done, cfg.seed), staging / "captions_train.json")
        timelines.update({r[0].id: timeline(*r) for r in done})
    text = json.dumps(timelines, separators=(",", ":")) + "\n"
    atomic_write(staging / "timelines.json", lambda f: f.write(text.encode("utf-8")))
    write_card(staging, cfg, records, timelines)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return out
