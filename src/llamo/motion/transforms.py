"""Explicit transforms on canonical motion: resampling, axes, scale, heading, mirroring, rotation, concatenation.

Pure functions; each returns a new array or `Motion`. Shapes: T frames, J=22 joints; angles in radians,
a rotation by +a about the y axis turns the facing direction +z towards +x.
"""

import numpy as np

from ..errors import MotionError
from .motion import CANONICAL_FPS, Motion
from .skeleton import L_HIP, L_SHOULDER, MIRROR, R_HIP, R_SHOULDER

# Source up-axis conventions → rotation into y-up. Each matrix is a proper rotation (det +1).
UP_AXES: dict[str, np.ndarray] = {
    "y": np.eye(3),
    # AMASS / BABEL, as HumanML3D converts it: (x, y, z) → (-x, z, y).
    "z": np.array([[-1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]),
    # Image-style y-down (BlazePose world landmarks): (x, y, z) → (x, -y, -z).
    "-y": np.diag([1.0, -1.0, -1.0]),
}


def to_y_up(points: np.ndarray, up: str) -> np.ndarray:
    """Rotate points [..., 3] whose up axis is `up` ("y", "z" or "-y") into the y-up frame."""
    if up not in UP_AXES:
        raise MotionError(f"unknown up axis {up!r}; accepted: {sorted(UP_AXES)}")
    return points @ UP_AXES[up].T


def y_rotation(angle: np.ndarray | float) -> np.ndarray:
    """Rotation matrices about +y: [..., 3, 3] for angles [...]; maps +z to (sin a, 0, cos a)."""
    c, s = np.cos(angle), np.sin(angle)
    zero, one = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, zero, s], -1), np.stack([zero, one, zero], -1), np.stack([-s, zero, c], -1)], -2)


def forward_direction(joints: np.ndarray) -> np.ndarray:
    """Unit horizontal facing vectors [..., 3] from hips and shoulders [..., J, 3] (HumanML3D's definition)."""
    across = joints[..., R_HIP, :] - joints[..., L_HIP, :] + joints[..., R_SHOULDER, :] - joints[..., L_SHOULDER, :]
    forward = np.cross(np.array([0.0, 1.0, 0.0]), across)
    forward[..., 1] = 0.0
    norm = np.linalg.norm(forward, axis=-1, keepdims=True)
    return forward / np.maximum(norm, 1e-8)


def heading(joints: np.ndarray) -> np.ndarray:
    """Facing angle [...] about +y (0 = facing +z) of poses [..., J, 3]."""
    forward = forward_direction(joints)
    return np.arctan2(forward[..., 0], forward[..., 2])


def resample(motion: Motion, fps: float = CANONICAL_FPS) -> Motion:
    """Linearly interpolate joints to `fps`, keeping the duration (the last frame lands on or before the end)
    and `source_fps`."""
    if fps <= 0:
        raise MotionError(f"target fps must be positive, got {fps}")
    if np.isclose(fps, motion.fps):
        return Motion(motion.joints, fps, motion.source_fps)
    source_t = np.arange(motion.num_frames) / motion.fps
    target_t = np.arange(int(np.floor(motion.duration * fps + 1e-6)) + 1) / fps
    return Motion(interpolate_frames(motion.joints, source_t, target_t), fps, motion.source_fps)


def interpolate_frames(joints: np.ndarray, source_t: np.ndarray, target_t: np.ndarray) -> np.ndarray:
    """Linear interpolation of joints [T, J, 3] sampled at times source_t [T] onto target_t [T'] → [T', J, 3]."""
    idx = np.clip(np.searchsorted(source_t, target_t, side="right") - 1, 0, len(source_t) - 2)
    span = source_t[idx + 1] - source_t[idx]
    w = np.clip((target_t - source_t[idx]) / np.where(span > 0, span, 1.0), 0.0, 1.0)[:, None, None]
    return ((1.0 - w) * joints[idx] + w * joints[idx + 1]).astype(np.float32)


def smooth_in_time(joints: np.ndarray, sigma: float) -> np.ndarray:
    """joints [T, ...] filtered along time by a Gaussian of `sigma` frames (3-sigma taps, the first and last frame
    repeated past the ends, as scipy's gaussian_filter1d mode="nearest"); [T, ...]. sigma ≤ 0: unchanged."""
    half = int(np.ceil(3 * sigma)) if sigma > 0 else 0
    if half == 0 or len(joints) < 2:
        return joints
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)  # [2*half+1]
    padded = np.pad(joints, [(half, half)] + [(0, 0)] * (joints.ndim - 1), mode="edge")  # [T + 2*half, ...]
    smoothed = sum(w * padded[k : k + len(joints)] for k, w in enumerate(kernel / kernel.sum()))
    return smoothed.astype(joints.dtype)


def change_speed(motion: Motion, factor: float) -> Motion:
    """Play `factor` times faster (factor > 1 → fewer frames) at the same fps."""
    if factor <= 0:
        raise MotionError(f"speed factor must be positive, got {factor}")
    return resample(Motion(motion.joints, motion.fps * factor, motion.source_fps), motion.fps)


def rescale(motion: Motion, factor: float) -> Motion:
    """Multiply every coordinate by `factor` (e.g. 0.01 for centimetres → metres)."""
    return motion.with_joints(np.asarray(motion.joints, np.float64) * factor)


def rotate(motion: Motion, angle: float) -> Motion:
    """Rotate about the vertical axis through the origin by `angle` radians."""
    return motion.with_joints(motion.joints @ y_rotation(angle).T)


def mirror(motion: Motion) -> Motion:
    """Reflect x → -x and swap left/right joints, so a left kick becomes a right kick. mirror∘mirror = id."""
    joints = motion.joints[:, MIRROR] * np.array([-1.0, 1.0, 1.0], np.float32)
    return motion.with_joints(joints)


def reverse(motion: Motion) -> Motion:
    """Play backwards in time."""
    return motion.with_joints(motion.joints[::-1].copy())


def canonicalize(motion: Motion) -> Motion:
    """Floor at y=0 (lowest joint over the clip), first-frame root at x=z=0, first frame facing +z."""
    joints = np.asarray(motion.joints, np.float64)
    joints = joints - np.array([joints[0, 0, 0], joints.min(axis=(0, 1))[1], joints[0, 0, 2]])
    return motion.with_joints(joints @ y_rotation(-heading(joints[0])).T)


def place_at(anchor: np.ndarray, following: np.ndarray) -> np.ndarray:
    """Move `following` [T, J, 3] rigidly (about y) so its first frame has the root xz and heading of
    `anchor` [J, 3]."""
    turn = heading(anchor) - heading(following[0])
    moved = (following - following[0, 0] * np.array([1.0, 0.0, 1.0])) @ y_rotation(turn).T
    return moved + anchor[0] * np.array([1.0, 0.0, 1.0])


def concatenate(motions: list[Motion], blend_frames: int = 6) -> Motion:
    """Join motions end to start. Each next motion is moved to start where the previous one's last
    `blend_frames` frames start, and the two are cross-faded over those frames (so each join is that much shorter)."""
    if not motions:
        raise MotionError("concatenate needs at least one motion")
    if len({m.fps for m in motions}) != 1:
        raise MotionError(f"concatenate needs one frame rate, got {sorted({m.fps for m in motions})}")
    joints = np.asarray(motions[0].joints, np.float64)
    for following in motions[1:]:
        n = max(1, min(blend_frames, len(joints) - 1, following.num_frames - 1))
        nxt = place_at(joints[-n], np.asarray(following.joints, np.float64))
        w = np.linspace(0.0, 1.0, n)[:, None, None]  # [n, 1, 1]: 0 keeps the previous frame, 1 the next
        blended = (1.0 - w) * joints[-n:] + w * nxt[:n]
        joints = np.concatenate([joints[:-n], blended, nxt[n:]])
    sources = {m.source_fps for m in motions}
    return Motion(joints, motions[0].fps, sources.pop() if len(sources) == 1 else None)
