"""What a user may ask about, turned into a canonical Motion: a path (any motion file, or a video through the
Motion Estimator), a `Motion`, or an array in any shape `load_motion` accepts."""

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
class Subject:
    """The motion asked about (canonical, 20 fps) and the video it came from, if any."""

    motion: Motion
    video: Path | None = None


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

            return Subject(MotionEstimator().estimate(source), Path(source))
        return Subject(load_motion(source, fps=fps))
    raise MotionError(f"cannot ask about a {type(source).__name__}; accepted: a path ({ACCEPTED}, or a video "
                      f"{'/'.join(VIDEO_SUFFIXES)}), a Motion or a numpy array")
