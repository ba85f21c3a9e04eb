"""What a user may ask about, turned into a canonical Motion: a path (any motion file, or a video through the
Motion Estimator), a `Motion`, or an array in any shape `load_motion` accepts. A Subject also keeps the frame
numbering the user knows (`Clock`: the video's own frames for a video, else the motion's), so the chosen motion
frames can be reported in it (`clock_frames`)."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import MotionError
from ..motion.io import ACCEPTED, load_motion, motion_from_array
from ..motion.motion import CANONICAL_FPS, Motion
from ..motion.transforms import resample

VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm")
MotionSource = str | Path | Motion | np.ndarray


@dataclass(frozen=True)
class Clock:
    """A frame numbering: frames 0..num_frames-1 at `fps` (a video's own, or the canonical motion's)."""

    fps: float
    num_frames: int


def clock_frames(frames: Sequence[int], motion_fps: float, clock: Clock) -> list[int]:
    """Canonical motion frame indices → frame numbers on `clock`, matched by time: round(t · clock.fps) with
    t = frame / motion_fps, clamped to the clock's last frame; sorted and unique. On the motion's own clock this
    is the identity (sorted). The CLI, the Python API and the server all number chosen frames with this."""
    last = clock.num_frames - 1
    return sorted({min(max(round(f / motion_fps * clock.fps), 0), last) for f in frames})


@dataclass(frozen=True)
class Subject:
    """The motion asked about (canonical, 20 fps), the video it came from (if any) and that video's clock."""

    motion: Motion
    video: Path | None = None
    video_clock: Clock | None = None

    @property
    def clock(self) -> Clock:
        """How the user numbers frames: the video's own frames for a video, the motion's otherwise."""
        return self.video_clock or Clock(self.motion.fps, self.motion.num_frames)


def is_video(path: str | Path) -> bool:
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def to_subject(source: MotionSource, fps: float | None = None) -> Subject:
    """Any accepted source → Subject. fps: the frame rate of arrays or files that do not store one."""
    if isinstance(source, Motion):
        return Subject(resample(source, CANONICAL_FPS))
    if isinstance(source, np.ndarray):
        return Subject(motion_from_array(source, "array", fps))
    if isinstance(source, (str, Path)):
        if is_video(source):
            from ..video.estimator import MotionEstimator
            from ..video.io import probe_video

            return Subject(MotionEstimator().estimate(source), Path(source), Clock(*probe_video(source)))
        return Subject(load_motion(source, fps=fps))
    raise MotionError(f"cannot ask about a {type(source).__name__}; accepted: a path ({ACCEPTED}, or a video "
                      f"{'/'.join(VIDEO_SUFFIXES)}), a Motion or a numpy array")
