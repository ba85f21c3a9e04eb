"""`llamo data build`: MoCapQA from the real motion capture inside pybullet, deterministic by seed.

    llamo data build --out data/mocapqa --seed 0

Plan every motion as a `MotionSpec` with one seeded generator (held-out rules below), realise them in worker
processes (motion .npy + skeleton video), ask the questions each motion supports, and write
qa_{train,test}.json, captions_{train,test}.json and the dataset card. The folder is built beside OUT and
renamed into place, so an interrupted build never leaves a half-written dataset.
"""

import multiprocessing
import os
import shutil
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..motion.io import save_motion
from ..motion.motion import Motion
from ..motion.render import render_motion
from .augment import MotionSpec, realise
from .card import write_card
from .clips import ACTIONS, CLIP_BY_NAME, clips_for_action, load_clips
from .measure import active_side, goes_upside_down, travel_direction, turn_direction
from .questions import (Measured, Question, ask, composition_caption, order_questions, single_caption,
                        single_clip_questions)
from .schema import MOTION_TOKEN, Record, Turn, save_records

SPEED_CLASSES = {"slow": (0.55, 0.75), "normal": (0.9, 1.1), "fast": (1.35, 1.65)}
SPEED_BINS, TEST_SPEED_BIN = 5, 2  # each class range cut into 5 bins; the middle bin is test-only
HEADING_SECTOR_DEG, TEST_SECTORS = 30, (1, 5, 9)  # 12 sectors of 30°; three are test-only
TEST_COMPOSITION_PERCENT = 15  # share of ordered action tuples reserved for the test split
COMPOSITION_ACTIONS = tuple(a for a in ACTIONS if a != "turn")  # "turn" is a walk; ambiguous beside one
UPSIDE_NO_RATE = 1 / 3  # ask "upside down?" on this share of upright motions, balancing yes/no


@dataclass(frozen=True)
class BuildConfig:
    """What `llamo data build` makes."""

    out: Path
    seed: int = 0
    singles_train: int = 1400  # single-clip motions (each gets 2-5 questions)
    compositions_train: int = 700  # 2-3 clip motions (each gets a before and an after question)
    singles_test: int = 260
    compositions_test: int = 140
    video_share_train: float = 0.25  # every test motion gets a video; this share of training motions does
    video_size: int = 128
    workers: int = max(1, os.cpu_count() or 1)
    force: bool = False  # replace an existing OUT


def is_test_composition(actions: tuple[str, ...]) -> bool:
    return zlib.crc32(">".join(actions).encode()) % 100 < TEST_COMPOSITION_PERCENT


def draw_speed(rng: np.random.Generator, split: str) -> tuple[float, str]:
    name = str(rng.choice(list(SPEED_CLASSES)))
    low, high = SPEED_CLASSES[name]
    bins = [TEST_SPEED_BIN] if split == "test" else [b for b in range(SPEED_BINS) if b != TEST_SPEED_BIN]
    b = int(rng.choice(bins))
    width = (high - low) / SPEED_BINS
    return round(float(low + width * (b + rng.random())), 4), name


def draw_heading(rng: np.random.Generator, split: str) -> float:
    sectors = [s for s in range(360 // HEADING_SECTOR_DEG) if (s in TEST_SECTORS) == (split == "test")]
    return round(float(HEADING_SECTOR_DEG * (int(rng.choice(sectors)) + rng.random())), 2)


def plan_single(rng: np.random.Generator, motion_id: str, split: str, video: bool) -> MotionSpec:
    clip = rng.choice(clips_for_action(str(rng.choice(ACTIONS))))
    reps = int(rng.integers(1, 6)) if clip.countable else int(rng.integers(2, 4)) if clip.cyclic else 1
    speed, _ = draw_speed(rng, split)
    return MotionSpec(
        id=motion_id, split=split, parts=(clip.name,), reps=reps, mirror=bool(rng.random() < 0.5),
        reverse=bool(clip.action in ("walk", "run", "crawl") and rng.random() < 0.5), speed=speed,
        heading_deg=draw_heading(rng, split), phase=round(float(rng.random()), 4) if clip.cyclic else 0.0,
        noise_seed=int(rng.integers(2**31)), video=video,
    )


def plan_composition(rng: np.random.Generator, motion_id: str, split: str, video: bool) -> MotionSpec:
    while True:
        actions = tuple(str(a) for a in rng.choice(COMPOSITION_ACTIONS, size=int(rng.integers(2, 4)), replace=False))
        if "get up" not in actions[1:] and is_test_composition(actions) == (split == "test"):
            break
    parts = tuple(rng.choice(clips_for_action(a)).name for a in actions)
    return MotionSpec(id=motion_id, split=split, parts=parts, mirror=bool(rng.random() < 0.5),
                      heading_deg=draw_heading(rng, split), noise_seed=int(rng.integers(2**31)), video=video)


def plan(cfg: BuildConfig) -> list[MotionSpec]:
    """Every motion of the dataset, drawn from one generator seeded by cfg.seed."""
    rng = np.random.default_rng(cfg.seed)
    specs = []
    for split, singles, comps in (("train", cfg.singles_train, cfg.compositions_train),
                                  ("test", cfg.singles_test, cfg.compositions_test)):
        for i in range(singles + comps):
            video = split == "test" or bool(rng.random() < cfg.video_share_train)
            make = plan_single if i < singles else plan_composition
            specs.append(make(rng, f"{split}_{i:05d}", split, video))
    return specs


def speed_class(speed: float) -> str:
    return next(name for name, (low, high) in SPEED_CLASSES.items() if low <= speed <= high)


def measure(motion: Motion, spec: MotionSpec) -> Measured:
    joints = np.asarray(motion.joints, np.float64)
    limb = CLIP_BY_NAME[spec.parts[0]].limb
    return Measured(turn=turn_direction(joints), travel=travel_direction(joints),
                    side=active_side(joints, limb) if limb else None, upside=goes_upside_down(joints))


def make_motion(spec: MotionSpec, clips: dict[str, Motion], out: Path, video_size: int) -> tuple[Measured, int]:
    """Realise one spec: write motions/<id>.npy (and videos/<id>.mp4); return its measurements and length."""
    cyclic = {name: CLIP_BY_NAME[name].cyclic for name in clips}
    motion = realise(spec, clips, cyclic)
    save_motion(motion, out / "motions" / f"{spec.id}.npy")
    if spec.video:
        render_motion(motion, out / "videos" / f"{spec.id}.mp4", size=video_size)
    return measure(motion, spec), motion.num_frames


def questions_for(spec: MotionSpec, m: Measured, seed: int, index: int) -> tuple[list[Question], str]:
    """The QA pairs and the caption of one realised motion; phrasing drawn from a per-motion generator."""
    rng = np.random.default_rng([seed, index])
    clips = [CLIP_BY_NAME[name] for name in spec.parts]
    if len(clips) > 1:
        return order_questions(clips, rng), composition_caption(clips)
    clip, speed = clips[0], speed_class(spec.speed)
    ask_upside = m.upside == "yes" or rng.random() < UPSIDE_NO_RATE
    return single_clip_questions(clip, spec.reps, speed, m, rng, ask_upside), single_caption(clip, spec.reps, speed, m)


def to_records(spec: MotionSpec, qs: list[Question], caption: str, caption_q: str) -> tuple[list[Record], Record]:
    media = {"motion": f"motions/{spec.id}.npy", "video": f"videos/{spec.id}.mp4" if spec.video else None}
    source = {k: v for k, v in asdict(spec).items() if k not in ("id", "split", "video")}

    def record(rid: str, question: str, answer: str, task: str) -> Record:
        turns = (Turn("human", f"{MOTION_TOKEN}\n{question}"), Turn("gpt", answer))
        meta = {"task": task, "answer": answer, "motion_id": spec.id, "source": source}
        return Record(id=rid, conversations=turns, meta=meta, **media)

    qa = [record(f"{spec.id}_q{k}", q.question, q.answer, q.task) for k, q in enumerate(qs)]
    return qa, record(f"{spec.id}_caption", caption_q, caption, "caption")


def realise_all(specs: list[MotionSpec], clips: dict[str, Motion], out: Path, cfg: BuildConfig) -> list:
    needed = [{name: clips[name] for name in spec.parts} for spec in specs]
    if cfg.workers == 1:
        return [make_motion(spec, clip, out, cfg.video_size) for spec, clip in zip(specs, needed, strict=True)]
    # spawn, not fork: a forked child of a process whose torch/tokenizer thread pools hold locks can deadlock
    with ProcessPoolExecutor(cfg.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(make_motion, specs, needed, [out] * len(specs), [cfg.video_size] * len(specs),
                             chunksize=16))


def build_dataset(cfg: BuildConfig) -> Path:
    """Build MoCapQA into cfg.out (see the module docstring); returns the folder."""
    out = Path(cfg.out)
    if out.exists() and any(out.iterdir()) and not cfg.force:
        raise DataError(f"{out} exists and is not empty; choose another --out or pass --force to replace it")
    staging = out.with_name(f".{out.name}.building")
    shutil.rmtree(staging, ignore_errors=True)
    specs = plan(cfg)
    results = realise_all(specs, load_clips(), staging, cfg)
    records: dict[str, list[Record]] = {f"{kind}_{split}": [] for kind in ("qa", "captions")
                                        for split in ("train", "test")}
    for index, (spec, (measured, _)) in enumerate(zip(specs, results, strict=True)):
        qs, caption = questions_for(spec, measured, cfg.seed, index)
        caption_q = ask(np.random.default_rng([cfg.seed, index, 1]), "caption")
        qa, cap = to_records(spec, qs, caption, caption_q)
        records[f"qa_{spec.split}"].extend(qa)
        records[f"captions_{spec.split}"].append(cap)
    for name, recs in records.items():
        save_records(recs, staging / f"{name}.json")
    write_card(staging, cfg, specs, [frames for _, frames in results], records)
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    return out
