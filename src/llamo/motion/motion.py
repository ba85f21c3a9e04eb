"""`Motion`: the one canonical motion every source converts into, validated on construction.

joints: float32 [T, J=22, 3], SMPL/HumanML3D order (skeleton.py), y-up, metres; fps: frames per second
(20 once a reader is done; other rates exist only between a reader and its resampling); source_fps: the
frame rate of the file the motion was read from (None when unknown), kept through resampling.
"""

from dataclasses import dataclass

import numpy as np

from ..errors import MotionError
from .skeleton import NUM_JOINTS

CANONICAL_FPS = 20.0
# A human body (a standing adult ~1.7 m, a curled roll ~0.6 m) spans this many metres in its median frame.
BODY_SIZE_RANGE = (0.3, 3.5)


def body_size(joints: np.ndarray) -> float:
    """Median over frames of the joints' bounding-box diagonal, in the array's units. joints: [T, J, 3]."""
    extent = joints.max(axis=1) - joints.min(axis=1)  # [T, 3]
    return float(np.median(np.linalg.norm(extent, axis=-1)))


def check_joints(joints: np.ndarray, source: str = "motion") -> np.ndarray:
    """Return `joints` as float32 [T, 22, 3] or raise MotionError saying what is wrong and what is accepted."""
    joints = np.asarray(joints)
    if joints.ndim != 3 or joints.shape[1:] != (NUM_JOINTS, 3):
        raise MotionError(
            f"{source}: joints have shape {joints.shape}; expected (T, {NUM_JOINTS}, 3) "
            "(T frames of the 22 SMPL/HumanML3D joints, xyz in metres)"
        )
    if not np.issubdtype(joints.dtype, np.number):
        raise MotionError(f"{source}: joints have dtype {joints.dtype}; expected a float array")
    if joints.shape[0] < 2:
        raise MotionError(f"{source}: {joints.shape[0]} frame(s); a motion needs at least 2 frames")
    bad = ~np.isfinite(joints)
    if bad.any():
        frames = np.unique(np.nonzero(bad)[0])
        raise MotionError(
            f"{source}: {int(bad.sum())} NaN/Inf values in frames {frames[:10].tolist()}"
            f"{' ...' if len(frames) > 10 else ''}; fill or cut those frames first"
        )
    size = body_size(joints)
    low, high = BODY_SIZE_RANGE
    if not low <= size <= high:
        hint = "check the units and pass a scale factor"
        if size > 1000 * low:
            hint = "it looks like millimetres (divide by 1000)"
        elif size > 100 * low:
            hint = "it looks like centimetres (divide by 100)"
        raise MotionError(
            f"{source}: the body spans {size:.3g} units per frame; expected {low}-{high} metres; {hint}"
        )
    return joints.astype(np.float32, copy=False)


@dataclass(frozen=True)
class Motion:
    """A validated motion. joints: float32 [T, 22, 3] (y-up, metres); fps: frames per second of `joints`;
    source_fps: the source file's own frame rate (None: unknown, or the file was canonical already)."""

    joints: np.ndarray
    fps: float = CANONICAL_FPS
    source_fps: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "joints", check_joints(self.joints))
        if not (np.isfinite(self.fps) and self.fps > 0):
            raise MotionError(f"fps must be a positive number, got {self.fps!r}")
        if self.source_fps is not None and not (np.isfinite(self.source_fps) and self.source_fps > 0):
            raise MotionError(f"source_fps must be a positive number or None (unknown), got {self.source_fps!r}")
        self.joints.flags.writeable = False

    @property
    def num_frames(self) -> int:
        return int(self.joints.shape[0])

    @property
    def duration(self) -> float:
        """Seconds from the first to the last frame."""
        return (self.num_frames - 1) / self.fps

    def with_joints(self, joints: np.ndarray) -> "Motion":
        """A new Motion at the same fps, from the same source rate."""
        return Motion(joints, self.fps, self.source_fps)
