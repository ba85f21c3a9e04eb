"""`llamo data estimate`: a QA folder's motions as the Motion Estimator gives them back from video.

    llamo data estimate --data data/mocapqa --share 1.0 --seed 0 --workers 2

Every test motion and a seeded share of the training motions are rendered as solid bodies (varied people,
scenes and cameras, by seed) and run through BlazePose once (video/render_estimate.py: cached, resumable). For
each record file F.json the same questions are written pointing at the estimated motion and the video: test
files → F_video.json (compare with F.json: true motion vs video through the estimator, same ids), train files →
F_estimated.json (a separate file that `llamo train --data` merges by its name). Skipped motions and the measured
seconds, detections and errors go to estimate.json. Layout: docs/data_format.md.
"""

import json
import multiprocessing
import time
import zlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath

from ..atomic import atomic_write
from ..errors import DataError
from ..video.render_estimate import EstimatorSettings, Job, Outcome, run_job
from .schema import Record, load_records, resolve_media, save_records

OUTPUT_SUFFIX = {"train": "_estimated", "test": "_video"}  # F.json → F<suffix>.json
FOLDER = "estimated"  # <rel motion path without suffix>.{mp4,npy,json} under it
SUMMARY = "estimate.json"
VIDEO_FPS = 20.0  # the canonical rate: one video frame per motion frame


@dataclass(frozen=True)
class EstimateConfig:
    """What `llamo data estimate` does to a dataset folder."""

    data: Path
    share: float = 1.0  # of the distinct training motions (all test motions too); 0.25 on MoCapQA: 926 of 2,500 videos
    seed: int = 0  # picks the training share and draws each video's person, scene and camera
    workers: int = 1  # processes
    size: int = 256  # video width and height (pixels)
    min_detected: float = 0.5  # a video with a person on fewer of its frames is skipped
    settings: EstimatorSettings = field(default_factory=EstimatorSettings)


def source_files(folder: Path) -> dict[str, list[Path]]:
    """Record files per split ("train", "test") by data.splits' naming rule, this command's own outputs left out;
    DataError when the folder has none."""
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder; --data takes a dataset folder with train/test record files")
    found = sorted(folder.glob("*.json"))
    ours = tuple(OUTPUT_SUFFIX.values())
    files = {split: [f for f in found if split in f.stem and not f.stem.endswith(ours)] for split in OUTPUT_SUFFIX}
    if not any(files.values()):
        raise DataError(f"{folder}: no record files among {[f.name for f in found]}; expected .json files whose "
                        "name contains 'train' or 'test' (e.g. qa_train.json, test.json), docs/data_format.md")
    return files


def _draw(seed: int, rel: str, purpose: str) -> int:
    """A number in 0..2**32-1 fixed by the seed and the motion's path alone: adding motions changes no draw."""
    return zlib.crc32(f"{seed}/{purpose}/{rel}".encode())


def chosen(rel: str, split: str, cfg: EstimateConfig) -> bool:
    return split == "test" or _draw(cfg.seed, rel, "share") < cfg.share * 2**32


def stem_of(rel: str) -> str:
    """Where a motion's derived files go, relative to the folder: estimated/<its path without suffix>."""
    return str(PurePosixPath(FOLDER) / PurePosixPath(rel).with_suffix(""))


def plan_jobs(folder: Path, files: dict[str, list[Path]], cfg: EstimateConfig) -> tuple[dict[str, Job], dict]:
    """One Job per distinct motion to estimate, keyed by its path relative to the folder, and the split each
    motion was first met in (a motion in both a train and a test file counts as test: test files come first)."""
    jobs: dict[str, Job] = {}
    split_of: dict[str, str] = {}
    for split in ("test", "train"):
        for path in files[split]:
            for record in load_records(path):
                if record.motion and record.motion not in jobs and chosen(record.motion, split, cfg):
                    jobs[record.motion] = Job(resolve_media(folder, record.motion, str(path)),
                                              folder / stem_of(record.motion), _draw(cfg.seed, record.motion, "video"),
                                              cfg.size, VIDEO_FPS, cfg.min_detected, cfg.settings)
                    split_of[record.motion] = split
    stems = Counter(stem_of(rel) for rel in jobs)
    clash = sorted(s for s, n in stems.items() if n > 1)
    if clash:
        raise DataError(f"{folder}: motion files differing only in suffix would share {clash[:5]}; rename them")
    return jobs, split_of


def _eta(done: int, total: int, start: float) -> str:
    seconds = (time.perf_counter() - start) / done * (total - done)
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


def run_jobs(jobs: dict[str, Job], workers: int, report: Callable[[str], None]) -> dict[str, Outcome]:
    """Run every job (in `workers` spawned processes when more than one), reporting each with an ETA."""
    outcomes: dict[str, Outcome] = {}
    start = time.perf_counter()

    def note(rel: str, outcome: Outcome) -> None:
        outcomes[rel] = outcome
        what = "cached" if outcome.cached else f"{outcome.render_s + outcome.estimate_s:.1f} s"
        status = outcome.reason or f"a person on {outcome.detected}/{outcome.frames} frames"
        report(f"[{len(outcomes)}/{len(jobs)}] {rel}: {status} ({what}), ETA {_eta(len(outcomes), len(jobs), start)}")

    if workers <= 1:
        for rel, job in jobs.items():
            note(rel, run_job(job))
        return outcomes
    # spawn, not fork: a forked child of a process whose thread pools hold locks can deadlock (data/build.py)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_job, job): rel for rel, job in jobs.items()}
        for future in as_completed(futures):
            note(futures[future], future.result())
    return outcomes


def estimated_records(path: Path, outcomes: dict[str, Outcome]) -> tuple[list[Record], Counter]:
    """The records of file `path` whose motion was estimated, pointing at the estimate and its video (the true
    motion kept in meta.true_motion), and why the others were left out (counts)."""
    kept, left = [], Counter()
    for record in load_records(path):
        outcome = outcomes.get(record.motion) if record.motion else None
        if outcome is None or outcome.reason is not None:
            left["no motion" if not record.motion else "not in the share" if outcome is None else "skipped"] += 1
            continue
        stem = stem_of(record.motion)
        kept.append(replace(record, motion=f"{stem}.npy", video=f"{stem}.mp4",
                            meta={**record.meta, "true_motion": record.motion}))
    return kept, left


def output_name(path: Path, split: str) -> Path:
    return path.with_name(f"{path.stem}{OUTPUT_SUFFIX[split]}.json")


def _median(values: list[float]) -> float | None:
    values = sorted(values)
    return None if not values else round((values[(len(values) - 1) // 2] + values[len(values) // 2]) / 2, 4)


def summarise(outcomes: dict[str, Outcome], split_of: dict[str, str], files: dict, cfg: EstimateConfig) -> dict:
    """estimate.json: counts, skipped motions and why, records per written file, seconds, detections, errors."""
    done = {rel: o for rel, o in outcomes.items() if o.reason is None}
    rendered = [o for o in outcomes.values() if o.render_s > 0]
    estimated = [o for o in outcomes.values() if o.estimate_s > 0]
    frames = sum(o.frames for o in estimated)
    per_second = {name: round(sum(getattr(o, f"{name}_s") for o in group) * VIDEO_FPS /
                              max(1, sum(o.frames for o in group)), 3)
                  for name, group in (("render", rendered), ("estimate", estimated))}
    errors = {split: {"motions": sum(split_of[r] == split for r in done),
                      "pose_median": _median([o.pose_error for r, o in done.items() if split_of[r] == split]),
                      "root_median": _median([o.root_error for r, o in done.items() if split_of[r] == split])}
              for split in ("test", "train")}
    return {
        "config": {**asdict(cfg), "data": str(cfg.data)},
        "motions": {"planned": len(outcomes), "estimated": len(done), "skipped": len(outcomes) - len(done),
                    "cached_this_run": sum(o.cached for o in outcomes.values()),
                    "camera_moves": sum(o.camera_moves for o in done.values())},
        "skipped": {rel: o.reason for rel, o in sorted(outcomes.items()) if o.reason is not None},
        "files": files,
        "seconds_per_video": {"render": _median([o.render_s for o in rendered]),
                              "estimate": _median([o.estimate_s for o in estimated])},
        "seconds_per_video_second": per_second,
        "frames_with_person": round(sum(o.detected for o in estimated) / max(1, frames), 4),
        "error_body_heights": errors,
    }


def estimate_folder(cfg: EstimateConfig, report: Callable[[str], None] = print) -> dict:
    """Render, estimate and write the record files and estimate.json into cfg.data (module docstring); returns
    the summary. Run again to resume or to pick up changed motions, videos or settings."""
    folder = Path(cfg.data)
    if not 0.0 <= cfg.share <= 1.0 or not 0.0 <= cfg.min_detected <= 1.0 or cfg.size < 32:
        raise DataError(f"share ({cfg.share}) and min_detected ({cfg.min_detected}) must lie in 0..1 and size "
                        f"({cfg.size}) be at least 32 pixels")
    files = source_files(folder)
    jobs, split_of = plan_jobs(folder, files, cfg)
    tests = sum(s == "test" for s in split_of.values())
    report(f"{folder}: {len(jobs)} motions to render and estimate ({tests} test, {len(split_of) - tests} train)")
    outcomes = run_jobs(jobs, cfg.workers, report)
    written = {}
    for split, paths in files.items():
        for path in paths:
            records, left = estimated_records(path, outcomes)
            out = output_name(path, split)
            if records:
                save_records(records, out)
            else:
                out.unlink(missing_ok=True)  # no stale file from an earlier run stays behind
            written[out.name] = {"from": path.name, "records": len(records), "left_out": dict(left)}
    summary = summarise(outcomes, split_of, written, cfg)
    text = json.dumps(summary, indent=1, sort_keys=False) + "\n"
    atomic_write(folder / SUMMARY, lambda f: f.write(text.encode()))
    return summary
